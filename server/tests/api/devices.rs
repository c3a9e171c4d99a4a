//! The sessions a user is signed in with, as `/settings/sessions` lists them: each
//! browser with its name and when it signed in; signing one out from
//! another ends it everywhere at once (its sockets close, its pushes stop),
//! and nobody can sign out a session that is not theirs.

use app::{chat::SessionInfo, error::AppError};

use crate::{
    browser::{location, Browser},
    chat::user,
    common::TestServer,
    live::Live,
};

const PASSWORD: &str = "correct horse battery";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const PHONE: &str = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

async fn sessions(browser: &Browser) -> Vec<SessionInfo> {
    browser.call("sessions", &[]).await.expect("sessions")
}

#[tokio::test]
async fn each_browser_is_listed_and_one_signs_another_out() {
    let server = TestServer::start().await;
    let laptop = Browser::with_agent(&server.base(), FIREFOX);
    laptop.sign_up("alice", PASSWORD).await.expect("sign up");
    let phone = Browser::with_agent(&server.base(), PHONE);
    phone.log_in("alice", PASSWORD).await.expect("log in");
    let mut phone_socket = Live::connect(&phone).await;
    let (bob, _bob_live) = user(&server, "bob").await;

    let listed = sessions(&laptop).await;
    let names: Vec<(&str, bool)> = listed
        .iter()
        .map(|s| (s.browser.as_str(), s.current))
        .collect();
    assert_eq!(
        names,
        [("Chrome on Android", false), ("Firefox on Linux", true)],
        "newest first, this one marked"
    );
    assert!(listed.iter().all(|s| s.signed_in.0 > 0));
    let phone_session = listed[0].id;
    assert_eq!(
        sessions(&phone)
            .await
            .iter()
            .find(|s| s.current)
            .map(|s| s.id),
        Some(phone_session)
    );

    // Bob cannot sign alice's phone out; the form says so.
    let id = phone_session.to_string();
    let refused = bob
        .call::<()>("end_session", &[("session", id.as_str())])
        .await;
    assert!(matches!(refused, Err(AppError::Chat(_))), "{refused:?}");
    assert!(phone.me().await.is_ok(), "still signed in");

    // Alice can, from her laptop's plain form: back to the list, and the
    // phone is signed out, its socket closed.
    let posted = laptop
        .post_form(
            "end_session",
            &[("session", id.as_str())],
            "/settings/sessions",
        )
        .await;
    assert_eq!(location(&posted), "/settings/sessions");
    assert!(
        phone_socket.closed().await.is_some(),
        "the phone's socket closes"
    );
    assert_eq!(phone.me().await, Err(AppError::NotSignedIn));
    let left: Vec<bool> = sessions(&laptop).await.iter().map(|s| s.current).collect();
    assert_eq!(left, [true]);

    // Logging out forgets the listing with the session.
    laptop.log_out().await.expect("log out");
    let db = server.db().await;
    let alices = db
        .scalar("SELECT COUNT(*) FROM user_sessions l JOIN users u ON u.id = l.user_id WHERE u.username = 'alice'")
        .await;
    assert_eq!(alices, 0);
}

#[tokio::test]
async fn a_session_from_before_the_list_is_listed_when_it_looks() {
    let server = TestServer::start().await;
    let (browser, _live) = user(&server, "alice").await;
    server.db().await.execute("DELETE FROM user_sessions").await;
    let listed = sessions(&browser).await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].current);
    assert_eq!(listed[0].browser, "An unknown browser");
    // A signed-out visitor has no sessions to list.
    let stranger = Browser::new(&server.base());
    let answer = stranger.call::<Vec<SessionInfo>>("sessions", &[]).await;
    assert_eq!(answer, Err(AppError::NotSignedIn));
}
