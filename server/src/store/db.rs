//! One way to run a query on either database, so that each query is written
//! once.
//!
//! [`Db`] is a pool of SQLite or PostgreSQL connections, [`Tx`] a transaction
//! on one of them. A [`Query`] is made from the pool or the transaction that
//! runs it (`db.sql(..)`, `tx.sql(..)`), so a query for one database can
//! never reach the other. Its text uses `$1`-style placeholders, which both
//! databases read; where their SQL really differs, [`Dialect`] holds the
//! difference.
//!
//! The value and row types are those both drivers can encode and decode
//! ([`Value`], [`Row`]); sqlx's `Any` driver would do the same at run time,
//! but without UUIDs and by copying every row.

use sqlx::{
    postgres::{PgArguments, PgRow},
    query::Query as SqlxQuery,
    sqlite::{SqliteArguments, SqliteRow},
    Encode, FromRow, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Type,
};

use super::dialect::Dialect;

/// A value both databases can take as a query argument.
pub trait Value<'q>:
    'q + Send + Encode<'q, Sqlite> + Type<Sqlite> + Encode<'q, Postgres> + Type<Postgres>
{
}

impl<'q, T> Value<'q> for T where
    T: 'q + Send + Encode<'q, Sqlite> + Type<Sqlite> + Encode<'q, Postgres> + Type<Postgres>
{
}

/// A row type both databases can decode (a `FromRow` struct or a tuple;
/// `(T,)` for a single column).
pub trait Row: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> {}

impl<T> Row for T where T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{}

/// A pool of connections to Banter's database.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A query run on any connection of the pool.
    pub fn sql<'q>(&self, sql: &'q str) -> Query<'_, 'q> {
        match self {
            Db::Sqlite(pool) => Query::Sqlite(On::Pool(pool), sqlx::query(sql)),
            Db::Postgres(pool) => Query::Postgres(On::Pool(pool), sqlx::query(sql)),
        }
    }

    /// Begins a transaction that will write. On SQLite it takes the write
    /// lock up front (`BEGIN IMMEDIATE`), so it never has to upgrade a read
    /// lock, which SQLite may refuse outright; so SQLite's transactions run
    /// one at a time, where PostgreSQL's lock the rows they need.
    pub async fn begin(&self) -> Result<Tx<'static>, sqlx::Error> {
        let started = std::time::Instant::now();
        let tx = match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        metrics::histogram!(crate::observe::DB_BEGIN_SECONDS).record(started.elapsed());
        Ok(tx)
    }

    /// The pool's connections, as of now.
    pub fn state(&self) -> PoolState {
        let (open, idle, max) = match self {
            Db::Sqlite(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
            Db::Postgres(pool) => (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ),
        };
        PoolState {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX).min(open),
            max,
        }
    }
}

/// A connection for reads that must not run long: a statement still
/// running when the time is up fails (see [`Reader::timed_out`]).
pub enum Reader {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres {
        tx: sqlx::Transaction<'static, Postgres>,
        deadline: std::time::Instant,
    },
}

impl Db {
    /// A connection whose statements are stopped after `limit` from now:
    /// on SQLite by a progress handler (removed by [`Reader::finish`]), on
    /// PostgreSQL by a read-only transaction's `statement_timeout`, kept to
    /// the time left by [`Reader::time_left`] before each next statement.
    /// PostgreSQL plans each statement for its values, never generically:
    /// how common a searched word is decides the plan.
    ///
    /// Run the reads and the finish where a dropped request cannot stop them
    /// halfway (a spawned task), so that a handler is never left on a
    /// connection of the pool.
    pub async fn read_within(&self, limit: std::time::Duration) -> Result<Reader, sqlx::Error> {
        let deadline = std::time::Instant::now() + limit;
        match self {
            Db::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                conn.lock_handle()
                    .await?
                    .set_progress_handler(10_000, move || std::time::Instant::now() < deadline);
                Ok(Reader::Sqlite(conn))
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SET TRANSACTION READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
                    .execute(&mut *tx)
                    .await?;
                let mut reader = Reader::Postgres { tx, deadline };
                reader.time_left().await?;
                Ok(reader)
            }
        }
    }
}

