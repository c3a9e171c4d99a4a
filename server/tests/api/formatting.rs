//! Formatted messages: the server parses a message's Markdown once and
//! sends the marks with it, wherever the message goes (the answer to its
//! send, live, history, catch-up, an edit), so every side renders the
//! same; plain text goes without (a bare address is a link, so it has
//! marks); a quote shows the text unformatted.

use app::{
    format::{Body, Element, Mark},
    model::ChannelId,
    protocol::{ChangeKind, ClientMsg, PageAt, Reply, Rev},
};

use crate::{
    changes::{catch_up, edit, next_change, reply_to},
    chat::user,
    common::TestServer,
};

const GENERAL: ChannelId = ChannelId::GENERAL;

fn strong(text: &str) -> Vec<Mark> {
    vec![
        Mark::Open(Element::Strong),
        Mark::Text(text.into()),
        Mark::Close,
    ]
}

#[tokio::test]
async fn a_formatted_message_carries_its_marks_everywhere_and_plain_text_none() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;

    let plain = alice.say(GENERAL, "Привет, 日本語 and العربية 🦀").await;
    assert_eq!(plain.body, None);
    assert_eq!(bob.next_message().await.body, None);

    // A bare address is a link, made on the server too.
    let linked = alice.say(GENERAL, "見て https://例え.jp/パス").await;
    let link = Body(vec![
        Mark::Open(Element::Paragraph),
        Mark::Text("見て ".into()),
        Mark::Open(Element::Link("https://例え.jp/パス".into())),
        Mark::Text("https://例え.jp/パス".into()),
        Mark::Close,
        Mark::Close,
    ]);
    assert_eq!(linked.body.as_ref(), Some(&link));
    assert_eq!(bob.next_message().await.body.as_ref(), Some(&link));

    let sent = alice.say(GENERAL, "**日本語** <b>العربية</b> 🦀").await;
    let expected = {
        let mut marks = vec![Mark::Open(Element::Paragraph)];
        marks.extend(strong("日本語"));
        marks.push(Mark::Text(" <b>العربية</b> 🦀".into()));
        marks.push(Mark::Close);
        Body(marks)
    };
    assert_eq!(sent.body.as_ref(), Some(&expected));
    assert_eq!(
        sent.text, "**日本語** <b>العربية</b> 🦀",
        "the text as typed"
    );
    assert_eq!(bob.next_message().await.body.as_ref(), Some(&expected));

    // History and catch-up read it the same.
    let history = bob
        .request(|req| ClientMsg::History {
            req,
            channel: GENERAL,
            page: PageAt::Latest,
            limit: 10,
        })
        .await;
    let Ok(Reply::History { messages, .. }) = history else {
        panic!("{history:?}")
    };
    let held = messages
        .iter()
        .find(|m| m.id == sent.id)
        .expect("in history");
    assert_eq!(held.body.as_ref(), Some(&expected));
    let caught = catch_up(&mut bob, Rev(0)).await.expect("a catch-up");
    let held = caught
        .messages
        .iter()
        .find(|m| m.id == sent.id)
        .expect("caught up");
    assert_eq!(held.body.as_ref(), Some(&expected));

    // An edit carries the new marks; an edit back to plain text none.
    edit(&mut alice, &sent, "~~gone~~").await.expect("edited");
    for live in [&mut alice, &mut bob] {
        let change = next_change(live).await;
        let ChangeKind::Edited { body, .. } = change.what else {
            panic!("{change:?}")
        };
        let marks = body.expect("formatted").0;
        assert_eq!(marks[1], Mark::Open(Element::Strikethrough));
    }
    edit(&mut alice, &sent, "plain again")
        .await
        .expect("edited");
    let change = next_change(&mut bob).await;
    assert!(matches!(change.what, ChangeKind::Edited { body: None, .. }));

    // A reply quotes the words, not the marks.
    let quoted = alice.say(GENERAL, "> **Привет** *world*").await;
    let answer = reply_to(&mut bob, quoted.id, "answer").await;
    let Ok(Reply::Sent { message }) = answer else {
        panic!("{answer:?}")
    };
    assert_eq!(
        message.reply_to.map(|q| q.excerpt).as_deref(),
        Some("Привет world")
    );
}
