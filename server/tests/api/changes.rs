//! Messages that change after they are sent: edits, deletes, reactions and
//! replies, live for every member and caught up exactly once by a client
//! that was away (by revision), with every refusal checked on the server.

use app::{
    model::ChannelId,
    protocol::{
        CatchUp, Change, ChangeKind, ClientId, ClientMsg, Cursor, Message, MessageId, PageAt,
        ProtocolError, Refused, Reply, Rev, ServerMsg, MAX_REACTIONS,
    },
};

use crate::{chat::user, common::TestServer, live::Live};

const GENERAL: ChannelId = ChannelId::GENERAL;

pub(crate) async fn edit(
    live: &mut Live,
    message: &Message,
    text: &str,
) -> Result<Reply, ProtocolError> {
    let (channel, message, text) = (message.channel, message.id, text.to_owned());
    live.request(|req| ClientMsg::Edit {
        req,
        channel,
        message,
        text,
    })
    .await
}

pub(crate) async fn delete(live: &mut Live, message: &Message) -> Result<Reply, ProtocolError> {
    let (channel, message) = (message.channel, message.id);
    live.request(|req| ClientMsg::Delete {
        req,
        channel,
        message,
    })
    .await
}

pub(crate) async fn react(
    live: &mut Live,
    message: &Message,
    emoji: &str,
    add: bool,
) -> Result<Reply, ProtocolError> {
    let (channel, message, emoji) = (message.channel, message.id, emoji.to_owned());
    live.request(|req| ClientMsg::React {
        req,
        channel,
        message,
        emoji,
        add,
    })
    .await
}

pub(crate) async fn reply_to(
    live: &mut Live,
    original: MessageId,
    text: &str,
) -> Result<Reply, ProtocolError> {
    let (client_id, text) = (ClientId(uuid::Uuid::new_v4()), text.to_owned());
    live.request(|req| ClientMsg::Send {
        req,
        channel: GENERAL,
        client_id,
        text,
        reply_to: Some(original),
        files: Vec::new(),
    })
    .await
}

/// The next change heard, skipping other events. Changes may arrive
/// several to a frame: the rest of the frame is heard next.
pub(crate) async fn next_change(live: &mut Live) -> Change {
    let ServerMsg::Changed { mut changes } = live
        .event_where(|e| matches!(e, ServerMsg::Changed { .. }))
        .await
    else {
        unreachable!()
    };
    assert!(!changes.is_empty(), "a frame of no changes");
    let first = changes.remove(0);
    if !changes.is_empty() {
        live.hear_first(ServerMsg::Changed { changes });
    }
    first
}

/// What `live` missed in General after `rev`.
pub(crate) async fn catch_up(live: &mut Live, rev: Rev) -> Option<CatchUp> {
    let (_, mut catch_up) = live
        .sync(vec![Cursor {
            channel: GENERAL,
            rev,
        }])
        .await;
    assert!(catch_up.len() <= 1);
    catch_up.pop()
}

#[tokio::test]
async fn edits_deletes_and_reactions_reach_every_member_live_in_revision_order() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let sent = alice.say(GENERAL, "typo'd secret").await;
    assert_eq!(bob.next_message().await.rev, sent.rev);

    // Each answer names the revision its change took.
    let revised = |n: i64| {
        Ok(Reply::Revised {
            rev: Rev(sent.rev.0 + n),
        })
    };
    assert_eq!(react(&mut bob, &sent, "👍", true).await, revised(1));
    assert_eq!(
        edit(&mut alice, &sent, "Привет, 日本語 and العربية 🦀").await,
        revised(2)
    );
    assert_eq!(delete(&mut alice, &sent).await, revised(3));

    for live in [&mut alice, &mut bob] {
        let reacted = next_change(live).await;
        assert_eq!(reacted.rev.0, sent.rev.0 + 1);
        let ChangeKind::Reacted { emoji, user, added } = reacted.what else {
            panic!("{reacted:?}")
        };
        assert_eq!(
            (emoji.as_str(), user.username.as_str(), added),
            ("👍", "bob", true)
        );
        let edited = next_change(live).await;
        assert_eq!(edited.rev.0, sent.rev.0 + 2);
        assert!(
            matches!(&edited.what, ChangeKind::Edited { text, .. } if text == "Привет, 日本語 and العربية 🦀")
        );
        let deleted = next_change(live).await;
        assert_eq!(
            (deleted.rev.0, deleted.what),
            (sent.rev.0 + 3, ChangeKind::Deleted)
        );
        assert_eq!(deleted.message, sent.id);
    }
    // The text is gone from the database, not merely hidden; the seq stays.
    assert_eq!(server.count("messages WHERE body LIKE '%secret%'").await, 0);
    assert_eq!(server.count("messages WHERE body LIKE '%Привет%'").await, 0);
    assert_eq!(server.count("reactions").await, 0);
    let next = alice.say(GENERAL, "after").await;
    assert_eq!(next.seq.0, sent.seq.0 + 1);
}

