//! The tables that hang off sessions and accounts: each user's list of
//! sessions, the push subscriptions they made, and the audit log. Copied
//! with the sessions themselves, so that after the move people keep their
//! list on `/settings/sessions` and their pushes, and administrators their
//! log.

use sqlx::{PgConnection, SqlitePool};

use super::{copy::paged, PAGE};

type Listed = (i64, String, i64, i64, String, Option<i64>, String);
type Subscription = (i64, i64, String, String, String, String, i64);
type Entry = (i64, i64, Option<i64>, Option<String>, String, i64, String);

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
                "SELECT id, created_at, actor_id, actor_name, action, target_id, target_name
                 FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
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
                "INSERT INTO audit_log
                     (id, created_at, actor_id, actor_name, action, target_id, target_name)
                 OVERRIDING SYSTEM VALUE
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[],
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
