//! The copy of the tables everything hangs off (users, channels,
//! memberships), and how every table is copied: read from SQLite a page at
//! a time, in key order, and written to PostgreSQL a page per statement, as
//! arrays that `UNNEST` turns back into rows ([`paged`]). Messages and what
//! hangs off them are in `copy_messages.rs`, sessions and what hangs off
//! them in `copy_sessions.rs`.

use sqlx::{PgConnection, SqlitePool};

use super::PAGE;

type User = (
    i64,
    String,
    String,
    i64,
    i64,
    Option<String>,
    bool,
    Option<i64>,
    i64,
    Option<i64>,
    Option<String>,
    String,
);
type Channel = (
    i64,
    String,
    Option<String>,
    Option<i64>,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    bool,
    Option<i64>,
);
type Membership = (
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
);

/// Users, with their ids (PostgreSQL makes its own unless told otherwise).
pub async fn users(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        i64::MIN,
        |row: &User| row.0,
        async |after| {
            sqlx::query_as(
                "SELECT id, username, password_hash, created_at, presence_version, lookalike_key,
                        is_admin, deactivated_at, session_epoch, deleted_at, held_name, display_name
                 FROM users WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(*after)
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let mut c = (vec![], vec![], vec![], vec![], vec![], vec![]);
            let mut d = (vec![], vec![], vec![], vec![], vec![], vec![]);
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
                c.3.push(row.3);
                c.4.push(row.4);
                c.5.push(row.5);
                d.0.push(row.6);
                d.1.push(row.7);
                d.2.push(row.8);
                d.3.push(row.9);
                d.4.push(row.10);
                d.5.push(row.11);
            }
            sqlx::query(
                "INSERT INTO users
                     (id, username, password_hash, created_at, presence_version, lookalike_key,
                      is_admin, deactivated_at, session_epoch, deleted_at, held_name, display_name)
                 OVERRIDING SYSTEM VALUE
                 SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[],
                                      $5::bigint[], $6::text[], $7::boolean[], $8::bigint[],
                                      $9::bigint[], $10::bigint[], $11::text[], $12::text[])",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .bind(c.3)
            .bind(c.4)
            .bind(c.5)
            .bind(d.0)
            .bind(d.1)
            .bind(d.2)
            .bind(d.3)
            .bind(d.4)
            .bind(d.5)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// Channels and conversations, General included.
pub async fn channels(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        i64::MIN,
        |row: &Channel| row.0,
        async |after| {
            sqlx::query_as(
                "SELECT id, kind, name, created_by, created_at, last_seq, direct_low, direct_high,
                        last_rev, topic, is_private, archived_at
                 FROM channels WHERE id > $1 ORDER BY id LIMIT $2",
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
                c.9.push(row.9);
                c.10.push(row.10);
                c.11.push(row.11);
            }
            sqlx::query(
                "INSERT INTO channels
                     (id, kind, name, created_by, created_at, last_seq, direct_low, direct_high,
                      last_rev, topic, is_private, archived_at)
                 SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[],
                                      $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
                                      $9::bigint[], $10::text[], $11::boolean[],
                                      $12::bigint[])",
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
            .bind(c.9)
            .bind(c.10)
            .bind(c.11)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// Memberships, with their read markers, notification settings, roles and
/// timeouts.
pub async fn memberships(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        (i64::MIN, i64::MIN),
        |row: &Membership| (row.0, row.1),
        async |after| {
            sqlx::query_as(
                "SELECT user_id, channel_id, joined_at, last_read_seq, notify, role, muted_until,
                        hidden_seq
                 FROM memberships WHERE (user_id, channel_id) > ($1, $2)
                 ORDER BY user_id, channel_id LIMIT $3",
            )
            .bind(after.0)
            .bind(after.1)
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
            }
            sqlx::query(
                "INSERT INTO memberships (user_id, channel_id, joined_at, last_read_seq, notify,
                                          role, muted_until, hidden_seq)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                      $5::text[], $6::text[], $7::bigint[], $8::bigint[])",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .bind(c.3)
            .bind(c.4)
            .bind(c.5)
            .bind(c.6)
            .bind(c.7)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// Copies a table a page at a time: `read` gives the rows after a key, in
/// key order (none once done), `key` is a row's key, `write` stores a page.
pub(super) async fn paged<K, R>(
    first: K,
    key: impl Fn(&R) -> K,
    mut read: impl AsyncFnMut(&K) -> sqlx::Result<Vec<R>>,
    mut write: impl AsyncFnMut(Vec<R>) -> sqlx::Result<()>,
) -> sqlx::Result<()> {
    let mut after = first;
    loop {
        let page = read(&after).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = key(last);
        write(page).await?;
    }
}
