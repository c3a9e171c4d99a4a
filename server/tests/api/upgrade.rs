//! Upgrades: what the README promises about versions side by side. A node
//! never runs on a database that a newer version has migrated (it says so,
//! and touches nothing); and a node passes over the events of a newer node
//! it does not know, delivering the rest (see `observe.rs`, which sends one
//! through PostgreSQL); and a page of another protocol version is told to
//! reload.

use crate::{
    browser::Browser,
    common::{on_postgres, Db, PgDatabase, TestServer},
    process::{run_to_end, Process},
};

const PASSWORD: &str = "correct horse battery";
/// A migration no version of Banter has yet.
const FUTURE: i64 = 99_990_101_000_000;

#[tokio::test]
async fn a_node_refuses_a_database_a_newer_version_migrated_and_leaves_it_alone() {
    let data = tempfile::tempdir().expect("data directory");
    let postgres = match on_postgres() {
        true => Some(PgDatabase::create().await),
        false => None,
    };
    let url = postgres.as_ref().map(|db| db.url());
    let env: Vec<(&str, &str)> = url
        .iter()
        .map(|url| ("BANTER_DATABASE_URL", url.as_str()))
        .collect();

    let mut node = Process::start(data.path(), &env).await;
    Browser::new(&node.base)
        .sign_up("kenji", PASSWORD)
        .await
        .unwrap();
    assert!(node.terminate().await.success());

    let db = match &url {
        Some(url) => Db::Postgres(sqlx::PgPool::connect(url).await.expect("database")),
        None => Db::Sqlite(
            sqlx::SqlitePool::connect(&format!(
                "sqlite://{}",
                data.path().join("banter.db").display()
            ))
            .await
            .expect("database"),
        ),
    };
    let checksum = match &db {
        Db::Postgres(_) => "'\\x00'::bytea",
        Db::Sqlite(_) => "X'00'",
    };
    db.execute(&format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ({FUTURE}, 'from a newer Banter', TRUE, {checksum}, 0)"
    ))
    .await;
    let migrations = db.scalar("SELECT COUNT(*) FROM _sqlx_migrations").await;

    let output = run_to_end(data.path(), &[], &env).await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it does not serve");
    assert!(
        said.contains("migrated by a newer version of Banter")
            && said.contains(&FUTURE.to_string()),
        "it says why: {said}"
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM _sqlx_migrations").await,
        migrations,
        "no migration ran"
    );
}

#[tokio::test]
async fn a_page_of_another_protocol_version_is_told_to_reload() {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("yuki", PASSWORD).await.unwrap();
    let older = app::protocol::PROTOCOL_VERSION - 1;
    let url = browser
        .url(&format!("/ws?v={older}"))
        .replacen("http://", "ws://", 1);
    let mut request = url.into_client_request().expect("request");
    let cookie = format!(
        "banter_session={}",
        browser.session_cookie().expect("a session")
    );
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(&cookie).expect("cookie"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the handshake");
    let closed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(closed, Some(app::protocol::CLOSE_VERSION));
}
