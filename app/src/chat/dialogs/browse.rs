//! Browsing and searching public channels, and joining one.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use reactive_stores::Store;

use super::{
    enter_channel,
    modal::Modal,
    search::{Search, SearchField},
};
use crate::{
    chat::{link::Link, state::Chat},
    protocol::DirectoryEntry,
};

#[component]
pub fn BrowseChannelsDialog(open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let Search {
        query,
        results,
        error,
    } = Search::new(link.clone(), open, |link, query| async move {
        link.browse_channels(query).await
    });

    let navigate = use_navigate();
    let join = move |entry: DirectoryEntry| {
        let (link, navigate) = (link.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            let id = entry.id;
            let answer = link.join_channel(id).await;
            enter_channel(answer, chat, open, error, navigate);
        });
    };

    view! {
        <Modal open title="Browse channels">
            <SearchField id="browse-query" label="Search channels" query />
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ul class="result-list">
                <For each=move || results.get() key=|entry| entry.clone() let:entry>
                    {
                        let join = join.clone();
                        let label = if entry.joined { "Open" } else { "Join" };
                        let members = match entry.members {
                            1 => "1 member".to_owned(),
                            n => format!("{n} members"),
                        };
                        let topic = (!entry.topic.is_empty()).then(|| entry.topic.clone());
                        let name = entry.name.clone();
                        view! {
                            <li class="result">
                                <span class="result-name">{name.clone()}</span>
                                <span class="result-meta">{members}</span>
                                {topic.map(|topic| view! { <span class="result-topic">{topic}</span> })}
                                <button type="button" class="button subtle small" on:click=move |_| join(entry.clone())>
                                    {label}
                                    <span class="visually-hidden">" " {name}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || results.with(Vec::is_empty)>
                <p class="result-empty">"No channels match."</p>
            </Show>
            <div class="dialog-actions">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Modal>
    }
}
