//! Blocking: someone blocked cannot start a conversation with the one who
//! blocked them, nor write in their one-to-one conversation (nor can the
//! blocker, until unblocking), and their mentions do not call them.

use app::{
    error::AppError,
    model::ChannelId,
    protocol::{ClientId, ClientMsg, ProtocolError, Reply},
};

use crate::{
    browser::Browser,
    chat::{open, user},
    common::TestServer,
    live::Live,
};

async fn send(live: &mut Live, channel: ChannelId, text: &str) -> Result<Reply, ProtocolError> {
    live.request(|req| ClientMsg::Send {
        req,
        channel,
        client_id: ClientId(uuid::Uuid::new_v4()),
        text: text.into(),
        reply_to: None,
        files: Vec::new(),
    })
    .await
}

fn refused(result: Result<impl std::fmt::Debug, ProtocolError>) -> String {
    match result {
        Err(ProtocolError::Refused { reason }) => reason,
        other => panic!("not refused: {other:?}"),
    }
}

/// The page's text of `/settings/blocked`.
async fn blocked_page(browser: &Browser) -> String {
    let page = browser
        .http
        .get(browser.url("/settings/blocked"))
        .send()
        .await
        .expect("GET");
    assert!(page.status().is_success());
    page.text().await.expect("the page")
}

async fn general_mentions(live: &mut Live) -> u32 {
    let (channels, _) = live.sync(vec![]).await;
    channels
        .iter()
        .find(|c| c.id == ChannelId::GENERAL)
        .map(|c| c.mentions)
        .unwrap_or_default()
}

#[tokio::test]
async fn a_blocked_user_can_neither_write_nor_call_until_unblocked() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let (carol_browser, mut carol) = user(&server, "carol").await;
    let alice_id = alice_browser.me().await.unwrap().id;
    let bob_id = bob_browser.me().await.unwrap().id;
    let carol_id = carol_browser.me().await.unwrap().id;
    let direct = open(&mut bob, alice_id).await.id;
    bob.say(direct, "日本語 Привет").await;

    // Alice blocks bob, by name in any case; the page lists him.
    assert!(!blocked_page(&alice_browser).await.contains("Unblock bob"));
    alice_browser
        .call::<()>("block_user", &[("username", "BOB")])
        .await
        .expect("blocked");
    assert!(blocked_page(&alice_browser).await.contains("Unblock bob"));
    // Her notifying tab reads whom to skip.
    let ids = alice_browser
        .http
        .get(alice_browser.url("/blocked-ids"))
        .send()
        .await
        .expect("GET");
    assert_eq!(ids.text().await.expect("ids"), bob_id.0.to_string());

    // Neither writes in their conversation now, and bob cannot open one
    // again, nor pull alice into a group; alice, who blocked him, is told so.
    for live in [&mut bob, &mut alice] {
        assert!(refused(send(live, direct, "العربية").await).contains("blocked"));
    }
    let again = refused(
        bob.request(|req| ClientMsg::OpenDirect {
            req,
            user: alice_id,
        })
        .await,
    );
    assert_eq!(
        again,
        "you cannot start a conversation with someone who blocked you"
    );
    let theirs = refused(
        alice
            .request(|req| ClientMsg::OpenDirect { req, user: bob_id })
            .await,
    );
    assert!(theirs.starts_with("you blocked someone"), "{theirs}");
    let group = refused(
        bob.request(|req| ClientMsg::OpenGroup {
            req,
            users: vec![alice_id, carol_id],
        })
        .await,
    );
    assert!(group.contains("blocked you"), "{group}");

    // Bob's mention of alice does not call her; carol's does.
    bob.say(ChannelId::GENERAL, "@alice 🦀").await;
    assert_eq!(general_mentions(&mut alice).await, 0);
    carol.say(ChannelId::GENERAL, "@alice hi").await;
    assert_eq!(general_mentions(&mut alice).await, 1);

    // Unblocked, they write to each other again.
    alice_browser
        .call::<()>("unblock_user", &[("user", &bob_id.0.to_string())])
        .await
        .expect("unblocked");
    assert!(!blocked_page(&alice_browser).await.contains("Unblock bob"));
    assert!(matches!(
        send(&mut bob, direct, "again").await,
        Ok(Reply::Sent { .. })
    ));

    // Nobody blocks themselves, or someone who does not exist.
    for (name, why) in [("alice", "yourself"), ("nobody-here", "nobody")] {
        match alice_browser
            .call::<()>("block_user", &[("username", name)])
            .await
        {
            Err(AppError::Refused(reason)) => assert!(reason.contains(why), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
