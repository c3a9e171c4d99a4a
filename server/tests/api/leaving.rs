//! Leaving a one-to-one conversation hides it from the leaver's channel
//! list (every tab of theirs drops it at once) until someone writes in it
//! again, or they open it again; the other person keeps it throughout.

use app::{
    model::ChannelId,
    protocol::{ClientMsg, ProtocolError, Reply, ServerMsg},
};

use crate::{
    chat::{open, user},
    common::TestServer,
    live::Live,
};

async fn leave(live: &mut Live, channel: ChannelId) -> Result<Reply, ProtocolError> {
    live.request(|req| ClientMsg::LeaveChannel { req, channel })
        .await
}

/// Whether `live`'s channel list holds `channel`, and its unread count.
async fn listed(live: &mut Live, channel: ChannelId) -> Option<u32> {
    let (channels, _) = live.sync(vec![]).await;
    channels
        .into_iter()
        .find(|c| c.id == channel)
        .map(|c| c.unread)
}

#[tokio::test]
async fn a_conversation_left_comes_back_with_its_next_message() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let mut alice_tab = Live::connect(&alice_browser).await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let bob_id = bob_browser.me().await.unwrap().id;
    let direct = open(&mut alice, bob_id).await.id;
    alice.say(direct, "日本語 Привет").await;

    assert_eq!(leave(&mut alice, direct).await, Ok(Reply::Done));
    let dropped = alice_tab
        .event_where(|e| matches!(e, ServerMsg::ChannelRemoved { channel } if *channel == direct))
        .await;
    assert_eq!(dropped, ServerMsg::ChannelRemoved { channel: direct });
    assert_eq!(listed(&mut alice, direct).await, None, "hidden");
    assert!(listed(&mut bob, direct).await.is_some(), "bob keeps it");

    // Bob writes: alice's tab still hears it (and so asks for the list),
    // and the list holds the conversation again, unread.
    let said = bob.say(direct, "العربية 🦀").await;
    assert_eq!(alice_tab.next_message().await.id, said.id);
    assert_eq!(listed(&mut alice, direct).await, Some(1));

    // Left again, and opened again by alice: listed with nothing new.
    assert_eq!(leave(&mut alice, direct).await, Ok(Reply::Done));
    assert_eq!(listed(&mut alice, direct).await, None);
    assert_eq!(open(&mut alice, bob_id).await.id, direct);
    assert_eq!(listed(&mut alice, direct).await, Some(1));

    // Someone not in it cannot leave it.
    let (_, mut carol) = user(&server, "carol").await;
    assert_eq!(
        leave(&mut carol, direct).await,
        Err(ProtocolError::NotMember)
    );
}