impl Reader {
    pub fn sql<'q>(&mut self, sql: &'q str) -> Query<'_, 'q> {
        match self {
            Reader::Sqlite(conn) => Query::Sqlite(On::Conn(conn), sqlx::query(sql)),
            Reader::Postgres { tx, .. } => Query::Postgres(On::Conn(tx), sqlx::query(sql)),
        }
    }

    /// Limits the next statements to the time left (on SQLite the progress
    /// handler keeps to the deadline by itself).
    pub async fn time_left(&mut self) -> Result<(), sqlx::Error> {
        let Reader::Postgres { tx, deadline } = self else {
            return Ok(());
        };
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        // 0 would be no limit at all: 1 ms stops the next statement.
        let millis = left.as_millis().max(1);
        sqlx::query(&format!("SET LOCAL statement_timeout = {millis}"))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Gives the connection back as it was.
    pub async fn finish(self) -> Result<(), sqlx::Error> {
        match self {
            Reader::Sqlite(mut conn) => {
                conn.lock_handle().await?.remove_progress_handler();
                Ok(())
            }
            Reader::Postgres { tx, .. } => tx.rollback().await,
        }
    }

    /// Whether `error` is a statement stopped for running out of time.
    pub fn timed_out(error: &sqlx::Error) -> bool {
        let Some(db) = error.as_database_error() else {
            return false;
        };
        // SQLITE_INTERRUPT; PostgreSQL's query_canceled.
        matches!(db.code().as_deref(), Some("9" | "57014"))
    }
}

/// How many connections a pool holds, and how many of them wait idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolState {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// A transaction; rolled back if dropped before [`Tx::commit`].
#[derive(Debug)]
pub enum Tx<'c> {
    Sqlite(sqlx::Transaction<'c, Sqlite>),
    Postgres(sqlx::Transaction<'c, Postgres>),
}

impl Tx<'_> {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A query run inside the transaction.
    pub fn sql<'q>(&mut self, sql: &'q str) -> Query<'_, 'q> {
        match self {
            Tx::Sqlite(tx) => Query::Sqlite(On::Conn(tx), sqlx::query(sql)),
            Tx::Postgres(tx) => Query::Postgres(On::Conn(tx), sqlx::query(sql)),
        }
    }

    /// A savepoint: a transaction inside this one, whose rollback undoes
    /// only what was done since.
    pub async fn savepoint(&mut self) -> Result<Tx<'_>, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(tx) => Tx::Sqlite(sqlx::Connection::begin(&mut **tx).await?),
            Tx::Postgres(tx) => Tx::Postgres(sqlx::Connection::begin(&mut **tx).await?),
        })
    }

    /// The PostgreSQL connection under the transaction, for what only
    /// PostgreSQL has (NOTIFY).
    pub fn postgres(&mut self) -> Option<&mut PgConnection> {
        match self {
            Tx::Sqlite(_) => None,
            Tx::Postgres(tx) => Some(tx),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }
}

