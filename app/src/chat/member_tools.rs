//! What a moderator can do from the members panel: remove, ban or time out
//! a member, appoint or dismiss a moderator (owners), and lift a ban. Part
//! of the panel's chunk; the server checks each action again (on every
//! node, in the transaction that makes it) and words its refusals.

use leptos::{prelude::*, task::spawn_local};

use reactive_stores::Store;

use super::{
    link::Link,
    people::{MemberList, People},
    state::{Chat, ChatStoreFields},
};
use crate::{
    model::{ChannelId, User, UserId},
    protocol::{Member, ModAction, Standing},
};

/// What kind of place a channel is, for its moderators.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Nobody is removed from it, but its moderators may time out.
    General,
    Channel,
    /// Nobody moderates a conversation from its panel.
    Conversation,
}

/// What the panel's moderators need to act: the channel, what kind it is,
/// and where to say how it went.
#[derive(Clone, Copy)]
pub(super) struct Tools {
    pub channel: ChannelId,
    pub place: Place,
    /// The outcome of the last action, for the panel's status line.
    pub said: RwSignal<Option<(bool, String)>>,
}

/// The timeouts offered, in minutes, with their names.
const TIMEOUTS: [(u32, &str); 4] = [
    (10, "10 minutes"),
    (60, "1 hour"),
    (24 * 60, "1 day"),
    (7 * 24 * 60, "1 week"),
];

impl Tools {
    /// Asks the server to do `action` to `user`, and says how it went. (The
    /// member list loads again when the server says the channel changed.)
    fn act(self, user: User, action: ModAction) {
        let link = expect_context::<Link>();
        let (channel, said) = (self.channel, self.said);
        // Worded here: what the spawned future holds is compiled into the
        // page, so it holds as little as it can.
        let success = done(&user.username, action);
        spawn_local(async move {
            let outcome = link.moderate(channel, user.id, action).await;
            said.set(Some(match outcome {
                Ok(()) => (false, success),
                Err(refused) => (true, refused.to_string()),
            }));
        });
    }
}

/// What the status line says once `action` was done to `name`.
fn done(name: &str, action: ModAction) -> String {
    match action {
        ModAction::Remove => format!("{name} was removed from the channel."),
        ModAction::Ban => format!("{name} was banned from the channel."),
        ModAction::Unban => format!("{name} may join again."),
        ModAction::TimeOut(0) => format!("{name} may send again."),
        ModAction::TimeOut(minutes) => {
            let length = TIMEOUTS
                .iter()
                .find(|(offered, _)| *offered == minutes)
                .map_or("a while", |(_, label)| label);
            format!("{name} cannot send here for {length}.")
        }
        ModAction::Appoint => format!("{name} is now a moderator."),
        ModAction::Dismiss => format!("{name} is no longer a moderator."),
    }
}

/// A member's role, if they have one.
#[component]
pub(super) fn RoleBadge(standing: Standing) -> impl IntoView {
    standing
        .label()
        .map(|label| view! { <span class="member-role">{label}</span> })
}

/// The buttons of one member's row, for those who may act on them.
#[component]
pub(super) fn MemberTools(tools: Tools, you: Standing, member: Member) -> impl IntoView {
    let Member { user, standing, .. } = member;
    let timing_out = RwSignal::new(false);
    let button = {
        let user = user.clone();
        move |label: &'static str, icon: &'static str, action: ModAction| {
            let user = user.clone();
            view! {
                <button type="button" class="icon-button small" title=label
                    on:click=move |_| tools.act(user.clone(), action)>
                    <span aria-hidden="true">{icon}</span>
                    <span class="visually-hidden">{label}</span>
                </button>
            }
        }
    };
    let owner = you >= Standing::Owner;
    let removing = (tools.place == Place::Channel).then(|| {
        view! {
            {button("Remove from channel", "⨯", ModAction::Remove)}
            {button("Ban from channel", "⛔", ModAction::Ban)}
        }
    });
    let role = owner.then(|| match standing {
        Standing::Moderator => button("Remove as moderator", "☆", ModAction::Dismiss),
        _ => button("Make moderator", "★", ModAction::Appoint),
    });
    let durations = move || {
        timing_out.get().then(|| {
            let name = format!("Time out {} for", user.username);
            let choices = TIMEOUTS
                .into_iter()
                .map(|(minutes, label)| {
                    let user = user.clone();
                    view! {
                        <button type="button" class="button subtle small"
                            on:click=move |_| {
                                timing_out.set(false);
                                tools.act(user.clone(), ModAction::TimeOut(minutes));
                            }>{label}</button>
                    }
                })
                .collect_view();
            let user = user.clone();
            view! {
                <div class="member-timeout" role="group" aria-label=name>
                    {choices}
                    <button type="button" class="button subtle small"
                        on:click=move |_| {
                            timing_out.set(false);
                            tools.act(user.clone(), ModAction::TimeOut(0));
                        }>"End timeout"</button>
                </div>
            }
        })
    };
    view! {
        <span class="member-tools">
            {removing}
            <button type="button" class="icon-button small" title="Time out"
                aria-expanded=move || timing_out.get().to_string()
                on:click=move |_| timing_out.update(|open| *open = !*open)>
                <span aria-hidden="true">"⏱"</span>
                <span class="visually-hidden">"Time out"</span>
            </button>
            {role}
        </span>
        {durations}
    }
}

/// Who is banned from the channel, each with "Unban", for its moderators.
#[component]
pub(super) fn BannedList(tools: Tools, list: MemberList) -> impl IntoView {
    (list.you >= Standing::Moderator && !list.banned.is_empty()).then(|| {
        let rows = list
            .banned
            .into_iter()
            .map(|user| {
                let name = user.username.clone();
                view! {
                    <li class="member">
                        <span class="member-name">{name}</span>
                        <button type="button" class="button subtle small"
                            on:click=move |_| tools.act(user.clone(), ModAction::Unban)>"Unban"</button>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3 id="banned-title" class="panel-title">"Banned"</h3>
            <ul class="member-list" aria-labelledby="banned-title">{rows}</ul>
        }
    })
}

impl Tools {
    /// Whether `you` may act on `member` here: a moderator or above, on
    /// someone below them, not themselves, and not in a conversation.
    pub fn may_act(self, you: Standing, me: UserId, member: &Member) -> bool {
        self.place != Place::Conversation && member.user.id != me && you.moderates(member.standing)
    }
}

/// Marks the page (`data-moderating` on its root) while the reader
/// moderates the open channel, so that "Remove message" shows on others'
/// messages (`style/main.css`). Started with the chat's extras, a chunk,
/// rather than by the message list: an attribute the list bound itself
/// would cost the page a kilobyte.
pub(super) fn mark_moderating(chat: Store<Chat>) {
    let people = expect_context::<People>();
    Effect::new(move || {
        let open = chat.open().get();
        let moderating = people.members.with(|list| {
            list.as_ref()
                .is_some_and(|l| Some(l.channel) == open && l.you >= Standing::Moderator)
        });
        #[cfg(feature = "hydrate")]
        if let Ok(Some(root)) = document().query_selector("html") {
            let _ = match moderating {
                true => root.set_attribute("data-moderating", ""),
                false => root.remove_attribute("data-moderating"),
            };
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = moderating;
    });
}
