//! Real-time chat over real WebSockets: fan-out, idempotent sends, history
//! pages, unread counts, conversations, and every refusal.

use app::{
    model::{ChannelId, ChannelNameError, MessageTextError},
    protocol::{
        ChannelKind, ChannelSummary, ClientId, ClientMsg, Cursor, PageAt, ProtocolError, Refused,
        Reply, Seq, ServerMsg, CLOSE_SESSION_ENDED,
    },
};

use crate::{browser::Browser, common::TestServer, live::Live};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;

/// A new user, signed in, with one socket open.
pub(crate) async fn user(server: &TestServer, name: &str) -> (Browser, Live) {
    let browser = Browser::new(&server.base());
    browser.sign_up(name, PASSWORD).await.unwrap();
    let live = Live::connect(&browser).await;
    (browser, live)
}

pub(crate) async fn create(live: &mut Live, name: &str) -> ChannelId {
    create_as(live, name, false).await.id
}

/// Creates a channel, public or private, as its creator sees it.
pub(crate) async fn create_as(live: &mut Live, name: &str, private: bool) -> ChannelSummary {
    match live
        .request(|req| ClientMsg::CreateChannel {
            req,
            name: name.into(),
            private,
        })
        .await
    {
        Ok(Reply::Channel { channel }) => channel,
        other => panic!("create failed: {other:?}"),
    }
}

pub(crate) async fn join(live: &mut Live, channel: ChannelId) {
    let reply = live
        .request(|req| ClientMsg::JoinChannel { req, channel })
        .await;
    assert!(matches!(reply, Ok(Reply::Channel { .. })), "{reply:?}");
}

#[tokio::test]
async fn a_socket_needs_a_session() {
    let server = TestServer::start().await;
    let error = Live::handshake(&Browser::new(&server.base()), &[])
        .await
        .unwrap_err();
    assert!(error.to_string().contains("401"), "{error}");
}

#[tokio::test]
async fn a_socket_from_another_site_is_refused() {
    let server = TestServer::start().await;
    let (browser, _) = user(&server, "alice").await;
    let error = Live::handshake(&browser, &[("origin", "https://evil.example")])
        .await
        .unwrap_err();
    assert!(error.to_string().contains("403"), "{error}");
    let (_, response) = Live::handshake(&browser, &[("origin", &server.base())])
        .await
        .unwrap();
    assert_eq!(response.status(), 101);
}

#[tokio::test]
async fn a_message_reaches_every_connection_of_every_member_and_no_one_else() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let mut alice_tab2 = Live::connect(&alice_browser).await;
    let (_, mut bob) = user(&server, "bob").await;
    let (_, mut carol) = user(&server, "carol").await;

    let rust = create(&mut alice, "rust").await;
    join(&mut bob, rust).await;

    let sent = alice.say(rust, "hello rust").await;
    assert_eq!(sent.seq, Seq(1));
    assert_eq!(sent.sender_name, "alice");
    for live in [&mut alice, &mut alice_tab2, &mut bob] {
        assert_eq!(live.next_message().await, sent);
    }

    // Carol is not in #rust. Her next message event is one from General,
    // sent after: had the #rust message reached her, it would come first.
    let barrier = bob.say(GENERAL, "barrier").await;
    assert_eq!(carol.next_message().await, barrier);
}

#[tokio::test]
async fn a_resend_with_the_same_client_id_is_stored_once() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let client_id = ClientId(uuid::Uuid::new_v4());
    let send = |req| ClientMsg::Send {
        req,
        channel: GENERAL,
        client_id,
        text: "once".into(),
        reply_to: None,
        files: Vec::new(),
    };

    let first = alice.request(send).await.unwrap();
    let again = alice.request(send).await.unwrap();
    assert_eq!(first, again, "the same answer both times");
    assert_eq!(server.count("messages").await, 1);

    // Bob hears it once: the next message after it is the barrier.
    let Reply::Sent { message } = first else {
        panic!("{first:?}")
    };
    assert_eq!(bob.next_message().await, message);
    let barrier = alice.say(GENERAL, "barrier").await;
    assert_eq!(bob.next_message().await, barrier);
    assert_eq!(barrier.seq, Seq(2), "no seq was spent on the resend");
}

