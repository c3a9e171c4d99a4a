//! The open channel's members with their presence and roles (and, for its
//! moderators, what they can do to each: `member_tools.rs`), and who is
//! typing.

use leptos::prelude::*;
use reactive_stores::Store;

use super::{
    link::Link,
    member_tools::{BannedList, MemberTools, Place, RoleBadge, Tools},
    people::People,
    state::{ChannelStateStoreFields, Chat, ChatStoreFields, LinkStatus},
};
use crate::model::{ChannelId, UserId};

/// Loads the open channel's member list when it opens, when its member count
/// changes, and after every reconnection.
pub fn load_members(channel: Memo<ChannelId>) {
    let chat = expect_context::<Store<Chat>>();
    let people = expect_context::<People>();
    let link = expect_context::<Link>();
    Effect::new(move || {
        let Some(id) = channel.try_get() else { return };
        let count = chat.channels().at_key(id).members().try_get();
        if people
            .members
            .with_untracked(|m| m.as_ref().is_some_and(|m| m.channel != id))
        {
            people.members.set(None);
        }
        if count.is_none() || chat.link().get() != LinkStatus::Online {
            return;
        }
        let link = link.clone();
        leptos::task::spawn_local(async move {
            if let Ok(list) = link.members(id).await {
                if chat.open().get_untracked() == Some(list.channel) {
                    people.members.set(Some(list));
                }
            }
        });
    });
}

/// How many of the open channel's members are online: counted live when the
/// whole list is known, else as the server last said.
pub fn online_count(people: People, channel: ChannelId) -> Option<u32> {
    people.members.with(|list| {
        let list = list.as_ref().filter(|list| list.channel == channel)?;
        if list.members.len() as u32 == list.total {
            Some(
                list.members
                    .iter()
                    .filter(|m| people.is_online(m.user.id))
                    .count() as u32,
            )
        } else {
            Some(list.online)
        }
    })
}

crate::split_view!(
    /// The members panel, shown while `open` is true; its code is fetched
    /// when it is first opened ([`crate::split`]).
    pub fn members_panel(channel: Memo<ChannelId>, open: RwSignal<bool>) {
        view! {
            <Show when=move || open.get()>
                <MembersPanel channel />
            </Show>
        }
        .into_any()
    }
);

/// The side panel listing the open channel's members, online first, with
/// their roles; for its moderators, their tools, and who is banned.
#[component]
fn MembersPanel(channel: Memo<ChannelId>) -> impl IntoView {
    let people = expect_context::<People>();
    let chat = expect_context::<Store<Chat>>();
    let said = RwSignal::new(None::<(bool, String)>);
    Effect::new(move || {
        channel.track();
        said.set(None);
    });
    let list = move || {
        people.members.with(|list| {
            list.as_ref()
                .filter(|list| Some(list.channel) == channel.try_get())
                .cloned()
        })
    };
    let tools = move || {
        let id = channel.get();
        let direct = chat
            .channels()
            .at_key(id)
            .try_read()
            .is_some_and(|c| c.is_direct());
        let place = match (id == ChannelId::GENERAL, direct) {
            (true, _) => Place::General,
            (false, true) => Place::Conversation,
            (false, false) => Place::Channel,
        };
        Tools {
            channel: id,
            place,
            said,
        }
    };
    // Each member with where the reader stands, so that a row is drawn
    // again when either changes.
    let members = move || {
        list()
            .map(|list| {
                let you = list.you;
                list.members.into_iter().map(move |m| (m, you)).collect()
            })
            .unwrap_or_else(Vec::new)
    };
    let more = move || {
        people.members.with(|list| {
            list.as_ref()
                .map(|l| l.total.saturating_sub(l.members.len() as u32))
                .filter(|n| *n > 0)
        })
    };
    view! {
        // Focusable, so that a long list scrolls by keyboard too.
        <aside class="members-panel" id="members-panel" aria-labelledby="members-title" tabindex="0">
            <h2 id="members-title" class="panel-title">"Members"</h2>
            {move || said.get().map(|(failed, text)| view! {
                <p class="member-said" class:form-error=failed role="status">{text}</p>
            })}
            <ul class="member-list">
                <For
                    each=members
                    key=|(member, you)| (member.user.id, member.standing, *you)
                    children=move |(member, you)| {
                        let me = chat.me().read_untracked().id;
                        let tools = tools();
                        let acts = tools.may_act(you, me, &member).then(|| {
                            view! { <MemberTools tools you member=member.clone() /> }
                        });
                        view! {
                            <li class="member">
                                <PresenceDot user=member.user.id />
                                <span class="member-name">
                                    {match member.user.display.is_empty() {
                                        true => member.user.username.into_any(),
                                        // The username on a line of its own below.
                                        false => view! {
                                            {member.user.display}
                                            <span class="username">{member.user.username}</span>
                                        }
                                            .into_any(),
                                    }}
                                </span>
                                <RoleBadge standing=member.standing />
                                {acts}
                            </li>
                        }
                    }
                />
            </ul>
            {move || more().map(|n| view! { <p class="result-empty">{format!("and {n} more")}</p> })}
            {move || list().map(|list| view! { <BannedList tools=tools() list /> })}
        </aside>
    }
}

/// A dot that is green while `user` is online, with the state as text.
#[component]
pub fn PresenceDot(user: UserId) -> impl IntoView {
    let people = expect_context::<People>();
    let online = move || people.is_online(user);
    view! {
        <span
            class="presence-dot"
            class:online=online
            role="img"
            aria-label=move || if online() { "online" } else { "offline" }
        ></span>
    }
}

/// "alice is typing…", announced politely; empty when nobody is.
#[component]
pub fn TypingLine(channel: Memo<ChannelId>) -> impl IntoView {
    let chat = expect_context::<Store<Chat>>();
    let people = expect_context::<People>();
    let line = move || {
        let me = chat.me().read().id;
        channel.try_get().and_then(|id| people.typing_line(id, me))
    };
    view! { <p class="typing" role="status">{line}</p> }
}
