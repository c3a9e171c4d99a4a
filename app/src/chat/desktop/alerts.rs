//! Showing desktop notifications, a chunk of its own: loaded only once the
//! reader has allowed them.
//!
//! Every tab hears every message, so the tabs of a browser agree on who
//! notifies: one tab at a time holds a Web Lock, `banter.alerts`, for as
//! long as it lives, and only that tab notifies (when it closes or crashes
//! the browser hands the lock to another tab). Before notifying it asks the
//! others, over a BroadcastChannel, whether one of them is on screen; a
//! visible tab answers at once, and then the reader sees the message there
//! and no notification is shown. So five tabs show one notification, and a
//! tab on screen shows none. A browser without Web Locks lets every tab
//! notify; the notification's tag (the message) makes the browser show one.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use leptos::{
    prelude::*,
    wasm_bindgen::{closure::Closure, JsCast, JsValue},
};
use reactive_stores::Store;
use web_sys::{BroadcastChannel, MessageEvent, Notification, NotificationOptions, VisibilityState};

use crate::{
    chat::{
        blocked_page::BLOCKED_IDS_PATH,
        page::{go_to, message_href},
        state::{Chat, ChatStoreFields},
    },
    model::full_name,
    protocol::Message,
};

use super::{notice_tag, notice_text, notice_title};

/// How long the notifying tab waits for a visible tab to answer: long
/// enough for a tab on a busy machine, short enough not to be noticed.
const ASK_MS: u32 = 1_000;

/// The name of the lock and of the channel the tabs share.
const NAME: &str = "banter.alerts";

crate::split_view!(
    /// Notifies of each message that needs the reader from now on (and has
    /// pushes sent while no tab is open).
    pub(super) fn watch(chat: Store<Chat>) {
        crate::chat::desktop::worker::subscribe();
        if let Ok(tabs) = BroadcastChannel::new(NAME) {
            let leader = Rc::new(std::cell::Cell::new(false));
            lead(leader.clone());
            // The questions this tab is waiting on: whether a tab on
            // screen has answered each.
            let asked = Rc::new(RefCell::new(HashMap::<i64, bool>::new()));
            answer(&tabs, asked.clone());
            let blocked = Rc::new(RefCell::new(Vec::new()));
            leptos::task::spawn_local(fetch_blocked(blocked.clone()));
            Effect::new(move || {
                chat.alerts().track();
                let heard = std::mem::take(&mut *chat.alerts().write_untracked());
                if !leader.get() || visible() {
                    return;
                }
                let blocked = blocked.borrow();
                for message in heard.into_iter().filter(|m| !blocked.contains(&m.sender.0)) {
                    let (tabs, asked) = (tabs.clone(), asked.clone());
                    leptos::task::spawn_local(async move {
                        let id = message.id.0;
                        asked.borrow_mut().insert(id, false);
                        let _ = tabs.post_message(&pair("ask", id));
                        gloo_timers::future::TimeoutFuture::new(ASK_MS).await;
                        if asked.borrow_mut().remove(&id) == Some(false) {
                            show(chat, message);
                        }
                    });
                }
            });
        }
        ().into_any()
    }
);

/// The people the reader blocked (their ids), whose messages never
/// notify: the server records no mention of theirs, but this tab hears
/// every message of its channels. Read once as the chunk starts; blocking
/// someone happens on `/settings/blocked`, and coming back from there
/// loads the page, and this, afresh.
async fn fetch_blocked(into: Rc<RefCell<Vec<i64>>>) {
    use wasm_bindgen_futures::JsFuture;
    let Ok(response) = JsFuture::from(window().fetch_with_str(BLOCKED_IDS_PATH)).await else {
        return;
    };
    let response = response.unchecked_into::<web_sys::Response>();
    if !response.ok() {
        return;
    }
    let Ok(text) = response.text() else {
        return;
    };
    if let Some(text) = JsFuture::from(text).await.ok().and_then(|t| t.as_string()) {
        *into.borrow_mut() = text
            .split_whitespace()
            .filter_map(|id| id.parse().ok())
            .collect();
    }
}

/// Whether this tab is on screen.
fn visible() -> bool {
    document().visibility_state() == VisibilityState::Visible
}

/// A message between the tabs, `[kind, id]`: the question "is any tab on
/// screen?" about message `id` (`ask`), or the answer "this one is"
/// (`seen`).
fn pair(kind: &str, id: i64) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(kind), &JsValue::from_f64(id as f64)).into()
}

/// Answers the other tabs' questions while this tab is visible, and notes
/// the answers to this tab's own.
fn answer(tabs: &BroadcastChannel, asked: Rc<RefCell<HashMap<i64, bool>>>) {
    let reply = tabs.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = js_sys::Array::from(&event.data());
        let (kind, id) = (data.get(0).as_string(), data.get(1).as_f64());
        let Some(id) = id.map(|id| id as i64) else {
            return;
        };
        match kind.as_deref() {
            Some("ask") if visible() => {
                let _ = reply.post_message(&pair("seen", id));
            }
            Some("seen") => {
                if let Some(answered) = asked.borrow_mut().get_mut(&id) {
                    *answered = true;
                }
            }
            _ => {}
        }
    });
    tabs.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The tab keeps listening for as long as it lives.
    on_message.forget();
}

/// Makes this tab the notifying one once it holds the lock, which it then
/// keeps for as long as it lives. Without Web Locks, every tab notifies.
fn lead(leader: Rc<std::cell::Cell<bool>>) {
    let locks = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(|locks| !locks.is_undefined());
    let request = locks.as_ref().and_then(|locks| {
        js_sys::Reflect::get(locks, &JsValue::from_str("request"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        leader.set(true);
        return;
    };
    let held = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_lock| {
        leader.set(true);
        // Never settles: the lock is held until the tab goes away.
        js_sys::Promise::new(&mut |_, _| {})
    });
    let _ = request.call2(&locks, &JsValue::from_str(NAME), held.as_ref());
    held.forget();
}

/// Shows the notification of `message`; clicking it brings this tab
/// forward, open at the message.
fn show(chat: Store<Chat>, message: Message) {
    let place = chat
        .channels()
        .read_untracked()
        .iter()
        .find(|c| c.id == message.channel)
        .and_then(|c| (!c.is_direct()).then(|| c.name().to_owned()));
    let title = notice_title(
        &full_name(&message.sender_name, &message.sender_display),
        place.as_deref(),
    );
    let options = NotificationOptions::new();
    options.set_body(&notice_text(message.body.as_ref(), &message.text));
    options.set_tag(&notice_tag(message.id));
    options.set_icon("/favicon.svg");
    let Ok(notification) = Notification::new_with_options(&title, &options) else {
        return;
    };
    let href = message_href(&message);
    let shown = notification.clone();
    let on_click = Closure::once_into_js(move || {
        let _ = window().focus();
        go_to(&href);
        shown.close();
    });
    notification.set_onclick(Some(on_click.unchecked_ref()));
}
