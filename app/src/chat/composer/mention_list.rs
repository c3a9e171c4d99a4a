//! The mention list, a chunk of its own: the composer fetches it the first
//! time `@` is typed (or ahead, once the page is idle) and it then follows
//! the message box by itself. It listens to the box's input to open, fill
//! and close the list, and takes the keys that work the list (the arrows,
//! Enter, Tab, Escape) before the composer sees them; a name picked is put
//! into the box as if typed, so the composer keeps the draft as usual.
//!
//! The message box stays a text box (HTML allows no other role on a
//! `<textarea>`): while the list is open it names the list it controls and,
//! with `aria-activedescendant`, the option active in it, so a screen
//! reader reads each option as the arrows reach it; the list is a `listbox`
//! named "Mention someone" whose options are named by username.

use leptos::{ev, prelude::*};

use super::mentions::{Picker, Suggestion, LIST_ID};
use crate::model::ChannelId;

crate::split_view!(
    /// The list under the message box of `channel`'s composer.
    pub(super) fn list(channel: Memo<ChannelId>) {
        let picker = Picker::new(expect_context::<crate::chat::people::People>());
        #[cfg(feature = "hydrate")]
        browser::follow(channel, picker);
        #[cfg(not(feature = "hydrate"))]
        let _ = channel;
        view! { <MentionOptions picker /> }.into_any()
    }
);

/// The options, while a mention is being typed. A click picks one;
/// pressing the mouse does not take the focus from the message box.
#[component]
fn MentionOptions(picker: Picker) -> impl IntoView {
    let option = move |(index, suggestion): (usize, Suggestion)| {
        let Suggestion { name, online } = suggestion;
        let selected = move || picker.active.get() == index;
        let pick = move |event: ev::MouseEvent| {
            event.prevent_default();
            #[cfg(feature = "hydrate")]
            browser::put(picker.picked(index));
        };
        let note = (name == "here").then_some("Everyone online here");
        view! {
            <li id=format!("mention-{index}") role="option" aria-selected=move || selected().to_string()
                class="mention-option" class:active=selected on:mousedown=pick>
                <span class="presence-dot" class:online=online aria-hidden="true"></span>
                {name}
                {note.map(|note| view! { <span class="mention-note" aria-hidden="true">{note}</span> })}
            </li>
        }
    };
    view! {
        <Show when=move || picker.is_open()>
            <ul id=LIST_ID role="listbox" aria-label="Mention someone" class="mention-list">
                {move || {
                    picker.open.get().map(|(_, found)| {
                        found.into_iter().enumerate().map(option).collect_view()
                    })
                }}
            </ul>
        </Show>
    }
}

/// Listening to the message box.
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use reactive_stores::Store;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{Event, EventInit, HtmlTextAreaElement, KeyboardEvent};

    use super::{Picker, LIST_ID};
    use crate::{
        chat::{
            composer::mentions::complete,
            state::{Chat, ChatStoreFields},
        },
        model::ChannelId,
    };

    /// The message box, once the list follows it.
    fn message_box() -> Option<HtmlTextAreaElement> {
        document()
            .get_element_by_id("composer")
            .and_then(|el| el.dyn_into().ok())
    }

    /// Follows the box: its input (now, and after each edit), its keys
    /// (taken on the way down to it, before the composer's own), and its
    /// focus leaving.
    pub(super) fn follow(channel: Memo<ChannelId>, picker: Picker) {
        let chat = expect_context::<Store<Chat>>();
        let Some(textarea) = message_box() else {
            return;
        };
        let look = move || {
            let Some(textarea) = message_box() else {
                return;
            };
            let Some(caret) = textarea.selection_start().ok().flatten() else {
                return;
            };
            let id = channel.get_untracked();
            let me = chat.me().read_untracked().id;
            let public = chat
                .channels()
                .with_untracked(|channels| channels.iter().any(|c| c.id == id && !c.is_direct()));
            picker.follow(&textarea.value(), caret, id, me, public);
        };
        look();
        let on_input = Closure::<dyn Fn()>::new(look);
        let on_blur = Closure::<dyn Fn()>::new(move || picker.close());
        let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            let Some(picked) = picker.key(&event) else {
                return;
            };
            event.prevent_default();
            event.stop_propagation();
            put(picked);
        });
        let _ =
            textarea.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
        let _ = textarea.add_event_listener_with_callback("blur", on_blur.as_ref().unchecked_ref());
        // On the form, as the event goes down: before the box's own handler.
        if let Some(form) = textarea.parent_element() {
            let _ = form.add_event_listener_with_callback_and_bool(
                "keydown",
                on_key.as_ref().unchecked_ref(),
                true,
            );
        }
        // They live as long as the box, which lives as long as the page.
        on_input.forget();
        on_blur.forget();
        on_key.forget();

        // A channel switch ends the mention being typed.
        Effect::new(move |previous: Option<ChannelId>| {
            let now = channel.get();
            if previous.is_some_and(|previous| previous != now) {
                picker.close();
            }
            now
        });
        // While open, the box names the list and its active option.
        Effect::new(move || {
            let Some(textarea) = message_box() else {
                return;
            };
            if picker.is_open() {
                let _ = textarea.set_attribute("aria-controls", LIST_ID);
                let active = format!("mention-{}", picker.active.get());
                let _ = textarea.set_attribute("aria-activedescendant", &active);
            } else {
                let _ = textarea.remove_attribute("aria-controls");
                let _ = textarea.remove_attribute("aria-activedescendant");
            }
        });
    }

    /// Puts a name picked in place of what was typed of it, as if typed: the
    /// composer hears the input and keeps the draft.
    pub(super) fn put(picked: Option<(usize, String)>) {
        let (Some((at, name)), Some(textarea)) = (picked, message_box()) else {
            return;
        };
        let caret = textarea.selection_start().ok().flatten().unwrap_or(0);
        let (text, caret) = complete(&textarea.value(), at, caret, &name);
        textarea.set_value(&text);
        let _ = textarea.set_selection_range(caret, caret);
        let init = EventInit::new();
        init.set_bubbles(true);
        if let Ok(event) = Event::new_with_event_init_dict("input", &init) {
            let _ = textarea.dispatch_event(&event);
        }
    }
}
