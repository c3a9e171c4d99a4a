//! Answering a client's requests: each gets exactly one reply.

use std::{collections::HashMap, time::Duration};

use app::{
    model::{ChannelId, User},
    protocol::{ClientMsg, ProtocolError, Reply, Rev, ServerMsg},
};
use tokio::time::Instant;
use tracing::Instrument;

use crate::{hub::ConnId, observe, state::AppState};

/// The longest search query accepted.
const MAX_QUERY_CHARS: usize = 64;

/// Typing notices of one connection and channel are passed on at most this
/// often; clients send them every few seconds. (Across a user's connections,
/// the throttle limits them too, whatever state they claim.)
const TYPING_EVERY: Duration = Duration::from_secs(1);

/// The connection a request comes from, and what it has said about itself.
pub struct Caller {
    pub conn: ConnId,
    pub user: User,
    /// The channels this connection's user is typing in, and when the last
    /// notice went out.
    typing: HashMap<ChannelId, Instant>,
}

impl Caller {
    pub fn new(conn: ConnId, user: User) -> Self {
        Self {
            conn,
            user,
            typing: HashMap::new(),
        }
    }

    /// The connection is closing: whoever saw its user typing stops seeing it.
    pub fn stop_typing(&mut self, state: &AppState) {
        for (channel, _) in self.typing.drain() {
            state.announce_typing(&self.user, channel, false);
        }
    }

    async fn typing(
        &mut self,
        state: &AppState,
        channel: ChannelId,
        typing: bool,
    ) -> Result<(), ProtocolError> {
        if typing {
            if self
                .typing
                .get(&channel)
                .is_some_and(|last| last.elapsed() < TYPING_EVERY)
            {
                return Ok(());
            }
            state.require_member(&self.user, channel).await?;
            if !state.throttle.typing(self.user.id, channel) {
                return Ok(());
            }
            self.typing.insert(channel, Instant::now());
        } else if self.typing.remove(&channel).is_none()
            || !state.throttle.typing(self.user.id, channel)
        {
            return Ok(());
        }
        state.announce_typing(&self.user, channel, typing);
        Ok(())
    }
}

/// Runs one request and returns its reply.
pub async fn answer(state: &AppState, caller: &mut Caller, message: ClientMsg) -> ServerMsg {
    let req = message.req();
    let kind = observe::request_kind(&message);
    let started = Instant::now();
    let span = tracing::debug_span!("request", kind, req);
    let result = run(state, caller, message).instrument(span).await;
    observe::ws_request(kind, started.elapsed(), result.as_ref().err());
    match result {
        Ok(reply) => ServerMsg::Ok { req, reply },
        Err(error) => ServerMsg::Error {
            req: Some(req),
            error,
        },
    }
}

async fn run(
    state: &AppState,
    caller: &mut Caller,
    message: ClientMsg,
) -> Result<Reply, ProtocolError> {
    let user = &caller.user;
    state.throttle.admit(user.id, &message)?;
    match message {
        ClientMsg::Send {
            channel,
            client_id,
            text,
            reply_to,
            files,
            ..
        } => {
            let message = state
                .send_message(user, channel, client_id, &text, reply_to, files)
                .await?;
            // Sending ends typing; the other clients clear it on the message.
            caller.typing.remove(&channel);
            Ok(Reply::Sent { message })
        }
        ClientMsg::History {
            channel,
            page,
            limit,
            ..
        } => {
            let page = state.history(user, channel, page, limit).await?;
            Ok(Reply::History {
                channel,
                messages: page.messages,
                has_older: page.has_older,
                has_newer: page.has_newer,
                rev: page.rev,
            })
        }
        ClientMsg::Edit {
            channel,
            message,
            text,
            ..
        } => Ok(made(
            state.edit_message(user, channel, message, &text).await?,
        )),
        ClientMsg::Delete {
            channel, message, ..
        } => Ok(made(state.delete_message(user, channel, message).await?)),
        ClientMsg::React {
            channel,
            message,
            emoji,
            add,
            ..
        } => Ok(made(
            state.react(user, channel, message, &emoji, add).await?,
        )),
        ClientMsg::Sync { cursors, .. } => state.sync(user, &cursors).await,
        ClientMsg::MarkRead { channel, seq, .. } => {
            state.mark_read(user, channel, seq).await?;
            Ok(Reply::Done)
        }
        ClientMsg::SetNotify {
            channel, notify, ..
        } => {
            state.set_notify(user, channel, notify).await?;
            Ok(Reply::Done)
        }
        ClientMsg::CreateChannel { name, private, .. } => Ok(Reply::Channel {
            channel: state.create_channel(user, &name, private).await?,
        }),
        ClientMsg::Configure {
            channel, change, ..
        } => {
            state.configure(user, channel, change).await?;
            Ok(Reply::Done)
        }
        ClientMsg::Invite { channel, users, .. } => {
            state.invite(user, channel, &users).await?;
            Ok(Reply::Done)
        }
        ClientMsg::JoinChannel { channel, .. } => Ok(Reply::Channel {
            channel: state.join_channel(user, channel).await?,
        }),
        ClientMsg::LeaveChannel { channel, .. } => {
            state.leave_channel(user, channel).await?;
            Ok(Reply::Done)
        }
        ClientMsg::BrowseChannels { query, .. } => {
            check_query(&query)?;
            Ok(Reply::Directory {
                channels: state.browse(user, &query).await?,
            })
        }
        ClientMsg::FindUsers { query, .. } => {
            check_query(&query)?;
            Ok(Reply::Users {
                users: state.find_users(user, &query).await?,
            })
        }
        ClientMsg::OpenDirect { user: other, .. } => Ok(Reply::Channel {
            channel: state.open_direct(user, other).await?,
        }),
        ClientMsg::OpenGroup { users, .. } => Ok(Reply::Channel {
            channel: state.open_group(user, &users).await?,
        }),
        ClientMsg::Members { channel, .. } => state.members(user, channel).await,
        ClientMsg::Moderate {
            channel,
            user: target,
            action,
            ..
        } => {
            state.moderate(user, channel, target, action).await?;
            Ok(Reply::Done)
        }
        ClientMsg::Mentions { before, .. } => {
            let (messages, has_more) = state.mentions(user, before).await?;
            Ok(Reply::Mentions { messages, has_more })
        }
        ClientMsg::Watch { users, .. } => Ok(Reply::Presence {
            online: state.watch(user, caller.conn, &users).await?,
        }),
        ClientMsg::Typing {
            channel, typing, ..
        } => {
            caller.typing(state, channel, typing).await?;
            Ok(Reply::Done)
        }
        ClientMsg::Ping { .. } => Ok(Reply::Pong),
    }
}

/// The answer to a change to a message: the revision it took, if it
/// changed anything.
fn made(rev: Option<Rev>) -> Reply {
    rev.map_or(Reply::Done, |rev| Reply::Revised { rev })
}

fn check_query(query: &str) -> Result<(), ProtocolError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ProtocolError::BadRequest {
            detail: format!("a search is at most {MAX_QUERY_CHARS} characters"),
        });
    }
    Ok(())
}
