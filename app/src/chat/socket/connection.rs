//! The bookkeeping of one open connection: request ids, the requests
//! waiting for their replies, the sync in progress, and whether the link is
//! online yet. It decides what a frame means and what to send next; the
//! loop in [`super::connect`] does the sending.

use std::collections::HashMap;

use futures::channel::oneshot;
use gloo_net::websocket::Message as Frame;
use leptos::prelude::*;
use reactive_stores::Store;

use super::{encode, sync, viewing, Ended};
use crate::{
    chat::{
        events,
        link::{Command, Link, LinkError},
        outbox,
        people::People,
        read_marker,
        state::{Chat, ChatStoreFields, LinkStatus},
    },
    protocol::{ClientMsg, Reply, ReqId, ServerMsg},
};

pub(super) struct Connection {
    chat: Store<Chat>,
    people: People,
    link: Link,
    waiting: HashMap<ReqId, oneshot::Sender<Result<Reply, LinkError>>>,
    next_req: ReqId,
    /// The request id of the sync in progress.
    sync_req: ReqId,
    /// Whether the first sync has been answered.
    online: bool,
}

impl Connection {
    pub(super) fn new(chat: Store<Chat>, people: People, link: Link) -> Self {
        Self {
            chat,
            people,
            link,
            waiting: HashMap::new(),
            next_req: 1,
            sync_req: 0,
            online: false,
        }
    }

    fn req(&mut self) -> ReqId {
        let req = self.next_req;
        self.next_req += 1;
        req
    }

    /// How the connection ends if the link is lost now.
    pub(super) fn lost(&self) -> Ended {
        Ended::Lost {
            was_online: self.online,
        }
    }

    /// A sync from what the tab holds now.
    pub(super) fn sync(&mut self) -> Frame {
        self.sync_req = self.req();
        sync(self.chat, self.sync_req)
    }

    /// A ping, to keep the link alive.
    pub(super) fn ping(&mut self) -> Frame {
        let req = self.req();
        encode(&ClientMsg::Ping { req })
    }

    /// Acts on a frame from the server; a frame to send back if the
    /// catch-up goes on.
    pub(super) fn receive(&mut self, message: ServerMsg) -> Option<Frame> {
        match message {
            ServerMsg::Ok {
                req,
                reply:
                    Reply::Synced {
                        channels,
                        catch_up,
                        more,
                    },
            } if req == self.sync_req => {
                let synced = events::apply_sync(self.chat, channels, catch_up, more);
                if !self.online {
                    self.online = true;
                    self.chat.link().set(LinkStatus::Online);
                    outbox::flush(self.chat, &self.link);
                }
                for (channel, seq) in synced.unheard {
                    read_marker::send(&self.link, channel, seq);
                }
                // The rest of the catch-up, from where this one ended (or
                // from a reset page's revision).
                return (more || synced.owed).then(|| self.sync());
            }
            ServerMsg::Ok { req, reply } => self.answer(req, Ok(reply)),
            ServerMsg::Error {
                req: Some(req),
                error,
            } => self.answer(req, Err(LinkError::Refused(error))),
            event => {
                if events::apply(self.chat, self.people, event, viewing(self.chat)) {
                    return Some(self.sync());
                }
            }
        }
        None
    }

    /// A component's request: the frame to send, or `None` if it was
    /// answered "offline" at once (the first sync has not been answered).
    pub(super) fn request(&mut self, command: Command) -> Option<Frame> {
        if !self.online {
            let _ = command.reply.send(Err(LinkError::Offline));
            return None;
        }
        let req = self.req();
        // Waiting from now: if sending fails, the link is lost, and every
        // request waiting is answered "offline".
        self.waiting.insert(req, command.reply);
        Some(encode(&(command.build)(req)))
    }

    fn answer(&mut self, req: ReqId, result: Result<Reply, LinkError>) {
        if let Some(reply) = self.waiting.remove(&req) {
            let _ = reply.send(result);
        }
    }

    /// The link is gone: every request still waiting fails.
    pub(super) fn fail_waiting(&mut self) {
        for (_, reply) in self.waiting.drain() {
            let _ = reply.send(Err(LinkError::Offline));
        }
    }
}
