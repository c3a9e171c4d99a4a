//! `/search`: the messages the reader may read that match a query, newest
//! (or best) first, each linking to where it stands in its channel.
//!
//! The server renders the results with the page (`SearchSlot` and
//! `search_results.rs`), so the page works without JavaScript; the browser
//! holds none of their code or data: hydration leaves the server's results
//! as they are. As the reader types (or changes the order), the page
//! asks the server for the results again as HTML, at [`RESULTS_PATH`],
//! puts them in place and keeps the address in step (`live`). The query
//! is read only on the server (`app::search`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use reactive_stores::Store;

use super::{
    sidebar::MenuButton,
    state::{Chat, ChatStoreFields},
};

/// Where the page is.
pub const SEARCH_PATH: &str = "/search";
/// Where the browser fetches the results alone, as HTML, with the page's
/// own query.
pub const RESULTS_PATH: &str = "/search/results";
/// The ids of the query's box and of the element the results go in.
const QUERY_ID: &str = "search-query";
const SLOT_ID: &str = "search-results";

crate::split_route!(
    /// The route of [`SearchPage`], whose code loads when it is visited.
    pub SearchRoute, search_page => SearchPage
);

/// The page.
#[component]
pub fn SearchPage() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    // No channel is open here: messages arriving anywhere count as unread.
    Effect::new(move || chat.open().set(None));
    let query = use_location().query.get_untracked();
    let q = query.get("q").unwrap_or_default();
    let relevance = query.get("sort").as_deref() == Some("relevance");
    let title = match q.trim() {
        "" => "Search".to_owned(),
        q => format!("{q} – Search"),
    };
    let input = NodeRef::<leptos::html::Input>::new();
    let sort = NodeRef::<leptos::html::Select>::new();
    let changed = move || live::changed(input, sort);
    view! {
        <Title text=title />
        <main class="channel-view search-view" id="main">
            <header class="channel-header">
                <MenuButton />
                <h1>"Search"</h1>
            </header>
            <form class="search-form" role="search" action=SEARCH_PATH>
                <label for=QUERY_ID>"Search messages"</label>
                <div class="search-row">
                    <input
                        type="search"
                        id=QUERY_ID
                        name="q"
                        value=q.clone()
                        maxlength="256"
                        autocomplete="off"
                        node_ref=input
                        on:input=move |_| changed()
                    />
                    <label class="search-sort">
                        <span>"Order"</span>
                        <select name="sort" node_ref=sort on:change=move |_| changed()>
                            <option value="newest">"Newest first"</option>
                            <option value="relevance" selected=relevance>"Best match"</option>
                        </select>
                    </label>
                    <button type="submit" class="button primary">"Search"</button>
                </div>
            </form>
            <SearchSlot q relevance />
        </main>
    }
}

/// On the server, the results.
#[cfg(feature = "ssr")]
#[component]
fn SearchSlot(q: String, relevance: bool) -> impl IntoView {
    use super::{search_results::SearchResultsView, time::TimeZone};
    use crate::search::SearchForm;

    let _ = (q, relevance);
    let offset = expect_context::<TimeZone>().0.get_untracked();
    let form = use_context::<http::request::Parts>()
        .map(|request| SearchForm::from_query(request.uri.query().unwrap_or("")))
        .unwrap_or_default();
    let results = move || {
        let form = form.clone();
        Suspend::new(async move {
            let outcome = match crate::backend::request_context() {
                Ok((backend, request)) => backend.search(&request, &form, offset).await,
                Err(_) => Err(crate::search::SearchRefusal::Unavailable),
            };
            if let (Err(refusal), Some(response)) =
                (&outcome, use_context::<leptos_axum::ResponseOptions>())
            {
                response.set_status(refusal.status());
            }
            view! { <SearchResultsView form outcome offset /> }
        })
    };
    view! {
        <div class="search-slot" id=SLOT_ID aria-live="polite">
            <Suspense>{results}</Suspense>
        </div>
    }
}

/// In the browser, the same element without its children: hydration leaves
/// the server's results in it. If the server did not render it (the page
/// was routed to in the browser), the results of `q` are fetched.
#[cfg(not(feature = "ssr"))]
#[component]
fn SearchSlot(q: String, relevance: bool) -> impl IntoView {
    let slot = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move || {
        if slot.get().is_some_and(|el| el.child_element_count() == 0) {
            let sort = if relevance { "relevance" } else { "newest" };
            live::refresh_now(q.clone(), sort);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (q, relevance);
    view! { <div class="search-slot" id=SLOT_ID aria-live="polite" node_ref=slot></div> }
}

/// Searching as the reader types.
mod live {
    use leptos::prelude::*;

    /// How long typing must pause before the results are asked for again
    /// (each search counts against the reader's `--rate-search`).
    #[cfg(feature = "hydrate")]
    const PAUSE_MS: u32 = 250;

    #[cfg(feature = "hydrate")]
    thread_local! {
        /// The latest search started: an answer to an earlier one is
        /// dropped.
        static GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// The query or the order changed: the results follow once typing
    /// pauses.
    pub fn changed(input: NodeRef<leptos::html::Input>, sort: NodeRef<leptos::html::Select>) {
        #[cfg(feature = "hydrate")]
        {
            let (Some(input), Some(sort)) = (input.get_untracked(), sort.get_untracked()) else {
                return;
            };
            let latest = next_generation();
            leptos::task::spawn_local(async move {
                super::super::time::sleep(PAUSE_MS).await;
                if generation() == latest {
                    refresh(&input.value(), &sort.value(), latest).await;
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (input, sort);
    }

    /// Fetches the results of `q` in the order `sort` at once.
    #[cfg(feature = "hydrate")]
    pub fn refresh_now(q: String, sort: &'static str) {
        let latest = next_generation();
        leptos::task::spawn_local(async move { refresh(&q, sort, latest).await });
    }

    #[cfg(feature = "hydrate")]
    fn next_generation() -> u64 {
        GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        })
    }

    #[cfg(feature = "hydrate")]
    fn generation() -> u64 {
        GENERATION.with(std::cell::Cell::get)
    }

    /// Shows the results of `q` in the order `sort`, and puts them in the
    /// address (replacing it: each pause in typing is no page to go back
    /// to).
    #[cfg(feature = "hydrate")]
    async fn refresh(q: &str, sort: &str, latest: u64) {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", q);
        if sort == "relevance" {
            query.append_pair("sort", sort);
        }
        let query = query.finish();
        let page = format!("{}?{query}", super::SEARCH_PATH);
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page));
        }
        fetch_into_slot(&query, latest).await;
    }

    /// Fetches the results of `query` as HTML and puts them in the slot,
    /// unless a later search started meanwhile. A failure says so there.
    #[cfg(feature = "hydrate")]
    async fn fetch_into_slot(query: &str, latest: u64) {
        use wasm_bindgen::JsCast;
        let url = format!("{}?{query}", super::RESULTS_PATH);
        let html = async {
            let response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(&url))
                .await
                .ok()?
                .dyn_into::<web_sys::Response>()
                .ok()?;
            let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
                .await
                .ok()?;
            text.as_string()
        }
        .await;
        if generation() != latest {
            return;
        }
        let html = html.unwrap_or_else(|| {
            r#"<p class="search-error" role="alert">Could not reach the server. The results will come back when it answers.</p>"#
                .to_owned()
        });
        if let Some(slot) = document().get_element_by_id(super::SLOT_ID) {
            slot.set_inner_html(&html);
        }
    }
}
