//! Mentions: `@name` and `@here` are marks of the message, recorded for
//! whom they call (members only, never the sender) in the transaction that
//! stores the message; each member's sidebar counts the unread ones, a
//! conversation counts every message, and `/mentions` lists them, over the
//! WebSocket and as a page without JavaScript. `@here` calls the members
//! online, once a minute per channel.

use app::{
    error::AppError,
    format::{Body, Mark, Mentioned},
    model::{ChannelId, UsernameError},
    protocol::{ChannelSummary, ClientId, ClientMsg, Message, ProtocolError, Refused, Reply, Seq},
};

use crate::{
    browser::Browser,
    changes::{delete, edit},
    chat::{create, user},
    common::TestServer,
    live::Live,
};

const GENERAL: ChannelId = ChannelId::GENERAL;

/// The mentions `live`'s user is listed, newest first.
async fn mentions(live: &mut Live) -> Vec<Message> {
    match live
        .request(|req| ClientMsg::Mentions { req, before: None })
        .await
    {
        Ok(Reply::Mentions { messages, .. }) => messages,
        other => panic!("{other:?}"),
    }
}

/// `channel` as `live`'s user's sidebar has it.
async fn summary(live: &mut Live, channel: ChannelId) -> ChannelSummary {
    let (channels, _) = live.sync(Vec::new()).await;
    channels
        .into_iter()
        .find(|c| c.id == channel)
        .expect("a member")
}

pub(crate) async fn send(
    live: &mut Live,
    channel: ChannelId,
    client_id: ClientId,
    text: &str,
) -> Result<Reply, ProtocolError> {
    live.request(|req| ClientMsg::Send {
        req,
        channel,
        client_id,
        text: text.into(),
        reply_to: None,
        files: Vec::new(),
    })
    .await
}

#[tokio::test]
async fn a_mention_is_marked_counted_and_listed_for_whom_it_calls() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let (_, mut carol) = user(&server, "Carol").await;

    let called = alice
        .say(
            GENERAL,
            "@bob and @carol: 日本語, Привет. Not @nobody, me@example.com or @alice",
        )
        .await;
    let marks = called.body.clone().expect("marks").0;
    assert!(marks.contains(&Mark::Mention(Mentioned::User("bob".into()))));
    assert!(marks.contains(&Mark::Mention(Mentioned::User("carol".into()))));
    assert_eq!(
        Body(marks).mentions().count(),
        4,
        "@bob, @carol, @nobody and @alice; not the address"
    );
    let plain = alice.say(GENERAL, "العربية 🦀").await;

    // Counted for those called, whatever the letter case, never the sender.
    let general = summary(&mut bob, GENERAL).await;
    assert_eq!((general.unread, general.mentions), (2, 1));
    assert_eq!(summary(&mut carol, GENERAL).await.mentions, 1);
    assert_eq!(summary(&mut alice, GENERAL).await.mentions, 0);

    // Listed, newest first, for those called only.
    let listed = mentions(&mut bob).await;
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), [called.id]);
    assert!(mentions(&mut alice).await.is_empty());

    // Read, it is no longer counted, and still listed.
    let read = bob
        .request(|req| ClientMsg::MarkRead {
            req,
            channel: GENERAL,
            seq: plain.seq,
        })
        .await;
    assert!(read.is_ok(), "{read:?}");
    assert_eq!(summary(&mut bob, GENERAL).await.mentions, 0);
    assert_eq!(mentions(&mut bob).await.len(), 1);

    // An edit that names someone calls them then.
    edit(&mut alice, &plain, "@bob العربية 🦀")
        .await
        .expect("edited");
    let listed = mentions(&mut bob).await;
    assert_eq!(
        listed.iter().map(|m| m.id).collect::<Vec<_>>(),
        [plain.id, called.id]
    );
    assert_eq!(listed[0].text, "@bob العربية 🦀", "as it is now");

    // A deleted message calls no one any more.
    delete(&mut alice, &called).await.expect("deleted");
    let listed = mentions(&mut bob).await;
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), [plain.id]);
    assert!(mentions(&mut carol).await.is_empty());

    // The page lists them too, rendered by the server.
    let html = bob_browser.get("/mentions").await.text().await.unwrap();
    assert!(html.contains("<h1>Mentions"), "the heading");
    assert!(html.contains("العربية 🦀"), "the message");
    assert!(
        html.contains(r#"<mark>@bob"#),
        "marked as calling the reader"
    );
    assert!(html.contains(&format!(
        "/c/1?before={}#m{}",
        plain.seq.0 + 26,
        plain.seq.0
    )));
}

#[tokio::test]
async fn in_a_conversation_every_message_is_a_mention() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let bob_id = bob.user.id;
    let direct = match alice
        .request(|req| ClientMsg::OpenDirect { req, user: bob_id })
        .await
    {
        Ok(Reply::Channel { channel }) => channel.id,
        other => panic!("{other:?}"),
    };
    alice.say(direct, "Привет").await;
    alice.say(direct, "日本語").await;
    let conversation = summary(&mut bob, direct).await;
    assert_eq!((conversation.unread, conversation.mentions), (2, 2));
    assert!(
        mentions(&mut bob).await.is_empty(),
        "none calls bob by name"
    );
}

#[tokio::test]
async fn here_calls_the_members_online_once_a_minute_per_channel() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    // Dave is a member, but not connected.
    let dave = Browser::new(&server.base());
    dave.sign_up("dave", "correct horse battery").await.unwrap();

    let first = ClientId(uuid::Uuid::new_v4());
    let sent = match send(&mut alice, GENERAL, first, "@here standup, 日本語").await {
        Ok(Reply::Sent { message }) => message,
        other => panic!("{other:?}"),
    };
    assert!(sent.body.as_ref().is_some_and(|b| b.calls("anyone")));
    assert_eq!(summary(&mut bob, GENERAL).await.mentions, 1);

    // Again within the minute, from anyone: refused, and nothing stored.
    let again = send(
        &mut bob,
        GENERAL,
        ClientId(uuid::Uuid::new_v4()),
        "@HERE again",
    )
    .await;
    assert_eq!(again, Err(ProtocolError::from(Refused::HereTooSoon)));
    // A resend of the first is answered as stored.
    match send(&mut alice, GENERAL, first, "@here standup, 日本語").await {
        Ok(Reply::Sent { message }) => assert_eq!(message.id, sent.id),
        other => panic!("{other:?}"),
    }
    let next = alice.say(GENERAL, "without it").await;
    assert_eq!(
        next.seq,
        Seq(sent.seq.0 + 1),
        "no seq was taken by the refusal"
    );

    // Dave was offline: not called.
    let mut dave = Live::connect(&dave).await;
    assert_eq!(summary(&mut dave, GENERAL).await.mentions, 0);
    assert!(mentions(&mut dave).await.is_empty());

    // Another channel has its own minute.
    let rust = create(&mut alice, "rust").await;
    alice.say(rust, "@here in rust").await;
}

#[tokio::test]
async fn the_names_mentions_use_for_everyone_cannot_be_taken() {
    let server = TestServer::start().await;
    for name in ["here", "Everyone", "channel"] {
        let browser = Browser::new(&server.base());
        assert_eq!(
            browser.sign_up(name, "correct horse battery").await,
            Err(AppError::InvalidUsername(UsernameError::Reserved)),
            "{name}"
        );
    }
}
