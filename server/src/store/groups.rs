//! Group conversations: three to nine people talking privately. A group is
//! a channel of kind `'group'` whose members are its only readers; anyone in
//! it may add people (up to [`MAX_GROUP`], in `channel_settings.rs` with
//! invitations), name it or leave it. Starting a
//! group with exactly the people of an existing one opens that one, as a
//! one-to-one conversation does.

use std::collections::HashMap;

use app::{
    model::{ChannelId, GroupName, User, UserId},
    protocol::{ChannelKind, MAX_GROUP},
};

use super::{
    channel_settings::Configured,
    db::{Query, Tx},
    dialect::Dialect,
    now_millis, GroupStore, SqlStore, StoreError,
};

/// Every member of the groups bound to `$1` (with `Query::bind_ids`), by
/// channel, each group's by name.
fn members_sql(dialect: Dialect) -> String {
    format!(
        "SELECT m.channel_id, u.id, u.username, u.display_name
         FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE {}
         ORDER BY m.channel_id, {}",
        dialect.in_ids("m.channel_id", "$1"),
        dialect.name_order("u.username"),
    )
}

/// Runs [`members_sql`], its ids bound.
pub(crate) async fn members_by_group(
    query: Query<'_, '_>,
) -> Result<HashMap<ChannelId, Vec<User>>, StoreError> {
    let rows: Vec<(ChannelId, UserId, String, String)> = query.fetch_all().await?;
    let mut groups: HashMap<ChannelId, Vec<User>> = HashMap::new();
    for (channel, id, username, display) in rows {
        groups.entry(channel).or_default().push(User {
            id,
            username,
            display,
        });
    }
    Ok(groups)
}

/// The members of the groups among `channels` (of the given kinds), for the
/// summaries that name them.
pub(crate) async fn members_of(
    store: &SqlStore,
    channels: impl Iterator<Item = (ChannelId, &str)>,
) -> Result<HashMap<ChannelId, Vec<User>>, StoreError> {
    let ids: Vec<i64> = channels
        .filter(|(_, kind)| *kind == "group")
        .map(|(id, _)| id.0)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = members_sql(store.db.dialect());
    members_by_group(store.db.sql(&sql).bind_ids(ids)).await
}

/// The group `channel` as it is now in `tx`, named `name` ("" for none).
pub(crate) async fn kind_in(
    tx: &mut Tx<'_>,
    channel: ChannelId,
    name: String,
) -> Result<ChannelKind, StoreError> {
    let sql = members_sql(tx.dialect());
    let mut groups = members_by_group(tx.sql(&sql).bind_ids([channel.0])).await?;
    Ok(ChannelKind::Group {
        name,
        members: groups.remove(&channel).unwrap_or_default(),
    })
}

/// The first half of the advisory locks that starting a group takes
/// ("grup"), so that they share no key with other locks.
const GROUP_LOCKS: i32 = 0x6772_7570;

/// The second half: the people's ids (sorted), hashed (FNV-1a, the same on
/// every node whatever it was built with). Two groups whose keys collide
/// only wait for each other.
fn lock_key(people: &[i64]) -> i32 {
    let hash = people
        .iter()
        .flat_map(|id| id.to_le_bytes())
        .fold(0x811c_9dc5_u32, |hash, byte| {
            (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
        });
    i32::from_le_bytes(hash.to_le_bytes())
}

/// Whether `count` members more would still fit in a group of `now`.
fn room_for(now: usize, count: usize) -> bool {
    now + count <= MAX_GROUP
}

/// Whether the group `channel` has room for those of `users` not in it yet.
pub(crate) async fn has_room(
    tx: &mut Tx<'_>,
    channel: ChannelId,
    users: &[UserId],
) -> Result<bool, StoreError> {
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM memberships WHERE channel_id = $2),
                (SELECT COUNT(*) FROM users u WHERE {} AND NOT EXISTS (
                    SELECT 1 FROM memberships m WHERE m.channel_id = $2 AND m.user_id = u.id))",
        tx.dialect().in_ids("u.id", "$1")
    );
    let (now, new): (i64, i64) = tx
        .sql(&sql)
        .bind_ids(users.iter().map(|u| u.0))
        .bind(channel)
        .fetch_one()
        .await?;
    let count = |n: i64| usize::try_from(n).unwrap_or(usize::MAX);
    Ok(room_for(count(now), count(new)))
}

