//! Channel roles and moderation, each role against each action: owners
//! appoint moderators; moderators remove messages and remove, ban and time
//! out members, but only in their own channel and only those below them;
//! administrators do it everywhere. Every refusal is clear, every action is
//! in the audit log with its channel, and those it concerns hear of it.

use app::{
    chat::Audited,
    model::{ChannelId, UserId},
    protocol::{
        ChangeKind, ClientMsg, Deletion, Message, MessageId, ModAction, PageAt, ProtocolError,
        Refused, Reply, ServerMsg, Standing,
    },
};

use crate::{
    chat::{create, join, user},
    common::TestServer,
    live::Live,
};

/// Asks for `action` on `target` in `channel`.
pub(crate) async fn moderate(
    live: &mut Live,
    channel: ChannelId,
    target: UserId,
    action: ModAction,
) -> Result<(), ProtocolError> {
    let reply = live
        .request(|req| ClientMsg::Moderate {
            req,
            channel,
            user: target,
            action,
        })
        .await?;
    assert_eq!(reply, Reply::Done);
    Ok(())
}

/// The refusal's words, or a failure if it was not refused that way.
pub(crate) fn refused(outcome: Result<(), ProtocolError>) -> String {
    match outcome {
        Err(ProtocolError::Refused { reason }) => reason,
        other => panic!("expected a worded refusal, got {other:?}"),
    }
}

async fn delete(
    live: &mut Live,
    channel: ChannelId,
    message: MessageId,
) -> Result<Reply, ProtocolError> {
    live.request(|req| ClientMsg::Delete {
        req,
        channel,
        message,
    })
    .await
}

/// Message `id` of `channel` as history reads it now.
async fn stored(server: &TestServer, channel: ChannelId, id: MessageId) -> Message {
    let page = server
        .state
        .store
        .history(channel, PageAt::Latest, 50, UserId(1))
        .await
        .expect("history");
    page.into_iter()
        .find(|m| m.id == id)
        .expect("its place stays")
}

/// The members list as `live` sees it: each member's standing, where it
/// stands itself, and who is banned.
async fn members(
    live: &mut Live,
    channel: ChannelId,
) -> (Vec<(String, Standing)>, Standing, Vec<String>) {
    match live
        .request(|req| ClientMsg::Members { req, channel })
        .await
    {
        Ok(Reply::Members {
            members,
            you,
            banned,
            ..
        }) => {
            let mut members: Vec<(String, Standing)> = members
                .into_iter()
                .map(|m| (m.user.username, m.standing))
                .collect();
            members.sort();
            (
                members,
                you,
                banned.into_iter().map(|u| u.username).collect(),
            )
        }
        other => panic!("members failed: {other:?}"),
    }
}

struct Room {
    server: TestServer,
    /// The administrator (the first account), in no channel but General.
    alice: (UserId, Live),
    /// Owns #ops.
    bob: (UserId, Live),
    /// A moderator of #ops, appointed by bob; a plain member of #side.
    carol: (UserId, Live),
    dave: (UserId, Live),
    /// Owns #side; a member of #ops.
    erin: (UserId, Live),
    ops: ChannelId,
    side: ChannelId,
}

async fn room() -> Room {
    let server = TestServer::start().await;
    let mut people = Vec::new();
    for name in ["alice", "bob", "carol", "dave", "erin"] {
        let (browser, live) = user(&server, name).await;
        let id = browser.me().await.expect("me").id;
        people.push((id, live));
    }
    let mut people = people.into_iter();
    let mut next = || people.next().expect("five people");
    let (alice, mut bob, mut carol, mut dave, mut erin) = (next(), next(), next(), next(), next());
    let ops = create(&mut bob.1, "ops").await;
    let side = create(&mut erin.1, "side").await;
    for live in [&mut carol.1, &mut dave.1, &mut erin.1] {
        join(live, ops).await;
    }
    for live in [&mut carol.1, &mut dave.1] {
        join(live, side).await;
    }
    moderate(&mut bob.1, ops, carol.0, ModAction::Appoint)
        .await
        .expect("the owner appoints");
    Room {
        server,
        alice,
        bob,
        carol,
        dave,
        erin,
        ops,
        side,
    }
}

