//! The SQL of search, which differs between the databases more than any
//! other query (so it is made here rather than in `dialect.rs`):
//!
//! - **SQLite** indexes the folded text with FTS5's trigram tokenizer. Words
//!   of three characters or more are one `MATCH` (each a quoted phrase, so
//!   a substring); the full-text table then drives the query, newest
//!   (highest rowid) first, so a page of a common word stops early. Shorter
//!   words are `instr` on the indexed text, which reads each candidate.
//!   Relevance is FTS5's `rank` (BM25).
//! - **PostgreSQL** indexes it with `pg_trgm`'s GIN trigram index, which
//!   serves `LIKE '%word%'` for words of three characters or more; shorter
//!   ones are checked row by row. Relevance is `similarity` with the words
//!   (the share of trigrams in common, so short messages dense in the
//!   words come first). Each index row carries its message's channel,
//!   sender and time, so a search with words reads the index rows alone;
//!   newest first, it reads the newest stretch of ids first and the rest
//!   only if that does not fill the page (see `search::find_ids`).
//!
//! Both find exactly the same messages; only relevance orders differ.

use app::search::Place;

use super::{
    dialect::Dialect,
    like_escape,
    search::{Order, Search},
};

/// A value bound to a search's query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Bool(bool),
}

/// The shortest word the trigram indexes find.
const TRIGRAM: usize = 3;

/// Inserts a message's row: `$1` id, `$2` folded text, `$3` has a link.
/// PostgreSQL's row also carries the message's channel, sender and time,
/// read from the message, so that a search needs no join (see `find`).
pub(crate) fn insert(dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => {
            "INSERT INTO message_search (rowid, body, has_link) VALUES ($1, $2, $3)".to_owned()
        }
        Dialect::Postgres => format!("INSERT INTO message_search {POSTGRES_ROW}"),
    }
}

/// Inserts a message's row unless it has one (`insert`'s arguments).
pub(crate) fn insert_missing(dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => "INSERT INTO message_search (rowid, body, has_link) SELECT $1, $2, $3
             WHERE NOT EXISTS (SELECT 1 FROM message_search WHERE rowid = $1)"
            .to_owned(),
        Dialect::Postgres => {
            format!("INSERT INTO message_search {POSTGRES_ROW} ON CONFLICT (message_id) DO NOTHING")
        }
    }
}

/// PostgreSQL's index row of message `$1`, from `insert`'s arguments.
const POSTGRES_ROW: &str = "(message_id, body, has_link, channel_id, sender_id, created_at)
     SELECT id, $2, $3, channel_id, sender_id, created_at FROM messages WHERE id = $1";

/// Deletes the row of message `$1`.
pub(crate) fn delete(dialect: Dialect) -> String {
    let key = match dialect {
        Dialect::Sqlite => "rowid",
        Dialect::Postgres => "message_id",
    };
    format!("DELETE FROM message_search WHERE {key} = $1")
}

/// Whether `find` is asked window by window (`search::find_ids`): on
/// PostgreSQL, newest first, when the index narrows the search.
pub(crate) fn windowed(dialect: Dialect, search: &Search) -> bool {
    dialect == Dialect::Postgres && indexed(search) && matches!(search.order, Order::Newest { .. })
}

/// A stretch of message ids, `from` up to but not including `below`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub from: i64,
    pub below: i64,
}

/// Whether the index narrows the search (else it reads messages alone).
fn indexed(search: &Search) -> bool {
    !search.terms.is_empty() || search.has_link
}

/// Where a query reads from: its tables, and the aliases of the message's
/// columns, the message's id and the channels' conditions.
struct Source {
    from: &'static str,
    /// The alias holding the sender and the time (`m`, or `s` where the
    /// index row carries them).
    message: &'static str,
    id: &'static str,
    /// The channel's conditions go in a subquery on the index row's channel
    /// (PostgreSQL's index rows carry it), not on a join.
    channel_subquery: bool,
}

fn source(dialect: Dialect, indexed: bool, matching: bool) -> Source {
    let (from, message, id, channel_subquery) = match (dialect, indexed) {
        (Dialect::Sqlite, true) if matching => (
            "message_search
             CROSS JOIN messages m ON m.id = message_search.rowid",
            "m",
            "message_search.rowid",
            false,
        ),
        (Dialect::Sqlite, true) => (
            "messages m JOIN message_search ON message_search.rowid = m.id",
            "m",
            "message_search.rowid",
            false,
        ),
        // Deleted messages have no index row: nothing else to join.
        (Dialect::Postgres, true) => ("message_search s", "s", "s.message_id", true),
        (_, false) => ("messages m", "m", "m.id", false),
    };
    Source {
        from,
        message,
        id,
        channel_subquery,
    }
}