#[tokio::test]
async fn a_client_away_catches_up_on_every_change_exactly_once() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (bob_browser, bob) = user(&server, "bob").await;
    let (_, mut carol) = user(&server, "carol").await;
    let first = alice.say(GENERAL, "first").await;
    let second = alice.say(GENERAL, "second").await;
    let third = alice.say(GENERAL, "third").await;
    let held = third.rev;
    drop(bob);

    edit(&mut alice, &first, "first, edited").await.unwrap();
    delete(&mut alice, &second).await.unwrap();
    react(&mut carol, &third, "🎉", true).await.unwrap();
    react(&mut alice, &third, "🎉", true).await.unwrap();
    let fourth = alice.say(GENERAL, "fourth").await;

    let mut bob = Live::connect(&bob_browser).await;
    let missed = catch_up(&mut bob, held).await.expect("changes were missed");
    assert!(!missed.reset);
    let got: Vec<(MessageId, &str, bool)> = missed
        .messages
        .iter()
        .map(|m| (m.id, m.text.as_str(), m.deleted.is_deleted()))
        .collect();
    assert_eq!(
        got,
        [
            (first.id, "first, edited", false),
            (second.id, "", true),
            (third.id, "third", false),
            (fourth.id, "fourth", false),
        ],
        "every changed message, as it is now, in revision order"
    );
    let revs: Vec<Rev> = missed.messages.iter().map(|m| m.rev).collect();
    assert!(revs.windows(2).all(|w| w[0] < w[1]), "{revs:?}");
    assert_eq!(
        missed.rev, fourth.rev,
        "the cursor moves to the last change"
    );
    assert!(missed.messages[0].edited.is_some());
    let reactions = &missed.messages[2].reactions;
    assert_eq!(reactions.len(), 1);
    assert_eq!((reactions[0].emoji.as_str(), reactions[0].count), ("🎉", 2));
    assert_eq!(reactions[0].names, ["carol", "alice"], "first come first");
    assert!(!reactions[0].me, "as bob sees them");

    // The same cursor again: the same answer. From the new cursor: nothing.
    assert_eq!(catch_up(&mut bob, held).await, Some(missed.clone()));
    assert_eq!(catch_up(&mut bob, missed.rev).await, None);

    // Carol sees her own reaction as hers.
    let mine = catch_up(&mut carol, held).await.expect("changes");
    assert!(mine.messages[2].reactions[0].me);
}

#[tokio::test]
async fn many_changes_to_one_message_come_as_one_and_too_many_messages_reset() {
    let server = TestServer::start_with(|config| {
        config.send_rate = 10_000;
        config.send_burst = 10_000;
    })
    .await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let sent = alice.say(GENERAL, "popular").await;
    // More changes than one catch-up sends, all to one message: it comes
    // once, as it is now.
    for n in 0..260 {
        let emoji = if n % 2 == 0 { "👍" } else { "❤️" };
        react(&mut bob, &sent, emoji, true).await.unwrap();
        react(&mut bob, &sent, emoji, false).await.unwrap();
    }
    let missed = catch_up(&mut alice, sent.rev).await.expect("one message");
    assert!(!missed.reset);
    assert_eq!(missed.messages.len(), 1);
    assert!(missed.messages[0].reactions.is_empty());
    assert_eq!(missed.rev.0, sent.rev.0 + 520);

    // More changed messages than one catch-up sends: the channel starts
    // afresh from its latest page, and nothing is silently skipped.
    let mut latest = sent.clone();
    for n in 0..=app_limit() {
        latest = alice.say(GENERAL, &format!("flood {n}")).await;
    }
    let missed = catch_up(&mut bob, sent.rev).await.expect("a reset");
    assert!(missed.reset, "past the bound the channel starts afresh");
    assert_eq!(missed.messages.last().map(|m| m.id), Some(latest.id));
    assert_eq!(missed.rev, latest.rev);
}

/// How many changed messages one catch-up sends at most.
fn app_limit() -> u32 {
    server::chat::CATCH_UP_LIMIT
}

