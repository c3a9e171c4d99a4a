//! The bus: how an event raised on one node reaches the hub of every node.
//!
//! Everything that changes what connections should hear goes through the bus
//! rather than straight to the local hub, so that a second implementation can
//! carry it between nodes. With SQLite there is one node, and [`LocalBus`]
//! hands each event to the local hub at once, in the order it was published.
//! On PostgreSQL, [`postgres::PgBus`] carries events between nodes with
//! LISTEN/NOTIFY; another broker (NATS, Redis) would be one more [`Bus`].

pub mod postgres;
mod wire;

use app::model::{ChannelId, UserId};
use tower_sessions::session::Id as SessionId;

use crate::{
    hub::{Frame, Hub},
    store::PresenceChange,
};

/// One event for the hubs.
#[derive(Clone, Debug)]
pub enum Event {
    /// A frame for every connection listening to a channel.
    ToChannel { channel: ChannelId, frame: Frame },
    /// A frame for every connection of a user.
    ToUser { user: UserId, frame: Frame },
    /// The user joined a channel: their connections start listening to it.
    Subscribe { user: UserId, channel: ChannelId },
    /// The user left a channel: their connections stop listening to it.
    Unsubscribe { user: UserId, channel: ChannelId },
    /// The session was logged out: its connections close.
    EndSession { session: SessionId },
    /// A user came online or went offline: their watchers hear of it.
    Presence(PresenceChange),
}

/// Carries events to every node's hub, in the order they are published.
pub trait Bus: Send + Sync + 'static {
    fn publish(&self, event: Event);
}

/// The bus of a single node: its own hub.
#[derive(Clone, Debug)]
pub struct LocalBus {
    hub: Hub,
}

impl LocalBus {
    pub fn new(hub: Hub) -> Self {
        Self { hub }
    }
}

impl Bus for LocalBus {
    fn publish(&self, event: Event) {
        apply(&self.hub, event);
    }
}

/// Applies an event to a hub; every bus ends here on every node.
pub fn apply(hub: &Hub, event: Event) {
    match event {
        Event::ToChannel { channel, frame } => hub.to_channel(channel, &frame),
        Event::ToUser { user, frame } => hub.to_user(user, &frame),
        Event::Subscribe { user, channel } => hub.subscribe(user, channel),
        Event::Unsubscribe { user, channel } => hub.unsubscribe(user, channel),
        Event::EndSession { session } => hub.end_session(session),
        Event::Presence(change) => hub.presence(change),
    }
}