#[tokio::test]
async fn a_resend_after_leaving_is_answered_with_what_was_stored() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let rust = create(&mut alice, "rust").await;
    let client_id = ClientId(uuid::Uuid::new_v4());
    let send = |req| ClientMsg::Send {
        req,
        channel: rust,
        client_id,
        text: "Привет, 日本語 🦀".into(),
        reply_to: None,
        files: Vec::new(),
    };
    let first = alice.request(send).await.unwrap();
    alice
        .request(|req| ClientMsg::LeaveChannel { req, channel: rust })
        .await
        .unwrap();

    // The answer was lost and the outbox sends again, now from outside.
    assert_eq!(alice.request(send).await.unwrap(), first);
    let other = alice
        .request(|req| ClientMsg::Send {
            req,
            channel: rust,
            client_id: ClientId(uuid::Uuid::new_v4()),
            text: "new".into(),
            reply_to: None,
            files: Vec::new(),
        })
        .await;
    assert_eq!(
        other,
        Err(ProtocolError::NotMember),
        "a new send is refused"
    );
    assert_eq!(server.count("messages").await, 1);
}

#[tokio::test]
async fn history_pages_by_seq_at_the_boundaries() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    for i in 1..=120 {
        alice.say(GENERAL, &format!("m{i}")).await;
    }
    let latest = page(&mut alice, PageAt::Latest, 50).await;
    assert_eq!(latest, Shown::new(71..=120, true, false));
    let middle = page(&mut alice, PageAt::Before(Seq(71)), 50).await;
    assert_eq!(middle, Shown::new(21..=70, true, true));
    let first = page(&mut alice, PageAt::Before(Seq(21)), 50).await;
    assert_eq!(
        first,
        Shown::new(1..=20, false, true),
        "nothing before seq 1"
    );
    let exact = page(&mut alice, PageAt::Before(Seq(101)), 100).await;
    assert_eq!(
        exact,
        Shown::new(1..=100, false, true),
        "a page that ends exactly at the start"
    );
    let capped = page(&mut alice, PageAt::Latest, 1000).await;
    assert_eq!(capped.seqs.len(), 100, "a page holds at most 100");
    let ending_with_the_last = page(&mut alice, PageAt::Before(Seq(121)), 10).await;
    assert_eq!(ending_with_the_last, Shown::new(111..=120, true, false));
}

#[tokio::test]
async fn history_reads_on_from_a_message_far_back() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    for i in 1..=120 {
        alice.say(GENERAL, &format!("m{i}")).await;
    }
    let next = page(&mut alice, PageAt::After(Seq(20)), 50).await;
    assert_eq!(next, Shown::new(21..=70, true, true));
    let last = page(&mut alice, PageAt::After(Seq(70)), 50).await;
    assert_eq!(
        last,
        Shown::new(71..=120, true, false),
        "a page that ends exactly at the end"
    );
    let from_start = page(&mut alice, PageAt::After(Seq(0)), 5).await;
    assert_eq!(from_start, Shown::new(1..=5, false, true));
    let past_the_end = page(&mut alice, PageAt::After(Seq(500)), 50).await;
    assert!(past_the_end.seqs.is_empty() && past_the_end.has_older && !past_the_end.has_newer);

    // Reading on from seq 20, page by page, meets every message once.
    let mut after = Seq(20);
    let mut seen = Vec::new();
    loop {
        let shown = page(&mut alice, PageAt::After(after), 30).await;
        seen.extend(shown.seqs.iter().copied());
        after = Seq(*shown.seqs.last().expect("a page"));
        if !shown.has_newer {
            break;
        }
    }
    assert_eq!(seen, (21..=120).collect::<Vec<_>>());
}

/// One history page of General: its seqs, and whether there are messages
/// before and after it.
#[derive(Debug, PartialEq)]
struct Shown {
    seqs: Vec<i64>,
    has_older: bool,
    has_newer: bool,
}

impl Shown {
    fn new(seqs: std::ops::RangeInclusive<i64>, has_older: bool, has_newer: bool) -> Self {
        Self {
            seqs: seqs.collect(),
            has_older,
            has_newer,
        }
    }
}

