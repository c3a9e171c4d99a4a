//! The foundation: health, migrations, pages, static files and the security
//! headers on every kind of response.

use reqwest::{header, StatusCode};
use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions};

use crate::common::{client, on_postgres, TestServer};

#[tokio::test]
async fn healthz_reports_the_database() {
    let server = TestServer::start().await;
    let response = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn migrations_create_the_schema_and_general() {
    let server = TestServer::start().await;
    let db = server.db().await;
    assert_eq!(
        db.scalar(
            "SELECT COUNT(*) FROM channels WHERE id = 1 AND name = 'General' AND kind = 'public'"
        )
        .await,
        1
    );
    for table in [
        "memberships",
        "messages",
        "users",
        "presence",
        "tower_sessions",
    ] {
        assert_eq!(
            db.scalar(&format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}

#[tokio::test]
async fn sqlite_starts_on_a_new_file_in_wal_mode() {
    if on_postgres() {
        return;
    }
    let server = TestServer::start().await;
    let path = server.database_path();
    assert!(path.exists(), "the database file is created on first start");

    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .connect()
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_restart_keeps_the_data_and_migrates_nothing_twice() {
    let server = TestServer::start().await;
    let server = server.restart().await;
    assert_eq!(server.count("channels WHERE name = 'General'").await, 1);
    let response = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_page_is_rendered_on_the_server_with_a_nonce_policy() {
    let server = TestServer::start().await;
    let response = client().get(server.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let html = response.text().await.unwrap();

    assert!(
        html.contains(r#"<label for="username">Username"#),
        "the form in the first response"
    );

    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "inline scripts carry the nonce"
    );
    assert!(policy.contains("script-src 'self'"));
    assert!(policy.contains("'wasm-unsafe-eval'"));
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));
    assert_common_security_headers(&headers);

    let again = client().get(server.url("/login")).send().await.unwrap();
    assert_ne!(
        again.headers()[header::CONTENT_SECURITY_POLICY],
        headers[header::CONTENT_SECURITY_POLICY],
        "a fresh nonce for every response"
    );
}

#[tokio::test]
async fn unknown_pages_are_404_with_security_headers() {
    let server = TestServer::start().await;
    let response = client()
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_common_security_headers(response.headers());
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn api_responses_get_a_policy_that_allows_nothing() {
    let server = TestServer::start().await;
    let response = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_common_security_headers(response.headers());
}

#[tokio::test]
async fn hashed_static_files_are_cached_for_a_year_and_compressed() {
    let server = TestServer::start_hashed().await;
    let css = "body { color: red; }\n".repeat(200);
    server.write_site_file("pkg/banter.0123abcd.css", css.as_bytes());

    let response = client()
        .get(server.url("/pkg/banter.0123abcd.css"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert_common_security_headers(response.headers());
    let compressed = response.bytes().await.unwrap();
    assert!(
        compressed.len() < css.len() / 4,
        "{} bytes compressed",
        compressed.len()
    );
}

#[tokio::test]
async fn unhashed_static_files_are_revalidated() {
    let server = TestServer::start().await;
    server.write_site_file("pkg/banter.css", b"body {}");
    let response = client()
        .get(server.url("/pkg/banter.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn public_assets_are_served_from_the_site_root() {
    let server = TestServer::start().await;
    server.write_site_file("favicon.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>");
    let response = client()
        .get(server.url("/favicon.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/svg+xml");
}

fn assert_common_security_headers(headers: &header::HeaderMap) {
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
}
