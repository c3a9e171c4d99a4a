//! A channel's settings and private channels: renaming and the topic (for
//! moderators), archiving and restoring (for owners), each heard live by
//! every member and recorded in the audit log where it is a moderator's;
//! private channels, found and read only by their members, who invite
//! others in; and an archived channel that nobody can write in.

use app::{
    chat::Audited,
    model::{ChannelId, UserId},
    protocol::{
        ChannelChange, ChannelKind, ClientId, ClientMsg, ModAction, ProtocolError, Refused, Reply,
        ServerMsg,
    },
};

use crate::{
    chat::{create, create_as, join, user},
    common::TestServer,
    live::Live,
    mentions::send,
    moderation::{moderate, refused},
    search::{hits, search},
};

async fn configure(
    live: &mut Live,
    channel: ChannelId,
    change: ChannelChange,
) -> Result<(), ProtocolError> {
    let reply = live
        .request(|req| ClientMsg::Configure {
            req,
            channel,
            change,
        })
        .await?;
    assert_eq!(reply, Reply::Done);
    Ok(())
}

async fn invite(
    live: &mut Live,
    channel: ChannelId,
    users: Vec<UserId>,
) -> Result<(), ProtocolError> {
    let reply = live
        .request(|req| ClientMsg::Invite {
            req,
            channel,
            users,
        })
        .await?;
    assert_eq!(reply, Reply::Done);
    Ok(())
}

async fn create_private(live: &mut Live, name: &str) -> ChannelId {
    let channel = create_as(live, name, true).await;
    assert!(matches!(
        channel.kind,
        ChannelKind::Named { private: true, .. }
    ));
    channel.id
}

