//! The hot paths, measured in isolation: fanning one event out to 1,000
//! connections, storing messages, and the catch-up query.
//!
//! `cargo bench -p bench`

use std::{hint::black_box, sync::Arc};

use app::{
    model::{ChannelId, User, UserId, Username},
    protocol::{ClientId, Message, MessageId, Millis, PageAt, Rev, Seq, ServerMsg},
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use server::{
    auth::password::PasswordHash,
    frame::encode,
    hub::{Hub, Registration},
    store::{
        ChangeRequest, MessageStore, NewChange, NewMessage, Silent, SqlStore, UserStore, Write,
    },
};

fn message(seq: i64) -> Message {
    Message {
        id: MessageId(seq),
        channel: ChannelId::GENERAL,
        seq: Seq(seq),
        sender: UserId(1),
        sender_name: "alice".into(),
        sender_display: String::new(),
        client_id: ClientId(uuid::Uuid::new_v4()),
        text: "A message of ordinary length, about as long as most chat lines are.".into(),
        body: None,
        at: Millis(1_795_320_532_000),
        rev: Rev(0),
        edited: None,
        deleted: app::protocol::Deletion::Kept,
        reply_to: None,
        reactions: Vec::new(),
        files: Vec::new(),
    }
}

fn fan_out(c: &mut Criterion) {
    let hub = Hub::default();
    let mut connections: Vec<Registration> = (0..1000)
        .map(|i| hub.register(UserId(i), None, &[ChannelId::GENERAL]))
        .collect();
    let event = ServerMsg::Message {
        message: message(1),
    };
    c.bench_function("encode one event and fan it out to 1000 connections", |b| {
        b.iter(|| {
            let frame = encode(black_box(&event)).expect("frame");
            hub.to_channel(ChannelId::GENERAL, &frame);
            // Each connection's task takes its frame, as it would to write it.
            for connection in &mut connections {
                black_box(connection.frames.try_recv().ok());
            }
        })
    });
    c.bench_function("encode one event", |b| b.iter(|| encode(black_box(&event))));
}

/// A store in a temporary directory, with one user in General.
async fn store() -> (tempfile::TempDir, Arc<SqlStore>, User) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = SqlStore::open(&url).await.expect("store");
    let user = store
        .create_user(
            &Username::parse("alice").expect("name"),
            &PasswordHash::new("x".into()),
        )
        .await
        .expect("user");
    (dir, Arc::new(store), user)
}

fn new_message(sender: &User) -> Write {
    Write::Message(NewMessage {
        sender: sender.clone(),
        channel: ChannelId::GENERAL,
        client_id: ClientId(uuid::Uuid::new_v4()),
        text: "A message of ordinary length, about as long as most chat lines are.".into(),
        reply_to: None,
        files: Vec::new(),
    })
}

/// 500 changes to the latest messages: edits, and reactions added.
async fn make_changes(store: &SqlStore, user: &User) {
    let latest = store
        .history(ChannelId::GENERAL, PageAt::Latest, 250, user.id)
        .await
        .expect("history");
    let emoji = ["👍", "🎉", "❤️", "😂", "🦀"];
    let changes: Vec<Write> = latest
        .iter()
        .enumerate()
        .flat_map(|(n, message)| {
            let change = |what| {
                Write::Change(NewChange {
                    user: user.clone(),
                    channel: ChannelId::GENERAL,
                    message: message.id,
                    what,
                })
            };
            [
                change(ChangeRequest::Edit(format!("edited, 日本語 {n}"))),
                change(ChangeRequest::React {
                    emoji: emoji[n % emoji.len()].into(),
                    add: true,
                }),
            ]
        })
        .collect();
    store.write(&changes, &Silent).await.expect("changed");
}

fn storing(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (_dir, store, user) = runtime.block_on(store());
    let mut group = c.benchmark_group("store (SQLite, synchronous = FULL)");
    group.sample_size(30);
    group.bench_function("one message, one transaction", |b| {
        b.to_async(&runtime).iter_batched(
            || vec![new_message(&user)],
            |batch| {
                let store = store.clone();
                async move { store.write(&batch, &Silent).await.expect("stored") }
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("64 messages, one transaction", |b| {
        b.to_async(&runtime).iter_batched(
            || (0..64).map(|_| new_message(&user)).collect::<Vec<_>>(),
            |batch| {
                let store = store.clone();
                async move { store.write(&batch, &Silent).await.expect("stored") }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    runtime.block_on(make_changes(&store, &user));
    let (last, _) = runtime
        .block_on(store.channel_head(ChannelId::GENERAL))
        .expect("query");
    let viewer = user.id;
    c.bench_function("catch-up: the 500 changes after a cursor", |b| {
        b.to_async(&runtime).iter(|| {
            let store = store.clone();
            async move {
                store
                    .changed_after(ChannelId::GENERAL, Rev(last.0 - 500), 500, viewer)
                    .await
                    .expect("messages")
            }
        })
    });
}

criterion_group!(benches, fan_out, storing);
criterion_main!(benches);