async fn page(live: &mut Live, at: PageAt, limit: u32) -> Shown {
    let reply = live
        .request(|req| ClientMsg::History {
            req,
            channel: GENERAL,
            page: at,
            limit,
        })
        .await;
    match reply {
        Ok(Reply::History {
            messages,
            has_older,
            has_newer,
            ..
        }) => Shown {
            seqs: messages.iter().map(|m| m.seq.0).collect(),
            has_older,
            has_newer,
        },
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unread_counts_and_read_markers() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let mut alice_tab2 = Live::connect(&alice_browser).await;
    let (_, mut bob) = user(&server, "bob").await;

    let mut last = Seq(0);
    for text in ["one", "two", "three"] {
        last = bob.say(GENERAL, text).await.seq;
    }
    alice.say(GENERAL, "my own does not count").await;

    let general = |(channels, _): (Vec<ChannelSummary>, _)| {
        channels
            .into_iter()
            .find(|c| c.id == GENERAL)
            .expect("General")
    };
    let summary = general(alice.sync(vec![]).await);
    assert_eq!(summary.unread, 3);

    alice
        .request(|req| ClientMsg::MarkRead {
            req,
            channel: GENERAL,
            seq: last,
        })
        .await
        .unwrap();
    let marker = alice_tab2
        .event_where(|e| matches!(e, ServerMsg::ReadMarker { .. }))
        .await;
    assert_eq!(
        marker,
        ServerMsg::ReadMarker {
            channel: GENERAL,
            seq: last
        }
    );
    let summary = general(alice.sync(vec![]).await);
    assert_eq!(summary.unread, 0);
    assert_eq!(summary.last_read, last);

    // A marker never moves back, nor past the newest message.
    alice
        .request(|req| ClientMsg::MarkRead {
            req,
            channel: GENERAL,
            seq: Seq(1),
        })
        .await
        .unwrap();
    alice
        .request(|req| ClientMsg::MarkRead {
            req,
            channel: GENERAL,
            seq: Seq(999),
        })
        .await
        .unwrap();
    let summary = general(alice.sync(vec![]).await);
    assert_eq!(summary.last_read, Seq(4));
}

#[tokio::test]
async fn the_same_two_people_always_get_the_same_conversation() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let (_, mut carol) = user(&server, "carol").await;
    let bob_id = bob.user.id;
    let alice_id = alice.user.id;

    let first = open(&mut alice, bob_id).await;

    assert!(matches!(&first.kind, ChannelKind::Direct { peer } if peer.username == "bob"));
    // It appears live for Bob, showing Alice.
    let added = bob
        .event_where(|e| matches!(e, ServerMsg::ChannelAdded { .. }))
        .await;
    let ServerMsg::ChannelAdded { channel } = added else {
        unreachable!()
    };
    assert_eq!(channel.id, first.id);
    assert!(matches!(&channel.kind, ChannelKind::Direct { peer } if peer.username == "alice"));

    assert_eq!(open(&mut alice, bob_id).await.id, first.id);
    assert_eq!(open(&mut bob, alice_id).await.id, first.id);
    assert_eq!(server.count("channels WHERE kind = 'direct'").await, 1);

    // A message there counts as unread for Bob and is private to the two.
    alice.say(first.id, "psst").await;
    assert_eq!(bob.next_message().await.text, "psst");
    let reply = carol
        .request(|req| ClientMsg::History {
            req,
            channel: first.id,
            page: PageAt::Latest,
            limit: 50,
        })
        .await;
    assert_eq!(reply, Err(ProtocolError::NotMember));
    let reply = carol
        .request(|req| ClientMsg::Send {
            req,
            channel: first.id,
            client_id: ClientId(uuid::Uuid::new_v4()),
            text: "hi".into(),
            reply_to: None,
            files: Vec::new(),
        })
        .await;
    assert_eq!(reply, Err(ProtocolError::NotMember));
    let reply = alice
        .request(|req| ClientMsg::OpenDirect {
            req,
            user: alice_id,
        })
        .await;
    assert_eq!(
        reply,
        Err(ProtocolError::from(Refused::CannotMessageYourself))
    );
    let reply = alice
        .request(|req| ClientMsg::OpenDirect {
            req,
            user: app::model::UserId(9999),
        })
        .await;
    assert_eq!(reply, Err(ProtocolError::UserNotFound));
}

