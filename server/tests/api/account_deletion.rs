//! Deleting one's account: it needs the password; every session and socket
//! of the user falls at once; their channels lose them (and hear the new
//! count); their messages stay, under "deleted user <id>"; the username is
//! held from sign-ups for a while, then free again.

use app::{
    error::{AppError, Refusal},
    model::{ChannelId, User},
    protocol::{ChannelKind, ClientMsg, Message, PageAt, ProtocolError, Reply, ServerMsg},
};

use crate::{
    browser::{location, Browser},
    chat::{create, join, open, user},
    common::TestServer,
    live::Live,
};

const GENERAL: ChannelId = ChannelId::GENERAL;
/// The tests' password (`chat::user`'s).
const PASSWORD: &str = "correct horse battery";

async fn latest(live: &mut Live, channel: ChannelId) -> Vec<Message> {
    match live
        .request(|req| ClientMsg::History {
            req,
            channel,
            page: PageAt::Latest,
            limit: 20,
        })
        .await
    {
        Ok(Reply::History { messages, .. }) => messages,
        other => panic!("{other:?}"),
    }
}

async fn find(live: &mut Live, query: &str) -> Vec<User> {
    match live
        .request(|req| ClientMsg::FindUsers {
            req,
            query: query.into(),
        })
        .await
    {
        Ok(Reply::Users { users }) => users,
        other => panic!("{other:?}"),
    }
}

/// Waits until `live` hears that `channel` has `members` members.
async fn hear_count(live: &mut Live, channel: ChannelId, members: u32) {
    live.event_where(|e| {
        matches!(e, ServerMsg::MemberCount { channel: c, count } if *c == channel && *count == members)
    })
    .await;
}

#[tokio::test]
async fn a_deleted_account_signs_out_everywhere_leaves_its_messages_and_holds_its_name() {
    let server = TestServer::start().await;
    let (alice_laptop, mut alice) = user(&server, "alice").await;
    let alice_phone = Browser::new(&server.base());
    alice_phone.log_in("alice", PASSWORD).await.unwrap();
    let mut alice_phone_live = Live::connect(&alice_phone).await;
    let (_, mut bob) = user(&server, "bob").await;
    let alice_id = alice_laptop.me().await.unwrap().id;

    let ops = create(&mut alice, "ops").await;
    join(&mut bob, ops).await;
    let said = alice.say(GENERAL, "日本語 Привет العربية 🦀").await;
    let direct = open(&mut bob, alice_id).await.id;
    alice.say(direct, "just between us").await;

    // A wrong password changes nothing.
    let wrong = alice_laptop
        .call::<()>("delete_account", &[("password", "not it at all")])
        .await;
    assert_eq!(wrong, Err(Refusal::WrongPassword.into()));
    assert!(alice_phone.me().await.is_ok(), "nothing changed yet");

    // The plain form lands on the log-in page, which says so.
    let posted = alice_laptop
        .post_form("delete_account", &[("password", PASSWORD)], "/settings")
        .await;
    assert_eq!(location(&posted), "/login?account=deleted");
    // This browser's other pages (a tab sent to /login by its closed
    // socket) land there too; signing up again is open to it.
    for page in ["/login", "/c/1"] {
        let landed = alice_laptop.get(page).await;
        assert_eq!(location(&landed), "/login?account=deleted", "{page}");
    }
    let landing = alice_laptop.get("/login?account=deleted").await;
    assert_eq!(landing.status(), reqwest::StatusCode::OK);
    assert!(landing
        .text()
        .await
        .unwrap()
        .contains("Your account is deleted."));
    assert_eq!(
        alice_laptop.get("/signup").await.status(),
        reqwest::StatusCode::OK
    );
    assert!(alice.closed().await.is_some(), "the laptop's socket closes");
    assert!(
        alice_phone_live.closed().await.is_some(),
        "the phone's socket closes"
    );
    assert_eq!(alice_laptop.me().await, Err(AppError::NotSignedIn));
    assert_eq!(alice_phone.me().await, Err(AppError::NotSignedIn));
    assert_eq!(
        Browser::new(&server.base()).log_in("alice", PASSWORD).await,
        Err(AppError::InvalidCredentials)
    );

    // The channels lose her, and say so.
    hear_count(&mut bob, ops, 1).await;
    // What she wrote stays, under a name no one can take.
    let placeholder = format!("deleted user {}", alice_id.0);
    let general = latest(&mut bob, GENERAL).await;
    let kept = general.iter().find(|m| m.id == said.id).expect("kept");
    assert_eq!(kept.text, "日本語 Привет العربية 🦀");
    assert_eq!(kept.sender_name, placeholder);
    // The conversation stays with bob, read as from the deleted user.
    let (channels, _) = bob.sync(vec![]).await;
    let conversation = channels.iter().find(|c| c.id == direct).expect("kept");
    assert!(
        matches!(&conversation.kind, ChannelKind::Direct { peer } if peer.username == placeholder),
        "{:?}",
        conversation.kind
    );
    assert_eq!(latest(&mut bob, direct).await[0].text, "just between us");
    // No one finds her, or starts a conversation with her.
    assert!(find(&mut bob, "ali").await.is_empty());
    assert!(find(&mut bob, "deleted").await.is_empty());
    let (_, mut carol) = user(&server, "carol").await;
    let opened = carol
        .request(|req| ClientMsg::OpenDirect {
            req,
            user: alice_id,
        })
        .await;
    assert_eq!(opened, Err(ProtocolError::UserNotFound));
    let db = server.db().await;
    for table in [
        "memberships",
        "user_sessions",
        "push_subscriptions",
        "mentions",
    ] {
        let left = db
            .scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE user_id = {}",
                alice_id.0
            ))
            .await;
        assert_eq!(left, 0, "{table}");
    }

    // The name, and names like it, are held...
    for name in ["alice", "ALICE", "aIice"] {
        let again = Browser::new(&server.base()).sign_up(name, PASSWORD).await;
        assert_eq!(again, Err(Refusal::UsernameHeld.into()), "{name}");
    }
    // ...until the hold is over: then the name is free, for a new account
    // that has nothing of the old one's.
    db.execute(&format!(
        "UPDATE users SET deleted_at = deleted_at - {} WHERE id = {}",
        31_i64 * 24 * 60 * 60 * 1000,
        alice_id.0
    ))
    .await;
    let (new_alice, mut new_alice_live) = user(&server, "alice").await;
    assert_ne!(new_alice.me().await.unwrap().id, alice_id);
    let (theirs, _) = new_alice_live.sync(vec![]).await;
    assert_eq!(
        theirs.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![GENERAL]
    );
    let general = latest(&mut new_alice_live, GENERAL).await;
    let kept = general.iter().find(|m| m.id == said.id).expect("kept");
    assert_eq!(kept.sender_name, placeholder);
}

#[tokio::test]
async fn deleting_needs_a_signed_in_session() {
    let server = TestServer::start().await;
    let stranger = Browser::new(&server.base());
    let refused = stranger
        .call::<()>("delete_account", &[("password", PASSWORD)])
        .await;
    assert_eq!(refused, Err(AppError::NotSignedIn));
}
