//! Channels, conversations, memberships and read markers.

use app::{
    model::{ChannelId, ChannelName, UserId},
    protocol::{ChannelSummary, DirectoryEntry, NotifyLevel, Seq, MAX_UNREAD},
};

use super::{
    groups, is_unique_violation, like_escape, now_millis, records, ChannelStore, DirectoryRow,
    SqlStore, StoreError, SummaryRow,
};

/// A channel as one member sees it. Unread counts only others' messages,
/// and stops at `MAX_UNREAD` so that a huge backlog costs no more than that;
/// so do unread mentions.
const SUMMARY: &str = "
    SELECT c.id, c.kind, c.name, c.topic, c.is_private, c.archived_at IS NOT NULL AS archived,
           c.last_seq, m.last_read_seq,
           (SELECT COUNT(*) FROM (
                SELECT 1 FROM messages x
                WHERE x.channel_id = c.id AND x.seq > m.last_read_seq AND x.sender_id <> m.user_id
                LIMIT $2) AS recent) AS unread,
           (SELECT COUNT(*) FROM (
                SELECT 1 FROM mentions n
                WHERE n.user_id = m.user_id AND n.channel_id = c.id AND n.seq > m.last_read_seq
                LIMIT $2) AS called) AS mentions,
           (SELECT COUNT(*) FROM memberships mm WHERE mm.channel_id = c.id) AS members,
           m.notify,
           p.id AS peer_id, p.username AS peer_name, p.display_name AS peer_display
    FROM memberships m
    JOIN channels c ON c.id = m.channel_id
    LEFT JOIN users p ON c.kind = 'direct'
        AND p.id = CASE WHEN c.direct_low = m.user_id THEN c.direct_high ELSE c.direct_low END
    WHERE m.user_id = $1";

/// The channels a member's sidebar lists: a conversation they left is
/// hidden until it has a later message.
const LISTED: &str = " AND (m.hidden_seq IS NULL OR c.last_seq > m.hidden_seq)";

#[async_trait::async_trait]
impl ChannelStore for SqlStore {
    async fn channels_of(&self, user: UserId) -> Result<Vec<ChannelSummary>, StoreError> {
        let mut rows: Vec<SummaryRow> = self
            .db
            .sql(&format!("{SUMMARY}{LISTED}"))
            .bind(user)
            .bind(i64::from(MAX_UNREAD))
            .fetch_all()
            .await?;
        let mut groups = groups::members_of(self, rows.iter().map(SummaryRow::kind)).await?;
        for row in &mut rows {
            row.members_named = groups.remove(&row.kind().0).unwrap_or_default();
        }
        Ok(SummaryRow::sidebar(rows))
    }

    async fn channel_of(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<ChannelSummary>, StoreError> {
        let sql = format!("{SUMMARY} AND c.id = $3");
        let Some(mut row): Option<SummaryRow> = self
            .db
            .sql(&sql)
            .bind(user)
            .bind(i64::from(MAX_UNREAD))
            .bind(channel)
            .fetch_optional()
            .await?
        else {
            return Ok(None);
        };
        let mut groups = groups::members_of(self, std::iter::once(row.kind())).await?;
        row.members_named = groups.remove(&channel).unwrap_or_default();
        Ok(row.into_summary())
    }

    async fn is_member(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        let found: Option<ChannelId> = self
            .db
            .sql("SELECT channel_id FROM memberships WHERE user_id = $1 AND channel_id = $2")
            .bind(user)
            .bind(channel)
            .scalar_optional()
            .await?;
        Ok(found.is_some())
    }

    async fn channel_ids_of(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
        let ids = self
            .db
            .sql("SELECT channel_id FROM memberships WHERE user_id = $1")
            .bind(user)
            .scalars()
            .await?;
        Ok(ids)
    }

    async fn create_channel(
        &self,
        creator: UserId,
        name: &ChannelName,
        private: bool,
    ) -> Result<ChannelId, StoreError> {
        let now = now_millis();
        let mut tx = self.db.begin().await?;
        let id: ChannelId = tx
            .sql(
                "INSERT INTO channels (kind, name, created_by, created_at, is_private)
                 VALUES ('public', $1, $2, $3, $4) RETURNING id",
            )
            .bind(name.as_str())
            .bind(creator)
            .bind(now)
            .bind(private)
            .scalar()
            .await
            .map_err(|error| match is_unique_violation(&error) {
                true => StoreError::ChannelNameTaken,
                false => StoreError::Database(error),
            })?;
        // The creator owns it.
        tx.sql(
            "INSERT INTO memberships (user_id, channel_id, joined_at, role)
             VALUES ($1, $2, $3, 'owner')",
        )
        .bind(creator)
        .bind(id)
        .bind(now)
        .execute()
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn join_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        // Only public channels can be joined (a private one's members invite
        // people in), and not by those banned from them; a newcomer starts
        // with the history read, as in General.
        let joined = self
            .db
            .sql(
                "INSERT INTO memberships (user_id, channel_id, joined_at, last_read_seq)
                 SELECT $1, id, $2, last_seq FROM channels
                 WHERE id = $3 AND kind = 'public' AND NOT is_private
                   AND NOT EXISTS (SELECT 1 FROM channel_bans b
                                   WHERE b.channel_id = $3 AND b.user_id = $1)
                 ON CONFLICT (user_id, channel_id) DO NOTHING",
            )
            .bind(user)
            .bind(now_millis())
            .bind(channel)
            .execute()
            .await?;
        if joined == 1 {
            return Ok(true);
        }
        let public: Option<(ChannelId, bool, bool)> = self
            .db
            .sql(
                "SELECT id,
                        EXISTS (SELECT 1 FROM memberships WHERE channel_id = $1 AND user_id = $2),
                        EXISTS (SELECT 1 FROM channel_bans WHERE channel_id = $1 AND user_id = $2)
                 FROM channels WHERE id = $1 AND kind = 'public' AND NOT is_private",
            )
            .bind(channel)
            .bind(user)
            .fetch_optional()
            .await?;
        match public {
            Some((_, true, _)) => Ok(false),
            Some((_, false, true)) => Err(StoreError::Banned),
            _ => Err(StoreError::NotFound),
        }
    }

    async fn leave_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        let left = self
            .db
            .sql("DELETE FROM memberships WHERE user_id = $1 AND channel_id = $2")
            .bind(user)
            .bind(channel)
            .execute()
            .await?;
        Ok(left == 1)
    }

