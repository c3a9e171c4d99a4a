//! Answering a client's requests: each gets exactly one reply.

use app::{
    model::User,
    protocol::{ClientMsg, ProtocolError, Reply, ServerMsg},
};

use crate::state::AppState;

/// The longest search query accepted.
const MAX_QUERY_CHARS: usize = 64;

/// Runs one request and returns its reply.
pub async fn answer(state: &AppState, user: &User, message: ClientMsg) -> ServerMsg {
    let req = message.req();
    match run(state, user, message).await {
        Ok(reply) => ServerMsg::Ok { req, reply },
        Err(error) => ServerMsg::Error {
            req: Some(req),
            error,
        },
    }
}

async fn run(state: &AppState, user: &User, message: ClientMsg) -> Result<Reply, ProtocolError> {
    match message {
        ClientMsg::Send {
            channel,
            client_id,
            text,
            ..
        } => {
            let message = state.send_message(user, channel, client_id, &text).await?;
            Ok(Reply::Sent { message })
        }
        ClientMsg::History {
            channel,
            before,
            limit,
            ..
        } => {
            let (messages, has_older) = state.history(user, channel, before, limit).await?;
            Ok(Reply::History {
                channel,
                messages,
                has_older,
            })
        }
        ClientMsg::Sync { cursors, .. } => state.sync(user, &cursors).await,
        ClientMsg::MarkRead { channel, seq, .. } => {
            state.mark_read(user, channel, seq).await?;
            Ok(Reply::Done)
        }
        ClientMsg::CreateChannel { name, .. } => Ok(Reply::Channel {
            channel: state.create_channel(user, &name).await?,
        }),
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
        ClientMsg::Ping { .. } => Ok(Reply::Pong),
    }
}

fn check_query(query: &str) -> Result<(), ProtocolError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ProtocolError::BadRequest {
            detail: format!("a search is at most {MAX_QUERY_CHARS} characters"),
        });
    }
    Ok(())
}
