//! Picking several people: a search box, and the people found as options of
//! a listbox that can hold several choices. Clicking an option, or Space or
//! Enter on the one the arrow keys reached, picks it or puts it back; those
//! picked stay listed above the search, each with a button that takes them
//! off, whatever is searched next.

use leptos::{ev, prelude::*};

use super::search::{Search, SearchField};
use crate::{chat::link::Link, model::User};

/// The people picked so far, in the order picked.
#[derive(Clone, Copy)]
pub struct Picked(pub RwSignal<Vec<User>>);

impl Default for Picked {
    fn default() -> Self {
        Self(RwSignal::new(Vec::new()))
    }
}

impl Picked {
    /// The ids of those picked.
    pub fn ids(&self) -> Vec<crate::model::UserId> {
        self.0
            .with_untracked(|picked| picked.iter().map(|u| u.id).collect())
    }

    fn has(&self, user: &User) -> bool {
        self.0.with(|picked| picked.iter().any(|p| p.id == user.id))
    }

    /// Picks `user`, or puts them back if picked.
    fn toggle(&self, user: &User) {
        self.0
            .update(|picked| match picked.iter().position(|p| p.id == user.id) {
                Some(at) => {
                    picked.remove(at);
                }
                None => picked.push(user.clone()),
            });
    }
}

/// The picker, searching while `open`; `search` labels its search box and
/// `label` names its listbox; `id`, its search box's, tells its parts from
/// another picker's.
#[component]
pub fn PeoplePicker(
    open: RwSignal<bool>,
    picked: Picked,
    id: &'static str,
    search: &'static str,
    label: &'static str,
) -> impl IntoView {
    let link = expect_context::<Link>();
    let Search {
        query,
        results: people,
        error,
    } = Search::new(link, open, |link, query| async move {
        link.find_users(query).await
    });
    // The option the arrow keys reached, by its place in the list.
    let active = RwSignal::new(None::<usize>);
    Effect::new(move || {
        people.track();
        active.set(None);
    });
    let option_id = move |at: usize| format!("{id}-{at}");
    let keys = move |event: ev::KeyboardEvent| {
        let count = people.with_untracked(Vec::len);
        if count == 0 {
            return;
        }
        let now = active.get_untracked();
        match event.key().as_str() {
            "ArrowDown" => active.set(Some(now.map_or(0, |at| (at + 1).min(count - 1)))),
            "ArrowUp" => active.set(Some(now.map_or(0, |at| at.saturating_sub(1)))),
            "Home" => active.set(Some(0)),
            "End" => active.set(Some(count - 1)),
            " " | "Enter" => {
                if let Some(user) = now.and_then(|at| people.with_untracked(|p| p.get(at).cloned()))
                {
                    picked.toggle(&user);
                }
            }
            _ => return,
        }
        event.prevent_default();
    };

    view! {
        <div class="people-picker">
            <Show when=move || !picked.0.with(Vec::is_empty)>
                <ul class="picked" aria-label="Picked">
                    <For each=move || picked.0.get() key=|user| user.id let:user>
                        {
                            let remove = user.clone();
                            view! {
                                <li class="chip">
                                    {user.username.clone()}
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=format!("Remove {}", user.username)
                                        on:click=move |_| picked.toggle(&remove)
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
            <SearchField id label=search query />
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <ul
                class="result-list pick-list"
                role="listbox"
                aria-label=label
                aria-multiselectable="true"
                tabindex="0"
                aria-activedescendant=move || active.get().map(option_id)
                on:keydown=keys
            >
                {move || {
                    people
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(at, user)| {
                            let chosen = user.clone();
                            let selected = move || picked.has(&chosen).to_string();
                            let name = user.username.clone();
                            view! {
                                <li
                                    id=option_id(at)
                                    role="option"
                                    class="result result-person"
                                    class:active=move || active.get() == Some(at)
                                    aria-selected=selected
                                    on:click=move |_| {
                                        active.set(Some(at));
                                        picked.toggle(&user);
                                    }
                                >
                                    {name}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <Show when=move || !query.with(String::is_empty) && people.with(Vec::is_empty)>
                <p class="result-empty">"Nobody by that name."</p>
            </Show>
        </div>
    }
}