    async fn hide_conversation(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<bool, StoreError> {
        let hidden = self
            .db
            .sql(
                "UPDATE memberships
                 SET hidden_seq = (SELECT last_seq FROM channels WHERE id = $2)
                 WHERE user_id = $1 AND channel_id = $2",
            )
            .bind(user)
            .bind(channel)
            .execute()
            .await?;
        Ok(hidden == 1)
    }

    async fn directory(
        &self,
        user: UserId,
        query: &str,
        limit: u32,
    ) -> Result<Vec<DirectoryEntry>, StoreError> {
        let dialect = self.db.dialect();
        let sql = format!(
            "SELECT c.id, c.name, c.topic,
                    (SELECT COUNT(*) FROM memberships mm WHERE mm.channel_id = c.id),
                    EXISTS (SELECT 1 FROM memberships me WHERE me.channel_id = c.id AND me.user_id = $1)
             FROM channels c
             WHERE c.kind = 'public' AND {}
               AND (NOT c.is_private
                    OR EXISTS (SELECT 1 FROM memberships mi
                               WHERE mi.channel_id = c.id AND mi.user_id = $1))
             ORDER BY {}
             LIMIT $3",
            dialect.name_like("c.name", "$2"),
            dialect.name_order("c.name"),
        );
        let rows: Vec<DirectoryRow> = self
            .db
            .sql(&sql)
            .bind(user)
            .bind(format!("%{}%", like_escape(query.trim())))
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        Ok(records::directory(rows))
    }

    async fn open_direct(&self, a: UserId, b: UserId) -> Result<(ChannelId, bool), StoreError> {
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        let now = now_millis();
        let mut tx = self.db.begin().await?;
        let peer: Option<UserId> = tx
            .sql("SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(b)
            .scalar_optional()
            .await?;
        if peer.is_none() {
            return Err(StoreError::NotFound);
        }
        // Two nodes may open the same pair at once: the unique index on the
        // pair lets one insert win and the other find its row.
        let created: Option<ChannelId> = tx
            .sql(
                "INSERT INTO channels (kind, created_by, created_at, direct_low, direct_high)
                 VALUES ('direct', $1, $2, $3, $4)
                 ON CONFLICT (direct_low, direct_high) WHERE kind = 'direct' DO NOTHING
                 RETURNING id",
            )
            .bind(a)
            .bind(now)
            .bind(low)
            .bind(high)
            .scalar_optional()
            .await?;
        let Some(id) = created else {
            let id = tx
                .sql(
                    "SELECT id FROM channels
                     WHERE kind = 'direct' AND direct_low = $1 AND direct_high = $2",
                )
                .bind(low)
                .bind(high)
                .scalar()
                .await?;
            // Opened again by one who had left it: listed again.
            tx.sql(
                "UPDATE memberships SET hidden_seq = NULL WHERE user_id = $1 AND channel_id = $2",
            )
            .bind(a)
            .bind(id)
            .execute()
            .await?;
            tx.commit().await?;
            return Ok((id, false));
        };
        tx.sql(
            "INSERT INTO memberships (user_id, channel_id, joined_at)
             VALUES ($1, $3, $4), ($2, $3, $4)",
        )
        .bind(low)
        .bind(high)
        .bind(id)
        .bind(now)
        .execute()
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
        let dialect = self.db.dialect();
        let sql = format!(
            "UPDATE memberships
             SET last_read_seq = {}(last_read_seq, {}($1, (SELECT last_seq FROM channels WHERE id = $2)))
             WHERE user_id = $3 AND channel_id = $2
             RETURNING last_read_seq",
            dialect.greatest(),
            dialect.least(),
        );
        let marker = self
            .db
            .sql(&sql)
            .bind(seq)
            .bind(channel)
            .bind(user)
            .scalar_optional()
            .await?;
        Ok(marker)
    }

    async fn set_notify(
        &self,
        user: UserId,
        channel: ChannelId,
        notify: NotifyLevel,
    ) -> Result<bool, StoreError> {
        let changed = self
            .db
            .sql("UPDATE memberships SET notify = $1 WHERE user_id = $2 AND channel_id = $3")
            .bind(notify.as_str())
            .bind(user)
            .bind(channel)
            .execute()
            .await?;
        Ok(changed > 0)
    }

    async fn member_count(&self, channel: ChannelId) -> Result<u32, StoreError> {
        let count: i64 = self
            .db
            .sql("SELECT COUNT(*) FROM memberships WHERE channel_id = $1")
            .bind(channel)
            .scalar()
            .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }
}
