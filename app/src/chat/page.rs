//! The chat screen: the shell (sidebar, store, link) and the open channel.
//!
//! The shell loads its data with a server function during server rendering;
//! the browser hydrates from the same serialized data, builds the same store,
//! and only then opens the WebSocket. Switching channels is client-side: the
//! shell stays, the channel view changes.

use leptos::{either::Either, prelude::*};
use leptos_meta::{Html, Title};
use leptos_router::{
    components::Outlet,
    hooks::{use_location, use_params_map},
};
use reactive_stores::Store;
use serde_tuple::{Deserialize_tuple, Serialize_tuple};

#[cfg(feature = "ssr")]
use super::server_part::ServerPart;
use super::{
    channel_view::ChannelView,
    extras::extras,
    link::Link,
    link_status::LinkBanner,
    mentions_page::FirstMentions,
    people::People,
    sidebar::{Drawer, Sidebar},
    snapshot::SnapshotCodec,
    state::{Chat, ChatStoreFields, Ends, LinkStatus},
    time::provide_time_zone,
    ChatSnapshot,
};
use crate::{
    error::AppError,
    model::{ChannelId, UserId},
    protocol::{ChannelKind, Seq},
    split::Deferred,
};

/// `/` and `/c/:id`: the shell around the open channel.
#[component]
pub fn ChatShell() -> impl IntoView {
    // The first channel comes from the address the page was loaded at; later
    // switches happen in the browser.
    let location = use_location();
    let path = location.pathname.get_untracked();
    let (channel, before) = (
        channel_in(&path),
        location
            .query
            .get_untracked()
            .get("before")
            .and_then(|s| s.parse().ok())
            .map(Seq),
    );
    let snapshot: Resource<_, SnapshotCodec> = Resource::new_with_options(
        || (),
        move |()| {
            let path = path.clone();
            async move {
                snapshot(channel, before, path)
                    .await
                    .map_err(Unavailable::from)
            }
        },
        false,
    );

    view! {
        <Suspense fallback=|| view! { <div class="chat-layout"></div> }>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(snapshot) => Either::Left(view! { <ChatLoaded snapshot /> }),
                    Err(why) => Either::Right(view! { <ChatUnavailable why /> }),
                }
            })}
        </Suspense>
    }
}

/// The shell's data, read on the server while it renders the page at
/// `path`: on `/mentions`, with their first page (those before the message
/// `before`); on a page with a part only the server renders, with that
/// part's data (`server_part.rs`).
#[cfg(feature = "ssr")]
async fn snapshot(
    channel: ChannelId,
    before: Option<Seq>,
    path: String,
) -> Result<ChatSnapshot, AppError> {
    use super::{
        admin_page::ADMIN_PATH,
        audit_page::AUDIT_PATH,
        blocked_page::BLOCKED_PATH,
        mentions_page::MENTIONS_PATH,
        sessions_page::{SESSIONS_PATH, SETTINGS_PATH},
    };
    let paths = [
        MENTIONS_PATH,
        SETTINGS_PATH,
        SESSIONS_PATH,
        BLOCKED_PATH,
        ADMIN_PATH,
        AUDIT_PATH,
    ];
    if !paths.contains(&path.as_str()) {
        return super::load_chat(channel, before).await;
    }
    let mut snapshot = super::load_chat(channel, None).await?;
    let (backend, request) = crate::backend::request_context()?;
    match path.as_str() {
        SESSIONS_PATH => {
            let sessions = backend.sessions(&request).await?;
            snapshot.server_part = serde_json::to_string(&sessions).ok();
        }
        BLOCKED_PATH => {
            let blocked = backend.blocked(&request).await?;
            snapshot.server_part = serde_json::to_string(&blocked).ok();
        }
        // Whether to show the way to the administrators' page.
        SETTINGS_PATH => {
            let admin = backend.is_admin(&request).await?;
            snapshot.server_part = serde_json::to_string(&admin).ok();
        }
        // Nothing for someone who is not an administrator: the page says so.
        ADMIN_PATH => {
            if let Ok(view) = backend.admin_view(&request).await {
                snapshot.server_part = serde_json::to_string(&view).ok();
            }
        }
        AUDIT_PATH => {
            if let Ok(rows) = backend.audit_log(&request, before.map(|Seq(id)| id)).await {
                snapshot.server_part = serde_json::to_string(&rows).ok();
            }
        }
        _ => {
            let before = before.map(|Seq(id)| crate::protocol::MessageId(id));
            snapshot.mentions = Some(backend.mentions(&request, before).await?);
        }
    }
    Ok(snapshot)
}