#[tokio::test]
async fn roles_show_in_the_member_list_and_only_owners_appoint() {
    let Room {
        server: _server,
        mut bob,
        mut carol,
        mut dave,
        erin,
        ops,
        ..
    } = room().await;
    let (listed, you, banned) = members(&mut carol.1, ops).await;
    assert_eq!(
        listed,
        [
            ("bob".to_owned(), Standing::Owner),
            ("carol".to_owned(), Standing::Moderator),
            ("dave".to_owned(), Standing::Member),
            ("erin".to_owned(), Standing::Member),
        ]
    );
    assert_eq!((you, banned.len()), (Standing::Moderator, 0));
    assert_eq!(members(&mut dave.1, ops).await.1, Standing::Member);

    // A moderator does not appoint; a member does nothing.
    let said = refused(moderate(&mut carol.1, ops, dave.0, ModAction::Appoint).await);
    assert_eq!(
        said,
        "only the channel's owner can appoint or dismiss moderators"
    );
    let said = refused(moderate(&mut dave.1, ops, erin.0, ModAction::Remove).await);
    assert_eq!(said, "only the channel's moderators can do that");
    // Nobody acts on those as high as them, or on themselves.
    let said = refused(moderate(&mut carol.1, ops, bob.0, ModAction::Ban).await);
    assert_eq!(said, "they stand as high as you in this channel");
    let said = refused(moderate(&mut carol.1, ops, carol.0, ModAction::TimeOut(10)).await);
    assert_eq!(said, "you cannot do that to yourself");

    // Dismissed, carol is a member again, and can do nothing.
    moderate(&mut bob.1, ops, carol.0, ModAction::Dismiss)
        .await
        .expect("dismiss");
    moderate(&mut bob.1, ops, carol.0, ModAction::Dismiss)
        .await
        .expect("a second time changes nothing");
    let said = refused(moderate(&mut carol.1, ops, dave.0, ModAction::Remove).await);
    assert_eq!(said, "only the channel's moderators can do that");
}

#[tokio::test]
async fn a_moderator_removes_messages_in_their_channel_only() {
    let Room {
        server,
        mut bob,
        mut carol,
        mut dave,
        mut erin,
        ops,
        side,
        ..
    } = room().await;
    let spam = erin.1.say(ops, "buy now").await;
    let owners = bob.1.say(ops, "welcome").await;
    let elsewhere = dave.1.say(side, "hello side").await;

    // A member cannot remove another's message.
    let reply = delete(&mut dave.1, ops, spam.id).await;
    assert_eq!(reply, Err(ProtocolError::from(Refused::NotYourMessage)));
    // A moderator cannot remove the owner's, nor act in another channel.
    let reply = delete(&mut carol.1, ops, owners.id).await;
    assert_eq!(reply, Err(ProtocolError::from(Refused::NotYourMessage)));
    let reply = delete(&mut carol.1, side, elsewhere.id).await;
    assert_eq!(reply, Err(ProtocolError::from(Refused::NotYourMessage)));

    let reply = delete(&mut carol.1, ops, spam.id).await;
    assert!(matches!(reply, Ok(Reply::Revised { .. })), "{reply:?}");
    // Everyone in the channel hears it was a moderator.
    let heard = dave
        .1
        .event_where(|e| matches!(e, ServerMsg::Changed { changes } if changes.iter().any(|c| c.message == spam.id)))
        .await;
    let ServerMsg::Changed { changes } = heard else {
        unreachable!()
    };
    let change = changes
        .iter()
        .find(|c| c.message == spam.id)
        .expect("change");
    assert_eq!(change.what, ChangeKind::Removed);
    // And history says so, with the text gone from the database.
    let gone = stored(&server, ops, spam.id).await;
    assert_eq!(
        (gone.deleted, gone.text.as_str()),
        (Deletion::ByModerator, "")
    );
    // The author's own delete still reads as theirs.
    let own = dave.1.say(ops, "oops").await;
    delete(&mut dave.1, ops, own.id).await.expect("delete");
    assert_eq!(
        stored(&server, ops, own.id).await.deleted,
        Deletion::ByAuthor
    );

    let log = server.state.store.audit_log(None, 10).await.expect("log");
    let entry = &log[0];
    assert_eq!(entry.what, Audited::RemovedMessage);
    assert_eq!(
        (
            entry.actor.as_deref(),
            entry.target.as_str(),
            entry.channel.as_deref()
        ),
        (Some("carol"), "erin", Some("ops"))
    );
}

