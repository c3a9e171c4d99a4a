//! Searching as the user types, for the dialogs that list results.

use std::future::Future;

use leptos::prelude::*;

use crate::chat::{
    link::{Link, LinkError},
    time::sleep,
};

/// How long typing must pause before the query is sent: a search per
/// keystroke would spend a fast typist's request allowance (the server's
/// `--rate-browse` and `--rate-find-users`) within one word.
const PAUSE_MS: u32 = 150;

/// The results of a live search and its last error.
#[derive(Clone, Copy)]
pub struct Search<T: Send + Sync + 'static> {
    pub query: RwSignal<String>,
    pub results: RwSignal<Vec<T>>,
    pub error: RwSignal<Option<String>>,
}

impl<T: Send + Sync + 'static> Search<T> {
    /// Calls `fetch` whenever the dialog is open and the query changes and
    /// typing pauses; the answer to the latest query wins.
    pub fn new<F>(link: Link, open: RwSignal<bool>, fetch: fn(Link, String) -> F) -> Self
    where
        F: Future<Output = Result<Vec<T>, LinkError>> + 'static,
    {
        let search = Self {
            query: RwSignal::new(String::new()),
            results: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
        };
        let latest = StoredValue::new(0u64);
        Effect::new(move || {
            let (open, query) = (open.get(), search.query.get());
            if !open {
                return;
            }
            let this = latest.with_value(|n| n + 1);
            latest.set_value(this);
            let link = link.clone();
            leptos::task::spawn_local(async move {
                if !query.is_empty() {
                    sleep(PAUSE_MS).await;
                    if latest.get_value() != this {
                        return;
                    }
                }
                let answer = fetch(link, query).await;
                if latest.get_value() != this {
                    return;
                }
                match answer {
                    Ok(results) => {
                        search.results.set(results);
                        search.error.set(None);
                    }
                    Err(refused) => search.error.set(Some(refused.to_string())),
                }
            });
        });
        search
    }
}

/// The labelled search box a dialog filters its list with.
#[component]
pub fn SearchField(
    /// The input's id, for its label.
    id: &'static str,
    label: &'static str,
    query: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="search"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |event| query.set(event_target_value(&event))
            />
        </div>
    }
}
