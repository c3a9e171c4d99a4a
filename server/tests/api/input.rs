//! What a user sends cannot break Banter: text in any script renders, text
//! the database would refuse is refused first, one bad row fails alone, a
//! sync is bounded however it is asked, and typing cannot flood a channel.

use app::{
    model::{ChannelId, MessageTextError},
    protocol::{
        ClientId, ClientMsg, Cursor, ProtocolError, Reply, Rev, Seq, ServerMsg, MAX_SYNC_BYTES,
    },
};
use server::store::{NewMessage, Silent, Stored, Write, Written};

use crate::{
    browser::Browser,
    common::{on_postgres, TestServer},
    live::Live,
};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;

/// Text in several scripts, each with a character straddling byte 7 or 8
/// (where a link's scheme ends).
const SCRIPTS: [&str; 6] = [
    "日本語",
    "Привет",
    "naïveté",
    "🦀🦀",
    "العربية",
    "見て https://例え.jp/パス",
];

async fn user(server: &TestServer, name: &str) -> (Browser, Live) {
    let browser = Browser::new(&server.base());
    browser.sign_up(name, PASSWORD).await.unwrap();
    let live = Live::connect(&browser).await;
    (browser, live)
}

async fn send(live: &mut Live, text: &str) -> Result<Reply, ProtocolError> {
    let text = text.to_owned();
    live.request(|req| ClientMsg::Send {
        req,
        channel: GENERAL,
        client_id: ClientId(uuid::Uuid::new_v4()),
        text,
        reply_to: None,
        files: Vec::new(),
    })
    .await
}

#[tokio::test]
async fn messages_in_any_script_render_on_the_channel_page() {
    let server = TestServer::start().await;
    let (browser, mut alice) = user(&server, "alice").await;
    for text in SCRIPTS {
        alice.say(GENERAL, text).await;
    }
    let page = browser.get("/c/1").await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.unwrap();
    for text in ["日本語", "Привет", "naïveté", "🦀🦀", "العربية", "見て "]
    {
        assert!(html.contains(text), "{text} is on the page");
    }
    assert!(html.contains(r#"<a href="https://例え.jp/パス""#));
}

#[tokio::test]
async fn control_characters_and_invisible_messages_are_refused_clearly() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    for text in ["nul \u{0} inside", "\u{0}", "bell\u{7}", "\u{1B}[2J"] {
        assert_eq!(
            send(&mut alice, text).await,
            Err(ProtocolError::Refused {
                reason: MessageTextError::ControlCharacter.to_string()
            }),
            "{text:?}"
        );
    }
    for text in ["\u{200B}", "\u{200B}\u{2060}\u{FEFF}", " \u{3164} "] {
        assert_eq!(
            send(&mut alice, text).await,
            Err(ProtocolError::Refused {
                reason: MessageTextError::Empty.to_string()
            }),
            "{text:?}"
        );
    }
    assert_eq!(server.count("messages").await, 0);
    // The same connection goes on working, with newlines and tabs kept.
    let kept = alice.say(GENERAL, "one\r\ntwo\tthree").await;
    assert_eq!(kept.text, "one\ntwo\tthree");
}

#[tokio::test]
async fn a_message_the_database_refuses_fails_alone_in_its_batch() {
    let server = TestServer::start().await;
    let (_, alice) = user(&server, "alice").await;
    let db = server.db().await;
    // A row that fails for a reason of the database's own.
    if on_postgres() {
        db.execute(
            "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN \
             IF NEW.body = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; \
             END $$ LANGUAGE plpgsql",
        )
        .await;
        db.execute(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages \
             FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
        )
        .await;
    } else {
        db.execute(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.body = 'boom' \
             BEGIN SELECT RAISE(ABORT, 'boom'); END",
        )
        .await;
    }
    let message = |text: &str| {
        Write::Message(NewMessage {
            sender: alice.user.clone(),
            channel: GENERAL,
            client_id: ClientId(uuid::Uuid::new_v4()),
            text: text.into(),
            reply_to: None,
            files: Vec::new(),
        })
    };
    let batch = [message("before"), message("boom"), message("after")];
    let results = server.state.store.write(&batch, &Silent).await.unwrap();

    let seq = |result: &Result<Written, _>| match result {
        Ok(Written::Message(Stored::New(message))) => message.seq,
        other => panic!("expected a stored message, got {other:?}"),
    };
    assert_eq!(seq(&results[0]), Seq(1));
    assert!(results[1].is_err(), "{:?}", results[1]);
    assert_eq!(seq(&results[2]), Seq(2), "the refused row used no seq");
    assert_eq!(server.count("messages").await, 2);
}

#[tokio::test]
async fn a_sync_answers_once_per_channel_however_often_a_cursor_repeats() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    for n in 0..5 {
        alice.say(GENERAL, &format!("m{n}")).await;
    }
    let cursors = vec![
        Cursor {
            channel: GENERAL,
            rev: Rev(0),
        };
        1000
    ];
    let (_, catch_up) = alice.sync(cursors).await;
    assert_eq!(catch_up.len(), 1);
    assert_eq!(catch_up[0].messages.len(), 5);

    // Of several cursors for one channel the lowest wins: nothing is skipped.
    let (_, catch_up) = alice
        .sync(vec![
            Cursor {
                channel: GENERAL,
                rev: Rev(4),
            },
            Cursor {
                channel: GENERAL,
                rev: Rev(2),
            },
        ])
        .await;
    let seqs: Vec<i64> = catch_up[0].messages.iter().map(|m| m.seq.0).collect();
    assert_eq!(seqs, [3, 4, 5]);
}

