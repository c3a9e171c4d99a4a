//! Channels, conversations, memberships and read markers on SQLite.

use app::{
    model::{ChannelId, ChannelName, UserId},
    protocol::{ChannelSummary, DirectoryEntry, Seq, MAX_UNREAD},
};

use super::SqliteStore;
use crate::store::{
    is_unique_violation, like_escape, now_millis, rows, ChannelStore, DirectoryRow, StoreError,
    SummaryRow,
};

/// A channel as one member sees it. Unread counts only others' messages,
/// and stops at `MAX_UNREAD` so that a huge backlog costs no more than that.
const SUMMARY: &str = "
    SELECT c.id, c.kind, c.name, c.last_seq, m.last_read_seq,
           (SELECT COUNT(*) FROM (
                SELECT 1 FROM messages x
                WHERE x.channel_id = c.id AND x.seq > m.last_read_seq AND x.sender_id <> m.user_id
                LIMIT ?2)) AS unread,
           (SELECT COUNT(*) FROM memberships mm WHERE mm.channel_id = c.id) AS members,
           p.id AS peer_id, p.username AS peer_name
    FROM memberships m
    JOIN channels c ON c.id = m.channel_id
    LEFT JOIN users p ON c.kind = 'direct'
        AND p.id = CASE WHEN c.direct_low = m.user_id THEN c.direct_high ELSE c.direct_low END
    WHERE m.user_id = ?1";

#[async_trait::async_trait]
impl ChannelStore for SqliteStore {
    async fn channels_of(&self, user: UserId) -> Result<Vec<ChannelSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(SUMMARY)
            .bind(user)
            .bind(MAX_UNREAD)
            .fetch_all(&self.pool)
            .await?;
        Ok(SummaryRow::sidebar(rows))
    }

    async fn channel_of(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<ChannelSummary>, StoreError> {
        let row: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} AND c.id = ?3"))
            .bind(user)
            .bind(MAX_UNREAD)
            .bind(channel)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(SummaryRow::into_summary))
    }

    async fn is_member(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM memberships WHERE user_id = ? AND channel_id = ?")
                .bind(user)
                .bind(channel)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    async fn channel_ids_of(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
        let ids = sqlx::query_scalar("SELECT channel_id FROM memberships WHERE user_id = ?")
            .bind(user)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids)
    }

    async fn create_channel(
        &self,
        creator: UserId,
        name: &ChannelName,
    ) -> Result<ChannelId, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let id: ChannelId = sqlx::query_scalar(
            "INSERT INTO channels (kind, name, created_by, created_at) VALUES ('public', ?, ?, ?) RETURNING id",
        )
        .bind(name.as_str())
        .bind(creator)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::ChannelNameTaken
            } else {
                StoreError::Database(error)
            }
        })?;
        sqlx::query("INSERT INTO memberships (user_id, channel_id, joined_at) VALUES (?, ?, ?)")
            .bind(creator)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn join_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        // Only public channels can be joined; a newcomer starts with the
        // history read, as in General.
        let result = sqlx::query(
            "INSERT INTO memberships (user_id, channel_id, joined_at, last_read_seq)
             SELECT ?, id, ?, last_seq FROM channels WHERE id = ? AND kind = 'public'
             ON CONFLICT (user_id, channel_id) DO NOTHING",
        )
        .bind(user)
        .bind(now_millis())
        .bind(channel)
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 1 {
            return Ok(true);
        }
        let is_public: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM channels WHERE id = ? AND kind = 'public'")
                .bind(channel)
                .fetch_optional(&self.pool)
                .await?;
        match is_public {
            Some(_) => Ok(false),
            None => Err(StoreError::NotFound),
        }
    }

    async fn leave_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM memberships WHERE user_id = ? AND channel_id = ?")
            .bind(user)
            .bind(channel)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    async fn directory(
        &self,
        user: UserId,
        query: &str,
        limit: u32,
    ) -> Result<Vec<DirectoryEntry>, StoreError> {
        let pattern = format!("%{}%", like_escape(query.trim()));
        let rows: Vec<DirectoryRow> = sqlx::query_as(
            "SELECT c.id, c.name,
                    (SELECT COUNT(*) FROM memberships mm WHERE mm.channel_id = c.id),
                    EXISTS (SELECT 1 FROM memberships me WHERE me.channel_id = c.id AND me.user_id = ?)
             FROM channels c
             WHERE c.kind = 'public' AND c.name LIKE ? ESCAPE '\\'
             ORDER BY c.name COLLATE NOCASE
             LIMIT ?",
        )
        .bind(user)
        .bind(pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows::directory(rows))
    }

    async fn open_direct(&self, a: UserId, b: UserId) -> Result<(ChannelId, bool), StoreError> {
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        let now = now_millis();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let existing: Option<ChannelId> = sqlx::query_scalar(
            "SELECT id FROM channels WHERE kind = 'direct' AND direct_low = ? AND direct_high = ?",
        )
        .bind(low)
        .bind(high)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
        let peer_exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE id = ?")
            .bind(b)
            .fetch_optional(&mut *tx)
            .await?;
        if peer_exists.is_none() {
            return Err(StoreError::NotFound);
        }
        let id: ChannelId = sqlx::query_scalar(
            "INSERT INTO channels (kind, created_by, created_at, direct_low, direct_high)
             VALUES ('direct', ?, ?, ?, ?) RETURNING id",
        )
        .bind(a)
        .bind(now)
        .bind(low)
        .bind(high)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO memberships (user_id, channel_id, joined_at) VALUES (?, ?, ?), (?, ?, ?)",
        )
        .bind(low)
        .bind(id)
        .bind(now)
        .bind(high)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((id, true))
    }

    async fn mark_read(
        &self,
        user: UserId,
        channel: ChannelId,
        seq: Seq,
    ) -> Result<Option<Seq>, StoreError> {
        let marker = sqlx::query_scalar(
            "UPDATE memberships
             SET last_read_seq = MAX(last_read_seq, MIN(?, (SELECT last_seq FROM channels WHERE id = ?)))
             WHERE user_id = ? AND channel_id = ?
             RETURNING last_read_seq",
        )
        .bind(seq)
        .bind(channel)
        .bind(user)
        .bind(channel)
        .fetch_optional(&self.pool)
        .await?;
        Ok(marker)
    }

    async fn member_count(&self, channel: ChannelId) -> Result<u32, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE channel_id = ?")
                .bind(channel)
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }
}