/// In the browser the shell's data always comes with the page it hydrates,
/// so this runs only when the router mounts the shell itself (a link into
/// the chat from another page): then the page is loaded from the server.
/// Fetching the data here instead would take a second decoder of it, and the
/// server function's client, into the WebAssembly.
#[cfg(not(feature = "ssr"))]
async fn snapshot(
    channel: ChannelId,
    before: Option<Seq>,
    path: String,
) -> Result<ChatSnapshot, AppError> {
    // The address alone says which page to load.
    let _ = channel;
    #[cfg(feature = "hydrate")]
    {
        let page = match before {
            Some(Seq(before)) => format!("{path}?before={before}"),
            None => path,
        };
        let _ = window().location().set_href(&page);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (before, path);
    std::future::pending().await
}

/// The address of `message` in its channel: the page of history with it
/// in the middle (half a page after it, where there is as much), scrolled
/// to it.
pub fn message_href(message: &crate::protocol::Message) -> String {
    message_href_at(message.channel, message.seq)
}

/// The address of the message at `seq` in `channel` (see [`message_href`]).
pub fn message_href_at(channel: crate::model::ChannelId, seq: crate::protocol::Seq) -> String {
    let seq = seq.0;
    let after = i64::from(crate::protocol::FIRST_PAGE / 2);
    format!("/c/{channel}?before={}#m{seq}", seq + 1 + after)
}

/// Goes to `href` in the app as a click on a link to it would: the router
/// takes the click, and the page is not loaded again. For what is not a
/// link (a notification, the end of a request), without bringing the
/// router's own navigation code into every chunk that needs it.
pub fn go_to(href: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let Ok(link) = document().create_element("a") else {
            return;
        };
        let _ = link.set_attribute("href", href);
        if let (Some(body), Ok(link)) = (document().body(), link.dyn_into::<web_sys::HtmlElement>())
        {
            let _ = body.append_child(&link);
            link.click();
            link.remove();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = href;
}

/// The open channel of a `/c/:id` (or `/`) route.
#[component]
pub fn ChannelRoute() -> impl IntoView {
    let params = use_params_map();
    let channel = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse().ok())
            .map(ChannelId)
            .unwrap_or(ChannelId::GENERAL)
    });
    view! { <ChannelView channel /> }
}

#[component]
fn ChatLoaded(snapshot: ChatSnapshot) -> impl IntoView {
    let ChatSnapshot {
        me,
        channels,
        open,
        mentions,
        server_part,
    } = snapshot;
    let me_id = me.id;
    let mut state = Chat::new(me, channels);
    if let Some(open) = open {
        state.open = Some(open.id);
        if let Some(channel) = state.channels.iter_mut().find(|c| c.id == open.id) {
            let ends = Ends {
                has_older: open.has_older,
                has_newer: open.has_newer,
            };
            channel.load_page(open.messages, ends, open.rev, me_id);
        }
    }
    let chat = Store::new(state);
    provide_context(chat);
    let people = People::new();
    provide_context(people);
    let link = start_link(chat, people);
    #[cfg(feature = "hydrate")]
    super::outbox::persist::keep(chat, link.clone());
    follow_presence(chat, people, link.clone());
    expire_typing(people);
    provide_context(link);
    let drawer = Drawer::default();
    provide_context(drawer);
    provide_context(super::composer::uploads::Uploads::new());
    provide_context(FirstMentions(StoredValue::new(mentions)));
    #[cfg(feature = "ssr")]
    provide_context(ServerPart(server_part));
    #[cfg(not(feature = "ssr"))]
    let _ = server_part;
    provide_time_zone();

    // Read by the server once more after the render (for the `<html>` tag),
    // when the store may already be disposed: then it is "connecting".
    let link_state = move || match chat.link().try_get() {
        None | Some(LinkStatus::Connecting) => "connecting",
        Some(LinkStatus::Online) => "online",
        Some(LinkStatus::Reconnecting) => "reconnecting",
    };

    view! {
        <Html {..} data-link=link_state />
        <Deferred when=true view=move || extras(chat, drawer) preload=extras::preload />
        <div class="chat-layout">
            <Sidebar />
            <Outlet />
        </div>
        <LinkBanner />
    }
}

