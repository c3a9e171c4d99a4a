//! Parts of a page that only the server renders: the session list on
//! `/settings/sessions`, the accounts on `/settings/admin`, the way there on
//! `/settings` for administrators. The server reads
//! their data with the chat's (`ChatSnapshot::server_part`, JSON text the
//! page's decoder never reads) and renders them in the HTML, plain forms
//! and all; the browser hydrates their element empty and leaves the
//! server's children in it, so the WebAssembly holds none of their code or
//! data. Such a page is always loaded from the server: links to it are
//! `rel="external"`, and a visit routed in the page reloads it.

use leptos::prelude::*;

/// The server-rendered part's data, when the chat was loaded on its page.
/// Only the server reads it.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct ServerPart(pub Option<String>);

/// The part's data, as the server read it for this page.
#[cfg(feature = "ssr")]
pub fn server_part<T: serde::de::DeserializeOwned>() -> Option<T> {
    use_context::<ServerPart>()
        .and_then(|part| part.0)
        .and_then(|json| serde_json::from_str(&json).ok())
}

/// In the browser, the part's element without its children: hydration
/// takes the element and leaves inside it what the server rendered. If the
/// server did not render it (the page was routed to in the browser) and
/// `needed`, the page is loaded from the server.
#[cfg(not(feature = "ssr"))]
pub fn browser_slot(class: &'static str, needed: bool) -> impl IntoView {
    let slot = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        if needed && slot.get().is_some_and(|el| el.child_element_count() == 0) {
            let _ = window().location().reload();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = needed;
    view! { <div class=class node_ref=slot></div> }
}
