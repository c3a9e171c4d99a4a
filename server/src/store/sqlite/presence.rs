//! Presence and node heartbeats on SQLite.
//!
//! Every change runs in one IMMEDIATE transaction that also bumps the user's
//! presence version, so the versions order the changes exactly as the
//! database did. These writes go through the store's `ephemeral` pool, whose
//! connection does not wait for the disk: presence is rebuilt from
//! connections after a crash, and flushing it would cost a disk sync per
//! connecting user.

use app::model::{ChannelId, UserId};
use sqlx::SqliteConnection;

use super::SqliteStore;
use crate::store::{
    now_millis, rows, MemberList, MemberRow, PresenceChange, PresenceStore, StoreError,
};

#[async_trait::async_trait]
impl PresenceStore for SqliteStore {
    async fn heartbeat(&self, node: &str) -> Result<(), StoreError> {
        let now = now_millis();
        sqlx::query(
            "INSERT INTO nodes (id, started_at, heartbeat_at) VALUES (?1, ?2, ?2)
             ON CONFLICT (id) DO UPDATE SET heartbeat_at = ?2",
        )
        .bind(node)
        .bind(now)
        .execute(&self.ephemeral)
        .await?;
        Ok(())
    }

    async fn presence_join(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError> {
        let mut tx = self.ephemeral.begin_with("BEGIN IMMEDIATE").await?;
        let inserted = sqlx::query(
            "INSERT INTO presence (user_id, node_id, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(user)
        .bind(node)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let change = match inserted && rows_of(&mut tx, user).await? == 1 {
            true => Some(bump(&mut tx, user, true).await?),
            false => None,
        };
        tx.commit().await?;
        Ok(change)
    }

    async fn presence_leave(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError> {
        let mut tx = self.ephemeral.begin_with("BEGIN IMMEDIATE").await?;
        let deleted = sqlx::query("DELETE FROM presence WHERE user_id = ? AND node_id = ?")
            .bind(user)
            .bind(node)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        let change = match deleted && rows_of(&mut tx, user).await? == 0 {
            true => Some(bump(&mut tx, user, false).await?),
            false => None,
        };
        tx.commit().await?;
        Ok(change)
    }

    async fn reap_nodes(
        &self,
        stale_before: i64,
        keep: &str,
    ) -> Result<Vec<PresenceChange>, StoreError> {
        let mut tx = self.ephemeral.begin_with("BEGIN IMMEDIATE").await?;
        let users: Vec<UserId> = sqlx::query_scalar(
            "DELETE FROM presence
             WHERE node_id IN (SELECT id FROM nodes WHERE heartbeat_at < ? AND id <> ?)
             RETURNING user_id",
        )
        .bind(stale_before)
        .bind(keep)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM nodes WHERE heartbeat_at < ? AND id <> ?")
            .bind(stale_before)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        let changes = gone_offline(&mut tx, users).await?;
        tx.commit().await?;
        Ok(changes)
    }

    async fn remove_node(&self, node: &str) -> Result<Vec<PresenceChange>, StoreError> {
        let mut tx = self.ephemeral.begin_with("BEGIN IMMEDIATE").await?;
        let users: Vec<UserId> =
            sqlx::query_scalar("DELETE FROM presence WHERE node_id = ? RETURNING user_id")
                .bind(node)
                .fetch_all(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM nodes WHERE id = ?")
            .bind(node)
            .execute(&mut *tx)
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
        let ids = serde_json::to_string(&users).unwrap_or_else(|_| "[]".to_owned());
        let rows = sqlx::query_as(
            "SELECT u.id, EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id)
             FROM users u
             WHERE u.id IN (SELECT value FROM json_each(?1))
               AND EXISTS (
                   SELECT 1 FROM memberships a JOIN memberships b ON a.channel_id = b.channel_id
                   WHERE a.user_id = ?2 AND b.user_id = u.id)",
        )
        .bind(ids)
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    async fn channel_members(
        &self,
        channel: ChannelId,
        limit: u32,
    ) -> Result<MemberList, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT u.id, u.username, EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id) AS online
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.channel_id = ?
             ORDER BY online DESC, u.username COLLATE NOCASE
             LIMIT ?",
        )
        .bind(channel)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let (total, online): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM presence p WHERE p.user_id = m.user_id)), 0)
             FROM memberships m WHERE m.channel_id = ?",
        )
        .bind(channel)
        .fetch_one(&self.pool)
        .await?;
        Ok(rows::member_list(rows, total, online))
    }
}

/// How many presence rows `user` has, on any node.
async fn rows_of(conn: &mut SqliteConnection, user: UserId) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM presence WHERE user_id = ?")
            .bind(user)
            .fetch_one(conn)
            .await?,
    )
}

/// Records a change of `user`'s online state and numbers it.
async fn bump(
    conn: &mut SqliteConnection,
    user: UserId,
    online: bool,
) -> Result<PresenceChange, StoreError> {
    let version = sqlx::query_scalar(
        "UPDATE users SET presence_version = presence_version + 1 WHERE id = ? RETURNING presence_version",
    )
    .bind(user)
    .fetch_one(conn)
    .await?;
    Ok(PresenceChange {
        user,
        online,
        version,
    })
}

/// Of users who just lost presence rows, those who have none left.
async fn gone_offline(
    conn: &mut SqliteConnection,
    mut users: Vec<UserId>,
) -> Result<Vec<PresenceChange>, StoreError> {
    users.sort_unstable();
    users.dedup();
    let mut changes = Vec::new();
    for user in users {
        if rows_of(conn, user).await? == 0 {
            changes.push(bump(conn, user, false).await?);
        }
    }
    Ok(changes)
}
