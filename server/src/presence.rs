//! Presence: who is online.
//!
//! A user is online while at least one of their connections is open, on any
//! node. Each node counts its own connections per user; the first one writes
//! a presence row for (user, node), and when the last one closes the row is
//! removed after a grace delay, unless the user came back meanwhile (a page
//! reload or a brief network drop is not "offline"). The database says whether
//! any row is left, and numbers each change, so that every node agrees.
//!
//! Nodes heartbeat into the database. A node whose heartbeat stops (it
//! crashed) is reaped by the others, or by itself after a restart, with its
//! rows: nobody stays "online" because a process died.

use std::{collections::HashMap, sync::Arc, time::Duration};

use app::model::UserId;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::{
    bus::{Bus, Event},
    store::{now_millis, PresenceChange, Store},
};

/// Presence on this node; cheap to clone.
#[derive(Clone)]
pub struct Presence {
    inner: Arc<Inner>,
}

struct Inner {
    /// This process's id among the nodes, fresh at every start.
    node: String,
    grace: Duration,
    store: Arc<dyn Store>,
    bus: Arc<dyn Bus>,
    /// Open connections per user on this node. An async mutex held across
    /// the database write, so that a connect and the end of a grace delay
    /// for the same user can never interleave.
    local: Mutex<HashMap<UserId, Local>>,
}

#[derive(Default)]
struct Local {
    connections: u32,
    /// Changes on every connect and disconnect, so a grace timer can tell
    /// whether its user came back meanwhile.
    generation: u64,
}

impl Presence {
    pub fn new(store: Arc<dyn Store>, bus: Arc<dyn Bus>, grace: Duration) -> Self {
        let node = uuid::Uuid::new_v4().simple().to_string();
        Self {
            inner: Arc::new(Inner {
                node,
                grace,
                store,
                bus,
                local: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Registers this node and reaps the nodes that died (including this
    /// one's previous run); then keeps doing both until `shutdown`.
    pub async fn start(&self, shutdown: CancellationToken) -> Result<(), crate::store::StoreError> {
        self.inner.store.heartbeat(&self.inner.node).await?;
        self.reap().await;
        let presence = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(presence.heartbeat_every());
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = shutdown.cancelled() => return,
                }
                if let Err(error) = presence.inner.store.heartbeat(&presence.inner.node).await {
                    tracing::warn!(%error, "cannot record this node's heartbeat");
                }
                presence.reap().await;
            }
        });
        Ok(())
    }

    /// A connection of `user` opened on this node.
    pub async fn connected(&self, user: UserId) {
        let mut local = self.inner.local.lock().await;
        let entry = local.entry(user).or_default();
        entry.connections += 1;
        entry.generation += 1;
        if entry.connections == 1 {
            match self.inner.store.presence_join(user, &self.inner.node).await {
                Ok(change) => self.announce(change),
                Err(error) => tracing::warn!(%error, %user, "cannot record presence"),
            }
        }
    }

    /// A connection of `user` closed on this node. If it was their last one,
    /// they go offline after the grace delay, unless they come back.
    pub async fn disconnected(&self, user: UserId) {
        let generation = {
            let mut local = self.inner.local.lock().await;
            let Some(entry) = local.get_mut(&user) else {
                return;
            };
            entry.connections = entry.connections.saturating_sub(1);
            entry.generation += 1;
            if entry.connections > 0 {
                return;
            }
            entry.generation
        };
        let presence = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(presence.inner.grace).await;
            presence.leave_if_gone(user, generation).await;
        });
    }

    async fn leave_if_gone(&self, user: UserId, generation: u64) {
        let mut local = self.inner.local.lock().await;
        if local
            .get(&user)
            .is_none_or(|entry| entry.generation != generation)
        {
            return;
        }
        local.remove(&user);
        match self
            .inner
            .store
            .presence_leave(user, &self.inner.node)
            .await
        {
            Ok(change) => self.announce(change),
            Err(error) => tracing::warn!(%error, %user, "cannot clear presence"),
        }
    }

    /// Removes this node's presence at shutdown, so that its users do not
    /// wait for the reaper (those connected elsewhere stay online).
    pub async fn stop(&self) {
        let _local = self.inner.local.lock().await;
        match self.inner.store.remove_node(&self.inner.node).await {
            Ok(changes) => changes.into_iter().for_each(|c| self.announce(Some(c))),
            Err(error) => tracing::warn!(%error, "cannot clear this node's presence"),
        }
    }

    /// Forgets the nodes that stopped heartbeating, and their users.
    async fn reap(&self) {
        let stale = i64::try_from(self.dead_after().as_millis()).unwrap_or(i64::MAX);
        match self
            .inner
            .store
            .reap_nodes(now_millis() - stale, &self.inner.node)
            .await
        {
            Ok(changes) => changes.into_iter().for_each(|c| self.announce(Some(c))),
            Err(error) => tracing::warn!(%error, "cannot reap dead nodes"),
        }
    }

    fn announce(&self, change: Option<PresenceChange>) {
        if let Some(change) = change {
            self.inner.bus.publish(Event::Presence(change));
        }
    }

    /// How often this node heartbeats: often enough that a dead node is
    /// noticed about when its users' grace delay would have run out.
    fn heartbeat_every(&self) -> Duration {
        (self.inner.grace / 3).clamp(Duration::from_millis(250), Duration::from_secs(5))
    }

    /// A node silent for this long is dead.
    fn dead_after(&self) -> Duration {
        self.inner.grace + 2 * self.heartbeat_every()
    }
}
