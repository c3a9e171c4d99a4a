//! Web Push subscriptions, and whom a new message is pushed to.
//!
//! A subscription belongs to the session that made it: it goes with the
//! session (log-out, the next log-in, expiry) and when the push service
//! says the endpoint is gone. A browser re-posts its subscription on every
//! page it opens, so saving one is an upsert on its endpoint.

use app::{
    model::{ChannelId, UserId},
    protocol::{MessageId, NotifyLevel, Seq},
};

use super::{dialect::Dialect, now_millis, PushStore, SqlStore, StoreError};

/// The most subscriptions one user keeps (a browser each, and then some):
/// past them, the oldest go.
pub const MAX_PER_USER: i64 = 20;

/// A subscription to keep: whose, for which session, and where.
#[derive(Clone, Debug)]
pub struct NewSubscription {
    pub user: UserId,
    /// The session that subscribed (its tower-sessions id).
    pub session: String,
    pub browser: BrowserKeys,
}

/// Where a browser's push service takes its pushes, and how to encrypt
/// them for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserKeys {
    pub endpoint: String,
    /// The browser's P-256 public key and auth secret, base64url.
    pub p256dh: String,
    pub auth: String,
}

/// One push to make: a new message for one subscription of someone it
/// calls (a mention, or any message of a conversation they did not mute)
/// who has no connection open.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PushTarget {
    pub subscription: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub message: MessageId,
    pub channel: ChannelId,
    pub seq: Seq,
    /// The message's text as written.
    pub body: String,
    /// The sender's display name and username, as `app::model::full_name`
    /// writes them.
    pub sender_name: String,
    /// `None` in a conversation.
    pub channel_name: Option<String>,
}

/// Who each message may call: the other members of a conversation (but
/// not those who blocked its sender), and whoever its mentions recorded in
/// a channel; with their setting for the
/// channel, which [`NotifyLevel::alerts`] then rules on. Only those with no
/// presence row anywhere, through subscriptions whose session still exists.
fn targets_sql(dialect: Dialect) -> String {
    format!(
        "SELECT s.id AS subscription, s.endpoint, s.p256dh, s.auth,
                msg.id AS message, msg.channel_id AS channel, msg.seq, msg.body,
                CASE WHEN u.display_name = '' THEN u.username
                     ELSE u.display_name || ' (' || u.username || ')' END AS sender_name,
                CASE WHEN c.kind = 'public' THEN c.name END AS channel_name,
                called.mention, m.notify
         FROM (
             SELECT x.id AS message_id, dm.user_id, 0 AS mention
             FROM messages x
             JOIN channels dc ON dc.id = x.channel_id AND dc.kind IN ('direct', 'group')
             JOIN memberships dm ON dm.channel_id = x.channel_id AND dm.user_id <> x.sender_id
             WHERE {in_ids}
               AND NOT EXISTS (SELECT 1 FROM blocks bl
                               WHERE bl.blocker_id = dm.user_id AND bl.blocked_id = x.sender_id)
             UNION ALL
             SELECT n.message_id, n.user_id, 1
             FROM mentions n
             JOIN channels pc ON pc.id = n.channel_id AND pc.kind = 'public'
             WHERE {in_mentions}
         ) AS called
         JOIN push_subscriptions s ON s.user_id = called.user_id
         JOIN tower_sessions ts ON ts.id = s.session_id
         JOIN messages msg ON msg.id = called.message_id
         JOIN memberships m ON m.user_id = called.user_id AND m.channel_id = msg.channel_id
         JOIN users u ON u.id = msg.sender_id
         JOIN channels c ON c.id = msg.channel_id
         WHERE msg.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM presence p WHERE p.user_id = called.user_id)
         ORDER BY msg.id, s.id",
        in_ids = dialect.in_ids("x.id", "$1"),
        in_mentions = dialect.in_ids("n.message_id", "$1"),
    )
}

/// A row of [`targets_sql`].
#[derive(sqlx::FromRow)]
struct TargetRow {
    #[sqlx(flatten)]
    target: PushTarget,
    /// 1 when the message mentions them, 0 when it is a conversation's.
    mention: i32,
    notify: Option<String>,
}

impl TargetRow {
    /// Whether the member's setting lets the message through. (A channel
    /// without a setting: a conversation's default notifies, and so does a
    /// mention at any setting.)
    fn alerts(&self) -> bool {
        let level = self.notify.as_deref().and_then(NotifyLevel::parse);
        let direct = self.mention == 0;
        level.unwrap_or_default().alerts(direct, self.mention == 1)
    }
}

#[async_trait::async_trait]
impl PushStore for SqlStore {
    async fn save_subscription(&self, new: &NewSubscription) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        tx.sql(
            "INSERT INTO push_subscriptions
                 (user_id, session_id, endpoint, p256dh, auth, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (endpoint) DO UPDATE SET
                 user_id = excluded.user_id, session_id = excluded.session_id,
                 p256dh = excluded.p256dh, auth = excluded.auth,
                 created_at = excluded.created_at",
        )
        .bind(new.user)
        .bind(new.session.as_str())
        .bind(new.browser.endpoint.as_str())
        .bind(new.browser.p256dh.as_str())
        .bind(new.browser.auth.as_str())
        .bind(now_millis())
        .execute()
        .await?;
        tx.sql(
            "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN (
                 SELECT id FROM push_subscriptions WHERE user_id = $1
                 ORDER BY created_at DESC, id DESC LIMIT $2)",
        )
        .bind(new.user)
        .bind(MAX_PER_USER)
        .execute()
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn any_subscriptions(&self) -> Result<bool, StoreError> {
        let any: Option<i64> = self
            .db
            .sql("SELECT id FROM push_subscriptions LIMIT 1")
            .scalar_optional()
            .await?;
        Ok(any.is_some())
    }

    async fn forget_subscription(&self, id: i64) -> Result<(), StoreError> {
        self.db
            .sql("DELETE FROM push_subscriptions WHERE id = $1")
            .bind(id)
            .execute()
            .await?;
        Ok(())
    }

    async fn push_targets(&self, messages: &[MessageId]) -> Result<Vec<PushTarget>, StoreError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let sql = targets_sql(self.db.dialect());
        let rows: Vec<TargetRow> = self
            .db
            .sql(&sql)
            .bind_ids(messages.iter().map(|id| id.0))
            .fetch_all()
            .await?;
        Ok(rows
            .into_iter()
            .filter(TargetRow::alerts)
            .map(|row| row.target)
            .collect())
    }
}