#[tokio::test]
async fn channels_are_created_found_joined_and_left() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let mut alice_tab2 = Live::connect(&alice_browser).await;
    let (_, mut bob) = user(&server, "bob").await;

    let rust = create(&mut alice, "Rust").await;
    let added = alice_tab2
        .event_where(|e| matches!(e, ServerMsg::ChannelAdded { .. }))
        .await;
    assert!(matches!(added, ServerMsg::ChannelAdded { channel } if channel.id == rust));

    let taken = alice
        .request(|req| ClientMsg::CreateChannel {
            req,
            name: "rUsT".into(),
            private: false,
        })
        .await;
    assert_eq!(taken, Err(ProtocolError::from(Refused::ChannelNameTaken)));
    let invalid = alice
        .request(|req| ClientMsg::CreateChannel {
            req,
            name: "<b>".into(),
            private: false,
        })
        .await;
    assert_eq!(
        invalid,
        Err(ProtocolError::Refused {
            reason: ChannelNameError::BadCharacter.to_string()
        })
    );

    let found = bob
        .request(|req| ClientMsg::BrowseChannels {
            req,
            query: "us".into(),
        })
        .await
        .unwrap();
    let Reply::Directory { channels } = found else {
        panic!("{found:?}")
    };
    assert_eq!(channels.len(), 1);
    assert_eq!(
        (
            channels[0].id,
            channels[0].name.as_str(),
            channels[0].joined
        ),
        (rust, "Rust", false)
    );
    let wildcard = bob
        .request(|req| ClientMsg::BrowseChannels {
            req,
            query: "%".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        wildcard,
        Reply::Directory { channels: vec![] },
        "% is not a wildcard"
    );

    join(&mut bob, rust).await;
    let members = alice
        .event_where(|e| matches!(e, ServerMsg::MemberCount { channel, .. } if *channel == rust))
        .await;

    assert_eq!(
        members,
        ServerMsg::MemberCount {
            channel: rust,
            count: 2
        }
    );
    assert_eq!(
        alice.say(rust, "welcome").await.text,
        bob.next_message().await.text
    );

    let general = bob
        .request(|req| ClientMsg::LeaveChannel {
            req,
            channel: GENERAL,
        })
        .await;
    assert_eq!(
        general,
        Err(ProtocolError::from(Refused::CannotLeaveGeneral))
    );
    bob.request(|req| ClientMsg::LeaveChannel { req, channel: rust })
        .await
        .unwrap();
    let removed = bob
        .event_where(|e| matches!(e, ServerMsg::ChannelRemoved { .. }))
        .await;
    assert_eq!(removed, ServerMsg::ChannelRemoved { channel: rust });

    // Bob no longer hears #rust: the General barrier comes first.
    alice.say(rust, "after bob left").await;
    let barrier = alice.say(GENERAL, "barrier").await;
    assert_eq!(bob.next_message().await, barrier);
}

#[tokio::test]
async fn refusals_store_nothing_and_keep_the_connection() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let send = |text: String| {
        move |req| ClientMsg::Send {
            req,
            channel: GENERAL,
            client_id: ClientId(uuid::Uuid::new_v4()),
            text,
            reply_to: None,
            files: Vec::new(),
        }
    };

    let empty = alice.request(send("  \n ".into())).await;
    assert_eq!(
        empty,
        Err(ProtocolError::Refused {
            reason: MessageTextError::Empty.to_string()
        })
    );
    let long = alice.request(send("x".repeat(5001))).await;
    assert_eq!(
        long,
        Err(ProtocolError::Refused {
            reason: MessageTextError::TooLong.to_string()
        })
    );
    let nowhere = alice
        .request(|req| ClientMsg::Send {
            req,
            channel: ChannelId(424242),
            client_id: ClientId(uuid::Uuid::new_v4()),
            text: "hi".into(),
            reply_to: None,
            files: Vec::new(),
        })
        .await;
    assert_eq!(nowhere, Err(ProtocolError::NotMember));
    assert_eq!(server.count("messages").await, 0);

    alice.send_raw("{ not json").await;
    let error = alice.event().await;
    assert!(
        matches!(
            error,
            ServerMsg::Error {
                req: None,
                error: ProtocolError::BadRequest { .. }
            }
        ),
        "{error:?}"
    );
    alice
        .send_raw(r#"{"type":"launch_missiles","req":77}"#)
        .await;
    let error = alice.event().await;
    assert!(
        matches!(
            error,
            ServerMsg::Error {
                req: Some(77),
                error: ProtocolError::BadRequest { .. }
            }
        ),
        "{error:?}"
    );

    assert_eq!(
        alice.request(|req| ClientMsg::Ping { req }).await,
        Ok(Reply::Pong)
    );
    assert_eq!(alice.say(GENERAL, "still here").await.seq, Seq(1));
}

