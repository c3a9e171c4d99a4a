//! Views whose code the browser downloads the first time they are wanted,
//! not with the page: dialogs and other rarely opened parts, which would
//! otherwise make every visitor wait for WebAssembly most never run.
//!
//! [`split_view!`] declares a function that returns a view to come
//! ([`SplitView`]). In the release WebAssembly (built with
//! `--cfg banter_split` and `cargo leptos --split`, see
//! `scripts/wasm-toolchain.sh`) its body is a Leptos `#[lazy]` function: its
//! code, and whatever only it uses, goes into a chunk of its own, fetched on
//! the first call or ahead by `preload`. A chunk that fails to download
//! (the network drops, the server restarts) is fetched again until it
//! arrives, and the view waits meanwhile: the loader cargo-leptos writes
//! would make the page trap instead, and `scripts/finish-site` marks it
//! after every build. Everywhere else (the server, debug
//! builds and `cargo leptos watch`) it is a plain `async` block, so nothing
//! else needs the splitting tools. [`Deferred`] shows such a view from the
//! first time it is wanted on, and preloads it once the browser is idle;
//! [`split_route!`] makes one a whole page, a lazy route.

use std::{future::Future, pin::Pin, sync::Arc};

use leptos::prelude::*;

/// A view on its way: its chunk being fetched, in a split build.
pub type SplitView = Pin<Box<dyn Future<Output = AnyView>>>;

/// A split view's chunk being fetched ahead of its first use.
pub type Preload = Pin<Box<dyn Future<Output = ()>>>;

/// `split_view!(pub fn name(arg: Type, ...) { view })` declares
/// `fn name(arg: Type, ...) -> SplitView`, whose body is split into a chunk
/// of its own in the release WebAssembly, and `name::preload()`, which
/// fetches that chunk without showing anything.
#[macro_export]
macro_rules! split_view {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) -> $crate::split::SplitView {
            ::std::boxed::Box::pin($name::load($($arg),*))
        }

        #[doc(hidden)]
        #[allow(clippy::module_inception)]
        $vis mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[cfg(all(feature = "hydrate", banter_split))]
            #[::leptos::lazy($name)]
            pub fn load($($arg: $ty),*) -> ::leptos::prelude::AnyView $body

            // Not every split view is fetched ahead.
            #[cfg(all(feature = "hydrate", banter_split))]
            #[allow(dead_code)]
            pub fn preload() -> $crate::split::Preload {
                ::std::boxed::Box::pin(__preload_load())
            }

            #[cfg(not(all(feature = "hydrate", banter_split)))]
            pub async fn load($($arg: $ty),*) -> ::leptos::prelude::AnyView $body

            #[cfg(not(all(feature = "hydrate", banter_split)))]
            #[allow(dead_code)]
            pub fn preload() -> $crate::split::Preload {
                ::std::boxed::Box::pin(async {})
            }
        }
    };
}

/// `split_route!(pub Name, load => Page)` declares `Name`, a route view for
/// `<Route view={Lazy::<Name>::new()}>` that shows the component `Page`
/// from a chunk of its own: for pages the chat never shows (signing in, the
/// plain-form pages), whose code would otherwise load with every page.
/// `load` names the [`split_view!`] function that holds it.
#[macro_export]
macro_rules! split_route {
    ($(#[$meta:meta])* $vis:vis $route:ident, $load:ident => $page:ident) => {
        $crate::split_view!(fn $load() {
            ::leptos::prelude::IntoAny::into_any($page())
        });

        $(#[$meta])*
        $vis struct $route;

        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_: Self) -> impl ::std::future::Future<Output = ::leptos::prelude::AnyView> {
                $load()
            }

            fn preload() -> impl ::std::future::Future<Output = ()> {
                $load::preload()
            }
        }
    };
}

/// Shows what `view` loads from the first time `when` is true on, and
/// nothing before (nor on the server): a dialog is fetched when first
/// opened, then stays mounted, so that it keeps its state and opens at once
/// the next time. Its chunk is fetched ahead, once the browser is idle after
/// the page is up, so that even the first opening need not wait for it.
#[component]
pub fn Deferred(
    /// Whether the view is wanted yet.
    #[prop(into)]
    when: Signal<bool>,
    /// Loads the view (a [`split_view!`] function).
    view: impl Fn() -> SplitView + Send + Sync + 'static,
    /// Fetches its chunk (the function's `preload`).
    preload: fn() -> Preload,
) -> impl IntoView {
    deferred(when, Arc::new(view), preload)
}

/// [`Deferred`]'s work, compiled once rather than for every view.
fn deferred(
    when: Signal<bool>,
    view: Arc<dyn Fn() -> SplitView + Send + Sync>,
    preload: fn() -> Preload,
) -> impl IntoView {
    let wanted = RwSignal::new(false);
    Effect::new(move || {
        if when.get() && !wanted.get_untracked() {
            wanted.set(true);
        }
    });
    // Effects run in the browser only, once the page is hydrated.
    Effect::new(move || request_idle_callback(move || leptos::task::spawn_local(preload())));
    // A boundary of its own: while the chunk loads, only this waits, not
    // the page around it (the nearest boundary outside would take the whole
    // chat off the page and put it back, focus and scroll lost).
    view! {
        <Suspense>
            {move || {
                wanted
                    .get()
                    .then(|| Suspend::new(send_wrapper::SendWrapper::new(view())))
            }}
        </Suspense>
    }
}

/// Shows a split view at once, once its chunk is there (nothing until
/// then). This is [`Deferred`] wanted from the start, which compiles to
/// the same code; `preload` is as for it.
pub fn shown(
    view: impl Fn() -> SplitView + Send + Sync + 'static,
    preload: fn() -> Preload,
) -> impl IntoView {
    deferred(Signal::from(true), Arc::new(view), preload)
}
