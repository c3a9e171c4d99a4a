//! Searching messages: the index kept with every write, the backlog of
//! messages stored before the index, and the search itself.
//!
//! The index (`message_search`, from the `*_search.sql` migrations) holds
//! each standing message's [`Document`]: its shown text folded, and whether
//! it has a link. It is written in the transaction that stores, edits or
//! deletes the message ([`index`], [`unindex`]), so no stored message is
//! ever missing from it. Matching is by substring on both databases (see
//! `app::search`); how each finds them is in `search_sql.rs`, and what a
//! searcher is shown of what was found in `search_found.rs`.
//!
//! A search runs on a [`Reader`], which stops it after a time limit, in a
//! task of its own, so that a request given up cannot leave the reader's
//! limit on a connection of the pool.

use std::time::Duration;

use app::{
    format::Body,
    model::{ChannelId, UserId},
    protocol::{Message, MessageId},
    search::{Document, Place},
};

use super::{
    db::{Reader, Tx},
    dialect::Dialect,
    search_sql::{self, Arg},
    SearchStore, SqlStore, StoreError,
};

/// What to search for, as the store takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    /// Who searches: only what they may read is found.
    pub viewer: UserId,
    /// Folded words and phrases, all to occur.
    pub terms: Vec<String>,
    /// The sender's username (any case).
    pub from: Option<String>,
    pub place: Option<Place>,
    /// Sent at or after this (Unix ms).
    pub since: Option<i64>,
    /// Sent before this (Unix ms).
    pub until: Option<i64>,
    pub has_link: bool,
    pub order: Order,
    pub limit: u32,
}

/// The order of results, and where this page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Newest first, from before this message.
    Newest { before: Option<MessageId> },
    /// Best match first (newest first when only short words or filters are
    /// given), past the first `skip`.
    Relevance { skip: u32 },
}

/// A page of results.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub messages: Vec<Message>,
    /// The channels the messages are in.
    pub channels: Vec<FoundChannel>,
    /// Whether more results follow.
    pub more: bool,
}

/// A channel a result is in, as the searcher sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundChannel {
    pub id: ChannelId,
    /// The channel's name, or the other person's in a conversation.
    pub name: String,
    pub direct: bool,
    /// Whether the searcher is in it (a public channel they have not
    /// joined is found too).
    pub member: bool,
}

/// How many messages of the backlog one transaction indexes.
const BACKLOG_BATCH: u32 = 2_000;

/// Indexes a message just stored, or edited (its old row goes first).
pub(crate) async fn index(
    tx: &mut Tx<'_>,
    message: MessageId,
    text: &str,
    body: Option<&Body>,
    edited: bool,
) -> Result<(), StoreError> {
    if edited {
        unindex(tx, message).await?;
    }
    let document = Document::new(text, body);
    let sql = search_sql::insert(tx.dialect());
    tx.sql(&sql)
        .bind(message)
        .bind(document.text)
        .bind(document.has_link)
        .execute()
        .await?;
    Ok(())
}

/// Takes a deleted message out of the index.
pub(crate) async fn unindex(tx: &mut Tx<'_>, message: MessageId) -> Result<(), StoreError> {
    let sql = search_sql::delete(tx.dialect());
    tx.sql(&sql).bind(message).execute().await?;
    Ok(())
}

#[async_trait::async_trait]
impl SearchStore for SqlStore {
    #[tracing::instrument(level = "debug", name = "store.search", skip_all)]
    async fn search(&self, search: &Search, within: Duration) -> Result<Found, StoreError> {
        let db = self.db.clone();
        let search = search.clone();
        // Spawned: the reader's limit comes off its connection even if the
        // request is given up.
        let ids = tokio::spawn(async move {
            let mut reader = db.read_within(within).await?;
            let found = find_ids(&mut reader, db.dialect(), &search).await;
            reader.finish().await?;
            found.map(|ids| (ids, search))
        })
        .await
        .map_err(|_| StoreError::TimedOut)?;
        let (mut ids, search) = ids.map_err(|error| match error {
            sqlx::Error::Database(_) if Reader::timed_out(&error) => StoreError::TimedOut,
            error => StoreError::Database(error),
        })?;
        let more = ids.len() > search.limit as usize;
        ids.truncate(search.limit as usize);
        let messages = self.messages_by_id(&ids, search.viewer).await?;
        let channels = self.found_channels(&messages, search.viewer).await?;
        Ok(Found {
            messages,
            channels,
            more,
        })
    }

