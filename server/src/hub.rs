//! The hub: this node's open connections, and which of them listen to which
//! channel, user and session.
//!
//! Fan-out serialises an event once (in [`Frame`], a shared buffer) and hands
//! the same bytes to every subscribed connection's bounded queue with
//! `try_send`. The hub never waits for a socket: a connection whose queue is
//! full has fallen behind, and is asked to close so that its client
//! reconnects and catches up from the database (it is never silently
//! skipped). Empty channel entries are removed as their last listener goes.
//!
//! Changes to messages (edits, deletes, reactions) go out in [`batches`],
//! a few frames a second per channel at most, so that a burst of them does
//! not hold up a big room's messages.
//!
//! The parts: [`outlet`] is the hub's end of one connection, [`batches`] a
//! channel's changes on their way, [`watch`] who follows whose presence,
//! [`versions`] which presence news is late.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, RwLock, RwLockReadGuard, RwLockWriteGuard,
    },
    time::Instant,
};

use app::model::{ChannelId, UserId};
use tokio::sync::mpsc;
use tower_sessions::session::Id as SessionId;

mod batches;
mod outlet;
mod versions;
mod watch;

pub use outlet::{CloseReason, CloseSignal};

use batches::Batches;
use outlet::Outlet;
use versions::NewestVersions;

use crate::{
    bus::{Event, Receiver},
    frame::Frame,
};

/// Identifies a connection on this node.
pub type ConnId = u64;

/// How many frames may wait for one slow connection before it is closed.
pub const QUEUE_FRAMES: usize = 256;

/// What a connection task gets when it registers.
pub struct Registration {
    pub id: ConnId,
    /// Frames to write to the socket, in order.
    pub frames: mpsc::Receiver<Frame>,
    /// Set when the hub wants the connection closed.
    pub close: Arc<CloseSignal>,
}

#[derive(Debug)]
struct Conn {
    user: UserId,
    session: Option<SessionId>,
    channels: HashSet<ChannelId>,
    outlet: Arc<Outlet>,
    /// The users whose presence this connection follows.
    watching: HashSet<UserId>,
}

/// The connections listening to one channel, user or session, with their
/// links at hand so that fan-out needs no second lookup.
type Listeners = HashMap<ConnId, Arc<Outlet>>;

#[derive(Debug, Default)]
struct State {
    conns: HashMap<ConnId, Conn>,
    channels: HashMap<ChannelId, Listeners>,
    users: HashMap<UserId, Listeners>,
    sessions: HashMap<SessionId, Listeners>,
    /// For each user, the connections that follow their presence.
    watchers: HashMap<UserId, Listeners>,
}

/// This node's connections; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Hub {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: AtomicU64,
    /// One lock for all the maps: fan-out takes it shared; only connecting,
    /// disconnecting and membership changes take it exclusively, briefly.
    state: RwLock<State>,
    versions: NewestVersions,
    batches: Batches,
}

impl Hub {
    /// Adds a connection of `user`, listening to `channels`.
    pub fn register(
        &self,
        user: UserId,
        session: Option<SessionId>,
        channels: &[ChannelId],
    ) -> Registration {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, frames) = mpsc::channel(QUEUE_FRAMES);
        let close = Arc::new(CloseSignal::default());
        let outlet = Arc::new(Outlet {
            frames: tx,
            close: close.clone(),
        });

