//! Notification settings: one per membership, kept by the server, told to
//! every tab of the member, settable without JavaScript; busy public
//! channels default to mentions only.

use app::{
    model::ChannelId,
    protocol::{ClientMsg, NotifyLevel, ProtocolError, Reply, ServerMsg, BUSY_CHANNEL},
};

use crate::{
    browser::location,
    chat::{create, user},
    common::TestServer,
    live::Live,
};

const GENERAL: ChannelId = ChannelId::GENERAL;

/// Sets `live`'s user's setting for `channel`.
async fn set(
    live: &mut Live,
    channel: ChannelId,
    notify: NotifyLevel,
) -> Result<Reply, ProtocolError> {
    live.request(|req| ClientMsg::SetNotify {
        req,
        channel,
        notify,
    })
    .await
}

/// `live`'s user's setting for `channel`, as their sidebar has it.
async fn setting(live: &mut Live, channel: ChannelId) -> NotifyLevel {
    let (channels, _) = live.sync(Vec::new()).await;
    channels
        .into_iter()
        .find(|c| c.id == channel)
        .expect("a member")
        .notify
}

#[tokio::test]
async fn a_setting_is_kept_per_member_and_told_to_every_tab() {
    let server = TestServer::start().await;
    let (mut browser, mut alice) = user(&server, "alice").await;
    let mut other_tab = Live::connect(&browser).await;
    let (_, mut bob) = user(&server, "bob").await;
    assert_eq!(
        setting(&mut alice, GENERAL).await,
        NotifyLevel::All,
        "the default"
    );

    assert_eq!(
        set(&mut alice, GENERAL, NotifyLevel::Nothing).await,
        Ok(Reply::Done)
    );
    let told = other_tab
        .event_where(|e| matches!(e, ServerMsg::Notify { .. }))
        .await;
    assert_eq!(
        told,
        ServerMsg::Notify {
            channel: GENERAL,
            notify: NotifyLevel::Nothing
        }
    );
    assert_eq!(setting(&mut alice, GENERAL).await, NotifyLevel::Nothing);
    assert_eq!(
        setting(&mut bob, GENERAL).await,
        NotifyLevel::All,
        "alice's alone"
    );

    // Kept across a restart, with the unread counts as they were.
    bob.say(GENERAL, "日本語 Привет العربية 🦀").await;
    drop((alice, other_tab, bob));
    let server = server.restart().await;
    browser.rebase(&server.base());
    let mut alice = Live::connect(&browser).await;
    let (channels, _) = alice.sync(Vec::new()).await;
    let general = channels.iter().find(|c| c.id == GENERAL).expect("General");
    assert_eq!((general.notify, general.unread), (NotifyLevel::Nothing, 1));

    // Only in one's own channels.
    let (_, mut carol) = user(&server, "carol").await;
    let rust = create(&mut carol, "rust").await;
    assert_eq!(
        set(&mut alice, rust, NotifyLevel::Mentions).await,
        Err(ProtocolError::NotMember)
    );
    assert_eq!(
        set(&mut alice, ChannelId(9_999), NotifyLevel::Mentions).await,
        Err(ProtocolError::NotMember)
    );
    // An unknown setting is refused as a bad request; nothing changes.
    alice
        .send_raw(r#"{"type":"set_notify","req":77,"channel":1,"notify":7}"#)
        .await;
    let refused = alice
        .event_where(|e| matches!(e, ServerMsg::Error { .. }))
        .await;
    assert!(
        matches!(
            refused,
            ServerMsg::Error {
                error: ProtocolError::BadRequest { .. },
                ..
            }
        ),
        "{refused:?}"
    );
    assert_eq!(setting(&mut alice, GENERAL).await, NotifyLevel::Nothing);
}

#[tokio::test]
async fn a_plain_form_sets_it_without_javascript() {
    let server = TestServer::start().await;
    let (browser, mut alice) = user(&server, "alice").await;
    let page = browser.get("/c/1").await.text().await.unwrap();
    assert!(
        page.contains(r#"<label for="notify-setting""#),
        "the control"
    );
    assert!(
        page.contains(r#"<option value="all" selected"#),
        "the default chosen"
    );

    let posted = browser
        .post_form(
            "notify",
            &[("channel", "1"), ("notify", "mentions")],
            "/c/1",
        )
        .await;
    assert_eq!(location(&posted), "/c/1");
    assert_eq!(setting(&mut alice, GENERAL).await, NotifyLevel::Mentions);
    let page = browser.get("/c/1").await.text().await.unwrap();
    assert!(
        page.contains(r#"<option value="mentions" selected"#),
        "{page}"
    );

    // From another site: refused.
    let forged = browser
        .http
        .post(browser.url("/api/notify"))
        .header("origin", "https://elsewhere.example")
        .form(&[("channel", "1"), ("notify", "all")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), http::StatusCode::FORBIDDEN);
    assert_eq!(setting(&mut alice, GENERAL).await, NotifyLevel::Mentions);
}

#[tokio::test]
async fn busy_public_channels_default_to_mentions_only() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    let rust = create(&mut alice, "rust").await;
    assert_eq!(setting(&mut alice, rust).await, NotifyLevel::All);

    // Enough members to make it busy, straight into the database.
    let db = server.db().await;
    for n in 0..BUSY_CHANNEL {
        db.execute(&format!(
            "INSERT INTO users (username, password_hash, created_at) VALUES ('busy{n}', 'x', 0)"
        ))
        .await;
    }
    db.execute(&format!(
        "INSERT INTO memberships (user_id, channel_id, joined_at)
         SELECT id, {}, 0 FROM users WHERE username LIKE 'busy%'",
        rust.0
    ))
    .await;
    assert_eq!(setting(&mut alice, rust).await, NotifyLevel::Mentions);
    // A choice holds however busy the channel is.
    set(&mut alice, rust, NotifyLevel::All).await.expect("set");
    assert_eq!(setting(&mut alice, rust).await, NotifyLevel::All);
}
