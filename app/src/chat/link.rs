//! The tab's link to the server: a handle that components use to make
//! requests, over one WebSocket that a background task keeps open.
//!
//! The handle is cheap to clone and exists on the server too (where every
//! request answers [`LinkError::Offline`]), so components need no `cfg`.
//! Components call its typed requests ([`api`]): each builds its message and
//! takes its own kind of reply, so a reply of the wrong kind is an error,
//! never silently dropped.

mod api;

pub use api::Page;

use futures::channel::{mpsc, oneshot};

use crate::protocol::{ClientMsg, ProtocolError, Reply, ReqId};

/// Why a request got no reply.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("you are offline; this will work once the connection is back")]
    Offline,
    #[error("{0}")]
    Refused(ProtocolError),
    #[error("the server answered with another kind of reply")]
    Unexpected,
}

/// A request waiting for the socket: built once its id is known.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) struct Command {
    pub build: Box<dyn FnOnce(ReqId) -> ClientMsg + Send>,
    pub reply: oneshot::Sender<Result<Reply, LinkError>>,
}

/// Makes requests over the tab's WebSocket.
#[derive(Clone)]
pub struct Link {
    commands: Option<mpsc::UnboundedSender<Command>>,
}

impl Link {
    /// A link that is never connected (on the server, while rendering).
    pub fn offline() -> Self {
        Self { commands: None }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(crate) fn new(commands: mpsc::UnboundedSender<Command>) -> Self {
        Self {
            commands: Some(commands),
        }
    }

    /// Sends a request and waits for its reply, which `pick` takes apart
    /// (`None` for a reply of another kind). Fails at once when the socket
    /// is down rather than waiting for it to come back.
    async fn call<T>(
        &self,
        build: impl FnOnce(ReqId) -> ClientMsg + Send + 'static,
        pick: impl FnOnce(Reply) -> Option<T>,
    ) -> Result<T, LinkError> {
        let commands = self.commands.as_ref().ok_or(LinkError::Offline)?;
        let (reply, answer) = oneshot::channel();
        commands
            .unbounded_send(Command {
                build: Box::new(build),
                reply,
            })
            .map_err(|_| LinkError::Offline)?;
        let reply = answer.await.unwrap_or(Err(LinkError::Offline))?;
        pick(reply).ok_or(LinkError::Unexpected)
    }
}