/// Where a query runs: any connection of a pool, or one connection.
#[derive(Debug)]
pub enum On<'e, P, C> {
    Pool(&'e P),
    Conn(&'e mut C),
}

/// A query with its arguments, bound to where it runs.
pub enum Query<'e, 'q> {
    Sqlite(
        On<'e, SqlitePool, SqliteConnection>,
        SqlxQuery<'q, Sqlite, SqliteArguments<'q>>,
    ),
    Postgres(
        On<'e, PgPool, PgConnection>,
        SqlxQuery<'q, Postgres, PgArguments>,
    ),
}

/// Runs `$query.$method(..)` on whichever executor `$on` holds.
macro_rules! run {
    ($on:expr, $query:expr, $method:ident) => {
        match $on {
            On::Pool(pool) => $query.$method(pool).await,
            On::Conn(conn) => $query.$method(&mut *conn).await,
        }
    };
}

impl<'q> Query<'_, 'q> {
    /// Binds the next `$n`.
    pub fn bind<T: Value<'q>>(self, value: T) -> Self {
        match self {
            Query::Sqlite(on, query) => Query::Sqlite(on, query.bind(value)),
            Query::Postgres(on, query) => Query::Postgres(on, query.bind(value)),
        }
    }

    /// Binds the next `$n` to a list of ids, for [`Dialect::in_ids`]: a JSON
    /// array on SQLite, an array on PostgreSQL.
    pub fn bind_ids(self, ids: impl IntoIterator<Item = i64>) -> Self {
        let ids: Vec<i64> = ids.into_iter().collect();
        match self {
            Query::Sqlite(on, query) => {
                let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".to_owned());
                Query::Sqlite(on, query.bind(json))
            }
            Query::Postgres(on, query) => Query::Postgres(on, query.bind(ids)),
        }
    }

    /// Binds the next `$n` to a list of names in lower case, for
    /// [`Dialect::in_names`]: a JSON array on SQLite, an array on
    /// PostgreSQL.
    pub fn bind_names(self, names: Vec<String>) -> Self {
        match self {
            Query::Sqlite(on, query) => {
                let json = serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned());
                Query::Sqlite(on, query.bind(json))
            }
            Query::Postgres(on, query) => Query::Postgres(on, query.bind(names)),
        }
    }

    /// Runs the query; how many rows it changed.
    pub async fn execute(self) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Query::Sqlite(on, query) => run!(on, query, execute)?.rows_affected(),
            Query::Postgres(on, query) => run!(on, query, execute)?.rows_affected(),
        })
    }

    /// Every row of the answer.
    pub async fn fetch_all<R: Row>(self) -> Result<Vec<R>, sqlx::Error> {
        match self {
            Query::Sqlite(on, query) => run!(on, query, fetch_all)?
                .iter()
                .map(R::from_row)
                .collect(),
            Query::Postgres(on, query) => run!(on, query, fetch_all)?
                .iter()
                .map(R::from_row)
                .collect(),
        }
    }

    /// The first row of the answer, if there is one.
    pub async fn fetch_optional<R: Row>(self) -> Result<Option<R>, sqlx::Error> {
        match self {
            Query::Sqlite(on, query) => run!(on, query, fetch_optional)?
                .as_ref()
                .map(R::from_row)
                .transpose(),
            Query::Postgres(on, query) => run!(on, query, fetch_optional)?
                .as_ref()
                .map(R::from_row)
                .transpose(),
        }
    }

    /// The first row of the answer; an error if there is none.
    pub async fn fetch_one<R: Row>(self) -> Result<R, sqlx::Error> {
        self.fetch_optional().await?.ok_or(sqlx::Error::RowNotFound)
    }

    /// The first column of every row.
    pub async fn scalars<T>(self) -> Result<Vec<T>, sqlx::Error>
    where
        (T,): Row,
    {
        Ok(self
            .fetch_all::<(T,)>()
            .await?
            .into_iter()
            .map(|(value,)| value)
            .collect())
    }

    /// The first column of the first row, if there is one.
    pub async fn scalar_optional<T>(self) -> Result<Option<T>, sqlx::Error>
    where
        (T,): Row,
    {
        Ok(self.fetch_optional::<(T,)>().await?.map(|(value,)| value))
    }

    /// The first column of the first row; an error if there is none.
    pub async fn scalar<T>(self) -> Result<T, sqlx::Error>
    where
        (T,): Row,
    {
        Ok(self.fetch_one::<(T,)>().await?.0)
    }
}
