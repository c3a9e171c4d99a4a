//! Several nodes on one PostgreSQL database acting as one server: each test
//! starts two (or three) Banter nodes on the same database and connects users
//! to different nodes. They run when the suite runs on PostgreSQL.

use std::time::Duration;

use app::{
    model::ChannelId,
    protocol::{
        ChangeKind, ChannelChange, ChannelKind, ClientMsg, Cursor, Reply, Seq, ServerMsg,
        CLOSE_LAGGING, CLOSE_SESSION_ENDED,
    },
};

use crate::{
    browser::Browser,
    changes::{catch_up, delete, edit, next_change, react},
    common::{on_postgres, until_ready, TestServer},
    live::Live,
    process::Process,
};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;
const GRACE_MS: u64 = 400;

/// Two nodes on one fresh database and one bucket for files, as several
/// nodes are deployed, with a short presence grace delay; `None` when the
/// suite runs on SQLite.
async fn two_nodes() -> Option<(TestServer, TestServer)> {
    if !on_postgres() {
        return None;
    }
    let a = TestServer::start_on_s3(|config| config.presence_grace_ms = GRACE_MS).await;
    let b = a.another_node().await;
    Some((a, b))
}

/// A new user signed up through `node`.
async fn sign_up(node: &TestServer, name: &str) -> Browser {
    let browser = Browser::new(&node.base());
    browser.sign_up(name, PASSWORD).await.unwrap();
    browser
}

/// A socket of `browser`'s user on `node`.
async fn connect(browser: &mut Browser, node: &TestServer) -> Live {
    browser.rebase(&node.base());
    Live::connect(browser).await
}

#[tokio::test]
async fn a_message_sent_through_one_node_reaches_members_on_the_other() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut alice_on_b = connect(&mut alice, &b).await;
    let mut bob_on_b = connect(&mut bob, &b).await;

    let sent = alice_on_a.say(GENERAL, "hello from a").await;
    assert_eq!(bob_on_b.next_message().await, sent);
    assert_eq!(
        alice_on_b.next_message().await,
        sent,
        "the sender's other tab"
    );
    assert_eq!(
        alice_on_a.next_message().await,
        sent,
        "the sender's own tab"
    );

    let reply = bob_on_b.say(GENERAL, "hello from b").await;
    assert_eq!(alice_on_a.next_message().await, reply);
}

#[tokio::test]
async fn channel_events_cross_nodes() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut alice_on_b = connect(&mut alice, &b).await;
    let mut bob_on_b = connect(&mut bob, &b).await;

    let rust = match alice_on_a
        .request(|req| ClientMsg::CreateChannel {
            req,
            name: "rust".into(),
            private: false,
        })
        .await
    {
        Ok(Reply::Channel { channel }) => channel.id,
        other => panic!("{other:?}"),
    };
    let added = alice_on_b
        .event_where(|e| matches!(e, ServerMsg::ChannelAdded { .. }))
        .await;
    assert!(matches!(added, ServerMsg::ChannelAdded { channel } if channel.id == rust));

    let joined = bob_on_b
        .request(|req| ClientMsg::JoinChannel { req, channel: rust })
        .await;
    assert!(matches!(joined, Ok(Reply::Channel { .. })), "{joined:?}");
    let sent = alice_on_a.say(rust, "welcome").await;
    assert_eq!(bob_on_b.next_message().await, sent);

    // A new topic, set on one node, reaches members on the other.
    let set = alice_on_a
        .request(|req| ClientMsg::Configure {
            req,
            channel: rust,
            change: ChannelChange::Topic {
                topic: "錆 · ржавчина".into(),
            },
        })
        .await;
    assert_eq!(set, Ok(Reply::Done));
    let heard = bob_on_b
        .event_where(|e| matches!(e, ServerMsg::ChannelUpdated { .. }))
        .await;
    assert!(matches!(
        heard,
        ServerMsg::ChannelUpdated { channel, kind: ChannelKind::Named { topic, .. } }
            if channel == rust && topic == "錆 · ржавчина"
    ));
    // Someone invited into a private channel on one node sees it on the
    // other at once.
    let hidden = crate::chat::create_as(&mut alice_on_a, "hidden", true)
        .await
        .id;
    let bob_id = bob_on_b.user.id;
    let invited = alice_on_a
        .request(|req| ClientMsg::Invite {
            req,
            channel: hidden,
            users: vec![bob_id],
        })
        .await;
    assert_eq!(invited, Ok(Reply::Done));
    bob_on_b
        .event_where(|e| matches!(e, ServerMsg::ChannelAdded { channel } if channel.id == hidden))
        .await;
    let sent = alice_on_a.say(hidden, "just us").await;
    assert_eq!(bob_on_b.next_message().await, sent);
}

