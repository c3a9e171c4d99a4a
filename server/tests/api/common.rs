//! A Banter server for one test: its own temporary data directory and site
//! root, listening on a port the OS picked.

use std::{net::SocketAddr, path::Path};

use leptos::config::LeptosOptions;
use server::{router, AppState, Config};
use sqlx::SqlitePool;
use tempfile::TempDir;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: TempDir,
    pub state: AppState,
    configure: fn(&mut Config),
    hashed: bool,
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
        Self::start_in(dir, configure, false).await
    }

    /// Starts a server that serves `pkg/` as if cargo-leptos had hashed the
    /// file names. It cannot render pages (there is no hash file).
    pub async fn start_hashed() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start_in(dir, |_| {}, true).await
    }

    async fn start_in(dir: TempDir, configure: fn(&mut Config), hashed: bool) -> Self {
        let mut config = Config::for_data_dir(dir.path().join("data"));
        // Tests sign many users up from one address, and send quickly.
        config.signups_per_hour = 10_000;
        config.send_rate = 10_000;
        config.send_burst = 10_000;
        configure(&mut config);
        let state = AppState::open(config, leptos_options(dir.path(), hashed))
            .await
            .expect("server state");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("listener");
        let addr = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("serve");
        });
        Self {
            addr,
            dir,
            state,
            configure,
            hashed,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the server and starts a new one on the same data directory.
    pub async fn restart(mut self) -> Self {
        self.shutdown().await;
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("placeholder"));
        Self::start_in(dir, self.configure, self.hashed).await
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
    pub async fn db(&self) -> SqlitePool {
        SqlitePool::connect(&format!("sqlite://{}", self.database_path().display()))
            .await
            .expect("database")
    }

    /// The number of rows in `table`.
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db().await)
            .await
            .expect("count")
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

/// A plain HTTP client that keeps cookies and does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}