    async fn index_backlog(&self) -> Result<u64, StoreError> {
        let mut tx = self.db.begin().await?;
        let lock = if tx.dialect().locks_rows() {
            " FOR UPDATE"
        } else {
            ""
        };
        let below: Option<MessageId> = tx
            .sql(&format!(
                "SELECT below FROM search_backlog WHERE id = 1{lock}"
            ))
            .scalar_optional()
            .await?;
        let Some(below) = below else {
            return Ok(0);
        };
        let rows: Vec<(MessageId, String, Option<i64>)> = tx
            .sql(
                "SELECT id, body, deleted_at FROM messages WHERE id < $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(below)
            .bind(i64::from(BACKLOG_BATCH))
            .fetch_all()
            .await?;
        let insert = search_sql::insert_missing(tx.dialect());
        for (id, text, deleted) in &rows {
            if deleted.is_some() {
                continue;
            }
            let document = Document::new(text, app::format::parse(text).as_ref());
            tx.sql(&insert)
                .bind(*id)
                .bind(document.text)
                .bind(document.has_link)
                .execute()
                .await?;
        }
        match rows.last() {
            Some((lowest, ..)) if rows.len() == BACKLOG_BATCH as usize => {
                tx.sql("UPDATE search_backlog SET below = $1 WHERE id = 1")
                    .bind(*lowest)
                    .execute()
                    .await?;
            }
            _ => {
                tx.sql("DELETE FROM search_backlog").execute().await?;
            }
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn reindex(&self) -> Result<(), StoreError> {
        self.db
            .sql(
                "INSERT INTO search_backlog (id, below)
                 SELECT 1, MAX(id) + 1 FROM messages HAVING COUNT(*) > 0
                 ON CONFLICT (id) DO UPDATE SET below = EXCLUDED.below",
            )
            .execute()
            .await?;
        Ok(())
    }
}

/// The ids of the messages found, in order, one more than a page when
/// more follow.
///
/// Newest first on PostgreSQL, the newest [`NEWEST`] messages are searched
/// first, and the rest only if they do not fill the page. The planner
/// cannot tell how many messages hold a word of three letters (it guessed
/// 100 where 16,080 held `テスト`), and a wrong guess read every match and
/// sorted it (100–400 ms in 1,000,000 messages); a stretch of ids bounds
/// that, and a rare word costs a second look at the index.
async fn find_ids(
    reader: &mut Reader,
    dialect: Dialect,
    search: &Search,
) -> Result<Vec<MessageId>, sqlx::Error> {
    if !search_sql::windowed(dialect, search) {
        return run(reader, search_sql::find(dialect, search, None)).await;
    }
    let below = match search.order {
        Order::Newest {
            before: Some(before),
        } => before.0,
        _ => {
            reader
                .sql("SELECT COALESCE(MAX(message_id), 0) + 1 FROM message_search")
                .scalar()
                .await?
        }
    };
    let from = below.saturating_sub(NEWEST).max(0);
    let newest = Some(search_sql::Window { from, below });
    let mut ids = run(reader, search_sql::find(dialect, search, newest)).await?;
    if ids.len() <= search.limit as usize && from > 0 {
        reader.time_left().await?;
        let rest = Some(search_sql::Window {
            from: 0,
            below: from,
        });
        ids.extend(run(reader, search_sql::find(dialect, search, rest)).await?);
    }
    Ok(ids)
}

/// How many of the newest message ids a newest-first search on PostgreSQL
/// reads first.
const NEWEST: i64 = 10_000;

/// Runs one of `search_sql::find`'s queries.
async fn run(
    reader: &mut Reader,
    (sql, args): (String, Vec<Arg>),
) -> Result<Vec<MessageId>, sqlx::Error> {
    let mut query = reader.sql(&sql);
    for arg in args {
        query = match arg {
            Arg::Int(value) => query.bind(value),
            Arg::Text(value) => query.bind(value),
            Arg::Bool(value) => query.bind(value),
        };
    }
    query.scalars().await
}