/// The query finding the ids of one page of `search`'s results (and one
/// more, when more follow), within `window` if given, with its arguments.
pub(crate) fn find(
    dialect: Dialect,
    search: &Search,
    window: Option<Window>,
) -> (String, Vec<Arg>) {
    let mut q = Builder::default();
    let viewer = q.arg(Arg::Int(search.viewer.0));
    let (long, short): (Vec<&String>, Vec<&String>) = search
        .terms
        .iter()
        .partition(|t| t.chars().count() >= TRIGRAM);
    let s = match dialect {
        Dialect::Sqlite => "message_search",
        Dialect::Postgres => "s",
    };
    let matching = dialect == Dialect::Sqlite && !long.is_empty();
    let indexed = indexed(search);
    let Source {
        from,
        message: m,
        id,
        channel_subquery,
    } = source(dialect, indexed, matching);

    // What may be read: public channels (not private ones), and those the
    // viewer is in.
    let mut channel = vec![format!(
        "((c.kind = 'public' AND NOT c.is_private) OR EXISTS (
             SELECT 1 FROM memberships mb WHERE mb.channel_id = c.id
                                           AND mb.user_id = {viewer}))"
    )];
    if !channel_subquery {
        q.and("m.deleted_at IS NULL".to_owned());
    }
    match dialect {
        Dialect::Sqlite if matching => {
            let phrases: Vec<String> = long
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect();
            let at = q.arg(Arg::Text(phrases.join(" AND ")));
            q.and(format!("message_search MATCH {at}"));
        }
        Dialect::Sqlite => {}
        Dialect::Postgres => {
            for term in &long {
                let at = q.arg(Arg::Text(format!("%{}%", like_escape(term))));
                q.and(format!(r"s.body LIKE {at} ESCAPE '\'"));
            }
        }
    }
    for term in short {
        let at = q.arg(Arg::Text((*term).clone()));
        q.and(match dialect {
            Dialect::Sqlite => format!("instr({s}.body, {at}) > 0"),
            Dialect::Postgres => format!("strpos(s.body, {at}) > 0"),
        });
    }
    if search.has_link {
        let at = q.arg(Arg::Bool(true));
        q.and(format!("{s}.has_link = {at}"));
    }
    if let Some(from) = &search.from {
        let at = q.arg(Arg::Text(from.clone()));
        q.and(format!(
            "{m}.sender_id = (SELECT id FROM users WHERE {})",
            dialect.same_name("username", &at)
        ));
    }
    match &search.place {
        None => {}
        Some(Place::Channel(name)) => {
            let at = q.arg(Arg::Text(name.clone()));
            channel.push(format!(
                "c.kind = 'public' AND {}",
                dialect.same_name("c.name", &at)
            ));
        }
        Some(Place::Direct(name)) => {
            let at = q.arg(Arg::Text(name.clone()));
            channel.push(format!(
                "c.kind = 'direct' AND {viewer} IN (c.direct_low, c.direct_high)
                 AND (SELECT id FROM users WHERE {}) IN (c.direct_low, c.direct_high)",
                dialect.same_name("username", &at)
            ));
        }
    }
    if let Some(since) = search.since {
        let at = q.arg(Arg::Int(since));
        q.and(format!("{m}.created_at >= {at}"));
    }
    if let Some(until) = search.until {
        let at = q.arg(Arg::Int(until));
        q.and(format!("{m}.created_at < {at}"));
    }
    let join = if channel_subquery {
        q.and(format!(
            "s.channel_id IN (SELECT c.id FROM channels c WHERE {})",
            channel.join(" AND ")
        ));
        ""
    } else {
        q.conditions.extend(channel);
        " JOIN channels c ON c.id = m.channel_id"
    };

    let order = match search.order {
        Order::Newest { before } => {
            if let Some(before) = before {
                let at = q.arg(Arg::Int(before.0));
                q.and(format!("{id} < {at}"));
            }
            if let Some(window) = window {
                let from = q.arg(Arg::Int(window.from));
                let below = q.arg(Arg::Int(window.below));
                q.and(format!("{id} >= {from} AND {id} < {below}"));
            }
            format!("{id} DESC")
        }
        Order::Relevance { .. } if matching => format!("message_search.rank, {id} DESC"),
        Order::Relevance { .. } if dialect == Dialect::Postgres && !long.is_empty() => {
            let words: Vec<&str> = long.iter().map(|t| t.as_str()).collect();
            let at = q.arg(Arg::Text(words.join(" ")));
            format!("similarity({at}, s.body) DESC, {id} DESC")
        }
        Order::Relevance { .. } => format!("{id} DESC"),
    };
    let limit = q.arg(Arg::Int(i64::from(search.limit) + 1));
    let skip = match search.order {
        Order::Relevance { skip } => skip,
        Order::Newest { .. } => 0,
    };
    let offset = q.arg(Arg::Int(i64::from(skip)));
    let sql = format!(
        "SELECT {id} FROM {from}{join}
         WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        q.conditions.join(" AND ")
    );
    (sql, q.args)
}

