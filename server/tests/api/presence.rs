//! Presence and typing, with real sockets and a short grace delay.

use std::time::{Duration, Instant};

use app::{
    model::{ChannelId, UserId},
    protocol::{ClientMsg, Reply, ServerMsg},
};

use crate::{browser::Browser, common::TestServer, live::Live};

const PASSWORD: &str = "correct horse battery";
const GRACE: Duration = Duration::from_millis(400);

async fn server() -> TestServer {
    TestServer::start_with(|config| config.presence_grace_ms = 400).await
}

async fn user(server: &TestServer, name: &str) -> (Browser, Live) {
    let browser = Browser::new(&server.base());
    browser.sign_up(name, PASSWORD).await.unwrap();
    let live = Live::connect(&browser).await;
    (browser, live)
}

#[tokio::test]
async fn offline_comes_after_the_grace_delay_and_not_while_another_tab_stays() {
    let server = server().await;
    let (alice_browser, alice_tab1) = user(&server, "alice").await;
    let alice_tab2 = Live::connect(&alice_browser).await;
    let alice = alice_tab1.user.id;
    let (_, mut bob) = user(&server, "bob").await;
    assert_eq!(bob.watch(vec![alice]).await, vec![alice]);

    // One tab closes: Alice is still online, well past the grace delay.
    drop(alice_tab1);
    tokio::time::sleep(GRACE * 3).await;
    assert_eq!(bob.watch(vec![alice]).await, vec![alice]);

    // The last tab closes: offline, once the grace delay has passed.
    let closed = Instant::now();
    drop(alice_tab2);
    assert_eq!(bob.presence_event().await, (alice, false));
    assert!(
        closed.elapsed() >= GRACE.mul_f32(0.9),
        "offline after {:?}",
        closed.elapsed()
    );

    // And back.
    let _alice_again = Live::connect(&alice_browser).await;
    assert_eq!(bob.presence_event().await, (alice, true));
}

#[tokio::test]
async fn coming_back_within_the_grace_delay_is_not_going_offline() {
    let server = server().await;
    let (alice_browser, alice_tab) = user(&server, "alice").await;
    let alice = alice_tab.user.id;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    bob.watch(vec![alice]).await;

    drop(alice_tab);
    let _reloaded = Live::connect(&alice_browser).await;
    tokio::time::sleep(GRACE * 3).await;
    // Had Alice gone offline and come back, Bob would have heard both; the
    // first presence news he gets is about Carol, who signs up now.
    let carol_browser = Browser::new(&bob_browser.url(""));
    carol_browser.sign_up("carol", PASSWORD).await.unwrap();
    let carol = Live::connect(&carol_browser).await;
    bob.watch(vec![alice, carol.user.id]).await;
    drop(carol);
    assert_eq!(bob.presence_event().await.0, UserId(3));
}

#[tokio::test]
async fn only_users_who_share_a_channel_are_followed() {
    let server = server().await;
    let (_, alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let bob_id = bob.user.id;
    let online = bob.watch(vec![alice.user.id, UserId(9999), bob_id]).await;
    assert_eq!(online, vec![alice.user.id, bob_id]);

    let too_many = bob
        .request(|req| ClientMsg::Watch {
            req,
            users: vec![UserId(1); 501],
        })
        .await;
    assert!(too_many.is_err());
}

#[tokio::test]
async fn nobody_stays_online_after_a_restart_or_a_crash() {
    let server = server().await;
    let (alice_browser, _alice) = user(&server, "alice").await;
    let alice = Live::connect(&alice_browser).await.user.id;

    // A crashed node left a row behind, with a heartbeat long gone.
    let db = server.db().await;
    db.execute("INSERT INTO nodes (id, started_at, heartbeat_at) VALUES ('crashed', 0, 0)")
        .await;
    db.execute(&format!(
        "INSERT INTO presence (user_id, node_id, since) VALUES ({alice}, 'crashed', 0)"
    ))
    .await;

    let server = server.restart().await;
    let (_, mut bob) = user(&server, "bob").await;
    assert_eq!(
        bob.watch(vec![alice]).await,
        vec![],
        "Alice is not connected to the new process"
    );
    assert_eq!(server.count("presence WHERE node_id = 'crashed'").await, 0);
}

#[tokio::test]
async fn members_are_listed_online_first_with_counts() {
    let server = server().await;
    let (_, alice) = user(&server, "alice").await;
    let (_, bob) = user(&server, "bob").await;
    let (_, mut carol) = user(&server, "carol").await;
    carol.watch(vec![alice.user.id, bob.user.id]).await;
    // Bob's only connection closes; wait until his grace delay is over.
    let bob_id = bob.user.id;
    drop(bob);
    assert_eq!(carol.presence_event().await, (bob_id, false));

    let reply = carol
        .request(|req| ClientMsg::Members {
            req,
            channel: ChannelId::GENERAL,
        })
        .await
        .unwrap();
    let Reply::Members {
        members,
        total,
        online,
        ..
    } = reply
    else {
        panic!("{reply:?}")
    };
    assert_eq!((total, online), (3, 2));
    let order: Vec<(&str, bool)> = members
        .iter()
        .map(|m| (m.user.username.as_str(), m.online))
        .collect();
    assert_eq!(order, [("alice", true), ("carol", true), ("bob", false)]);
}

#[tokio::test]
async fn typing_reaches_the_channel_and_stops_when_the_typer_leaves() {
    let server = server().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let general = ChannelId::GENERAL;

    alice
        .request(|req| ClientMsg::Typing {
            req,
            channel: general,
            typing: true,
        })
        .await
        .unwrap();
    let typing = bob
        .event_where(|e| matches!(e, ServerMsg::Typing { .. }))
        .await;
    assert!(
        matches!(typing, ServerMsg::Typing { channel, ref user, typing: true } if channel == general && user.username == "alice")
    );

    drop(alice);
    let stopped = bob
        .event_where(|e| matches!(e, ServerMsg::Typing { .. }))
        .await;
    assert!(
        matches!(stopped, ServerMsg::Typing { typing: false, .. }),
        "{stopped:?}"
    );

    let outsider = bob
        .request(|req| ClientMsg::Typing {
            req,
            channel: ChannelId(4242),
            typing: true,
        })
        .await;
    assert!(outsider.is_err(), "not a member");
}
