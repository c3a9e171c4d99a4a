//! Following presence: each connection follows the people on its screen,
//! and hears when one of them comes online or goes offline.

use std::collections::{HashMap, HashSet};

use app::{model::UserId, protocol::ServerMsg};

use super::{remove_from, ConnId, Hub, State};
use crate::{frame::encode, store::PresenceChange};

impl Hub {
    /// Makes connection `id` follow the presence of exactly `users`.
    pub fn watch(&self, id: ConnId, users: &[UserId]) {
        let mut state = self.write();
        let State {
            conns, watchers, ..
        } = &mut *state;
        let Some(conn) = conns.get_mut(&id) else {
            return;
        };
        let wanted: HashSet<UserId> = users.iter().copied().collect();
        for user in conn.watching.difference(&wanted) {
            remove_from(watchers, user, &id);
        }
        for user in wanted.difference(&conn.watching) {
            watchers
                .entry(*user)
                .or_default()
                .insert(id, conn.outlet.clone());
        }
        conn.watching = wanted;
    }

    /// Tells the watchers of a user that their presence changed, unless a
    /// newer change was already heard.
    pub fn presence(&self, change: PresenceChange) {
        if !self.inner.versions.is_newest(&change) {
            return;
        }
        let message = ServerMsg::Presence {
            user: change.user,
            online: change.online,
        };
        if let Some(frame) = encode(&message) {
            let state = self.read();
            for outlet in state
                .watchers
                .get(&change.user)
                .into_iter()
                .flat_map(HashMap::values)
            {
                outlet.push(&frame);
            }
        }
    }
}
