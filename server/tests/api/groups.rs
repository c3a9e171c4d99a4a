//! Group conversations: started with two to eight others, shown at once to
//! every one of them, named by their members until someone names them,
//! grown by any member up to nine people, and left for good by whoever
//! leaves (who then neither hears nor reads what follows).

use app::{
    model::{ChannelId, UserId},
    protocol::{
        ChannelChange, ChannelKind, ChannelSummary, ClientMsg, PageAt, ProtocolError, Reply,
        ServerMsg,
    },
};

use crate::{
    browser::Browser,
    chat::{open, user},
    common::{on_postgres, TestServer},
    live::Live,
};

/// The password `chat::user` signs up with.
const PASSWORD: &str = "correct horse battery";

async fn start(live: &mut Live, users: &[UserId]) -> Result<ChannelSummary, ProtocolError> {
    let users = users.to_vec();
    live.request(|req| ClientMsg::OpenGroup {
        req,
        users: users.clone(),
    })
    .await
    .map(|reply| match reply {
        Reply::Channel { channel } => channel,
        other => panic!("{other:?}"),
    })
}

/// The members' names of a group's kind, and its name.
fn names(kind: &ChannelKind) -> (Vec<&str>, &str) {
    match kind {
        ChannelKind::Group { name, members } => {
            (members.iter().map(|m| m.username.as_str()).collect(), name)
        }
        other => panic!("not a group: {other:?}"),
    }
}

async fn history(live: &mut Live, channel: ChannelId) -> Result<Reply, ProtocolError> {
    live.request(|req| ClientMsg::History {
        req,
        channel,
        page: PageAt::Latest,
        limit: 20,
    })
    .await
}

async fn invite(
    live: &mut Live,
    channel: ChannelId,
    users: &[UserId],
) -> Result<Reply, ProtocolError> {
    let users = users.to_vec();
    live.request(|req| ClientMsg::Invite {
        req,
        channel,
        users: users.clone(),
    })
    .await
}

/// `count` people signed up and connected, with their ids.
async fn people(server: &TestServer, names: &[&str]) -> Vec<(UserId, Live)> {
    let mut people = Vec::new();
    for name in names {
        let (browser, live) = user(server, name).await;
        people.push((browser.me().await.unwrap().id, live));
    }
    people
}

#[tokio::test]
async fn a_group_appears_for_everyone_in_it_and_only_they_read_it() {
    let server = TestServer::start().await;
    let mut crowd = people(&server, &["alice", "bob", "carol", "dave"]).await;
    let ids: Vec<UserId> = crowd.iter().map(|(id, _)| *id).collect();
    let (alice, rest) = crowd.split_first_mut().unwrap();
    let alice = &mut alice.1;

    let group = start(alice, &ids[1..3]).await.unwrap();
    assert_eq!(names(&group.kind), (vec!["alice", "bob", "carol"], ""));
    assert_eq!(group.members, 3);
    // Bob and carol see it at once, with the same members.
    for (_, live) in &mut rest[..2] {
        let added = live
            .event_where(
                |e| matches!(e, ServerMsg::ChannelAdded { channel } if channel.id == group.id),
            )
            .await;
        let ServerMsg::ChannelAdded { channel } = added else {
            unreachable!()
        };
        assert_eq!(names(&channel.kind).0, ["alice", "bob", "carol"]);
    }

    // A message reaches both, and counts for them as calling them, as in a
    // one-to-one conversation.
    let said = alice.say(group.id, "日本語 Привет العربية 🦀").await;
    for (_, live) in &mut rest[..2] {
        assert_eq!(live.next_message().await.id, said.id);
        let (channels, _) = live.sync(vec![]).await;
        let listed = channels.iter().find(|c| c.id == group.id).unwrap();
        assert_eq!((listed.unread, listed.mentions), (1, 1));
    }

    // Dave, outside it, can neither read nor write it.
    let dave = &mut rest[2].1;
    assert_eq!(history(dave, group.id).await, Err(ProtocolError::NotMember));
    let send = dave
        .request(|req| ClientMsg::Send {
            req,
            channel: group.id,
            client_id: app::protocol::ClientId(uuid::Uuid::new_v4()),
            text: "let me in".into(),
            reply_to: None,
            files: Vec::new(),
        })
        .await;
    assert_eq!(send, Err(ProtocolError::NotMember));

    // The same people (in any order, from any of them) open the same group.
    let bob = &mut rest[0].1;
    let again = start(bob, &[ids[2], ids[0]]).await.unwrap();
    assert_eq!(again.id, group.id);
    // Other people make another.
    let other = start(alice, &[ids[1], ids[3]]).await.unwrap();
    assert_ne!(other.id, group.id);
}

#[tokio::test]
async fn a_group_is_three_to_nine_real_people() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let alice_id = alice_browser.me().await.unwrap().id;
    let (bob_browser, _bob) = user(&server, "bob").await;
    let bob = bob_browser.me().await.unwrap().id;
    let refused = |result: Result<ChannelSummary, ProtocolError>| {
        assert!(
            matches!(result, Err(ProtocolError::Refused { .. })),
            "{result:?}"
        );
    };
    // One other is a one-to-one conversation's business; nine others too many.
    refused(start(&mut alice, &[bob]).await);
    refused(start(&mut alice, &[bob, bob]).await);
    let many: Vec<UserId> = (0..9).map(|i| UserId(1000 + i)).collect();
    refused(start(&mut alice, &many).await);
    assert_eq!(
        start(&mut alice, &[bob, alice_id]).await,
        Err(app::protocol::Refused::CannotMessageYourself.into())
    );
    assert_eq!(
        start(&mut alice, &[bob, UserId(999)]).await,
        Err(ProtocolError::UserNotFound)
    );
}