#[tokio::test]
async fn a_banned_member_loses_the_channel_and_cannot_rejoin_until_unbanned() {
    let Room {
        server,
        mut bob,
        mut carol,
        mut dave,
        ops,
        ..
    } = room().await;
    moderate(&mut carol.1, ops, dave.0, ModAction::Ban)
        .await
        .expect("ban");
    dave.1
        .event_where(|e| matches!(e, ServerMsg::ChannelRemoved { channel } if *channel == ops))
        .await;
    let said = match dave
        .1
        .request(|req| ClientMsg::JoinChannel { req, channel: ops })
        .await
    {
        Err(ProtocolError::Refused { reason }) => reason,
        other => panic!("joined while banned: {other:?}"),
    };
    assert_eq!(said, "you are banned from this channel");
    let reply = dave
        .1
        .request(|req| ClientMsg::Members { req, channel: ops })
        .await;
    assert_eq!(reply, Err(ProtocolError::NotMember));
    // Its moderators see who is banned; banning again changes nothing.
    let (listed, _, banned) = members(&mut carol.1, ops).await;
    assert!(!listed.iter().any(|(name, _)| name == "dave"));
    assert_eq!(banned, ["dave"]);
    moderate(&mut carol.1, ops, dave.0, ModAction::Ban)
        .await
        .expect("again");

    moderate(&mut bob.1, ops, dave.0, ModAction::Unban)
        .await
        .expect("unban");
    join(&mut dave.1, ops).await;
    assert!(members(&mut bob.1, ops).await.2.is_empty());

    // Removed (not banned), one may come back at once.
    moderate(&mut carol.1, ops, dave.0, ModAction::Remove)
        .await
        .expect("remove");
    dave.1
        .event_where(|e| matches!(e, ServerMsg::ChannelRemoved { channel } if *channel == ops))
        .await;
    join(&mut dave.1, ops).await;

    let log = server.state.store.audit_log(None, 10).await.expect("log");
    let actions: Vec<(Audited, &str)> = log
        .iter()
        .take(3)
        .map(|e| (e.what, e.actor.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        actions,
        [
            (Audited::RemovedMember, "carol"),
            (Audited::Unbanned, "bob"),
            (Audited::Banned, "carol"),
        ],
        "a ban that changed nothing is not recorded"
    );
}

#[tokio::test]
async fn a_timed_out_member_cannot_send_until_the_timeout_ends() {
    let Room {
        server: _server,
        mut carol,
        mut erin,
        ops,
        side,
        ..
    } = room().await;
    moderate(&mut carol.1, ops, erin.0, ModAction::TimeOut(10))
        .await
        .expect("time out");
    let client_id = app::protocol::ClientId(uuid::Uuid::new_v4());
    let reply = erin
        .1
        .request(|req| ClientMsg::Send {
            req,
            channel: ops,
            client_id,
            text: "let me speak".into(),
            reply_to: None,
            files: Vec::new(),
        })
        .await;
    let said = match reply {
        Err(ProtocolError::Refused { reason }) => reason,
        other => panic!("sent while timed out: {other:?}"),
    };
    assert_eq!(
        said,
        "a moderator has stopped you sending here for 10 more minutes"
    );
    // Elsewhere, erin is free to send.
    erin.1.say(side, "still here").await;
    let said = refused(moderate(&mut carol.1, ops, erin.0, ModAction::TimeOut(60 * 24 * 8)).await);
    assert_eq!(said, "a timeout lasts a week at most");

    moderate(&mut carol.1, ops, erin.0, ModAction::TimeOut(0))
        .await
        .expect("end the timeout");
    erin.1.say(ops, "thank you").await;
}

#[tokio::test]
async fn an_administrator_moderates_everywhere_but_nobody_leaves_general() {
    let Room {
        server,
        mut alice,
        mut bob,
        mut carol,
        dave,
        ops,
        side,
        ..
    } = room().await;
    // Alice is in neither channel, and stands above their owners.
    assert_eq!(
        server
            .state
            .store
            .standing(alice.0, ops)
            .await
            .expect("standing"),
        Some(Standing::Admin)
    );
    moderate(&mut alice.1, ops, bob.0, ModAction::TimeOut(5))
        .await
        .expect("above the owner");
    moderate(&mut alice.1, side, dave.0, ModAction::Remove)
        .await
        .expect("in any channel");
    // The owner of #ops is nobody in #side.
    let said = refused(moderate(&mut bob.1, side, carol.0, ModAction::Remove).await);
    assert_eq!(said, "only the channel's moderators can do that");
    // A moderator does not act on an administrator.
    join(&mut alice.1, ops).await;
    let said = refused(moderate(&mut carol.1, ops, alice.0, ModAction::Remove).await);
    assert_eq!(said, "they stand as high as you in this channel");
    // Nobody is removed from General, or from a conversation.
    let said = refused(moderate(&mut alice.1, ChannelId::GENERAL, dave.0, ModAction::Ban).await);
    assert_eq!(
        said,
        "nobody is removed from General or from a conversation"
    );
    // Someone who does not exist.
    let said = refused(moderate(&mut alice.1, ops, UserId(9999), ModAction::Ban).await);
    assert_eq!(said, "no such user");
    // A channel that does not exist.
    let reply = moderate(&mut alice.1, ChannelId(9999), dave.0, ModAction::Remove).await;
    assert_eq!(reply, Err(ProtocolError::NotMember));
    // Dave was removed from #side: there is nobody there to time out.
    let said = refused(moderate(&mut alice.1, side, dave.0, ModAction::TimeOut(5)).await);
    assert_eq!(said, "they are not a member of this channel");
}
