//! `/mentions`: the messages that call the reader by name or with `@here`,
//! across their channels, newest first, each linking to where it stands
//! in its channel.
//!
//! The server renders the first page with the chat around it (the chat's
//! data carries it: [`FirstMentions`]), so it reads without JavaScript, and
//! a link leads to older ones. Once hydrated, a mention arriving goes to
//! the top as it comes (`Chat::mentioned`, fed by `events.rs`); reached by
//! a link inside the chat, the page asks for its mentions over the
//! WebSocket.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use reactive_stores::Store;
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

use super::{
    link::Link,
    message_list::MessageText,
    page::message_href,
    sidebar::MenuButton,
    state::{Chat, ChatStoreFields},
    time::{iso, moment, TimeZone},
};
use crate::{
    model::full_name,
    protocol::{Message, MessageId},
};

/// A page of mentions, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct MentionPage {
    pub messages: Vec<Message>,
    /// Whether older ones exist.
    pub has_more: bool,
}

/// Where the page is.
pub const MENTIONS_PATH: &str = "/mentions";

/// The page's first mentions, when the chat was loaded on it: they come with
/// the chat's data, so the server renders them and the browser hydrates
/// from the same (taken once: coming back later asks again).
#[derive(Clone, Copy)]
pub struct FirstMentions(pub StoredValue<Option<MentionPage>>);

/// The page.
#[component]
pub fn MentionsPage() -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let before = use_query_map()
        .get_untracked()
        .get("before")
        .and_then(|raw| raw.parse().ok())
        .map(MessageId);
    let first = use_context::<FirstMentions>()
        .and_then(|first| first.0.try_update_value(Option::take).flatten());
    let page = RwSignal::new(first.map(Ok::<_, String>));
    if page.with_untracked(Option::is_none) {
        let link = expect_context::<Link>();
        leptos::task::spawn_local(async move {
            let answer = link.mentions(before).await;
            page.set(Some(answer.map_err(|error| error.to_string())));
        });
    }
    // No channel is open here: messages arriving anywhere count as unread.
    Effect::new(move || chat.open().set(None));

    view! {
        <Title text="Mentions" />
        <main class="channel-view mentions-view" id="main">
            <header class="channel-header">
                <MenuButton />
                <span class="channel-icon" aria-hidden="true">"@"</span>
                <h1>"Mentions"</h1>
            </header>
            {move || match page.get() {
                None => view! { <p class="mentions-empty">"Loading…"</p> }.into_any(),
                Some(Ok(page)) => view! { <MentionItems page live=before.is_none() /> }.into_any(),
                Some(Err(error)) => view! { <p role="alert">{error}</p> }.into_any(),
            }}
        </main>
    }
}

crate::split_route!(
    /// The route of [`MentionsPage`], whose code loads when it is visited.
    pub MentionsRoute, mentions_page => MentionsPage
);

/// The list: those heard live (on the first page only), then the page.
#[component]
fn MentionItems(page: MentionPage, live: bool) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let MentionPage { messages, has_more } = page;
    let older = messages
        .last()
        .filter(|_| has_more)
        .map(|m| format!("/mentions?before={}", m.id));
    let held: Vec<MessageId> = messages.iter().map(|m| m.id).collect();
    let fresh = move || {
        let mut fresh: Vec<Message> = chat.mentioned().get();
        fresh.retain(|m| live && !held.contains(&m.id));
        fresh.reverse();
        fresh
    };
    let empty = messages.is_empty();
    view! {
        <ol class="mentions-list" aria-label="Messages that mention you">
            <For each=fresh key=|m| m.id let:message>
                <MentionItem message />
            </For>
            {messages.into_iter().map(|message| view! { <MentionItem message /> }).collect_view()}
        </ol>
        {move || (empty && chat.mentioned().with(Vec::is_empty)).then(|| view! {
            <p class="mentions-empty">"No one has mentioned you yet. When someone writes @ and your name, it shows here."</p>
        })}
        {older.map(|href| view! { <a class="button subtle older-mentions" href=href>"Older mentions"</a> })}
    }
}

/// One mention: where and by whom, then the message, and a link to it in
/// its channel.
#[component]
fn MentionItem(message: Message) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let zone = expect_context::<TimeZone>();
    let channel = message.channel;
    let place = chat
        .channels()
        .read_untracked()
        .iter()
        .find(|c| c.id == channel)
        .map(|c| match c.is_direct() {
            true => c.name().to_owned(),
            false => format!("#{}", c.name()),
        })
        .unwrap_or_default();
    let at = message.at;
    let when = move || moment(at, zone.0.get());
    let href = message_href(&message);
    let author = full_name(&message.sender_name, &message.sender_display);
    let label = format!("{author} in {place}");
    view! {
        <li class="mention-item">
            <a class="mention-place" href=href aria-label=format!("Open the message from {label}")>
                <span class="author">{author}</span>
                " in " {place}
            </a>
            <time datetime=iso(at)>{when}</time>
            <MessageText text=message.text body=message.body />
        </li>
    }
}
