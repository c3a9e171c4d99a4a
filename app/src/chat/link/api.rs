//! Every request a component can make, typed: what it takes and what its
//! reply holds.

use super::{Link, LinkError};
use crate::{
    chat::{mentions_page::MentionPage, people::MemberList},
    model::{ChannelId, User, UserId},
    protocol::{
        CatchUp, ChannelChange, ChannelSummary, ClientId, ClientMsg, Cursor, DirectoryEntry,
        FileId, Message, MessageId, ModAction, NotifyLevel, PageAt, Reply, Rev, Seq,
    },
};

/// A page of a channel's history, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub messages: Vec<Message>,
    /// Whether older messages exist before the page.
    pub has_older: bool,
    /// Whether newer messages exist after it: it is not the latest.
    pub has_newer: bool,
    /// The channel's revision, read before the messages.
    pub rev: Rev,
}

/// The reply that means "done", with nothing to say.
fn done(reply: Reply) -> Option<()> {
    matches!(reply, Reply::Done).then_some(())
}

/// The answer to a change to a message: the revision it took, or `None`
/// when it changed nothing.
fn revised(reply: Reply) -> Option<Option<Rev>> {
    match reply {
        Reply::Revised { rev } => Some(Some(rev)),
        Reply::Done => Some(None),
        _ => None,
    }
}

/// The channel the user is now in.
fn channel(reply: Reply) -> Option<ChannelSummary> {
    match reply {
        Reply::Channel { channel } => Some(channel),
        _ => None,
    }
}

impl Link {
    /// A page of the messages that mention the user, newest first, before
    /// the message `before`.
    pub async fn mentions(&self, before: Option<MessageId>) -> Result<MentionPage, LinkError> {
        let build = move |req| ClientMsg::Mentions { req, before };
        self.call(build, |reply| match reply {
            Reply::Mentions { messages, has_more } => Some(MentionPage { messages, has_more }),
            _ => None,
        })
        .await
    }

    /// Sends a message; the stored message (the first one, for a resend).
    pub async fn send_message(
        &self,
        channel: ChannelId,
        client_id: ClientId,
        text: String,
        reply_to: Option<MessageId>,
        files: Vec<FileId>,
    ) -> Result<Message, LinkError> {
        let build = move |req| ClientMsg::Send {
            req,
            channel,
            client_id,
            text,
            reply_to,
            files,
        };
        self.call(build, |reply| match reply {
            Reply::Sent { message } => Some(message),
            _ => None,
        })
        .await
    }

    /// Replaces the text of one's own message; the revision that took, if
    /// it changed anything.
    pub async fn edit_message(
        &self,
        channel: ChannelId,
        message: MessageId,
        text: String,
    ) -> Result<Option<Rev>, LinkError> {
        let build = move |req| ClientMsg::Edit {
            req,
            channel,
            message,
            text,
        };
        self.call(build, revised).await
    }

    /// Deletes one's own message.
    pub async fn delete_message(
        &self,
        channel: ChannelId,
        message: MessageId,
    ) -> Result<Option<Rev>, LinkError> {
        let build = move |req| ClientMsg::Delete {
            req,
            channel,
            message,
        };
        self.call(build, revised).await
    }

    /// Adds (or takes back, `add: false`) one's reaction to a message.
    pub async fn react(
        &self,
        channel: ChannelId,
        message: MessageId,
        emoji: String,
        add: bool,
    ) -> Result<Option<Rev>, LinkError> {
        let build = move |req| ClientMsg::React {
            req,
            channel,
            message,
            emoji,
            add,
        };
        self.call(build, revised).await
    }

    /// Up to `limit` messages of `channel` at `page`.
    pub async fn history(
        &self,
        channel: ChannelId,
        page: PageAt,
        limit: u32,
    ) -> Result<Page, LinkError> {
        let build = move |req| ClientMsg::History {
            req,
            channel,
            page,
            limit,
        };
        self.call(build, move |reply| match reply {
            Reply::History {
                channel: of,
                messages,
                has_older,
                has_newer,
                rev,
            } if of == channel => Some(Page {
                messages,
                has_older,
                has_newer,
                rev,
            }),
            _ => None,
        })
        .await
    }

    /// The changes to `channel` after `rev` (once opened, the changes its
    /// first page may lack), and whether more follow after them.
    pub async fn catch_up(
        &self,
        channel: ChannelId,
        rev: Rev,
    ) -> Result<(Vec<CatchUp>, bool), LinkError> {
        let cursors = vec![Cursor { channel, rev }];
        self.call(
            move |req| ClientMsg::Sync { req, cursors },
            |reply| match reply {
                Reply::Synced { catch_up, more, .. } => Some((catch_up, more)),
                _ => None,
            },
        )
        .await
    }

