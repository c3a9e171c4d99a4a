//! The audit log: what administrators and moderators did to whom, where
//! and when, read on
//! `/settings/audit`. An entry is written in the transaction of what it
//! records ([`insert`]), so there is never one without the other. Names are
//! kept as they were, so an entry reads the same after the account changes.

use app::{
    chat::{AuditRow, Audited},
    model::{ChannelId, UserId},
    protocol::Millis,
};

use super::{db::Tx, now_millis, AuditStore, SqlStore, StoreError};

/// Who did what, for the log.
#[derive(Clone, Copy, Debug)]
pub struct Audit {
    /// `None`: the command line (`banter admin`).
    pub by: Option<UserId>,
    pub what: Audited,
    /// The channel a moderator acted in; `None` for an account.
    pub channel: Option<ChannelId>,
}

impl Audit {
    /// An administrator's action on an account (`None`: the command line).
    pub fn account(by: Option<UserId>, what: Audited) -> Self {
        Self {
            by,
            what,
            channel: None,
        }
    }
}

/// Records `audit`, done to `target`, in `tx`.
pub(super) async fn insert(
    tx: &mut Tx<'_>,
    audit: Audit,
    target: UserId,
) -> Result<(), StoreError> {
    tx.sql(
        "INSERT INTO audit_log (created_at, actor_id, actor_name, action, target_id, target_name,
                                channel_id, channel_name)
         SELECT $1, $2, (SELECT username FROM users WHERE id = $2), $3, id, username,
                $5, (SELECT COALESCE(name, 'a conversation') FROM channels WHERE id = $5)
         FROM users WHERE id = $4",
    )
    .bind(now_millis())
    .bind(audit.by)
    .bind(audit.what.as_str())
    .bind(target)
    .bind(audit.channel)
    .execute()
    .await?;
    Ok(())
}

/// Records `what` `by` did to `channel` itself (renamed it, say), in `tx`:
/// the entry's target is the channel under `name`, its name before.
pub(super) async fn insert_on_channel(
    tx: &mut Tx<'_>,
    by: UserId,
    what: Audited,
    channel: ChannelId,
    name: &str,
) -> Result<(), StoreError> {
    tx.sql(
        "INSERT INTO audit_log (created_at, actor_id, actor_name, action, target_id, target_name,
                                channel_id, channel_name)
         SELECT $1, $2, (SELECT username FROM users WHERE id = $2), $3, id, $4, id, name
         FROM channels WHERE id = $5",
    )
    .bind(now_millis())
    .bind(by)
    .bind(what.as_str())
    .bind(name)
    .bind(channel)
    .execute()
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl AuditStore for SqlStore {
    async fn record(&self, audit: Audit, target: UserId) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        insert(&mut tx, audit, target).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let rows: Vec<(i64, i64, Option<String>, String, String, Option<String>)> = self
            .db
            .sql(
                "SELECT id, created_at, actor_name, action, target_name, channel_name
                 FROM audit_log
                 WHERE id < $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(before.unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all()
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, at, actor, action, target, channel)| {
                Some(AuditRow {
                    id,
                    at: Millis(at),
                    actor,
                    what: Audited::parse(&action)?,
                    target,
                    channel,
                })
            })
            .collect())
    }
}