/// What `live` hears next of `channel`'s settings.
async fn updated(live: &mut Live, channel: ChannelId) -> ChannelKind {
    let heard = live
        .event_where(|e| matches!(e, ServerMsg::ChannelUpdated { channel: c, .. } if *c == channel))
        .await;
    match heard {
        ServerMsg::ChannelUpdated { kind, .. } => kind,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn moderators_rename_and_set_the_topic_and_every_member_hears_it() {
    let server = TestServer::start().await;
    let (_admin, _admin_live) = user(&server, "root").await;
    let (_bob_browser, mut bob) = user(&server, "bob").await;
    let (carol_browser, mut carol) = user(&server, "carol").await;
    let (_dave_browser, mut dave) = user(&server, "dave").await;
    let carol_id = carol_browser.me().await.expect("me").id;
    let ops = create(&mut bob, "ops").await;
    join(&mut carol, ops).await;
    join(&mut dave, ops).await;

    // A member changes nothing.
    let said = refused(
        configure(
            &mut carol,
            ops,
            ChannelChange::Topic {
                topic: "mine".into(),
            },
        )
        .await,
    );
    assert_eq!(said, "only the channel's moderators can change that");

    // The owner appoints carol, who then sets a topic in any script.
    moderate(&mut bob, ops, carol_id, ModAction::Appoint)
        .await
        .expect("the owner appoints carol");
    let topic = "  Déploiements · 日本語 · Привет · العربية 🚀 ";
    configure(
        &mut carol,
        ops,
        ChannelChange::Topic {
            topic: topic.into(),
        },
    )
    .await
    .expect("a moderator sets the topic");
    let heard = updated(&mut dave, ops).await;
    assert_eq!(
        heard,
        ChannelKind::Named {
            name: "ops".into(),
            topic: "Déploiements · 日本語 · Привет · العربية 🚀".into(),
            private: false,
            archived: false,
        }
    );

    // Renamed: every member hears it, a taken name is refused, and a bad
    // one is refused with the rule.
    configure(
        &mut carol,
        ops,
        ChannelChange::Rename {
            name: "operations".into(),
        },
    )
    .await
    .expect("rename");
    assert!(matches!(
        updated(&mut dave, ops).await,
        ChannelKind::Named { name, .. } if name == "operations"
    ));
    create(&mut dave, "taken").await;
    let said = configure(
        &mut bob,
        ops,
        ChannelChange::Rename {
            name: "TAKEN".into(),
        },
    )
    .await;
    assert_eq!(said, Err(ProtocolError::from(Refused::ChannelNameTaken)));
    let said = refused(
        configure(
            &mut bob,
            ops,
            ChannelChange::Rename {
                name: "日本語".into(),
            },
        )
        .await,
    );
    assert!(said.contains("may only contain"), "{said}");
    let said = refused(
        configure(
            &mut bob,
            ops,
            ChannelChange::Topic {
                topic: "x".repeat(251),
            },
        )
        .await,
    );
    assert_eq!(said, "a topic can be at most 250 characters");

    // A sync carries the channel as it is now.
    let (channels, _) = dave.sync(Vec::new()).await;
    let now = channels.iter().find(|c| c.id == ops).expect("ops");
    assert!(matches!(&now.kind, ChannelKind::Named { name, .. } if name == "operations"));

    // The rename is in the audit log under the old name; the topic is not.
    let log = server.state.store.audit_log(None, 10).await.expect("log");
    let entry = log
        .iter()
        .find(|e| e.what == Audited::RenamedChannel)
        .expect("rename recorded");
    assert_eq!(
        (
            entry.actor.as_deref(),
            entry.target.as_str(),
            entry.channel.as_deref()
        ),
        (Some("carol"), "ops", Some("operations"))
    );
}

#[tokio::test]
async fn an_archived_channel_is_read_only_until_its_owner_restores_it() {
    let server = TestServer::start().await;
    let (_admin_browser, mut admin) = user(&server, "root").await;
    let (_bob_browser, mut bob) = user(&server, "bob").await;
    let (carol_browser, mut carol) = user(&server, "carol").await;
    let carol_id = carol_browser.me().await.expect("me").id;
    let old = create(&mut bob, "old").await;
    join(&mut carol, old).await;
    let said = carol.say(old, "before the archive").await;
    moderate(&mut bob, old, carol_id, ModAction::Appoint)
        .await
        .expect("the owner appoints carol");

    // A moderator cannot archive; General cannot be archived at all.
    let archive = ChannelChange::Archive { archived: true };
    let said_no = refused(configure(&mut carol, old, archive.clone()).await);
    assert_eq!(
        said_no,
        "only the channel's owner can archive or restore it"
    );
    let said_no = refused(configure(&mut admin, ChannelId::GENERAL, archive.clone()).await);
    assert_eq!(said_no, "General stays open");

    configure(&mut bob, old, archive.clone())
        .await
        .expect("archive");
    assert!(updated(&mut carol, old).await.is_archived());
    // Nothing is written: no message, no edit, no reaction, no rename.
    assert_eq!(
        send(&mut carol, old, ClientId(uuid::Uuid::new_v4()), "after").await,
        Err(ProtocolError::from(Refused::Archived))
    );
    let edit = carol
        .request(|req| ClientMsg::Edit {
            req,
            channel: old,
            message: said.id,
            text: "changed".into(),
        })
        .await;
    assert_eq!(edit, Err(ProtocolError::from(Refused::Archived)));
    let renamed = configure(
        &mut carol,
        old,
        ChannelChange::Rename {
            name: "older".into(),
        },
    )
    .await;
    assert_eq!(renamed, Err(ProtocolError::from(Refused::Archived)));
    // It is still there to read.
    let page = server
        .state
        .store
        .history(old, app::protocol::PageAt::Latest, 10, carol_id)
        .await
        .expect("history");
    assert_eq!(page.len(), 1);

    // An administrator restores it (as its owner could), and it is open.
    configure(&mut admin, old, ChannelChange::Archive { archived: false })
        .await
        .expect("restore");
    assert!(!updated(&mut carol, old).await.is_archived());
    assert!(matches!(
        send(&mut carol, old, ClientId(uuid::Uuid::new_v4()), "after").await,
        Ok(Reply::Sent { .. })
    ));
    let log = server.state.store.audit_log(None, 10).await.expect("log");
    let kinds: Vec<Audited> = log.iter().map(|e| e.what).collect();
    assert!(kinds.starts_with(&[Audited::RestoredChannel, Audited::ArchivedChannel]));
    assert_eq!(log[0].actor.as_deref(), Some("root"));
    assert_eq!(log[1].target, "old");
}

#[tokio::test]
async fn a_private_channel_is_seen_and_read_only_by_its_members() {
    let server = TestServer::start_with(|config| {
        config.rate_search = "1000/s".parse().expect("rate");
    })
    .await;
    let (_root, _root_live) = user(&server, "root").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let (carol_browser, mut carol) = user(&server, "carol").await;
    let (dave_browser, mut dave) = user(&server, "dave").await;
    let carol_id = carol_browser.me().await.expect("me").id;
    let dave_id = dave_browser.me().await.expect("me").id;
    let secret = create_private(&mut bob, "secret plans").await;
    bob.say(secret, "the wombat surprise, 日本語 too").await;

    // Outsiders neither find it, nor join it, nor search it.
    let listed = |reply: Result<Reply, ProtocolError>| match reply {
        Ok(Reply::Directory { channels }) => channels
            .into_iter()
            .map(|c| (c.name, c.joined))
            .collect::<Vec<_>>(),
        other => panic!("browse failed: {other:?}"),
    };
    let seen = listed(
        carol
            .request(|req| ClientMsg::BrowseChannels {
                req,
                query: "secret".into(),
            })
            .await,
    );
    assert!(seen.is_empty(), "{seen:?}");
    let joined = carol
        .request(|req| ClientMsg::JoinChannel {
            req,
            channel: secret,
        })
        .await;
    assert_eq!(joined, Err(ProtocolError::NotMember));
    assert_eq!(
        send(
            &mut carol,
            secret,
            ClientId(uuid::Uuid::new_v4()),
            "let me in"
        )
        .await,
        Err(ProtocolError::NotMember)
    );
    assert_eq!(hits(&search(&carol_browser, "wombat").await.1), 0);
    // Its member does.
    let seen = listed(
        bob.request(|req| ClientMsg::BrowseChannels {
            req,
            query: "secret".into(),
        })
        .await,
    );
    assert_eq!(seen, [("secret plans".to_owned(), true)]);
    assert_eq!(hits(&search(&bob_browser, "wombat").await.1), 1);

    // Invited, carol sees it at once and reads it; its members hear the
    // new count.
    invite(&mut bob, secret, vec![carol_id])
        .await
        .expect("invite");
    let added = carol
        .event_where(|e| matches!(e, ServerMsg::ChannelAdded { channel } if channel.id == secret))
        .await;
    assert!(matches!(
        added,
        ServerMsg::ChannelAdded { channel } if matches!(channel.kind, ChannelKind::Named { private: true, .. })
    ));
    bob.event_where(
        |e| matches!(e, ServerMsg::MemberCount { channel, count: 2 } if *channel == secret),
    )
    .await;
    assert_eq!(hits(&search(&carol_browser, "wombat").await.1), 1);
    carol.say(secret, "thanks").await;
    // Inviting again adds nobody, and any member may invite.
    invite(&mut bob, secret, vec![carol_id])
        .await
        .expect("again");
    invite(&mut carol, secret, vec![dave_id])
        .await
        .expect("a member invites");
    dave.event_where(|e| matches!(e, ServerMsg::ChannelAdded { channel } if channel.id == secret))
        .await;

    // Outsiders cannot invite, nobody invites into General, the banned are
    // not let back in, and unknown people are refused.
    let (_erin_browser, mut erin) = user(&server, "erin").await;
    assert_eq!(
        invite(&mut erin, secret, vec![carol_id]).await,
        Err(ProtocolError::NotMember)
    );
    let said = refused(invite(&mut bob, ChannelId::GENERAL, vec![carol_id]).await);
    assert_eq!(
        said,
        "everyone is in General, and a conversation is between its two people"
    );
    moderate(&mut bob, secret, dave_id, ModAction::Ban)
        .await
        .expect("the owner bans dave");
    let said = refused(invite(&mut carol, secret, vec![dave_id]).await);
    assert_eq!(said, "dave is banned from this channel");
    assert_eq!(
        invite(&mut bob, secret, vec![UserId(9_999)]).await,
        Err(ProtocolError::UserNotFound)
    );
    let said = refused(invite(&mut bob, secret, Vec::new()).await);
    assert_eq!(said, "invite between 1 and 50 people at once");
    // Leaving is as for any channel: a private one cannot be joined again.
    let left = carol
        .request(|req| ClientMsg::LeaveChannel {
            req,
            channel: secret,
        })
        .await;
    assert_eq!(left, Ok(Reply::Done));
    assert_eq!(hits(&search(&carol_browser, "wombat").await.1), 0);
}