#[tokio::test]
async fn a_large_message_crosses_nodes_whole() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut bob_on_b = connect(&mut bob, &b).await;

    // 5,000 four-byte characters: 20 KB, far over a notification's 8,000.
    let text = "🦀".repeat(5000);
    let sent = alice_on_a.say(GENERAL, &text).await;
    let received = bob_on_b.next_message().await;
    assert_eq!(received, sent);
    assert_eq!(received.text, text);
}

#[tokio::test]
async fn concurrent_writers_on_two_nodes_are_heard_in_seq_order_everywhere() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut listener = sign_up(&a, "listener").await;
    let mut on_a = connect(&mut listener, &a).await;
    let mut on_b = connect(&mut listener, &b).await;
    let mut tasks = Vec::new();
    for (i, node) in [&a, &b, &a, &b].into_iter().enumerate() {
        let mut sender = sign_up(node, &format!("sender{i}")).await;
        let mut live = connect(&mut sender, node).await;
        tasks.push(tokio::spawn(async move {
            for n in 0..25 {
                live.say(GENERAL, &format!("{i}:{n}")).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    for expected in 1..=100 {
        assert_eq!(on_a.next_message().await.seq, Seq(expected));
        assert_eq!(on_b.next_message().await.seq, Seq(expected));
    }
}

#[tokio::test]
async fn a_user_stays_online_while_a_tab_on_either_node_is_open() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let alice_on_a = connect(&mut alice, &a).await;
    let alice_on_b = connect(&mut alice, &b).await;
    let alice_id = alice_on_a.user.id;
    let mut bob_on_b = connect(&mut bob, &b).await;
    assert_eq!(bob_on_b.watch(vec![alice_id]).await, vec![alice_id]);

    drop(alice_on_a);
    tokio::time::sleep(Duration::from_millis(GRACE_MS * 3)).await;
    assert_eq!(
        bob_on_b.watch(vec![alice_id]).await,
        vec![alice_id],
        "still online through node B"
    );

    drop(alice_on_b);
    // Under load, the announcement of her coming online through node A may
    // reach bob only now; what matters is that he hears her go offline.
    bob_on_b
        .event_where(
            |e| matches!(e, ServerMsg::Presence { user, online: false } if *user == alice_id),
        )
        .await;
}

#[tokio::test]
async fn presence_from_one_node_is_announced_on_the_other() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut bob_on_b = connect(&mut bob, &b).await;
    let alice_id = alice.me().await.unwrap().id;
    assert_eq!(bob_on_b.watch(vec![alice_id]).await, vec![]);

    let alice_on_a = connect(&mut alice, &a).await;
    assert_eq!(bob_on_b.presence_event().await, (alice_id, true));
    drop(alice_on_a);
    assert_eq!(bob_on_b.presence_event().await, (alice_id, false));
}

#[tokio::test]
async fn typing_on_one_node_shows_on_the_other_and_stops_there_too() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut bob_on_b = connect(&mut bob, &b).await;
    let alice_id = alice_on_a.user.id;

    for typing in [true, false] {
        alice_on_a
            .request(|req| ClientMsg::Typing {
                req,
                channel: GENERAL,
                typing,
            })
            .await
            .unwrap();
        let heard = bob_on_b
            .event_where(|e| matches!(e, ServerMsg::Typing { .. }))
            .await;
        assert!(
            matches!(heard, ServerMsg::Typing { channel: GENERAL, ref user, typing: t } if user.id == alice_id && t == typing),
            "{heard:?}"
        );
    }
}

#[tokio::test]
async fn logging_out_through_one_node_closes_the_sessions_sockets_on_every_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut on_a = connect(&mut alice, &a).await;
    let mut on_b = connect(&mut alice, &b).await;
    alice.rebase(&a.base());
    alice.log_out().await.unwrap();
    assert_eq!(on_a.closed().await, Some(CLOSE_SESSION_ENDED));
    assert_eq!(on_b.closed().await, Some(CLOSE_SESSION_ENDED));
}