/// Conditions and their arguments, numbered as they are added.
#[derive(Default)]
struct Builder {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Builder {
    /// Adds an argument; its placeholder.
    fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    fn and(&mut self, condition: String) {
        self.conditions.push(condition);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::{model::UserId, protocol::MessageId};

    fn search(terms: &[&str]) -> Search {
        Search {
            viewer: UserId(7),
            terms: terms.iter().map(|t| (*t).to_owned()).collect(),
            from: Some("alice".into()),
            place: None,
            since: None,
            until: None,
            has_link: false,
            order: Order::Newest { before: None },
            limit: 20,
        }
    }

    #[test]
    fn long_words_match_through_the_index_and_short_ones_by_substring() {
        let (sql, args) = find(
            Dialect::Sqlite,
            &search(&["release", "日本", "say \"hi\""]),
            None,
        );
        assert!(sql.contains("FROM message_search\n             CROSS JOIN messages m"));
        assert!(sql.contains("message_search MATCH $2"));
        assert!(sql.contains("instr(message_search.body, $3) > 0"));
        assert_eq!(args[1], Arg::Text(r#""release" AND "say ""hi""""#.into()));
        assert!(sql.contains("ORDER BY message_search.rowid DESC"));

        let (sql, args) = find(Dialect::Postgres, &search(&["50%_off", "日本"]), None);
        assert!(sql.contains(r"s.body LIKE $2 ESCAPE '\'"));
        assert_eq!(args[1], Arg::Text(r"%50\%\_off%".into()));
        assert!(sql.contains("strpos(s.body, $3) > 0"));
        assert_eq!(args.last(), Some(&Arg::Int(0)));
    }

    #[test]
    fn filters_alone_read_messages_newest_first() {
        let (sql, _) = find(Dialect::Sqlite, &search(&[]), None);
        assert!(sql.starts_with("SELECT m.id FROM messages m JOIN channels c"));
        assert!(sql.contains("ORDER BY m.id DESC"));
    }

    #[test]
    fn postgres_reads_the_index_rows_alone() {
        let mut newest = search(&["встреча"]);
        newest.since = Some(1_000);
        newest.order = Order::Newest {
            before: Some(MessageId(500)),
        };
        let (sql, args) = find(Dialect::Postgres, &newest, None);
        assert!(sql.starts_with("SELECT s.message_id FROM message_search s\n"));
        assert!(!sql.contains("JOIN"));
        assert!(sql.contains("s.sender_id = (SELECT id FROM users"));
        assert!(sql.contains("s.created_at >= $4"));
        assert!(sql.contains("s.channel_id IN (SELECT c.id FROM channels c WHERE"));
        assert!(sql.contains("s.message_id < $5"));
        assert_eq!(args[4], Arg::Int(500));
        assert!(windowed(Dialect::Postgres, &newest));
        assert!(!windowed(Dialect::Sqlite, &newest));
        let window = Window {
            from: 0,
            below: 90_000,
        };
        let (sql, args) = find(Dialect::Postgres, &newest, Some(window));
        assert!(sql.contains("s.message_id >= $6 AND s.message_id < $7"));
        assert_eq!(args[6], Arg::Int(90_000));

        let mut relevance = newest.clone();
        relevance.order = Order::Relevance { skip: 20 };
        assert!(!windowed(Dialect::Postgres, &relevance));
        let mut filters = newest;
        filters.terms.clear();
        assert!(!windowed(Dialect::Postgres, &filters));
        let (sql, _) = find(Dialect::Postgres, &filters, None);
        assert!(sql.contains("JOIN channels c ON c.id = m.channel_id"));
        assert!(sql.contains("m.deleted_at IS NULL"));
    }
}
