//! Restarts: SIGTERM, as a service manager sends it, stops a node within its
//! deadline, with every WebSocket closed as "service restart" (1012) so that
//! clients reconnect at once and catch up.

use std::{io::Write, net::TcpStream, time::Duration};

use app::{
    model::ChannelId,
    protocol::{Cursor, Seq, CLOSE_RESTART},
};

use crate::{browser::Browser, common::on_postgres, live::Live, process::Process};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;

#[tokio::test]
async fn sigterm_closes_every_socket_as_a_restart_and_clients_catch_up_after() {
    if on_postgres() {
        return;
    }
    let data = tempfile::tempdir().expect("data directory");
    let mut node = Process::start(data.path(), &[]).await;
    let (alice, mut bob) = (Browser::new(&node.base), Browser::new(&node.base));
    alice.sign_up("alice", PASSWORD).await.unwrap();
    bob.sign_up("bob", PASSWORD).await.unwrap();
    let mut alice_live = Live::connect(&alice).await;
    let mut bob_live = Live::connect(&bob).await;
    let before = alice_live.say(GENERAL, "до перезапуска 🔄").await;
    assert_eq!(bob_live.next_message().await, before);

    let status = node.terminate().await;
    assert!(status.success(), "a clean exit: {status}");
    assert_eq!(alice_live.closed().await, Some(CLOSE_RESTART));
    assert_eq!(bob_live.closed().await, Some(CLOSE_RESTART));

    // While bob is away, alice writes; bob catches up from his cursor.
    let node = node.restart().await;
    bob.rebase(&node.base);
    let mut alice_live = Live::connect(&alice).await;
    let after = alice_live.say(GENERAL, "再起動の後").await;
    let mut bob_live = Live::connect(&bob).await;
    let (_, catch_up) = bob_live
        .sync(vec![Cursor {
            channel: GENERAL,
            rev: before.rev,
        }])
        .await;
    let caught: Vec<Seq> = catch_up
        .iter()
        .flat_map(|channel| channel.messages.iter().map(|m| m.seq))
        .collect();
    assert_eq!(caught, vec![after.seq]);
}

#[tokio::test]
async fn a_request_that_never_finishes_does_not_hold_a_shutdown_past_its_deadline() {
    if on_postgres() {
        return;
    }
    let data = tempfile::tempdir().expect("data directory");
    let env = [
        ("BANTER_SHUTDOWN_TIMEOUT_MS", "500"),
        ("BANTER_REQUEST_TIMEOUT_MS", "600000"),
    ];
    let mut node = Process::start(data.path(), &env).await;
    // A request whose body never ends: without the deadline, the shutdown
    // would wait for it for the whole request timeout (ten minutes here).
    let mut stuck = TcpStream::connect(("127.0.0.1", node.port)).expect("connect");
    write!(
        stuck,
        "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \
         application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a"
    )
    .expect("a partial request");
    // Nothing tells from outside when the server has read the headers; give
    // it a moment, or the stop would find no request in progress.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let status = node.terminate().await;
    assert!(status.success(), "{status}");
    drop(stuck);
}
