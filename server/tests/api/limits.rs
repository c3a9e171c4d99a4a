//! Limits that hold under pressure: attempts racing each other, every costly
//! request, and how many sockets a user or an address may hold.

use app::{
    error::AppError,
    model::ChannelId,
    protocol::{ClientMsg, PageAt, ProtocolError, Reply},
};
use futures::future::join_all;

use crate::{browser::Browser, common::TestServer, live::Live};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn parallel_failed_logins_cannot_pass_the_limit() {
    let server = TestServer::start_with(|config| config.login_failures = 3).await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    // Twenty guesses at once, each from a browser of its own: they all wait
    // for the password hasher together.
    let attackers: Vec<Browser> = (0..20).map(|_| Browser::new(&server.base())).collect();
    let answers = join_all(
        attackers
            .iter()
            .map(|browser| browser.log_in("alice", "guess guess")),
    )
    .await;
    let wrong = answers
        .iter()
        .filter(|a| **a == Err(AppError::InvalidCredentials))
        .count();
    let limited = answers
        .iter()
        .filter(|a| matches!(a, Err(AppError::TooManyAttempts { .. })))
        .count();
    assert_eq!((wrong, limited), (3, 17), "{answers:?}");
}

#[tokio::test]
async fn parallel_sign_ups_cannot_pass_the_limit() {
    let server = TestServer::start_with(|config| config.signups_per_hour = 3).await;
    let browsers: Vec<Browser> = (0..20).map(|_| Browser::new(&server.base())).collect();
    let answers =
        join_all(browsers.iter().enumerate().map(|(n, browser)| async move {
            browser.sign_up(&format!("user{n}"), PASSWORD).await
        }))
        .await;
    assert_eq!(
        answers.iter().filter(|a| a.is_ok()).count(),
        3,
        "{answers:?}"
    );
    assert_eq!(server.count("users").await, 3);
}

#[tokio::test]
async fn a_sign_up_that_fails_does_not_use_up_the_limit() {
    let server = TestServer::start_with(|config| config.signups_per_hour = 2).await;
    let first = Browser::new(&server.base());
    first.sign_up("alice", PASSWORD).await.unwrap();
    for _ in 0..3 {
        assert_eq!(
            Browser::new(&server.base())
                .sign_up("alice", PASSWORD)
                .await,
            Err(AppError::UsernameTaken)
        );
    }
    Browser::new(&server.base())
        .sign_up("bob", PASSWORD)
        .await
        .unwrap();
}

/// A user with a socket, on a server with `configure`d limits.
async fn one_user(configure: fn(&mut server::Config)) -> (TestServer, Browser, Live) {
    let server = TestServer::start_with(configure).await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    let live = Live::connect(&browser).await;
    (server, browser, live)
}

#[tokio::test]
async fn each_costly_request_has_a_limit_with_the_wait() {
    let (_server, _browser, mut alice) = one_user(|config| {
        config.rate_history = "3/min".parse().unwrap();
        config.rate_create_channel = "2/h".parse().unwrap();
        config.rate_browse = "2/s".parse().unwrap();
    })
    .await;
    let history = |req| ClientMsg::History {
        req,
        channel: ChannelId::GENERAL,
        page: PageAt::Latest,
        limit: 10,
    };
    for _ in 0..3 {
        assert!(matches!(
            alice.request(history).await,
            Ok(Reply::History { .. })
        ));
    }
    match alice.request(history).await {
        Err(ProtocolError::TooManyRequests { retry_after_ms }) => {
            assert!((1..=20_000).contains(&retry_after_ms), "{retry_after_ms}")
        }
        other => panic!("expected a limit, got {other:?}"),
    }

    for name in ["one", "two"] {
        let name = name.to_owned();
        let reply = alice
            .request(|req| ClientMsg::CreateChannel {
                req,
                name,
                private: false,
            })
            .await;
        assert!(matches!(reply, Ok(Reply::Channel { .. })), "{reply:?}");
    }
    let reply = alice
        .request(|req| ClientMsg::CreateChannel {
            req,
            name: "three".into(),
            private: false,
        })
        .await;
    assert!(
        matches!(reply, Err(ProtocolError::TooManyRequests { .. })),
        "{reply:?}"
    );

    let browse = |req| ClientMsg::BrowseChannels {
        req,
        query: String::new(),
    };
    assert!(alice.request(browse).await.is_ok());
    assert!(alice.request(browse).await.is_ok());
    assert!(alice.request(browse).await.is_err());
    // The others are untouched, and so is the connection.
    assert_eq!(
        alice.request(|req| ClientMsg::Ping { req }).await,
        Ok(Reply::Pong)
    );
}

/// Tries to open sockets until one is admitted: a socket's place is given
/// back only once the server has seen it close.
async fn connect_when_admitted(browser: &Browser) -> Live {
    for _ in 0..200 {
        match Live::try_connect(browser).await {
            Ok(live) => return live,
            Err(error) => assert!(error.to_string().contains("429"), "{error}"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("never admitted");
}

#[tokio::test]
async fn sockets_are_capped_per_user() {
    let (_server, browser, first) = one_user(|config| config.max_connections_per_user = 2).await;
    let _second = Live::connect(&browser).await;
    let error = Live::handshake(&browser, &[]).await.unwrap_err();
    assert!(error.to_string().contains("429"), "{error}");

    drop(first);
    let mut third = connect_when_admitted(&browser).await;
    assert_eq!(
        third.request(|req| ClientMsg::Ping { req }).await,
        Ok(Reply::Pong)
    );
}

#[tokio::test]
async fn sockets_are_capped_per_address() {
    let (server, alice, _a) = one_user(|config| config.max_connections_per_address = 2).await;
    let _b = Live::connect(&alice).await;
    let bob = Browser::new(&server.base());
    bob.sign_up("bob", PASSWORD).await.unwrap();
    let error = Live::handshake(&bob, &[]).await.unwrap_err();
    assert!(error.to_string().contains("429"), "{error}");
}