#[async_trait::async_trait]
impl GroupStore for SqlStore {
    async fn open_group(
        &self,
        by: UserId,
        others: &[UserId],
    ) -> Result<(ChannelId, bool), StoreError> {
        let mut people: Vec<i64> = others.iter().map(|u| u.0).collect();
        people.push(by.0);
        people.sort_unstable();
        people.dedup();
        let size = i64::try_from(people.len()).unwrap_or(i64::MAX);
        let dialect = self.db.dialect();
        let mut tx = self.db.begin().await?;
        // Two starts of the same group through two nodes would each find
        // none and make one: on PostgreSQL they take turns on a lock named
        // by the people (SQLite's writers take turns anyway).
        if dialect.locks_rows() {
            tx.sql("SELECT pg_advisory_xact_lock($1, $2)")
                .bind(GROUP_LOCKS)
                .bind(lock_key(&people))
                .execute()
                .await?;
        }
        let found: i64 = tx
            .sql(&format!(
                "SELECT COUNT(*) FROM users WHERE deleted_at IS NULL AND {}",
                dialect.in_ids("id", "$1")
            ))
            .bind_ids(people.clone())
            .scalar()
            .await?;
        if found != size {
            return Err(StoreError::NotFound);
        }
        // The group of exactly these people, if there is one: among the
        // starter's groups, one with as many members, all of them these.
        let existing: Option<ChannelId> = tx
            .sql(&format!(
                "SELECT c.id FROM memberships me JOIN channels c ON c.id = me.channel_id
                 WHERE me.user_id = $2 AND c.kind = 'group'
                   AND (SELECT COUNT(*) FROM memberships a WHERE a.channel_id = c.id) = $3
                   AND (SELECT COUNT(*) FROM memberships b
                        WHERE b.channel_id = c.id AND {}) = $3
                 ORDER BY c.id LIMIT 1",
                dialect.in_ids("b.user_id", "$1")
            ))
            .bind_ids(people.clone())
            .bind(by)
            .bind(size)
            .scalar_optional()
            .await?;
        if let Some(id) = existing {
            tx.commit().await?;
            return Ok((id, false));
        }
        let now = now_millis();
        let id: ChannelId = tx
            .sql(
                "INSERT INTO channels (kind, created_by, created_at)
                 VALUES ('group', $1, $2) RETURNING id",
            )
            .bind(by)
            .bind(now)
            .scalar()
            .await?;
        tx.sql(&format!(
            "INSERT INTO memberships (user_id, channel_id, joined_at)
             SELECT id, $2, $3 FROM users WHERE {}",
            dialect.in_ids("id", "$1")
        ))
        .bind_ids(people)
        .bind(id)
        .bind(now)
        .execute()
        .await?;
        tx.commit().await?;
        Ok((id, true))
    }

    async fn name_group(
        &self,
        by: UserId,
        channel: ChannelId,
        name: &GroupName,
    ) -> Result<Configured, StoreError> {
        let mut tx = self.db.begin().await?;
        let now: Option<Option<String>> = tx
            .sql(
                "SELECT c.name FROM channels c
                 JOIN memberships m ON m.channel_id = c.id AND m.user_id = $2
                 WHERE c.id = $1 AND c.kind = 'group'",
            )
            .bind(channel)
            .bind(by)
            .scalar_optional()
            .await?;
        let Some(now) = now else {
            return Err(StoreError::NotFound);
        };
        if now.as_deref() == Some(name.as_str()) {
            return Ok(Configured::Already);
        }
        tx.sql("UPDATE channels SET name = $2 WHERE id = $1")
            .bind(channel)
            .bind(name.as_str())
            .execute()
            .await?;
        let kind = kind_in(&mut tx, channel, name.as_str().to_owned()).await?;
        tx.commit().await?;
        Ok(Configured::Done(kind))
    }

    async fn group_kind(&self, channel: ChannelId) -> Result<Option<ChannelKind>, StoreError> {
        // Asked after every change of membership, of any channel: one read
        // by the primary key, and the members only for a group.
        let name: Option<Option<String>> = self
            .db
            .sql("SELECT name FROM channels WHERE id = $1 AND kind = 'group'")
            .bind(channel)
            .scalar_optional()
            .await?;
        let Some(name) = name else {
            return Ok(None);
        };
        let mut groups = members_of(self, std::iter::once((channel, "group"))).await?;
        Ok(Some(ChannelKind::Group {
            name: name.unwrap_or_default(),
            members: groups.remove(&channel).unwrap_or_default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_holds_at_most_nine() {
        assert!(room_for(3, 6));
        assert!(!room_for(3, 7));
        assert!(!room_for(MAX_GROUP, 1));
    }

    #[test]
    fn the_lock_of_a_group_is_the_same_on_every_node() {
        // FNV-1a of the ids' bytes: fixed, unlike std's hasher across builds.
        assert_eq!(
            lock_key(&[]),
            i32::from_le_bytes(0x811c_9dc5_u32.to_le_bytes())
        );
        assert_eq!(lock_key(&[1, 2, 3]), lock_key(&[1, 2, 3]));
        assert_ne!(lock_key(&[1, 2, 3]), lock_key(&[1, 2, 4]));
    }
}