#[tokio::test]
async fn signing_out_everywhere_else_through_one_node_closes_the_other_sockets_on_every_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut phone = Browser::new(&b.base());
    phone.log_in("alice", PASSWORD).await.unwrap();
    let mut phone_on_a = connect(&mut phone, &a).await;
    let mut phone_on_b = connect(&mut phone, &b).await;
    let mut kept_on_b = connect(&mut alice, &b).await;
    alice.rebase(&a.base());
    alice
        .call::<()>(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "Привет 日本語 🔑"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(phone_on_a.closed().await, Some(CLOSE_SESSION_ENDED));
    assert_eq!(phone_on_b.closed().await, Some(CLOSE_SESSION_ENDED));
    // The session that asked keeps its socket on the other node.
    let said = kept_on_b.say(GENERAL, "still here").await;
    assert_eq!(said.text, "still here");
}

#[tokio::test]
async fn an_account_deactivated_through_one_node_is_signed_out_on_every_node() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    // The first account is an administrator.
    let mut admin = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut bob_on_a = connect(&mut bob, &a).await;
    let mut bob_on_b = connect(&mut bob, &b).await;
    admin.rebase(&a.base());
    admin
        .call::<()>(
            "admin_act",
            &[("username", "bob"), ("action", "deactivate")],
        )
        .await
        .expect("deactivated");
    assert_eq!(bob_on_a.closed().await, Some(CLOSE_SESSION_ENDED));
    assert_eq!(bob_on_b.closed().await, Some(CLOSE_SESSION_ENDED));
    // Nor can he sign in again through either node.
    for node in [&a, &b] {
        let again = Browser::new(&node.base());
        assert!(again.log_in("bob", PASSWORD).await.is_err());
    }
    // The administrator's own socket stands.
    let said = connect(&mut admin, &b).await.say(GENERAL, "Привет").await;
    assert_eq!(said.text, "Привет");
}

#[tokio::test]
async fn the_users_of_a_killed_node_go_offline_on_the_others() {
    let Some((a, _b)) = two_nodes().await else {
        return;
    };
    let url = a.state.config.database_url();
    let data = tempfile::tempdir().expect("data directory");
    let mut doomed = Process::start(
        data.path(),
        &[
            ("BANTER_DATABASE_URL", url.as_str()),
            ("BANTER_PRESENCE_GRACE_MS", &GRACE_MS.to_string()),
        ],
    )
    .await;

    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&a, "bob").await;
    let mut bob_on_a = connect(&mut bob, &a).await;
    alice.rebase(&doomed.base);
    let alice_there = Live::connect(&alice).await;
    let alice_id = alice_there.user.id;
    assert_eq!(bob_on_a.watch(vec![alice_id]).await, vec![alice_id]);

    // SIGKILL: no goodbye, the presence row stays until the node is reaped.
    doomed.kill();
    // (Bob may first hear the "online" the other node announced.)
    bob_on_a
        .event_where(
            |e| matches!(e, ServerMsg::Presence { user, online: false } if *user == alice_id),
        )
        .await;
    drop(alice_there);
}