#[tokio::test]
async fn sending_too_fast_is_refused_with_the_wait() {
    let server = TestServer::start_with(|config| {
        config.send_rate = 10;
        config.send_burst = 20;
    })
    .await;
    let (_, mut alice) = user(&server, "alice").await;
    // Sixty sends written at once: the burst of 20 goes through, and the
    // rate (10 a second) cannot refill 40 more before they are read.
    for req in 1..=60 {
        let send = ClientMsg::Send {
            req,
            channel: GENERAL,
            client_id: ClientId(uuid::Uuid::new_v4()),
            text: "hi".into(),
            reply_to: None,
            files: Vec::new(),
        };
        alice.send_raw(&serde_json::to_string(&send).unwrap()).await;
    }
    let (mut sent, mut refused) = (Vec::new(), 0);
    while sent.len() + refused < 60 {
        match alice.event().await {
            ServerMsg::Ok { req, .. } => sent.push(req),
            ServerMsg::Error {
                error: ProtocolError::RateLimited { retry_after_ms },
                ..
            } => {
                assert!((1..=100).contains(&retry_after_ms), "{retry_after_ms}");
                refused += 1;
            }
            ServerMsg::Message { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(refused > 0);
    assert_eq!(sent[..20], (1..=20).collect::<Vec<_>>(), "the burst");
    assert_eq!(
        server.count("messages").await,
        sent.len() as i64,
        "refused sends store nothing"
    );
}

#[tokio::test]
async fn an_oversized_frame_closes_the_socket_with_1009() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    alice.send_raw(&"x".repeat(100 * 1024)).await;
    assert_eq!(alice.closed().await, Some(1009));
    assert_eq!(server.count("messages").await, 0);
}

#[tokio::test]
async fn logging_out_closes_that_sessions_sockets_only() {
    let server = TestServer::start().await;
    let (laptop, mut laptop_tab) = user(&server, "alice").await;
    let phone = Browser::new(&server.base());
    phone.log_in("alice", PASSWORD).await.unwrap();
    let mut phone_tab = Live::connect(&phone).await;

    laptop.log_out().await.unwrap();
    assert_eq!(laptop_tab.closed().await, Some(CLOSE_SESSION_ENDED));
    assert_eq!(
        phone_tab.request(|req| ClientMsg::Ping { req }).await,
        Ok(Reply::Pong)
    );
    let error = Live::handshake(&laptop, &[]).await.unwrap_err();
    assert!(error.to_string().contains("401"), "{error}");
}

#[tokio::test]
async fn sync_returns_exactly_the_missed_messages() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let seen = alice.say(GENERAL, "before").await.rev;
    drop(alice);

    let mut missed = Vec::new();
    for text in ["a", "b", "c"] {
        missed.push(bob.say(GENERAL, text).await);
    }
    let mut alice = Live::connect(&alice_browser).await;
    let (_, catch_up) = alice
        .sync(vec![Cursor {
            channel: GENERAL,
            rev: seen,
        }])
        .await;
    assert_eq!(catch_up.len(), 1);
    assert_eq!(catch_up[0].messages, missed);
    assert!(!catch_up[0].reset);
}

#[tokio::test]
async fn concurrent_senders_are_delivered_in_seq_order_without_gaps() {
    let server = TestServer::start().await;
    let (_, mut listener) = user(&server, "listener").await;
    let mut senders = Vec::new();
    for i in 0..5 {
        senders.push(user(&server, &format!("sender{i}")).await.1);
    }
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|mut live| {
            tokio::spawn(async move {
                for n in 0..20 {
                    live.say(GENERAL, &format!("n{n}")).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    for expected in 1..=100 {
        assert_eq!(listener.next_message().await.seq, Seq(expected));
    }
}

/// Opens (or finds) the conversation with `user`.
pub(crate) async fn open(
    live: &mut Live,
    user: app::model::UserId,
) -> app::protocol::ChannelSummary {
    match live
        .request(|req| ClientMsg::OpenDirect { req, user })
        .await
    {
        Ok(Reply::Channel { channel }) => channel,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_send_cut_off_mid_stream_and_resent_is_stored_once() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let client_id = ClientId(uuid::Uuid::new_v4());
    let send = move |req| ClientMsg::Send {
        req,
        channel: GENERAL,
        client_id,
        text: "only once".into(),
        reply_to: None,
        files: Vec::new(),
    };

    // The frame leaves, and the socket dies before any answer is read.
    alice
        .send_raw(&serde_json::to_string(&send(1)).unwrap())
        .await;
    drop(alice);
    let first = bob.next_message().await;
    assert_eq!(first.text, "only once");

    // The client does not know whether it got through, so it sends again.
    let mut alice = Live::connect(&alice_browser).await;
    let again = alice.request(send).await.unwrap();
    assert_eq!(
        again,
        Reply::Sent {
            message: first.clone()
        }
    );
    assert_eq!(server.count("messages").await, 1);
    // Bob hears it once: the next message after it is the barrier.
    let barrier = alice.say(GENERAL, "barrier").await;
    assert_eq!(bob.next_message().await, barrier);
}
