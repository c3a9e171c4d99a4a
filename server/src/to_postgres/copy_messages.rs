//! The copy of messages, with their ids, seqs, revisions and client ids,
//! and of what hangs off them: reactions and mentions (see `copy.rs` for
//! how a table is copied).

use sqlx::{PgConnection, SqlitePool};
use uuid::Uuid;

use super::{copy::paged, PAGE};

type Message = (
    i64,
    i64,
    i64,
    i64,
    Uuid,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    bool,
);
type Reaction = (i64, String, i64, i64);
type Mention = (i64, i64, i64, i64);

/// Messages, with their ids, seqs, revisions and client ids; deleted ones
/// too (their seqs stay used).
pub async fn messages(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        i64::MIN,
        |row: &Message| row.0,
        async |after| {
            sqlx::query_as(
                "SELECT id, channel_id, seq, sender_id, client_id, body, created_at, rev,
                        edited_at, deleted_at, reply_to, removed
                 FROM messages WHERE id > $1 ORDER BY id LIMIT $2",
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
                "INSERT INTO messages (id, channel_id, seq, sender_id, client_id, body, created_at,
                                       rev, edited_at, deleted_at, reply_to, removed)
                 OVERRIDING SYSTEM VALUE
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                      $5::uuid[], $6::text[], $7::bigint[], $8::bigint[],
                                      $9::bigint[], $10::bigint[], $11::bigint[], $12::boolean[])",
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

/// Reactions, with who made them and when.
pub async fn reactions(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        (i64::MIN, String::new(), i64::MIN),
        |row: &Reaction| (row.0, row.1.clone(), row.2),
        async |after| {
            sqlx::query_as(
                "SELECT message_id, emoji, user_id, created_at FROM reactions
                 WHERE (message_id, emoji, user_id) > ($1, $2, $3)
                 ORDER BY message_id, emoji, user_id LIMIT $4",
            )
            .bind(after.0)
            .bind(after.1.as_str())
            .bind(after.2)
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let mut c = (vec![], vec![], vec![], vec![]);
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
                c.3.push(row.3);
            }
            sqlx::query(
                "INSERT INTO reactions (message_id, emoji, user_id, created_at)
                 SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .bind(c.3)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// Mentions. (When `@here` was last used is not copied: it only spaces
/// out the next one.)
pub async fn mentions(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        (i64::MIN, i64::MIN),
        |row: &Mention| (row.0, row.1),
        async |after| {
            sqlx::query_as(
                "SELECT user_id, message_id, channel_id, seq FROM mentions
                 WHERE (user_id, message_id) > ($1, $2)
                 ORDER BY user_id, message_id LIMIT $3",
            )
            .bind(after.0)
            .bind(after.1)
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let mut c = (vec![], vec![], vec![], vec![]);
            for row in page {
                c.0.push(row.0);
                c.1.push(row.1);
                c.2.push(row.2);
                c.3.push(row.3);
            }
            sqlx::query(
                "INSERT INTO mentions (user_id, message_id, channel_id, seq)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[])",
            )
            .bind(c.0)
            .bind(c.1)
            .bind(c.2)
            .bind(c.3)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}