#[tokio::test]
async fn after_a_node_restarts_its_clients_catch_up_on_what_they_missed() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut bob_on_b = connect(&mut bob, &b).await;
    let seen = alice_on_a.say(GENERAL, "before").await;
    assert_eq!(bob_on_b.next_message().await, seen);

    // Node B goes down (its sockets close); Alice goes on talking on A.
    let b = b.restart().await;
    assert!(bob_on_b.closed().await.is_some());
    let mut missed = Vec::new();
    for text in ["one", "two", "three"] {
        missed.push(alice_on_a.say(GENERAL, text).await);
    }

    let mut bob_on_b = connect(&mut bob, &b).await;
    let (_, catch_up) = bob_on_b
        .sync(vec![Cursor {
            channel: GENERAL,
            rev: seen.rev,
        }])
        .await;
    assert_eq!(catch_up.len(), 1);
    assert_eq!(catch_up[0].messages, missed);
    let live = alice_on_a.say(GENERAL, "and live again").await;
    assert_eq!(bob_on_b.next_message().await, live);
}

#[tokio::test]
async fn a_node_that_lost_its_link_sends_its_clients_to_catch_up() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut bob_on_b = connect(&mut bob, &b).await;

    // Cut every node's listening connection, as a network blip would.
    a.db()
        .await
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await;
    assert_eq!(bob_on_b.closed().await, Some(CLOSE_LAGGING));
    assert_eq!(alice_on_a.closed().await, Some(CLOSE_LAGGING));

    // The nodes listen again (and say so: a socket opened before they did
    // is sent to catch up once more): a new socket hears the other node's
    // messages.
    for node in [&a, &b] {
        until_ready(&node.url("/readyz")).await;
    }
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut bob_on_b = connect(&mut bob, &b).await;
    let sent = alice_on_a.say(GENERAL, "still here").await;
    assert_eq!(bob_on_b.next_message().await, sent);
}

#[tokio::test]
async fn changes_made_through_one_node_reach_the_other_live_and_on_catch_up() {
    let Some((a, b)) = two_nodes().await else {
        return;
    };
    let mut alice = sign_up(&a, "alice").await;
    let mut bob = sign_up(&b, "bob").await;
    let mut alice_on_a = connect(&mut alice, &a).await;
    let mut bob_on_b = connect(&mut bob, &b).await;
    let sent = alice_on_a.say(GENERAL, "from a").await;
    assert_eq!(bob_on_b.next_message().await.id, sent.id);

    edit(&mut alice_on_a, &sent, "from a, edited")
        .await
        .unwrap();
    let edited = next_change(&mut bob_on_b).await;
    assert!(matches!(&edited.what, ChangeKind::Edited { text, .. } if text == "from a, edited"));
    react(&mut bob_on_b, &sent, "🦀", true).await.unwrap();
    assert_eq!(next_change(&mut alice_on_a).await.rev, edited.rev);
    let reacted = next_change(&mut alice_on_a).await;
    assert!(matches!(&reacted.what, ChangeKind::Reacted { user, .. } if user.username == "bob"));
    assert_eq!(
        reacted.rev.0,
        edited.rev.0 + 1,
        "one revision order on both nodes"
    );

    drop(bob_on_b);
    delete(&mut alice_on_a, &sent).await.unwrap();
    let mut bob_on_b = connect(&mut bob, &b).await;
    let missed = catch_up(&mut bob_on_b, reacted.rev)
        .await
        .expect("the delete");
    assert_eq!(missed.messages.len(), 1);
    assert!(missed.messages[0].deleted.is_deleted() && missed.messages[0].reactions.is_empty());
    assert_eq!(missed.rev.0, reacted.rev.0 + 1);
    assert_eq!(catch_up(&mut bob_on_b, missed.rev).await, None);
}
