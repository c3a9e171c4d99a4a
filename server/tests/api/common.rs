//! A Banter server for one test: its own temporary data directory and site
//! root, listening on a port the OS picked, on a database of its own.
//!
//! The suite runs once per database: on SQLite by default, and on PostgreSQL
//! when `BANTER_TEST_DATABASE=postgres` (each server then gets a fresh
//! database on `BANTER_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432`, dropped when the test ends).

use std::{net::SocketAddr, path::Path, sync::Arc};

use leptos::config::LeptosOptions;
use server::{router, store::Store, AppState, Config};

use crate::fake_s3::FakeS3;
use sqlx::{Connection, PgConnection, PgPool, SqlitePool};
use tempfile::TempDir;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// Whether this run of the suite is on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("BANTER_TEST_DATABASE").is_ok_and(|db| db == "postgres")
}

/// The PostgreSQL server that tests create their databases on.
fn postgres_server() -> String {
    std::env::var("BANTER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// A PostgreSQL database that lives as long as the test holds it.
pub struct PgDatabase {
    name: String,
}

impl PgDatabase {
    pub async fn create() -> Arc<Self> {
        let name = format!("banter_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&format!("{}/postgres", postgres_server()))
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "BANTER_TEST_DATABASE=postgres, but PostgreSQL at {} does not answer: {error}",
                    postgres_server()
                )
            });
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        Arc::new(Self { name })
    }

    pub fn url(&self) -> String {
        format!("{}/{}", postgres_server(), self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside any runtime the test may still be using.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin =
                    PgConnection::connect(&format!("{}/postgres", postgres_server())).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(_))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: TempDir,
    pub state: AppState,
    /// The PostgreSQL database, shared by every node of a test.
    pub postgres: Option<Arc<PgDatabase>>,
    configure: fn(&mut Config),
    hashed: bool,
    /// The bucket its files are kept in, if not its data directory.
    pub s3: Option<Arc<FakeS3>>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server on a fresh data directory.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server with a configuration adjusted by `configure`.
    pub async fn start_with(configure: fn(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start_in(dir, Self::database().await, configure, false).await
    }

    /// Starts a server that keeps its files in a bucket of its own, its
    /// configuration adjusted by `configure`.
    pub async fn start_on_s3(configure: fn(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let s3 = Some(FakeS3::start().await);
        Self::start_adjusted(dir, Self::database().await, configure, false, s3, |_| {}).await
    }

    /// Starts a server whose requests see the store through `wrap` (the
    /// message pipeline and presence keep the real one).
    pub async fn start_with_store(wrap: impl FnOnce(Arc<dyn Store>) -> Arc<dyn Store>) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start_adjusted(
            dir,
            Self::database().await,
            |_| {},
            false,
            None,
            |state| {
                state.store = wrap(state.store.clone());
            },
        )
        .await
    }

    /// Starts a server that serves `pkg/` as if cargo-leptos had hashed the
    /// file names. It cannot render pages (there is no hash file).
    pub async fn start_hashed() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start_in(dir, Self::database().await, |_| {}, true).await
    }

    /// Starts a second node on this server's database (PostgreSQL only).
    pub async fn another_node(&self) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start_adjusted(
            dir,
            self.postgres.clone(),
            self.configure,
            self.hashed,
            self.s3.clone(),
            |_| {},
        )
        .await
    }

    /// A fresh PostgreSQL database when the suite runs on PostgreSQL.
    async fn database() -> Option<Arc<PgDatabase>> {
        match on_postgres() {
            true => Some(PgDatabase::create().await),
            false => None,
        }
    }

    async fn start_in(
        dir: TempDir,
        postgres: Option<Arc<PgDatabase>>,
        configure: fn(&mut Config),
        hashed: bool,
    ) -> Self {
        Self::start_adjusted(dir, postgres, configure, hashed, None, |_| {}).await
    }

    async fn start_adjusted(
        dir: TempDir,
        postgres: Option<Arc<PgDatabase>>,
        configure: fn(&mut Config),
        hashed: bool,
        s3: Option<Arc<FakeS3>>,
        adjust: impl FnOnce(&mut AppState),
    ) -> Self {
        let mut config = Config::for_data_dir(dir.path().join("data"));
        config.database_url = postgres.as_ref().map(|db| db.url());
        // Tests sign many users up from one address, and send and ask
        // quickly; the tests of the limits set their own.
        config.signups_per_hour = 10_000;
        config.send_rate = 10_000;
        config.send_burst = 10_000;
        let plenty: server::limits::Rate = "10000/s".parse().expect("rate");
        config.rate_create_channel = plenty;
        config.rate_open_direct = plenty;
        config.rate_join_leave = plenty;
        config.rate_history = plenty;
        config.rate_members = plenty;
        config.rate_browse = plenty;
        config.rate_find_users = plenty;
        configure(&mut config);
        if let Some(s3) = &s3 {
            s3.configure(&mut config);
        }
        let mut state = AppState::open(config, leptos_options(dir.path(), hashed))
            .await
            .expect("server state");
        adjust(&mut state);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("listener");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(state.clone());
        let timeouts = state.timeouts();
        let task = tokio::spawn(server::accept::serve(listener, app, timeouts, async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            dir,
            state,
            postgres,
            configure,
            hashed,
            s3,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and starts a new one on the same data directory.
    pub async fn restart(mut self) -> Self {
        self.shutdown().await;
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("placeholder"));
        let (postgres, s3) = (self.postgres.take(), self.s3.take());
        Self::start_adjusted(dir, postgres, self.configure, self.hashed, s3, |_| {}).await
    }

    async fn shutdown(&mut self) {
        self.state.shutdown.cancel();
        self.state.presence.stop().await;

        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The path of the SQLite database file.
    pub fn database_path(&self) -> std::path::PathBuf {
        self.dir.path().join("data").join("banter.db")
    }

    /// A connection pool of its own on the server's database, to check what
    /// was stored.
    pub async fn db(&self) -> Db {
        match &self.postgres {
            Some(db) => Db::Postgres(PgPool::connect(&db.url()).await.expect("database")),
            None => Db::Sqlite(
                SqlitePool::connect(&format!("sqlite://{}", self.database_path().display()))
                    .await
                    .expect("database"),
            ),
        }
    }

    /// The number of rows in `table` (which may carry a `WHERE` clause).
    pub async fn count(&self, table: &str) -> i64 {
        self.db()
            .await
            .scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .await
    }

    /// Writes a file into the site root, as cargo-leptos would.
    pub fn write_site_file(&self, relative: &str, contents: &[u8]) {
        let path = self.dir.path().join("site").join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("site dir");
        std::fs::write(path, contents).expect("site file");
    }
}

fn leptos_options(dir: &Path, hashed: bool) -> LeptosOptions {
    let site_root = dir.join("site");
    std::fs::create_dir_all(site_root.join("pkg")).expect("site root");
    LeptosOptions::builder()
        .output_name("banter")
        .site_root(site_root.display().to_string())
        .hash_files(hashed)
        .build()
}

/// Waits until `url` answers 200 (a node's `/readyz`, say).
pub async fn until_ready(url: &str) {
    for _ in 0..400 {
        let response = client().get(url).send().await;
        if response.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{url} never became ready");
}

/// A plain HTTP client that keeps cookies and does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A test's own connection to the server's database. Statements are plain
/// SQL without parameters, written to mean the same on both databases.
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Db {
    pub async fn execute(&self, sql: &str) {
        match self {
            Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
            Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        }
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
    }

    /// The one integer `sql` selects.
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self {
            Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }
}