#[tokio::test]
async fn members_add_people_up_to_nine_name_the_group_and_leave_it() {
    let server = TestServer::start().await;
    let names_of: Vec<String> = (0..10).map(|i| format!("user{i}")).collect();
    let refs: Vec<&str> = names_of.iter().map(String::as_str).collect();
    let mut crowd = people(&server, &refs).await;
    let ids: Vec<UserId> = crowd.iter().map(|(id, _)| *id).collect();
    let group = start(&mut crowd[0].1, &ids[1..3]).await.unwrap().id;

    // Bob (user1) adds three: everyone in it hears who is in it now, and
    // the newcomers see it, with what was said before.
    crowd[0].1.say(group, "before them").await;
    assert_eq!(
        invite(&mut crowd[1].1, group, &ids[3..6]).await,
        Ok(Reply::Done)
    );
    let updated = crowd[2]
        .1
        .event_where(|e| {
            matches!(e, ServerMsg::ChannelUpdated { channel, kind }
                if *channel == group && names(kind).0.len() == 6)
        })
        .await;
    let ServerMsg::ChannelUpdated { kind, .. } = updated else {
        unreachable!()
    };
    assert_eq!(names(&kind).0, &refs[..6]);
    let newcomer = &mut crowd[3].1;
    newcomer
        .event_where(|e| matches!(e, ServerMsg::ChannelAdded { channel } if channel.id == group))
        .await;
    assert!(
        matches!(history(newcomer, group).await, Ok(Reply::History { messages, .. }) if messages.len() == 1)
    );

    // Nine at most: four more are refused, three fit.
    assert!(matches!(
        invite(&mut crowd[0].1, group, &ids[6..10]).await,
        Err(ProtocolError::Refused { .. })
    ));
    assert_eq!(
        invite(&mut crowd[0].1, group, &ids[6..9]).await,
        Ok(Reply::Done)
    );
    let (channels, _) = crowd[9].1.sync(vec![]).await;
    assert!(channels.iter().all(|c| c.id != group), "user9 is not in it");

    // Any member names it; a one-to-one conversation has no name.
    let rename = |name: &str| ChannelChange::Rename { name: name.into() };
    let named = crowd[4]
        .1
        .request(|req| ClientMsg::Configure {
            req,
            channel: group,
            change: rename("Café ☕ 日本"),
        })
        .await;
    assert_eq!(named, Ok(Reply::Done));
    crowd[0]
        .1
        .event_where(|e| {
            matches!(e, ServerMsg::ChannelUpdated { channel, kind }
                if *channel == group && names(kind).1 == "Café ☕ 日本")
        })
        .await;
    let topic = crowd[4]
        .1
        .request(|req| ClientMsg::Configure {
            req,
            channel: group,
            change: ChannelChange::Topic { topic: "no".into() },
        })
        .await;
    assert!(
        matches!(topic, Err(ProtocolError::Refused { .. })),
        "{topic:?}"
    );
    let direct = open(&mut crowd[0].1, ids[1]).await.id;
    let direct_named = crowd[0]
        .1
        .request(|req| ClientMsg::Configure {
            req,
            channel: direct,
            change: rename("ours"),
        })
        .await;
    assert!(matches!(direct_named, Err(ProtocolError::Refused { .. })));

    // Carol (user2) leaves: out of it for good. She no longer hears it,
    // cannot read it, and the others hear that she left.
    let carol = &mut crowd[2].1;
    let left = carol
        .request(|req| ClientMsg::LeaveChannel {
            req,
            channel: group,
        })
        .await;
    assert_eq!(left, Ok(Reply::Done));
    carol
        .event_where(|e| matches!(e, ServerMsg::ChannelRemoved { channel } if *channel == group))
        .await;
    assert_eq!(history(carol, group).await, Err(ProtocolError::NotMember));
    crowd[0]
        .1
        .event_where(|e| {
            matches!(e, ServerMsg::ChannelUpdated { channel, kind }
                if *channel == group && !names(kind).0.contains(&"user2"))
        })
        .await;
    let said = crowd[0].1.say(group, "after carol").await;
    crowd[1]
        .1
        .event_where(|e| matches!(e, ServerMsg::Message { message } if message.id == said.id))
        .await;
    let (channels, _) = crowd[2].1.sync(vec![]).await;
    assert!(
        channels.iter().all(|c| c.id != group),
        "carol's list drops it"
    );
}

#[tokio::test]
async fn starting_the_same_group_at_once_on_two_nodes_makes_one() {
    // On one SQLite node the starts take turns anyway; on PostgreSQL they
    // come through two nodes at the same moment.
    let a = TestServer::start().await;
    let b = match on_postgres() {
        true => Some(a.another_node().await),
        false => None,
    };
    let names = ["alice", "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"];
    let mut crowd = people(&a, &names).await;
    let (_, mut alice_on_a) = crowd.remove(0);
    let mut alice_elsewhere = {
        let browser = Browser::new(&b.as_ref().unwrap_or(&a).base());
        browser.log_in("alice", PASSWORD).await.expect("log in");
        Live::connect(&browser).await
    };
    for pair in crowd.windows(2) {
        let others = [pair[0].0, pair[1].0];
        let (first, second) = tokio::join!(
            start(&mut alice_on_a, &others),
            start(&mut alice_elsewhere, &others)
        );
        let (first, second) = (first.expect("started"), second.expect("started"));
        assert_eq!(first.id, second.id, "one group of alice and {others:?}");
    }
    let groups = a
        .db()
        .await
        .scalar("SELECT COUNT(*) FROM channels WHERE kind = 'group'")
        .await;
    assert_eq!(groups, 7);
}