/// Why the chat could not load, as the page says it. The page carries this
/// rather than the [`AppError`] itself, whose decoder (with those of every
/// error it may hold) the browser would otherwise carry for this alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Unavailable {
    pub signed_out: bool,
    pub reason: String,
}

impl From<AppError> for Unavailable {
    fn from(error: AppError) -> Self {
        Self {
            signed_out: error == AppError::NotSignedIn,
            reason: error.to_string(),
        }
    }
}

/// The page could not load its data.
#[component]
fn ChatUnavailable(why: Unavailable) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    if why.signed_out {
        let _ = window().location().set_href("/login");
    }
    view! {
        <Title text="Unavailable" />
        <main class="not-found">
            <h1>"Banter is unavailable"</h1>
            <p role="alert">{why.reason}</p>
            <a href="/">"Try again"</a>
        </main>
    }
}

#[cfg(feature = "hydrate")]
fn start_link(chat: Store<Chat>, people: People) -> Link {
    super::socket::start(chat, people)
}

#[cfg(not(feature = "hydrate"))]
fn start_link(_chat: Store<Chat>, _people: People) -> Link {
    Link::offline()
}

/// Follows the presence of the people on screen (conversation partners and
/// the open channel's listed members), again after every reconnection.
fn follow_presence(chat: Store<Chat>, people: People, link: Link) {
    let watched = Memo::new(move |_| {
        let mut users: Vec<UserId> = chat
            .channels()
            .read()
            .iter()
            .filter_map(|c| match &c.kind {
                ChannelKind::Direct { peer } => Some(peer.id),
                _ => None,
            })
            .collect();
        if let Some(list) = people.members.get() {
            users.extend(list.members.iter().map(|m| m.user.id));
        }
        users.sort_unstable();
        users.dedup();
        users
    });
    Effect::new(move || {
        let users = watched.get();
        if chat.link().get() != LinkStatus::Online {
            return;
        }
        let link = link.clone();
        leptos::task::spawn_local(async move {
            if let Ok(online) = link.watch(users.clone()).await {
                people.online.update(|map| {
                    for user in users {
                        map.insert(user, online.contains(&user));
                    }
                });
            }
        });
    });
}

/// Drops typing notices that were not renewed, once a second.
fn expire_typing(people: People) {
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || people.expire(super::time::now().0 as f64),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = people;
}

/// The channel a path names: `/c/<id>`, or General.
fn channel_in(path: &str) -> ChannelId {
    path.strip_prefix("/c/")
        .and_then(|id| id.trim_end_matches('/').parse().ok())
        .map(ChannelId)
        .unwrap_or(ChannelId::GENERAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_names_the_channel() {
        assert_eq!(channel_in("/c/7"), ChannelId(7));
        assert_eq!(channel_in("/c/7/"), ChannelId(7));
        assert_eq!(channel_in("/"), ChannelId::GENERAL);
        assert_eq!(channel_in("/c/x"), ChannelId::GENERAL);
    }
}