#[tokio::test]
async fn a_large_catch_up_comes_in_bounded_pieces_without_a_gap() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    // 300 messages of 20 kB each (5,000 four-byte characters): 6 MB in all.
    let long = "🦀".repeat(5000);
    for _ in 0..300 {
        alice.say(GENERAL, &long).await;
    }

    let mut cursor = Rev(0);
    let mut pieces = 0;
    loop {
        let reply = alice
            .request(|req| ClientMsg::Sync {
                req,
                cursors: vec![Cursor {
                    channel: GENERAL,
                    rev: cursor,
                }],
            })
            .await;
        let Ok(reply @ Reply::Synced { .. }) = reply else {
            panic!("sync failed: {reply:?}");
        };
        let size = serde_json::to_vec(&reply).unwrap().len();
        let Reply::Synced { catch_up, more, .. } = reply else {
            unreachable!()
        };
        pieces += 1;
        assert!(size < MAX_SYNC_BYTES + 64 * 1024, "a piece is {size} bytes");
        for missed in catch_up {
            assert!(!missed.reset);
            for message in missed.messages {
                assert_eq!(message.rev.0, cursor.0 + 1, "no gap");
                cursor = message.rev;
            }
            assert_eq!(missed.rev, cursor, "the piece says where it ended");
        }
        if !more {
            break;
        }
        assert!(pieces < 100, "every piece makes progress");
    }
    assert_eq!(cursor, Rev(300));
    assert!(pieces >= 6, "6 MB cannot come in fewer: {pieces}");
}

#[tokio::test]
async fn typing_is_throttled_per_user_and_channel_whatever_the_state() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let mut second_tab = Live::connect(&alice_browser).await;
    // Alternating states from two tabs: 200 notices in a blink.
    for n in 0..100u64 {
        for tab in [&mut alice, &mut second_tab] {
            let typing = ClientMsg::Typing {
                req: 1000 + n,
                channel: GENERAL,
                typing: n % 2 == 0,
            };
            tab.send_raw(&serde_json::to_string(&typing).unwrap()).await;
        }
    }
    let done = alice.say(GENERAL, "done").await;

    let mut heard = 0;
    loop {
        match bob.event().await {
            ServerMsg::Typing { user, .. } if user.id == alice.user.id => heard += 1,
            ServerMsg::Message { message } if message.id == done.id => break,
            _ => {}
        }
    }
    // A few at once, then about one a second (the test takes well under
    // two), plus the last tab's "stopped" when it closes: never 200.
    assert!((1..=8).contains(&heard), "bob heard {heard} typing notices");
}
