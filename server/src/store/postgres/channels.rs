//! Channels, conversations, memberships and read markers on PostgreSQL.

use app::{
    model::{ChannelId, ChannelName, UserId},
    protocol::{ChannelSummary, DirectoryEntry, Seq, MAX_UNREAD},
};

use super::{limit, PgStore};
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
                LIMIT $2) AS recent) AS unread,
           (SELECT COUNT(*) FROM memberships mm WHERE mm.channel_id = c.id) AS members,
           p.id AS peer_id, p.username AS peer_name
    FROM memberships m
    JOIN channels c ON c.id = m.channel_id
    LEFT JOIN users p ON c.kind = 'direct'
        AND p.id = CASE WHEN c.direct_low = m.user_id THEN c.direct_high ELSE c.direct_low END
    WHERE m.user_id = $1";

#[async_trait::async_trait]
impl ChannelStore for PgStore {
    async fn channels_of(&self, user: UserId) -> Result<Vec<ChannelSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(SUMMARY)
            .bind(user)
            .bind(i64::from(MAX_UNREAD))
            .fetch_all(&self.pool)
            .await?;
        Ok(SummaryRow::sidebar(rows))
    }

    async fn channel_of(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<ChannelSummary>, StoreError> {
        let row: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} AND c.id = $3"))
            .bind(user)
            .bind(i64::from(MAX_UNREAD))
            .bind(channel)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(SummaryRow::into_summary))
    }

    async fn is_member(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        let found: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM memberships WHERE user_id = $1 AND channel_id = $2")
                .bind(user)
                .bind(channel)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    async fn channel_ids_of(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
        let ids = sqlx::query_scalar("SELECT channel_id FROM memberships WHERE user_id = $1")
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
            "INSERT INTO channels (kind, name, created_by, created_at)
             VALUES ('public', $1, $2, $3) RETURNING id",
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
        sqlx::query("INSERT INTO memberships (user_id, channel_id, joined_at) VALUES ($1, $2, $3)")
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
             SELECT $1, id, $2, last_seq FROM channels WHERE id = $3 AND kind = 'public'
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
        let is_public: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM channels WHERE id = $1 AND kind = 'public'")
                .bind(channel)
                .fetch_optional(&self.pool)
                .await?;
        match is_public {
            Some(_) => Ok(false),
            None => Err(StoreError::NotFound),
        }
    }

    async fn leave_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND channel_id = $2")
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
        count: u32,
    ) -> Result<Vec<DirectoryEntry>, StoreError> {
        let pattern = format!("%{}%", like_escape(query.trim()));
        let rows: Vec<DirectoryRow> = sqlx::query_as(
            "SELECT c.id, c.name,
                    (SELECT COUNT(*) FROM memberships mm WHERE mm.channel_id = c.id),
                    EXISTS (SELECT 1 FROM memberships me WHERE me.channel_id = c.id AND me.user_id = $1)
             FROM channels c
             WHERE c.kind = 'public' AND c.name ILIKE $2
             ORDER BY lower(c.name)
             LIMIT $3",
        )
        .bind(user)
        .bind(pattern)
        .bind(limit(count))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows::directory(rows))
    }

    async fn open_direct(&self, a: UserId, b: UserId) -> Result<(ChannelId, bool), StoreError> {
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        let now = now_millis();
        let mut tx = self.pool.begin().await?;
        let peer_exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1")
            .bind(b)
            .fetch_optional(&mut *tx)
            .await?;
        if peer_exists.is_none() {
            return Err(StoreError::NotFound);
        }
        // Two nodes may open the same pair at once: the unique index on the
        // pair lets one insert win and the other find its row.
        let created: Option<ChannelId> = sqlx::query_scalar(
            "INSERT INTO channels (kind, created_by, created_at, direct_low, direct_high)
             VALUES ('direct', $1, $2, $3, $4)
             ON CONFLICT (direct_low, direct_high) WHERE kind = 'direct' DO NOTHING
             RETURNING id",
        )
        .bind(a)
        .bind(now)
        .bind(low)
        .bind(high)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = created else {
            let id = sqlx::query_scalar(
                "SELECT id FROM channels WHERE kind = 'direct' AND direct_low = $1 AND direct_high = $2",
            )
            .bind(low)
            .bind(high)
            .fetch_one(&mut *tx)
            .await?;
            return Ok((id, false));
        };
        sqlx::query(
            "INSERT INTO memberships (user_id, channel_id, joined_at) VALUES ($1, $3, $4), ($2, $3, $4)",
        )
        .bind(low)
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
             SET last_read_seq = GREATEST(last_read_seq, LEAST($1, (SELECT last_seq FROM channels WHERE id = $2)))
             WHERE user_id = $3 AND channel_id = $2
             RETURNING last_read_seq",
        )
        .bind(seq)
        .bind(channel)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        Ok(marker)
    }

    async fn member_count(&self, channel: ChannelId) -> Result<u32, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE channel_id = $1")
                .bind(channel)
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }
}
