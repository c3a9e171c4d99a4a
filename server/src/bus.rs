//! The bus: how an event raised on one node reaches the hub of every node.
//!
//! Everything that changes what connections should hear goes through the bus
//! rather than straight to the local hub, so that a second implementation can
//! carry it between nodes. With SQLite there is one node, and [`LocalBus`]
//! hands each event to the local hub at once, in the order it was published.
//! On PostgreSQL, [`postgres::PgBus`] carries events between nodes with
//! LISTEN/NOTIFY; another broker (NATS, Redis) would be one more [`Bus`].
//!
//! The bus knows the hub only as a [`Receiver`]. New messages and changes to
//! messages take a road of their own: a bus hears of them inside the
//! transaction that stores them (as the store's [`Announce`]) and again once
//! it has committed ([`Bus::committed`]), and announces them at whichever of
//! the two keeps every node hearing a channel's changes in revision order.

pub mod postgres;
mod wire;

use std::sync::Arc;

use app::{
    model::{ChannelId, UserId},
    protocol::{Change, ServerMsg},
};
use tower_sessions::session::Id as SessionId;

use crate::{
    frame::{encode, Frame},
    store::{Announce, News, PresenceChange},
};

/// One event for the hubs.
#[derive(Clone, Debug)]
pub enum Event {
    /// A frame for every connection listening to a channel.
    ToChannel { channel: ChannelId, frame: Frame },
    /// A change to a message, for every connection listening to its
    /// channel: each hub batches a channel's changes into frames.
    Changed(Box<Change>),
    /// A frame for every connection of a user.
    ToUser { user: UserId, frame: Frame },
    /// The user joined a channel: their connections start listening to it.
    Subscribe { user: UserId, channel: ChannelId },
    /// The user left a channel: their connections stop listening to it.
    Unsubscribe { user: UserId, channel: ChannelId },
    /// The session was logged out: its connections close.
    EndSession { session: SessionId },
    /// The user was signed out of every session but `except`: their other
    /// connections close.
    SignOut {
        user: UserId,
        except: Option<SessionId>,
    },
    /// A user came online or went offline: their watchers hear of it.
    Presence(PresenceChange),
}

impl Event {
    /// A new message or a change, for every member's connections: the one
    /// place where what the store made becomes an event.
    pub fn news(news: &News<'_>) -> Option<Event> {
        match *news {
            News::Message(message) => {
                let frame = encode(&ServerMsg::Message {
                    message: message.clone(),
                })?;
                Some(Event::ToChannel {
                    channel: message.channel,
                    frame,
                })
            }
            News::Change(change) => Some(Event::Changed(Box::new(change.clone()))),
        }
    }
}

/// Where a bus delivers what it carries: this node's hub.
pub trait Receiver: Send + Sync + 'static {
    fn receive(&self, event: Event);

    /// Events may have been lost on the way: every connection must catch up
    /// from the database.
    fn lost_events(&self);
}

/// Carries events to every node's hub, in the order they are published.
pub trait Bus: Announce + Send + Sync + 'static {
    fn publish(&self, event: Event);

    /// New messages and changes, once the transaction that stored them has
    /// committed.
    fn committed(&self, news: &[News<'_>]);

    /// Whether events from the other nodes reach this one now (a node's own
    /// bus always does).
    fn ready(&self) -> bool {
        true
    }

    /// Sends `message` to every connection listening to `channel`.
    fn to_channel(&self, channel: ChannelId, message: &ServerMsg) {
        if let Some(frame) = encode(message) {
            self.publish(Event::ToChannel { channel, frame });
        }
    }

    /// Sends `message` to every connection of `user`.
    fn to_user(&self, user: UserId, message: &ServerMsg) {
        if let Some(frame) = encode(message) {
            self.publish(Event::ToUser { user, frame });
        }
    }
}

/// The bus of a single node: its own hub.
#[derive(Clone)]
pub struct LocalBus {
    hub: Arc<dyn Receiver>,
}

impl LocalBus {
    pub fn new(hub: Arc<dyn Receiver>) -> Self {
        Self { hub }
    }
}

impl Bus for LocalBus {
    fn publish(&self, event: Event) {
        self.hub.receive(event);
    }

    /// One node writes one batch at a time, so announcing after the commit
    /// keeps revision order, and never announces what was not stored.
    fn committed(&self, news: &[News<'_>]) {
        for event in news.iter().filter_map(Event::news) {
            self.hub.receive(event);
        }
    }
}

/// Nothing to write inside the transaction: [`Bus::committed`] announces.
impl Announce for LocalBus {}