#[tokio::test]
async fn only_authors_edit_and_delete_and_only_members_react_or_reply() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let sent = alice.say(GENERAL, "mine").await;

    assert_eq!(
        edit(&mut bob, &sent, "yours now").await,
        Err(ProtocolError::from(Refused::NotYourMessage))
    );
    assert_eq!(
        delete(&mut bob, &sent).await,
        Err(ProtocolError::from(Refused::NotYourMessage))
    );
    assert_eq!(
        react(&mut bob, &sent, "not an emoji", true).await,
        Err(ProtocolError::from(Refused::InvalidEmoji))
    );
    let mut elsewhere = sent.clone();
    elsewhere.channel = ChannelId(999_999);
    assert_eq!(
        react(&mut bob, &elsewhere, "👍", true).await,
        Err(ProtocolError::NotMember)
    );
    let mut missing = sent.clone();
    missing.id = MessageId(999_999);
    assert_eq!(
        edit(&mut alice, &missing, "x").await,
        Err(ProtocolError::NoSuchMessage)
    );
    assert!(matches!(
        edit(&mut alice, &sent, " \u{200B} ").await,
        Err(ProtocolError::Refused { .. })
    ));

    // A change that changes nothing (a resend) succeeds and takes no
    // revision.
    assert_eq!(edit(&mut alice, &sent, "mine").await, Ok(Reply::Done));
    assert_eq!(react(&mut bob, &sent, "👍", false).await, Ok(Reply::Done));
    react(&mut bob, &sent, "👍", true).await.unwrap();
    react(&mut bob, &sent, "👍", true).await.unwrap();
    assert_eq!(next_change(&mut alice).await.rev.0, sent.rev.0 + 1);
    let missed = catch_up(&mut alice, sent.rev).await.expect("one change");
    assert_eq!(missed.rev.0, sent.rev.0 + 1, "no-ops took no revision");

    // At most MAX_REACTIONS distinct emoji on one message.
    let emoji: Vec<&str> = emojis::iter()
        .map(|e| e.as_str())
        .skip(1)
        .take(MAX_REACTIONS)
        .collect();
    for e in &emoji[..MAX_REACTIONS - 1] {
        react(&mut bob, &sent, e, true).await.unwrap();
    }
    assert_eq!(
        react(&mut alice, &sent, emoji[MAX_REACTIONS - 1], true).await,
        Err(ProtocolError::from(Refused::TooManyReactions))
    );
    assert!(matches!(
        react(&mut alice, &sent, "👍", true).await,
        Ok(Reply::Revised { .. })
    ));

    delete(&mut alice, &sent).await.unwrap();
    assert_eq!(
        delete(&mut alice, &sent).await,
        Ok(Reply::Done),
        "once is enough"
    );
    assert_eq!(
        edit(&mut alice, &sent, "back").await,
        Err(ProtocolError::NoSuchMessage)
    );
    assert_eq!(
        react(&mut bob, &sent, "👍", true).await,
        Err(ProtocolError::NoSuchMessage)
    );
    assert_eq!(
        reply_to(&mut bob, sent.id, "to nothing").await,
        Err(ProtocolError::NoSuchMessage)
    );
}

#[tokio::test]
async fn a_reply_quotes_its_original_until_the_original_is_deleted() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let original = alice
        .say(GENERAL, "  日本語の最初の行\nand a second line")
        .await;
    let Ok(Reply::Sent { message: reply }) = reply_to(&mut bob, original.id, "agreed").await else {
        panic!("the reply was refused")
    };
    let quote = reply.reply_to.clone().expect("a quote");
    assert_eq!(
        (
            quote.id,
            quote.seq,
            quote.sender_name.as_str(),
            quote.excerpt.as_str()
        ),
        (original.id, original.seq, "alice", "日本語の最初の行…")
    );
    assert!(!quote.deleted);
    let heard = alice
        .event_where(|e| matches!(e, ServerMsg::Message { message } if message.id == reply.id))
        .await;
    assert!(matches!(heard, ServerMsg::Message { message } if message.reply_to == Some(quote)));

    delete(&mut alice, &original).await.unwrap();
    let page = match bob
        .request(|req| ClientMsg::History {
            req,
            channel: GENERAL,
            page: PageAt::Latest,
            limit: 10,
        })
        .await
    {
        Ok(Reply::History { messages, rev, .. }) => {
            assert!(rev > reply.rev);
            messages
        }
        other => panic!("{other:?}"),
    };
    let shown = page.iter().find(|m| m.id == reply.id).expect("the reply");
    let quote = shown.reply_to.clone().expect("still a quote");
    assert!(quote.deleted && quote.excerpt.is_empty(), "{quote:?}");
    let gone = page
        .iter()
        .find(|m| m.id == original.id)
        .expect("its place");
    assert!(gone.deleted.is_deleted() && gone.text.is_empty());
}