    /// Moves the user's read marker in `channel` forward to `seq`.
    pub async fn mark_read(&self, channel: ChannelId, seq: Seq) -> Result<(), LinkError> {
        self.call(move |req| ClientMsg::MarkRead { req, channel, seq }, done)
            .await
    }

    /// Sets the user's notification setting for `channel`, in every tab.
    pub async fn set_notify(
        &self,
        channel: ChannelId,
        notify: NotifyLevel,
    ) -> Result<(), LinkError> {
        self.call(
            move |req| ClientMsg::SetNotify {
                req,
                channel,
                notify,
            },
            done,
        )
        .await
    }

    /// Creates a public channel named `name`, with the user in it.
    pub async fn create_channel(
        &self,
        name: String,
        private: bool,
    ) -> Result<ChannelSummary, LinkError> {
        let build = move |req| ClientMsg::CreateChannel { req, name, private };
        self.call(build, channel).await
    }

    /// Changes a channel's name, topic or archived state.
    pub async fn configure(
        &self,
        channel: ChannelId,
        change: ChannelChange,
    ) -> Result<(), LinkError> {
        let build = move |req| ClientMsg::Configure {
            req,
            channel,
            change,
        };
        self.call(build, done).await
    }

    /// Adds people to a channel.
    pub async fn invite(&self, channel: ChannelId, users: Vec<UserId>) -> Result<(), LinkError> {
        let build = move |req| ClientMsg::Invite {
            req,
            channel,
            users,
        };
        self.call(build, done).await
    }

    /// Joins a public channel.
    pub async fn join_channel(&self, id: ChannelId) -> Result<ChannelSummary, LinkError> {
        self.call(
            move |req| ClientMsg::JoinChannel { req, channel: id },
            channel,
        )
        .await
    }

    /// Leaves a channel.
    pub async fn leave_channel(&self, channel: ChannelId) -> Result<(), LinkError> {
        self.call(move |req| ClientMsg::LeaveChannel { req, channel }, done)
            .await
    }

    /// Public channels whose name contains `query` (all if empty).
    pub async fn browse_channels(&self, query: String) -> Result<Vec<DirectoryEntry>, LinkError> {
        let build = move |req| ClientMsg::BrowseChannels { req, query };
        self.call(build, |reply| match reply {
            Reply::Directory { channels } => Some(channels),
            _ => None,
        })
        .await
    }

    /// People whose name starts with `query`.
    pub async fn find_users(&self, query: String) -> Result<Vec<User>, LinkError> {
        let build = move |req| ClientMsg::FindUsers { req, query };
        self.call(build, |reply| match reply {
            Reply::Users { users } => Some(users),
            _ => None,
        })
        .await
    }

    /// The conversation with `user`, created on first use.
    pub async fn open_direct(&self, user: UserId) -> Result<ChannelSummary, LinkError> {
        self.call(move |req| ClientMsg::OpenDirect { req, user }, channel)
            .await
    }

    /// The group conversation with `users` (two to eight others), created
    /// unless one of exactly these people exists.
    pub async fn open_group(&self, users: Vec<UserId>) -> Result<ChannelSummary, LinkError> {
        self.call(move |req| ClientMsg::OpenGroup { req, users }, channel)
            .await
    }

    /// Some members of `channel`, online first, and its counts.
    pub async fn members(&self, channel: ChannelId) -> Result<MemberList, LinkError> {
        self.call(
            move |req| ClientMsg::Members { req, channel },
            |reply| match reply {
                Reply::Members {
                    channel,
                    members,
                    total,
                    online,
                    you,
                    banned,
                } => Some(MemberList {
                    channel,
                    members,
                    total,
                    online,
                    you,
                    banned,
                }),
                _ => None,
            },
        )
        .await
    }

    /// A moderator's `action` on `user` in `channel`.
    pub async fn moderate(
        &self,
        channel: ChannelId,
        user: UserId,
        action: ModAction,
    ) -> Result<(), LinkError> {
        let build = move |req| ClientMsg::Moderate {
            req,
            channel,
            user,
            action,
        };
        self.call(build, done).await
    }

    /// Follows the presence of exactly `users`; those of them online now.
    pub async fn watch(&self, users: Vec<UserId>) -> Result<Vec<UserId>, LinkError> {
        self.call(
            move |req| ClientMsg::Watch { req, users },
            |reply| match reply {
                Reply::Presence { online } => Some(online),
                _ => None,
            },
        )
        .await
    }

    /// Tells the channel's members the user is (or stopped) typing.
    pub async fn typing(&self, channel: ChannelId, typing: bool) -> Result<(), LinkError> {
        let build = move |req| ClientMsg::Typing {
            req,
            channel,
            typing,
        };
        self.call(build, done).await
    }
}
