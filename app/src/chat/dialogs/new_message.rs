//! Starting (or reopening) a private conversation with someone.

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
    model::User,
};

#[component]
pub fn NewMessageDialog(open: RwSignal<bool>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let link = expect_context::<Link>();
    let Search {
        query,
        results: people,
        error,
    } = Search::new(link.clone(), open, |link, query| async move {
        link.find_users(query).await
    });

    let navigate = use_navigate();
    let open_with = move |user: User| {
        let (link, navigate) = (link.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            let id = user.id;
            let answer = link.open_direct(id).await;
            enter_channel(answer, chat, open, error, navigate);
        });
    };

    view! {
        <Modal open title="New message">
            <SearchField id="people-query" label="Search people" query />
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ul class="result-list">
                <For each=move || people.get() key=|user| user.id let:user>
                    {
                        let open_with = open_with.clone();
                        let name = user.username.clone();
                        view! {
                            <li class="result">
                                <button type="button" class="result-person" on:click=move |_| open_with(user.clone())>
                                    {name}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || !query.with(String::is_empty) && people.with(Vec::is_empty)>
                <p class="result-empty">"Nobody by that name."</p>
            </Show>
            <div class="dialog-actions">
                <button type="button" class="button subtle" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Modal>
    }
}
