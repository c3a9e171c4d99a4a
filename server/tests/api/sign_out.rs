//! Signing a user out of every other session: changing the password (which
//! needs the current one) and "Sign out everywhere else". Every other
//! session falls at once, listed or not, with its sockets; the one that
//! asked stays signed in, socket and all.

use app::{
    chat::SessionInfo,
    error::{AppError, Refusal},
    model::ChannelId,
};

use crate::{
    browser::{location, Browser},
    common::TestServer,
    live::Live,
};

const PASSWORD: &str = "correct horse battery";
const NEW_PASSWORD: &str = "Привет 日本語 🔑 العربية";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// Alice, signed in on a laptop, a phone and a tablet, each with a socket;
/// the tablet's session is not listed (as a session from before the list).
struct Alice {
    laptop: Browser,
    laptop_live: Live,
    phone: Browser,
    phone_live: Live,
    tablet: Browser,
    tablet_live: Live,
}

async fn alice(server: &TestServer) -> Alice {
    let laptop = Browser::with_agent(&server.base(), FIREFOX);
    laptop.sign_up("alice", PASSWORD).await.expect("sign up");
    let phone = Browser::new(&server.base());
    phone.log_in("alice", PASSWORD).await.expect("log in");
    let tablet = Browser::new(&server.base());
    tablet.log_in("alice", PASSWORD).await.expect("log in");
    let cookie = tablet.session_cookie().expect("a session cookie");
    let db = server.db().await;
    // The cookie's value is the session's id.
    db.execute(&format!(
        "DELETE FROM user_sessions WHERE session_id = '{cookie}'"
    ))
    .await;
    Alice {
        laptop_live: Live::connect(&laptop).await,
        phone_live: Live::connect(&phone).await,
        tablet_live: Live::connect(&tablet).await,
        laptop,
        phone,
        tablet,
    }
}

/// Every other session of alice's has fallen, sockets and all, and the
/// laptop's still stands.
async fn only_the_laptop_stands(alice: &mut Alice) {
    assert!(
        alice.phone_live.closed().await.is_some(),
        "the phone's socket closes"
    );
    assert!(
        alice.tablet_live.closed().await.is_some(),
        "the tablet's socket closes"
    );
    assert_eq!(alice.phone.me().await, Err(AppError::NotSignedIn));
    assert_eq!(alice.tablet.me().await, Err(AppError::NotSignedIn));
    assert_eq!(
        alice.laptop.me().await.map(|me| me.username),
        Ok("alice".into())
    );
    // The laptop's socket was left open, and serves.
    let said = alice
        .laptop_live
        .say(ChannelId::GENERAL, "still here 👋")
        .await;
    assert_eq!(said.text, "still here 👋");
    let listed: Vec<SessionInfo> = alice.laptop.call("sessions", &[]).await.expect("sessions");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].current);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_every_other_session() {
    let server = TestServer::start().await;
    let mut alice = alice(&server).await;

    let wrong = alice
        .laptop
        .call::<()>(
            "change_password",
            &[
                ("current_password", "not it at all"),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong, Err(Refusal::WrongPassword.into()));
    let short = alice
        .laptop
        .call::<()>(
            "change_password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert!(
        matches!(short, Err(AppError::InvalidPassword(_))),
        "{short:?}"
    );
    assert!(alice.phone.me().await.is_ok(), "nothing changed yet");

    // The plain form: back to /settings, saying so.
    let posted = alice
        .laptop
        .post_form(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
            "/settings",
        )
        .await;
    assert_eq!(location(&posted), "/settings?password=changed");
    only_the_laptop_stands(&mut alice).await;

    let again = Browser::new(&server.base());
    assert_eq!(
        again.log_in("alice", PASSWORD).await,
        Err(AppError::InvalidCredentials)
    );
    again
        .log_in("alice", NEW_PASSWORD)
        .await
        .expect("the new password");
}

#[tokio::test]
async fn a_refused_password_form_goes_back_to_settings_saying_why() {
    let server = TestServer::start().await;
    let alice = alice(&server).await;
    let posted = alice
        .laptop
        .post_form(
            "change_password",
            &[
                ("current_password", "not it at all"),
                ("new_password", NEW_PASSWORD),
            ],
            "/settings",
        )
        .await;
    let back = location(&posted);
    assert!(back.starts_with("/settings?"), "{back}");
    assert!(back.contains("__err="), "{back}");
    assert!(!back.contains("username="), "{back}");
    let page = alice.laptop.get(&back).await.text().await.expect("page");
    assert!(
        page.contains("the current password is not right"),
        "the page says why"
    );
    assert!(alice.phone.me().await.is_ok());
}

#[tokio::test]
async fn signing_out_everywhere_else_keeps_only_this_session() {
    let server = TestServer::start().await;
    let mut alice = alice(&server).await;
    let posted = alice
        .laptop
        .post_form("sign_out_elsewhere", &[], "/settings/sessions")
        .await;
    assert_eq!(location(&posted), "/settings/sessions");
    only_the_laptop_stands(&mut alice).await;
    // The password is as it was.
    let again = Browser::new(&server.base());
    again.log_in("alice", PASSWORD).await.expect("log in");

    let stranger = Browser::new(&server.base());
    let refused = stranger.call::<()>("sign_out_elsewhere", &[]).await;
    assert_eq!(refused, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn each_session_says_where_and_when_it_was_last_active() {
    let server = TestServer::start().await;
    let laptop = Browser::with_agent(&server.base(), FIREFOX);
    laptop.sign_up("alice", PASSWORD).await.expect("sign up");
    let listed: Vec<SessionInfo> = laptop.call("sessions", &[]).await.expect("sessions");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].address, "127.0.0.1");
    assert!(listed[0].last_active >= listed[0].signed_in);

    // The page lists it, as this device, with a way to sign out the rest.
    let page = laptop.get("/settings/sessions").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    for shown in [
        "Firefox on Linux",
        "This device",
        "127.0.0.1",
        "Sign out everywhere else",
        "Active now",
    ] {
        assert!(html.contains(shown), "{shown:?} is on the page");
    }
}
