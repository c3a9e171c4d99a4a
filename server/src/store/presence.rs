//! Presence and node heartbeats.
//!
//! Every change runs in one transaction that also bumps the user's presence
//! version, so the versions order the changes exactly as the database made
//! them. Where writers run side by side (PostgreSQL, several nodes), each
//! change first locks the user's row, so that two nodes changing the same
//! user's presence take turns: without it, two last connections closing at
//! once on two nodes would each still see the other's row and neither would
//! announce "offline". These writes go to the store's `ephemeral` pool (see
//! [`SqlStore`]).

use app::model::{ChannelId, UserId};

use super::{
    db::Tx, now_millis, records, MemberPage, MemberRow, PresenceChange, PresenceStore, SqlStore,
    StoreError,
};

#[async_trait::async_trait]
impl PresenceStore for SqlStore {
    async fn heartbeat(&self, node: &str) -> Result<(), StoreError> {
        self.ephemeral
            .sql(
                "INSERT INTO nodes (id, started_at, heartbeat_at) VALUES ($1, $2, $2)
                 ON CONFLICT (id) DO UPDATE SET heartbeat_at = $2",
            )
            .bind(node)
            .bind(now_millis())
            .execute()
            .await?;
        Ok(())
    }

    async fn presence_join(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError> {
        self.change_presence(user, node, true).await
    }

    async fn presence_leave(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError> {
        self.change_presence(user, node, false).await
    }

    async fn reap_nodes(
        &self,
        stale_before: i64,
        keep: &str,
    ) -> Result<Vec<PresenceChange>, StoreError> {
        let mut tx = self.ephemeral.begin().await?;
        let users: Vec<UserId> = tx
            .sql(
                "DELETE FROM presence
                 WHERE node_id IN (SELECT id FROM nodes WHERE heartbeat_at < $1 AND id <> $2)
                 RETURNING user_id",
            )
            .bind(stale_before)
            .bind(keep)
            .scalars()
            .await?;
        tx.sql("DELETE FROM nodes WHERE heartbeat_at < $1 AND id <> $2")
            .bind(stale_before)
            .bind(keep)
            .execute()
            .await?;
        let changes = gone_offline(&mut tx, users).await?;
        tx.commit().await?;
        Ok(changes)
    }

    async fn remove_node(&self, node: &str) -> Result<Vec<PresenceChange>, StoreError> {
        let mut tx = self.ephemeral.begin().await?;
        let users: Vec<UserId> = tx
            .sql("DELETE FROM presence WHERE node_id = $1 RETURNING user_id")
            .bind(node)
            .scalars()
            .await?;
        tx.sql("DELETE FROM nodes WHERE id = $1")
            .bind(node)
            .execute()
            .await?;
        let changes = gone_offline(&mut tx, users).await?;
        tx.commit().await?;
        Ok(changes)
    }

    async fn visible_presence(
        &self,
        viewer: UserId,
        users: &[UserId],
    ) -> Result<Vec<(UserId, bool)>, StoreError> {
        let sql = format!(
            "SELECT u.id, EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id)
             FROM users u
             WHERE {}
               AND EXISTS (
                   SELECT 1 FROM memberships a JOIN memberships b ON a.channel_id = b.channel_id
                   WHERE a.user_id = $2 AND b.user_id = u.id)",
            self.db.dialect().in_ids("u.id", "$1"),
        );
        let rows = self
            .db
            .sql(&sql)
            .bind_ids(users.iter().map(|user| user.0))
            .bind(viewer)
            .fetch_all()
            .await?;
        Ok(rows)
    }

    async fn channel_members(
        &self,
        channel: ChannelId,
        limit: u32,
    ) -> Result<MemberPage, StoreError> {
        let sql = format!(
            "SELECT u.id, u.username, u.display_name,
                    EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id) AS online,
                    CASE WHEN u.is_admin THEN 'admin' ELSE m.role END AS standing
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.channel_id = $1
             ORDER BY online DESC, {}
             LIMIT $2",
            self.db.dialect().name_order("u.username"),
        );
        let rows: Vec<MemberRow> = self
            .db
            .sql(&sql)
            .bind(channel)
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        let (total, online): (i64, i64) = self
            .db
            .sql(
                "SELECT COUNT(*),
                        COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM presence p WHERE p.user_id = m.user_id))
                 FROM memberships m WHERE m.channel_id = $1",
            )
            .bind(channel)
            .fetch_one()
            .await?;
        Ok(records::member_list(rows, total, online))
    }
}

impl SqlStore {
    /// Adds (`online`) or removes `user`'s row for `node`; the change if
    /// that made their first row or took their last.
    async fn change_presence(
        &self,
        user: UserId,
        node: &str,
        online: bool,
    ) -> Result<Option<PresenceChange>, StoreError> {
        let mut tx = self.ephemeral.begin().await?;
        lock_user(&mut tx, user).await?;
        let query = match online {
            true => tx
                .sql(
                    "INSERT INTO presence (user_id, node_id, since) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                )
                .bind(user)
                .bind(node)
                .bind(now_millis()),
            false => tx
                .sql("DELETE FROM presence WHERE user_id = $1 AND node_id = $2")
                .bind(user)
                .bind(node),
        };
        let changed = query.execute().await? == 1;
        // Online once the first row is there; offline once the last is gone.
        let rows_now = i64::from(online);
        let change = match changed && rows_of(&mut tx, user).await? == rows_now {
            true => Some(bump(&mut tx, user, online).await?),
            false => None,
        };
        tx.commit().await?;
        Ok(change)
    }
}

/// Takes `user`'s row lock until the transaction ends, where writers run
/// side by side.
async fn lock_user(tx: &mut Tx<'_>, user: UserId) -> Result<(), StoreError> {
    if tx.dialect().locks_rows() {
        tx.sql("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
            .bind(user)
            .execute()
            .await?;
    }
    Ok(())
}

/// How many presence rows `user` has, on any node.
async fn rows_of(tx: &mut Tx<'_>, user: UserId) -> Result<i64, StoreError> {
    Ok(tx
        .sql("SELECT COUNT(*) FROM presence WHERE user_id = $1")
        .bind(user)
        .scalar()
        .await?)
}

/// Records a change of `user`'s online state and numbers it.
async fn bump(tx: &mut Tx<'_>, user: UserId, online: bool) -> Result<PresenceChange, StoreError> {
    let version = tx
        .sql(
            "UPDATE users SET presence_version = presence_version + 1
             WHERE id = $1 RETURNING presence_version",
        )
        .bind(user)
        .scalar()
        .await?;
    Ok(PresenceChange {
        user,
        online,
        version,
    })
}

/// Of users who just lost presence rows, those who have none left (locking
/// each, in id order, before counting).
async fn gone_offline(
    tx: &mut Tx<'_>,
    mut users: Vec<UserId>,
) -> Result<Vec<PresenceChange>, StoreError> {
    users.sort_unstable();
    users.dedup();
    let mut changes = Vec::new();
    for user in users {
        lock_user(tx, user).await?;
        if rows_of(tx, user).await? == 0 {
            changes.push(bump(tx, user, false).await?);
        }
    }
    Ok(changes)
}
