//! A socket lives no longer than its session: it is closed with 4001 when
//! the session is logged out (even while the socket was opening), replaced
//! by a new log-in, or expires.

use std::time::Duration;

use app::protocol::{ClientMsg, Reply, CLOSE_SESSION_ENDED};
use futures::{future::join_all, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tower_sessions::{cookie::time::OffsetDateTime, session::Id, SessionStore};

use crate::{browser::Browser, common::TestServer, live::Live};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn logging_in_again_closes_the_sockets_of_the_old_session() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    browser.log_out().await.unwrap();
    Browser::new(&server.base())
        .sign_up("bob", PASSWORD)
        .await
        .unwrap();
    browser.log_in("alice", PASSWORD).await.unwrap();
    let mut old_tab = Live::connect(&browser).await;

    // Someone else signs in in the same browser: the session id changes.
    browser.log_in("bob", PASSWORD).await.unwrap();
    assert_eq!(old_tab.closed().await, Some(CLOSE_SESSION_ENDED));
    let mut new_tab = Live::connect(&browser).await;
    assert_eq!(new_tab.user.username, "bob");
    assert_eq!(
        new_tab.request(|req| ClientMsg::Ping { req }).await,
        Ok(Reply::Pong)
    );
}

#[tokio::test]
async fn sockets_opening_while_the_session_logs_out_are_closed_too() {
    let server = TestServer::start().await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    for _ in 0..5 {
        let browser = Browser::new(&server.base());
        browser.log_in("alice", PASSWORD).await.unwrap();
        // Sockets open while the log-out runs: each either is refused at
        // the door or, once open, is closed; none stays open.
        let opening = join_all((0..10).map(|_| Live::handshake(&browser, &[])));
        let (sockets, logged_out) = tokio::join!(opening, browser.log_out());
        logged_out.unwrap();
        for socket in sockets {
            match socket {
                Ok((mut ws, _)) => assert_eq!(close_code(&mut ws).await, Some(CLOSE_SESSION_ENDED)),
                Err(error) => assert!(error.to_string().contains("401"), "{error}"),
            }
        }
    }
}

/// The code the server closes `ws` with, skipping whatever comes first.
async fn close_code(ws: &mut Socket) -> Option<u16> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a close within the patience");
        match frame {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

#[tokio::test]
async fn a_socket_is_closed_when_its_session_expires() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    // The session, as the session store keeps it, now expires in a moment.
    let id: Id = browser.session_cookie().unwrap().parse().unwrap();
    let mut record = server.state.sessions.load(&id).await.unwrap().unwrap();
    record.expiry_date = OffsetDateTime::now_utc() + Duration::from_secs(2);
    server.state.sessions.save(&record).await.unwrap();

    let mut live = Live::connect(&browser).await;
    assert_eq!(
        live.request(|req| ClientMsg::Ping { req }).await,
        Ok(Reply::Pong)
    );
    assert_eq!(live.closed().await, Some(CLOSE_SESSION_ENDED));
}
