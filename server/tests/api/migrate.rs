//! `banter migrate-to`: a Banter that ran on SQLite moves to PostgreSQL with
//! everything, and carries on there as if nothing had happened: the same
//! people with the same passwords and sessions, the same channels, history
//! and read markers, and new messages and users after the old ones.

use std::time::Instant;

use app::{
    model::{ChannelId, UserId},
    protocol::{ChannelChange, ClientMsg, Cursor, ModAction, Reply, Rev, Seq},
};

use crate::{
    browser::Browser,
    common::{on_postgres, Db, PgDatabase},
    live::Live,
    process::{run_to_end, Process},
};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;
const SEEDED_MESSAGES: u32 = 20_000;
const ENV: [(&str, &str); 2] = [("BANTER_SEND_RATE", "1000"), ("BANTER_SEND_BURST", "1000")];

#[tokio::test]
async fn a_sqlite_banter_moves_to_postgres_whole_and_carries_on_there() {
    if !on_postgres() {
        return;
    }
    let data = tempfile::tempdir().expect("data directory");
    let sessions = data.path().join("sessions.txt");
    let seeded = run_to_end(
        data.path(),
        &[
            "seed",
            "--users",
            "50",
            "--channels",
            "3",
            "--members",
            "20",
            "--messages",
            &SEEDED_MESSAGES.to_string(),
            "--out",
            sessions.to_str().expect("a UTF-8 path"),
        ],
        &[],
    )
    .await;
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );

    let mut node = Process::start(data.path(), &ENV).await;
    let (mut alice, bob) = (Browser::new(&node.base), Browser::new(&node.base));
    alice.sign_up("alice", PASSWORD).await.unwrap();
    // A display name.
    alice
        .call::<()>("set_profile", &[("display_name", "Алиса 日本語")])
        .await
        .expect("named");
    bob.sign_up("bob", PASSWORD).await.unwrap();
    let mut alice_live = Live::connect(&alice).await;
    let mut bob_live = Live::connect(&bob).await;
    let room = match alice_live
        .request(|req| ClientMsg::OpenDirect {
            req,
            user: bob_live.user.id,
        })
        .await
    {
        Ok(Reply::Channel { channel }) => channel.id,
        other => panic!("open a conversation: {other:?}"),
    };
    let mut written = Vec::new();
    for text in ["日本語で", "По-русски", "بالعربية", "🦀 with emoji"] {
        written.push(alice_live.say(GENERAL, text).await);
        written.push(alice_live.say(room, text).await);
    }
    // A file waiting for its message.
    let uploaded = alice
        .http
        .post(alice.url(&app::protocol::upload_url(room, "отчёт.txt")))
        .body("Привет")
        .send()
        .await
        .expect("upload");
    assert_eq!(uploaded.status(), reqwest::StatusCode::CREATED);
    // Alice's browser takes pushes, and her sessions are listed.
    let subscription = serde_json::json!({
        "endpoint": "https://push.example/alice/日本語",
        "keys": {
            "p256dh": "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY",
            "auth": "_ordMnz7uTCmrpBTeUV4Bw",
        },
    });
    let subscribed = alice
        .http
        .post(alice.url("/push/subscriptions"))
        .json(&subscription)
        .send()
        .await
        .expect("subscribe");
    assert_eq!(subscribed.status(), reqwest::StatusCode::NO_CONTENT);
    // Her session now carries a bumped epoch, which must move with her.
    alice
        .call::<()>("sign_out_elsewhere", &[])
        .await
        .expect("sign out everywhere else");
    // A channel alice owns, where she moderated bob: a message removed, a
    // timeout, and someone banned.
    let owned = crate::chat::create(&mut alice_live, "moved").await;
    crate::chat::join(&mut bob_live, owned).await;
    let spam = bob_live.say(owned, "スパム").await;
    let removed = alice_live
        .request(|req| ClientMsg::Delete {
            req,
            channel: owned,
            message: spam.id,
        })
        .await;
    assert!(matches!(removed, Ok(Reply::Revised { .. })), "{removed:?}");
    for (user, action) in [
        (bob_live.user.id, ModAction::TimeOut(60)),
        (UserId(3), ModAction::Ban),
    ] {
        let done = alice_live
            .request(|req| ClientMsg::Moderate {
                req,
                channel: owned,
                user,
                action,
            })
            .await;
        assert_eq!(done, Ok(Reply::Done));
    }
    // A private channel with a topic, archived: its details move with it.
    let private = crate::chat::create_as(&mut alice_live, "hidden", true)
        .await
        .id;
    for change in [
        ChannelChange::Topic {
            topic: "話題 · тема".into(),
        },
        ChannelChange::Archive { archived: true },
    ] {
        let done = alice_live
            .request(|req| ClientMsg::Configure {
                req,
                channel: private,
                change,
            })
            .await;
        assert_eq!(done, Ok(Reply::Done));
    }
    // A deleted account, whose name is held.
    let dave = Browser::new(&node.base);
    dave.sign_up("dave", PASSWORD).await.unwrap();
    dave.call::<()>("delete_account", &[("password", PASSWORD)])
        .await
        .expect("deleted");
    // A group conversation, and a block.
    let group = alice_live
        .request(|req| ClientMsg::OpenGroup {
            req,
            users: vec![bob_live.user.id, UserId(3)],
        })
        .await;
    assert!(matches!(group, Ok(Reply::Channel { .. })), "{group:?}");
    bob.call::<()>("block_user", &[("username", "ALICE")])
        .await
        .expect("blocked");
    // An administrator's action, in the audit log, made while it serves.
    let granted = run_to_end(data.path(), &["admin", "grant", "bob"], &[]).await;
    assert!(granted.status.success(), "{granted:?}");
    let target = PgDatabase::create().await;
    let url = target.url();

    // Not while a server has the SQLite database.
    let refused = run_to_end(data.path(), &["migrate-to", &url], &[]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use by a running banter"));

    drop(alice_live);
    drop(bob_live);
    assert!(node.terminate().await.success());
    let started = Instant::now();
    let moved = run_to_end(data.path(), &["migrate-to", &url], &[]).await;
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&moved.stdout);
    assert!(
        moved.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    assert!(
        said.contains("every count and fingerprint matches"),
        "{said}"
    );
    println!("migrate-to: {said}(the command took {took:?} in all)");

    let db = Db::Postgres(sqlx::PgPool::connect(&url).await.expect("database"));
    assert_eq!(db.scalar("SELECT COUNT(*) FROM users").await, 53);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM audit_log").await, 5);
    assert_eq!(
        db.scalar(
            "SELECT COUNT(*) FROM channels
             WHERE is_private AND topic = '話題 · тема' AND archived_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(db.scalar("SELECT COUNT(*) FROM channel_bans").await, 1);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM blocks").await, 1);
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM files WHERE name = 'отчёт.txt' AND size = 12")
            .await,
        1
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM channels WHERE kind = 'group'")
            .await,
        1
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM messages WHERE removed")
            .await,
        1
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM memberships WHERE muted_until IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM messages").await,
        i64::from(SEEDED_MESSAGES) + 9
    );

    // Served from PostgreSQL: alice's session still holds, bob logs in with
    // his password, and history is as it was.
    let pg_data = tempfile::tempdir().expect("data directory");
    let mut env = ENV.to_vec();
    env.push(("BANTER_DATABASE_URL", &url));
    let node = Process::start(pg_data.path(), &env).await;
    alice.rebase(&node.base);
    let me = alice.me().await.expect("still signed in");
    assert_eq!((&*me.username, &*me.display), ("alice", "Алиса 日本語"));
    let listed: Vec<app::chat::SessionInfo> = alice.call("sessions", &[]).await.expect("sessions");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].current, "her session, listed as it was");
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM push_subscriptions").await,
        1,
        "her push subscription, with her session"
    );
    let bob = Browser::new(&node.base);
    bob.log_in("bob", PASSWORD)
        .await
        .expect("the same password");

    let mut alice_live = Live::connect(&alice).await;
    let (channels, catch_up) = alice_live
        .sync(vec![
            Cursor {
                channel: GENERAL,
                rev: Rev(i64::from(SEEDED_MESSAGES)),
            },
            Cursor {
                channel: room,
                rev: Rev(0),
            },
        ])
        .await;
    assert!(channels.iter().any(|channel| channel.id == room));
    let mut caught: Vec<_> = catch_up.into_iter().flat_map(|c| c.messages).collect();
    caught.sort_by_key(|message| message.id);
    assert_eq!(caught, written, "the same messages, ids, seqs and times");

    let after = alice_live.say(GENERAL, "после переезда").await;
    assert_eq!(after.seq, Seq(i64::from(SEEDED_MESSAGES) + 5));
    assert!(after.id > written.last().expect("written").id);
    assert_eq!(
        Browser::new(&node.base).sign_up("DAVE", PASSWORD).await,
        Err(app::error::Refusal::UsernameHeld.into()),
        "dave's name is still held"
    );
    let carol = Browser::new(&node.base);
    carol.sign_up("carol", PASSWORD).await.unwrap();
    assert!(carol.me().await.unwrap().id > UserId(52));

    // Once is enough: the target now holds Banter's data.
    drop(node);
    let again = run_to_end(data.path(), &["migrate-to", &url], &[]).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds Banter data"));
}