        let mut state = self.write();
        for channel in channels {
            state
                .channels
                .entry(*channel)
                .or_default()
                .insert(id, outlet.clone());
        }
        state
            .users
            .entry(user)
            .or_default()
            .insert(id, outlet.clone());
        if let Some(session) = session {
            state
                .sessions
                .entry(session)
                .or_default()
                .insert(id, outlet.clone());
        }
        let channels = channels.iter().copied().collect();
        state.conns.insert(
            id,
            Conn {
                user,
                session,
                channels,
                outlet,
                watching: HashSet::new(),
            },
        );
        Registration { id, frames, close }
    }

    /// Removes a connection and every subscription it had.
    pub fn unregister(&self, id: ConnId) {
        let mut state = self.write();
        let Some(conn) = state.conns.remove(&id) else {
            return;
        };
        for channel in &conn.channels {
            remove_from(&mut state.channels, channel, &id);
        }
        remove_from(&mut state.users, &conn.user, &id);
        if let Some(session) = conn.session {
            remove_from(&mut state.sessions, &session, &id);
        }
        for user in &conn.watching {
            remove_from(&mut state.watchers, user, &id);
        }
    }

    /// Makes every connection of `user` listen to `channel`.
    pub fn subscribe(&self, user: UserId, channel: ChannelId) {
        let mut state = self.write();
        let State {
            conns,
            channels,
            users,
            ..
        } = &mut *state;
        for (id, outlet) in users.get(&user).into_iter().flatten() {
            if let Some(conn) = conns.get_mut(id) {
                conn.channels.insert(channel);
                channels
                    .entry(channel)
                    .or_default()
                    .insert(*id, outlet.clone());
            }
        }
    }

    /// Stops every connection of `user` listening to `channel`.
    pub fn unsubscribe(&self, user: UserId, channel: ChannelId) {
        let mut state = self.write();
        let ids: Vec<ConnId> = state
            .users
            .get(&user)
            .into_iter()
            .flat_map(HashMap::keys)
            .copied()
            .collect();
        for id in ids {
            if let Some(conn) = state.conns.get_mut(&id) {
                conn.channels.remove(&channel);
            }
            remove_from(&mut state.channels, &channel, &id);
        }
    }

    /// Sends `frame` to every connection listening to `channel`, after the
    /// changes it holds for that channel, in the same frame.
    pub fn to_channel(&self, channel: ChannelId, frame: &Frame) {
        let mut batches = self.inner.batches.lock();
        match batches.take(channel, Instant::now()) {
            Some(held) => self.fan_out(channel, &Frame::joined(&held, frame)),
            None => self.fan_out(channel, frame),
        }
    }

    /// Pushes `frame` to every connection listening to `channel`; the
    /// caller holds the batches' lock, which keeps a channel's frames in
    /// order.
    fn fan_out(&self, channel: ChannelId, frame: &Frame) {
        let state = self.read();
        let listeners = state.channels.get(&channel);
        for outlet in listeners.into_iter().flat_map(HashMap::values) {
            outlet.push(frame);
        }
        tracing::debug!(
            %channel,
            connections = listeners.map_or(0, HashMap::len),
            "fanned out"
        );
    }

    /// Sends `frame` to every connection of `user`.
    pub fn to_user(&self, user: UserId, frame: &Frame) {
        let state = self.read();
        for outlet in state.users.get(&user).into_iter().flat_map(HashMap::values) {
            outlet.push(frame);
        }
    }

    /// Closes every connection of a session that has ended.
    pub fn end_session(&self, session: SessionId) {
        let state = self.read();
        for outlet in state
            .sessions
            .get(&session)
            .into_iter()
            .flat_map(HashMap::values)
        {
            outlet.close.close(CloseReason::SessionEnded);
        }
    }

    /// Closes every connection of `user` but those of session `except`.
    pub fn sign_out(&self, user: UserId, except: Option<SessionId>) {
        let state = self.read();
        for id in state.users.get(&user).into_iter().flat_map(HashMap::keys) {
            if let Some(conn) = state.conns.get(id) {
                if except.is_none() || conn.session != except {
                    conn.outlet.close.close(CloseReason::SessionEnded);
                }
            }
        }
    }

    /// Closes every connection as if it had fallen behind, so that each
    /// client reconnects and catches up from the database: for when this
    /// node may have missed events (its outlet to the other nodes dropped).
    pub fn resync_all(&self) {
        for conn in self.read().conns.values() {
            conn.outlet.close.close(CloseReason::Lagging);
        }
    }

    /// How many connections are open on this node.
    pub fn connections(&self) -> usize {
        self.read().conns.len()
    }

    /// How many users have a connection open on this node.
    pub fn users(&self) -> usize {
        self.read().users.len()
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // The maps stay consistent even if a holder panicked.
        self.inner
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Every bus hands its events to this node's hub.
impl Receiver for Hub {
    fn receive(&self, event: Event) {
        match event {
            Event::ToChannel { channel, frame } => self.to_channel(channel, &frame),
            Event::Changed(change) => self.change(*change),
            Event::ToUser { user, frame } => self.to_user(user, &frame),
            Event::Subscribe { user, channel } => self.subscribe(user, channel),
            Event::Unsubscribe { user, channel } => self.unsubscribe(user, channel),
            Event::EndSession { session } => self.end_session(session),
            Event::SignOut { user, except } => self.sign_out(user, except),
            Event::Presence(change) => self.presence(change),
        }
    }

    fn lost_events(&self) {
        self.resync_all();
    }
}

/// Removes `id` from the listeners under `key`, dropping the entry when it
/// empties.
fn remove_from<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Listeners>, key: &K, id: &ConnId) {
    if let Some(listeners) = map.get_mut(key) {
        listeners.remove(id);
        if listeners.is_empty() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use app::protocol::Change;
    use tokio_util::sync::CancellationToken;

    use super::*;

    const ALICE: UserId = UserId(1);
    const BOB: UserId = UserId(2);
    const GENERAL: ChannelId = ChannelId(1);
    const RUST: ChannelId = ChannelId(2);

    fn frame(text: &'static str) -> Frame {
        Frame::from(text)
    }

    #[test]
    fn a_channel_frame_reaches_its_listeners_only() {
        let hub = Hub::default();
        let mut a = hub.register(ALICE, None, &[GENERAL, RUST]);
        let mut b = hub.register(BOB, None, &[GENERAL]);
        hub.to_channel(RUST, &frame("rust"));
        hub.to_channel(GENERAL, &frame("general"));
        assert_eq!(a.frames.try_recv().unwrap().as_str(), "rust");
        assert_eq!(a.frames.try_recv().unwrap().as_str(), "general");
        assert_eq!(b.frames.try_recv().unwrap().as_str(), "general");
        assert!(b.frames.try_recv().is_err());
    }

    #[test]
    fn subscribing_reaches_every_connection_of_the_user() {
        let hub = Hub::default();
        let mut tab1 = hub.register(BOB, None, &[GENERAL]);
        let mut tab2 = hub.register(BOB, None, &[GENERAL]);
        hub.subscribe(BOB, RUST);
        hub.to_channel(RUST, &frame("hi"));
        assert!(tab1.frames.try_recv().is_ok());
        assert!(tab2.frames.try_recv().is_ok());

        hub.unsubscribe(BOB, RUST);
        hub.to_channel(RUST, &frame("again"));
        assert!(tab1.frames.try_recv().is_err());
        assert!(
            !hub.read().channels.contains_key(&RUST),
            "empty rooms are removed"
        );
    }

    #[test]
    fn unregistering_removes_every_trace() {
        let hub = Hub::default();
        let session = SessionId::default();
        let a = hub.register(ALICE, Some(session), &[GENERAL, RUST]);
        hub.unregister(a.id);
        let state = hub.read();
        assert!(state.conns.is_empty());
        assert!(state.channels.is_empty());
        assert!(state.users.is_empty());
        assert!(state.sessions.is_empty());
    }

    #[tokio::test]
    async fn a_full_queue_closes_the_connection_instead_of_waiting() {
        let hub = Hub::default();
        let slow = hub.register(ALICE, None, &[GENERAL]);
        let mut fast = hub.register(BOB, None, &[GENERAL]);
        for _ in 0..=QUEUE_FRAMES {
            hub.to_channel(GENERAL, &frame("x"));
            let _ = fast.frames.try_recv();
        }
        assert_eq!(slow.close.closed().await, CloseReason::Lagging);
        assert!(fast.close.reason.get().is_none());
    }

    fn change(rev: i64) -> Change {
        Change {
            channel: GENERAL,
            message: app::protocol::MessageId(1),
            rev: app::protocol::Rev(rev),
            what: app::protocol::ChangeKind::Deleted,
        }
    }

    fn revs(frame: &Frame) -> Vec<i64> {
        match serde_json::from_str(frame.as_str()) {
            Ok(app::protocol::ServerMsg::Changed { changes }) => {
                changes.iter().map(|c| c.rev.0).collect()
            }
            other => panic!("not a batch of changes: {other:?}"),
        }
    }

    #[test]
    fn held_changes_go_out_before_the_channel_s_next_frame() {
        let hub = Hub::default();
        let mut a = hub.register(ALICE, None, &[GENERAL]);
        hub.change(change(1));
        hub.change(change(2));
        hub.change(change(3));
        assert_eq!(
            revs(&a.frames.try_recv().unwrap()),
            [1],
            "the first at once"
        );
        assert!(a.frames.try_recv().is_err(), "the others are held");

        hub.to_channel(GENERAL, &frame(r#"{"member_count":[1,2]}"#));
        let joined = a.frames.try_recv().unwrap();
        let [held, event] = app::protocol::read_frame(joined.as_str().as_bytes())
            .unwrap()
            .try_into()
            .unwrap();
        assert!(
            matches!(held, app::protocol::ServerMsg::Changed { changes } if changes.len() == 2)
        );
        assert!(matches!(
            event,
            app::protocol::ServerMsg::MemberCount { count: 2, .. }
        ));
        assert!(a.frames.try_recv().is_err(), "one frame for both");
    }

    #[tokio::test]
    async fn held_changes_go_out_together_when_the_window_ends() {
        let hub = Hub::default();
        let shutdown = CancellationToken::new();
        let sender = tokio::spawn(hub.clone().send_held_changes(shutdown.clone()));
        let mut a = hub.register(ALICE, None, &[GENERAL]);
        for rev in 1..=5 {
            hub.change(change(rev));
        }
        assert_eq!(revs(&a.frames.recv().await.unwrap()), [1]);
        assert_eq!(revs(&a.frames.recv().await.unwrap()), [2, 3, 4, 5]);
        shutdown.cancel();
        sender.await.unwrap();
    }

    #[tokio::test]
    async fn ending_a_session_closes_its_connections_only() {
        let hub = Hub::default();
        let (one, two) = (SessionId::default(), SessionId::default());
        let laptop = hub.register(ALICE, Some(one), &[GENERAL]);
        let phone = hub.register(ALICE, Some(two), &[GENERAL]);
        hub.end_session(one);
        assert_eq!(laptop.close.closed().await, CloseReason::SessionEnded);
        assert!(phone.close.reason.get().is_none());
    }
}
