//! The copy of what is recorded of files: each file with its id, and the
//! blobs waiting for the collector (see `copy.rs` for how a table is
//! copied). The bytes themselves stay where they are, in the data
//! directory's `files`, which the server on PostgreSQL goes on using.

use sqlx::{PgConnection, SqlitePool};

use super::{copy::paged, PAGE};

type File = (
    i64,
    i64,
    i64,
    Option<i64>,
    i64,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    i64,
    Option<String>,
);

/// Files, sent and pending, with their ids.
pub async fn files(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        i64::MIN,
        |row: &File| row.0,
        async |after| {
            sqlx::query_as(
                "SELECT id, channel_id, uploader_id, message_id, position, hash, name, size, media,
                        width, height, created_at, thumb_media
                 FROM files WHERE id > $1 ORDER BY id LIMIT $2",
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
                c.12.push(row.12);
            }
            sqlx::query(
                "INSERT INTO files (id, channel_id, uploader_id, message_id, position, hash, name,
                                    size, media, width, height, created_at, thumb_media)
                 OVERRIDING SYSTEM VALUE
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                                      $5::bigint[], $6::text[], $7::text[], $8::bigint[],
                                      $9::text[], $10::bigint[], $11::bigint[], $12::bigint[],
                                      $13::text[])",
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
            .bind(c.12)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}

/// The blobs the collector has yet to look at.
pub async fn orphan_blobs(from: &SqlitePool, to: &mut PgConnection) -> sqlx::Result<()> {
    paged(
        String::new(),
        |row: &(String, i64)| row.0.clone(),
        async |after| {
            sqlx::query_as(
                "SELECT hash, since FROM orphan_blobs WHERE hash > $1 ORDER BY hash LIMIT $2",
            )
            .bind(after.as_str())
            .bind(PAGE)
            .fetch_all(from)
            .await
        },
        async |page| {
            let (hashes, since): (Vec<String>, Vec<i64>) = page.into_iter().unzip();
            sqlx::query(
                "INSERT INTO orphan_blobs (hash, since)
                 SELECT * FROM UNNEST($1::text[], $2::bigint[])",
            )
            .bind(hashes)
            .bind(since)
            .execute(&mut *to)
            .await
            .map(drop)
        },
    )
    .await
}
