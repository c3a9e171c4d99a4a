//! The connection itself as an attacker would use it: clients that stop
//! reading, send their headers or body a byte at a time, or smuggle a
//! redirect; and the headers an HTTPS deployment needs.

use std::time::Duration;

use app::{model::ChannelId, protocol::PROTOCOL_VERSION};
use futures::StreamExt;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue};

use crate::{
    browser::{location, Browser},
    common::TestServer,
    live::Live,
};

const PASSWORD: &str = "correct horse battery";

/// Longer than any deadline these tests set.
const PATIENCE: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_client_that_stops_reading_is_closed_and_the_others_carry_on() {
    let server = TestServer::start_with(|config| config.write_timeout_ms = 500).await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    let mut alice = Live::connect(&browser).await;

    // Bob's socket, with a tiny receive window, that never reads a frame.
    let bob = Browser::new(&server.base());
    bob.sign_up("bob", PASSWORD).await.unwrap();
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.addr).await.unwrap();
    let mut request = format!("ws://{}/ws?v={PROTOCOL_VERSION}", server.addr)
        .into_client_request()
        .unwrap();
    let cookie = format!("banter_session={}", bob.session_cookie().unwrap());
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(&cookie).unwrap());
    let (mut stuck, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .unwrap();
    // The welcome, sent once the socket is registered; then nothing more.
    stuck.next().await.unwrap().unwrap();
    assert_eq!(server.state.hub.connections(), 2);

    // 8 MB for bob, far more than the socket buffers hold.
    let long = "🦀".repeat(5000);
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut sent = 0;
    while server.state.hub.connections() > 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "bob's stuck socket is still open after {sent} messages"
        );
        if sent < 400 {
            alice.say(ChannelId::GENERAL, &long).await;
            sent += 1;
        } else {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // Alice never noticed.
    assert_eq!(
        alice.say(ChannelId::GENERAL, "still here").await.text,
        "still here"
    );
}

/// Reads until the server closes the connection; what it said first.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .ok();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_off() {
    let server = TestServer::start_with(|config| config.header_timeout_ms = 300).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: banter\r\nX-Slow: ")
        .await
        .unwrap();
    read_until_closed(&mut stream).await;

    // A prompt client is served as ever.
    let response = reqwest::get(server.url("/healthz")).await.unwrap();
    assert!(response.status().is_success());
}

#[tokio::test]
async fn a_body_that_never_finishes_gets_408() {
    let server = TestServer::start_with(|config| config.request_timeout_ms = 300).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: banter\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\nusername=al",
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn https_deployments_send_strict_transport_security() {
    let plain = TestServer::start().await;
    let response = reqwest::get(plain.url("/healthz")).await.unwrap();
    assert!(!response.headers().contains_key("strict-transport-security"));

    let https = TestServer::start_with(|config| {
        config.public_url = Some("https://chat.example".parse().unwrap());
    })
    .await;
    let response = reqwest::get(https.url("/healthz")).await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn next_can_only_lead_to_this_site() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/c/1\r\nSet-Cookie: stolen=1",
        "/.//evil.example",
        "//evil.example",
    ] {
        let response = browser
            .post_form(
                "login",
                &[
                    ("username", "alice"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
                "/login",
            )
            .await;
        assert_eq!(location(&response), "/", "{next:?}");
        for cookie in response.headers().get_all("set-cookie") {
            assert!(!cookie.to_str().unwrap().contains("stolen"), "{cookie:?}");
        }

        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", next)
            .finish();
        let response = browser.get(&format!("/login?{query}")).await;
        assert_eq!(location(&response), "/", "{next:?} from the log-in page");
    }
    let response = browser
        .post_form(
            "login",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("next", "/c/1?before=5"),
            ],
            "/login",
        )
        .await;
    assert_eq!(location(&response), "/c/1?before=5");
}
