//! Applying what the server pushes to the store.

use reactive_stores::Store;

use leptos::prelude::*;

use super::{
    people::People,
    state::{ChannelState, Chat, ChatStoreFields, HEARD_ALERTS, HEARD_MENTIONS},
    time::now,
};
use crate::{
    model::{ChannelId, UserId},
    protocol::{CatchUp, ChannelSummary, Message, Seq, ServerMsg},
};

/// Applies one pushed event. `viewing` is the channel the reader is looking
/// at (open, in a visible tab). Returns `true` if the channel list is owed:
/// a message came in a channel it does not hold (a conversation the reader
/// left, written in again).
pub fn apply(
    chat: Store<Chat>,
    people: People,
    event: ServerMsg,
    viewing: Option<ChannelId>,
) -> bool {
    let user = chat.me().read_untracked().clone();
    let me = user.id;
    match event {
        ServerMsg::Message { message } if !lists(chat, message.channel) => return true,
        ServerMsg::Message { message } => {
            let viewing = viewing == Some(message.channel);
            people.typing_stopped(message.channel, message.sender);
            let calls = message
                .body
                .as_ref()
                .is_some_and(|b| b.calls(&user.username));
            if calls && message.sender != me {
                chat.mentioned()
                    .update(|heard| keep_latest(heard, message.clone(), HEARD_MENTIONS));
            }
            let mut needs_me = None;
            update_channel(chat, message.channel, |channel| {
                channel.heard(message.rev);
                if channel.count_unread(&message, me, calls, viewing) {
                    needs_me = Some(message.clone());
                }
                channel.merge(message, me);
            });
            if let Some(message) = needs_me {
                chat.alerts()
                    .update(|heard| keep_latest(heard, message, HEARD_ALERTS));
            }
        }
        ServerMsg::Changed { changes } => {
            // A batch holds one channel's changes; each run of one channel
            // is applied in one update, which its readers hear once.
            for run in changes.chunk_by(|a, b| a.channel == b.channel) {
                let Some(first) = run.first() else { continue };
                update_channel(chat, first.channel, |channel| {
                    for change in run {
                        channel.heard(change.rev);
                        channel.apply_change(change, me);
                    }
                    channel.forget_heard();
                });
            }
        }
        ServerMsg::ChannelAdded { channel } => add_or_refresh(chat, channel),
        ServerMsg::ChannelRemoved { channel } => {
            chat.channels().write().retain(|c| c.id != channel);
        }
        ServerMsg::ChannelUpdated { channel, kind } => {
            let me = chat.me().read_untracked().id;
            update_channel(chat, channel, |c| c.set_kind(kind, me))
        }
        ServerMsg::ReadMarker { channel, seq } => {
            update_channel(chat, channel, |c| c.mark_read(seq))
        }
        ServerMsg::Notify { channel, notify } => {
            update_channel(chat, channel, |c| c.notify = notify)
        }
        ServerMsg::MemberCount { channel, count } => {
            update_channel(chat, channel, |c| c.members = count)
        }
        ServerMsg::Presence { user, online } => people.set_online(user, online),
        ServerMsg::Typing {
            channel,
            user,
            typing,
        } => match (typing, user.id == me) {
            (_, true) => {}
            (true, false) => people.typing_started(channel, user, now().0 as f64),
            (false, false) => people.typing_stopped(channel, user.id),
        },
        ServerMsg::Welcome { .. } | ServerMsg::Ok { .. } | ServerMsg::Error { .. } => {}
    }
    false
}

/// Adds `message` to a list of the latest heard, keeping at most `max`.
fn keep_latest(heard: &mut Vec<Message>, message: Message, max: usize) {
    heard.push(message);
    let over = heard.len().saturating_sub(max);
    heard.drain(..over);
}

/// What applying a sync leaves to do.
pub struct Synced {
    /// This tab's read markers that the server has not heard of.
    pub unheard: Vec<(ChannelId, Seq)>,
    /// A channel was reset to a page older than changes heard of meanwhile
    /// (and dropped with what it held): sync again for them.
    pub owed: bool,
}

/// Applies a sync: the full channel list, and what was missed in each
/// channel this tab holds; `more` if the catch-up goes on in another sync.
pub fn apply_sync(
    chat: Store<Chat>,
    summaries: Vec<ChannelSummary>,
    catch_up: Vec<CatchUp>,
    more: bool,
) -> Synced {
    let me = chat.me().read_untracked().id;
    let field = chat.channels();
    let mut channels = field.write();
    channels.retain(|c| summaries.iter().any(|s| s.id == c.id));
    let mut unheard = Vec::new();
    for summary in summaries {
        match channels.iter_mut().find(|c| c.id == summary.id) {
            Some(channel) => {
                unheard.extend(channel.refresh(summary, me).map(|seq| (channel.id, seq)))
            }
            None => channels.push(ChannelState::from_summary(summary, me)),
        }
    }
    let mut owed = false;
    for missed in catch_up {
        if let Some(channel) = channels.iter_mut().find(|c| c.id == missed.channel) {
            owed |= catch_up_channel(channel, missed, me);
        }
    }
    if !more && !owed {
        for channel in channels.iter_mut() {
            channel.behind = false;
        }
    }
    Synced { unheard, owed }
}

/// Merges what one channel missed. Returns `true` if the channel was reset
/// to a page older than changes heard of meanwhile: they were dropped with
/// what it held, and a catch-up from the page's revision is owed.
pub fn catch_up_channel(channel: &mut ChannelState, missed: CatchUp, me: UserId) -> bool {
    let owed = if missed.reset {
        channel.load_latest(missed.messages, true, missed.rev, me)
    } else {
        for message in missed.messages {
            channel.refresh_message(message, me);
        }
        channel.rev = channel.rev.max(missed.rev);
        false
    };
    channel.forget_heard();
    owed
}

/// Changes one channel, if the user is in it; only that channel's readers
/// are notified.
pub fn update_channel(
    chat: Store<Chat>,
    channel: ChannelId,
    change: impl FnOnce(&mut ChannelState),
) {
    if lists(chat, channel) {
        chat.channels().at_key(channel).update(change);
    }
}

/// Whether the user's channel list holds `channel`.
fn lists(chat: Store<Chat>, channel: ChannelId) -> bool {
    chat.channels()
        .read_untracked()
        .iter()
        .any(|c| c.id == channel)
}

/// Adds a channel the user is now in, or refreshes it.
pub fn add_or_refresh(chat: Store<Chat>, summary: ChannelSummary) {
    let me = chat.me().read_untracked().id;
    let field = chat.channels();
    let mut channels = field.write();
    match channels.iter_mut().find(|c| c.id == summary.id) {
        Some(channel) => {
            channel.refresh(summary, me);
        }
        None => channels.push(ChannelState::from_summary(summary, me)),
    }
}
