//! Sessions, and the tables that hang off sessions and accounts: each
//! user's list of sessions, the push subscriptions they made, the audit
//! log, and pairs of ids (channel bans, blocks). Copied with the sessions
//! themselves, so that after the move people stay signed in and keep their
//! list on `/settings/sessions` and their pushes, and administrators their
//! log.

use sqlx::{PgConnection, SqlitePool};

use super::{copy::paged, PAGE};

type Session = (String, Vec<u8>, String);
type Listed = (i64, String, i64, i64, String, Option<i64>, String);
type Subscription = (i64, i64, String, String, String, String, i64);
type Entry = (
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
    i64,
    String,
    Option<i64>,
    Option<String>,
);
/// Two ids and a time: a ban (channel, user, when) or a block (blocker,
/// blocked, when).
type IdPair = (i64, i64, i64);

/// `user_sessions`, with their ids.
pub async fn user_sessions(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        i64::MIN,
        |row: &Listed| row.0,
        async |after| {
            sqlx::query_as(
                "SELECT id, session_id, user_id, created_at, agent, last_seen_at, address
                 FROM user_sessions WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(*after)
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let mut c = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
                c.3.push(row.3);
                c.4.push(row.4);
                c.5.push(row.5);
                c.6.push(row.6);
            }
            sqlx::query(
                "INSERT INTO user_sessions
                     (id, session_id, user_id, created_at, agent, last_seen_at, address)
                 OVERRIDING SYSTEM VALUE
                 SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[],
                                      $5::text[], $6::bigint[], $7::text[])",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .bind(c.3)
            .bind(c.4)
            .bind(c.5)
            .bind(c.6)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// `push_subscriptions`, with their ids.
pub async fn push_subscriptions(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        i64::MIN,
        |row: &Subscription| row.0,
        async |after| {
            sqlx::query_as(
                "SELECT id, user_id, session_id, endpoint, p256dh, auth, created_at
                 FROM push_subscriptions WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(*after)
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let mut c = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
                c.3.push(row.3);
                c.4.push(row.4);
                c.5.push(row.5);
                c.6.push(row.6);
            }
            sqlx::query(
                "INSERT INTO push_subscriptions
                     (id, user_id, session_id, endpoint, p256dh, auth, created_at)
                 OVERRIDING SYSTEM VALUE
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[],
                                      $5::text[], $6::text[], $7::bigint[])",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .bind(c.3)
            .bind(c.4)
            .bind(c.5)
            .bind(c.6)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// `audit_log`, with its ids.
pub async fn audit_log(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        i64::MIN,
        |row: &Entry| row.0,
        async |after| {
            sqlx::query_as(
                "SELECT id, created_at, actor_id, actor_name, action, target_id, target_name,
                        channel_id, channel_name
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(*after)
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let mut c = (
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
            );
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
                c.3.push(row.3);
                c.4.push(row.4);
                c.5.push(row.5);
                c.6.push(row.6);
                c.7.push(row.7);
                c.8.push(row.8);
            }
            sqlx::query(
                "INSERT INTO audit_log
                     (id, created_at, actor_id, actor_name, action, target_id, target_name,
                      channel_id, channel_name)
                 OVERRIDING SYSTEM VALUE
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
                                      $5::text[], $6::bigint[], $7::text[], $8::bigint[],
                                      $9::text[])",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .bind(c.3)
            .bind(c.4)
            .bind(c.5)
            .bind(c.6)
            .bind(c.7)
            .bind(c.8)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// A table of two ids and a time, keyed by the two ids: `channel_bans`
/// (channel, user, banned at) and `blocks` (blocker, blocked, since).
pub async fn id_pairs(
    from: &SqlitePool,
    to: &mut PgConnection,
    table: &str,
    [a, b, at]: [&str; 3],
) -> sqlx::Result<()> {
    let select = format!(
        "SELECT {a}, {b}, {at} FROM {table}
         WHERE ({a}, {b}) > ($1, $2) ORDER BY {a}, {b} LIMIT $3"
    );
    let insert = format!(
        "INSERT INTO {table} ({a}, {b}, {at})
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[])"
    );
    paged(
        (i64::MIN, i64::MIN),
        |row: &IdPair| (row.0, row.1),
        async |after| {
            sqlx::query_as(&select)
                .bind(after.0)
                .bind(after.1)
                .bind(PAGE)
                .fetch_all(from)
                .await
        },
        async |page| {
            let mut c = (vec![], vec![], vec![]);
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
            }
            sqlx::query(&insert)
                .bind(c.0)
                .bind(c.1)
                .bind(c.2)
                .execute(&mut *to)
                .await
                .map(drop)
        },
    )
    .await
}

/// Sessions: SQLite keeps their expiry as RFC 3339 text, PostgreSQL as a
/// timestamp (which reads that text); their data is the same bytes in both.
pub async fn sessions(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        String::new(),
        |row: &Session| row.0.clone(),
        async |after| {
            sqlx::query_as(
                "SELECT id, data, expiry_date FROM tower_sessions
                 WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(after.as_str())
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let mut c = (vec![], vec![], vec![]);
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
            }
            sqlx::query(
                "INSERT INTO tower_sessions (id, data, expiry_date)
                 SELECT id, data, expiry::timestamptz
                 FROM UNNEST($1::text[], $2::bytea[], $3::text[]) AS s (id, data, expiry)",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}
