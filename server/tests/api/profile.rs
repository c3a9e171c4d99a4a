//! Profiles: a display name, in any script, shown beside the username on
//! messages (old and new, sent from a connection opened before it was
//! chosen), in member lists and in conversations; refused when it breaks
//! the rules, cleared by leaving it empty, and gone with a deleted account.

use app::{
    error::AppError,
    model::ChannelId,
    protocol::{ChannelKind, ClientMsg, PageAt, ProtocolError, Reply},
};

use crate::{
    browser::{location, Browser},
    chat::{open, user},
    common::TestServer,
    live::Live,
};

const NAME: &str = "Алиса 日本語 العربية 🦀";
/// The password `chat::user` signs up with.
const PASSWORD: &str = "correct horse battery";

/// The display names on the latest page of `channel`, oldest first.
async fn shown_names(live: &mut Live, channel: ChannelId) -> Vec<(String, String)> {
    match live
        .request(|req| ClientMsg::History {
            req,
            channel,
            page: PageAt::Latest,
            limit: 50,
        })
        .await
    {
        Ok(Reply::History { messages, .. }) => messages
            .into_iter()
            .map(|m| (m.sender_name, m.sender_display))
            .collect(),
        other => panic!("no history: {other:?}"),
    }
}

/// The display name of `username` in the member list of `channel`.
async fn member_display(live: &mut Live, channel: ChannelId, username: &str) -> String {
    match live
        .request(|req| ClientMsg::Members { req, channel })
        .await
    {
        Ok(Reply::Members { members, .. }) => members
            .into_iter()
            .find(|m| m.user.username == username)
            .map(|m| m.user.display)
            .unwrap_or_else(|| panic!("{username} is not listed")),
        other => panic!("no members: {other:?}"),
    }
}

fn invalid(result: Result<(), AppError>) -> String {
    match result {
        Err(AppError::Chat(ProtocolError::Refused { reason })) => reason,
        other => panic!("not refused: {other:?}"),
    }
}

#[tokio::test]
async fn a_display_name_is_shown_beside_the_username_everywhere() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let alice_id = alice_browser.me().await.expect("me").id;
    assert_eq!(alice.user.display, "", "none until chosen");
    let before = alice.say(ChannelId::GENERAL, "before").await;
    assert_eq!(before.sender_display, "");
    let direct = open(&mut bob, alice_id).await.id;

    // Runs of whitespace fold, as in a group's name.
    alice_browser
        .call::<()>(
            "set_profile",
            &[("display_name", " Алиса\n日本語  العربية 🦀 ")],
        )
        .await
        .expect("saved");
    let me = alice_browser.me().await.expect("me");
    assert_eq!((&*me.username, &*me.display), ("alice", NAME));

    // A message from the socket opened before the change carries the name
    // as it is now, live and as stored.
    let sent = alice.say(ChannelId::GENERAL, "after").await;
    assert_eq!(sent.sender_display, NAME);
    let heard = bob.next_message().await;
    assert_eq!((&*heard.text, &*heard.sender_display), ("before", ""));
    let heard = bob.next_message().await;
    assert_eq!(
        (&*heard.text, &*heard.sender_name, &*heard.sender_display),
        ("after", "alice", NAME)
    );
    // History shows it on her earlier messages too.
    let names = shown_names(&mut bob, ChannelId::GENERAL).await;
    assert_eq!(
        names,
        [("alice".into(), NAME.into()), ("alice".into(), NAME.into())]
    );
    assert_eq!(
        member_display(&mut bob, ChannelId::GENERAL, "alice").await,
        NAME
    );
    assert_eq!(
        member_display(&mut bob, ChannelId::GENERAL, "bob").await,
        ""
    );
    // Bob's conversation with her names her so.
    let (channels, _) = bob.sync(vec![]).await;
    let peer = channels.iter().find(|c| c.id == direct).map(|c| &c.kind);
    assert!(
        matches!(peer, Some(ChannelKind::Direct { peer }) if peer.display == NAME),
        "{peer:?}"
    );
    // A new connection hears it in its welcome.
    assert_eq!(Live::connect(&alice_browser).await.user.display, NAME);

    // An empty one clears it.
    alice_browser
        .call::<()>("set_profile", &[("display_name", "  ")])
        .await
        .expect("cleared");
    assert_eq!(alice_browser.me().await.expect("me").display, "");
    assert_eq!(
        member_display(&mut bob, ChannelId::GENERAL, "alice").await,
        ""
    );
    drop(bob_browser);
}

#[tokio::test]
async fn a_display_name_that_breaks_the_rules_is_refused_and_changes_nothing() {
    let server = TestServer::start().await;
    let (alice, _live) = user(&server, "alice").await;
    alice
        .call::<()>("set_profile", &[("display_name", "Alice")])
        .await
        .expect("saved");
    let long = "я".repeat(65);
    let huge = "x".repeat(100_000);
    for (name, why) in [
        (&*long, "at most 64 characters"),
        (&*huge, "at most 64 characters"),
        ("a\u{202E}b", "direction overrides"),
        ("a\u{0}b", "control characters"),
    ] {
        let reason = invalid(
            alice
                .call::<()>("set_profile", &[("display_name", name)])
                .await,
        );
        assert!(reason.contains(why), "{reason}");
    }
    // 64 characters of any script are fine.
    assert_eq!(alice.me().await.expect("me").display, "Alice");
    let most = "日".repeat(64);
    alice
        .call::<()>("set_profile", &[("display_name", &most)])
        .await
        .expect("64 characters");
    assert_eq!(alice.me().await.expect("me").display, most);

    // Without a session: 401.
    let stranger = Browser::new(&server.base());
    assert_eq!(
        stranger
            .call::<()>("set_profile", &[("display_name", "x")])
            .await,
        Err(AppError::NotSignedIn)
    );
}

#[tokio::test]
async fn the_profile_form_works_without_javascript() {
    let server = TestServer::start().await;
    let (alice, _live) = user(&server, "alice").await;
    let posted = alice
        .post_form("set_profile", &[("display_name", "Привет 👋")], "/settings")
        .await;
    assert_eq!(location(&posted), "/settings?profile=saved");
    let page = alice
        .http
        .get(alice.url("/settings?profile=saved"))
        .send()
        .await
        .expect("GET");
    assert!(page.status().is_success());
    let html = page.text().await.expect("the page");
    assert!(html.contains(r#"value="Привет 👋""#), "the field holds it");
    assert!(html.contains("Your profile is saved."));

    let posted = alice
        .post_form(
            "set_profile",
            &[("display_name", "a\u{202E}b")],
            "/settings",
        )
        .await;
    let back = location(&posted);
    assert!(back.starts_with("/settings?"), "{back}");
    assert!(back.contains("__err="), "{back}");
    assert_eq!(alice.me().await.expect("me").display, "Привет 👋");
}

#[tokio::test]
async fn a_deleted_account_loses_its_display_name() {
    let server = TestServer::start().await;
    let (alice, mut alice_live) = user(&server, "alice").await;
    let (_bob, mut bob) = user(&server, "bob").await;
    alice
        .call::<()>("set_profile", &[("display_name", "العربية")])
        .await
        .expect("saved");
    alice_live.say(ChannelId::GENERAL, "سلام").await;
    alice
        .call::<()>("delete_account", &[("password", PASSWORD)])
        .await
        .expect("deleted");
    let names = shown_names(&mut bob, ChannelId::GENERAL).await;
    assert_eq!(names.len(), 1);
    assert!(names[0].0.starts_with("deleted user "), "{names:?}");
    assert_eq!(names[0].1, "", "{names:?}");
}
