//! The HTML document around the app, and the routes.
//!
//! Every route renders with [`SsrMode::Async`]: the server waits for the
//! page's data and sends complete HTML, so a page is readable before (or
//! without) the WebAssembly, and hydration takes over without a second fetch.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Html, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, Lazy, SsrMode,
};

use crate::{
    auth::{LoginRoute, SignupRoute},
    chat::{ChannelRoute, ChatShell, DeleteRoute, MentionsRoute, SearchRoute, SettingsRoute},
    not_found::NotFound,
    theme::provide_theme,
};

/// The whole HTML document; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="banter" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The document's title for a page called `page`: "General · Banter".
pub fn page_title(page: String) -> String {
    match page.is_empty() {
        true => "Banter".to_owned(),
        false => format!("{page} · Banter"),
    }
}

/// The application: everything inside `<body>`.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let theme = provide_theme();

    // Effects run only in the browser, so this marks the document once the
    // WebAssembly has taken over the server-rendered page.
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));

    view! {
        <Html
            {..}
            data-theme=move || theme.chosen().map(|t| t.as_str())
            data-hydrated=move || hydrated.get().then_some("true")
        />

        <Title formatter=page_title />
        <Router>
            <Routes fallback=NotFound>
                <ParentRoute path=path!("") view=ChatShell ssr=SsrMode::Async>
                    <Route path=path!("") view=ChannelRoute ssr=SsrMode::Async />
                    <Route path=path!("c/:id") view=ChannelRoute ssr=SsrMode::Async />
                    <Route path=path!("mentions") view={Lazy::<MentionsRoute>::new()}
                        ssr=SsrMode::Async />
                    <Route path=path!("settings") view={Lazy::<SettingsRoute>::new()}
                        ssr=SsrMode::Async />
                    // `/settings/sessions` (a parameter, not a second static
                    // segment: that shape of path is matched by code the page
                    // holds already, for `c/:id`).
                    <Route path=path!("settings/:section") view={Lazy::<SettingsRoute>::new()}
                        ssr=SsrMode::Async />
                    <Route path=path!("search") view={Lazy::<SearchRoute>::new()}
                        ssr=SsrMode::Async />
                </ParentRoute>
                // Pages the chat never shows: their code loads when they
                // are visited (app/src/split.rs).
                <Route path=path!("c/:id/delete/:message") view={Lazy::<DeleteRoute>::new()}
                    ssr=SsrMode::Async />
                <Route path=path!("login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("signup") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async />

            </Routes>
        </Router>
    }
}
