//! Web Push, end to end against a local push service: a reader with no tab
//! open is pushed a DM or a mention, encrypted for their browser (RFC 8291)
//! and signed with Banter's VAPID key (RFC 8292); the service here checks
//! the signature and decrypts the payload with the browser's keys, as a
//! real one and the browser would. The push service is the one thing faked
//! (the real ones are on the internet).

use std::sync::{
    atomic::{AtomicU16, Ordering},
    Arc,
};

use aes_gcm::{aead::Aead, Aes128Gcm, KeyInit};
use app::{
    model::ChannelId,
    protocol::{ClientMsg, Reply},
};
use axum::{body::Bytes, extract::State, routing::post, Router};
use base64ct::{Base64UrlUnpadded, Encoding};
use hkdf::Hkdf;
use http::{HeaderMap, StatusCode};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::mpsc;
use web_push_native::{
    jwt_simple::{
        algorithms::{ECDSAP256PublicKeyLike, ES256PublicKey},
        claims::NoCustomClaims,
        common::VerificationOptions,
    },
    p256::{elliptic_curve::sec1::ToEncodedPoint, PublicKey, SecretKey},
};

use crate::{browser::Browser, chat::user, common::TestServer};

use std::collections::HashSet;

const GENERAL: ChannelId = ChannelId::GENERAL;

/// A push as the push service received it.
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// A local push service: takes every push, answers with `status`.
struct PushService {
    base: String,
    received: mpsc::UnboundedReceiver<Received>,
    status: Arc<AtomicU16>,
}

impl PushService {
    async fn start() -> Self {
        let (sink, received) = mpsc::unbounded_channel();
        let status = Arc::new(AtomicU16::new(201));
        let app = Router::new()
            .route(
                "/push/{id}",
                post(
                    |State((sink, status)): State<(
                        mpsc::UnboundedSender<Received>,
                        Arc<AtomicU16>,
                    )>,
                     uri: http::Uri,
                     headers: HeaderMap,
                     body: Bytes| async move {
                        let _ = sink.send(Received {
                            path: uri.path().to_owned(),
                            headers,
                            body,
                        });
                        StatusCode::from_u16(status.load(Ordering::SeqCst))
                            .unwrap_or(StatusCode::CREATED)
                    },
                ),
            )
            .with_state((sink, status.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listener");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base,
            received,
            status,
        }
    }

    async fn next(&mut self) -> Received {
        self.received.recv().await.expect("a push")
    }
}

/// A browser's push subscription: its keys, which only it knows.
struct Subscription {
    endpoint: String,
    secret: SecretKey,
    auth: [u8; 16],
}

impl Subscription {
    fn new(service: &PushService, name: &str) -> Self {
        let secret = SecretKey::random(&mut aes_gcm::aead::OsRng);
        let mut auth = [0u8; 16];
        auth.copy_from_slice(&uuid::Uuid::new_v4().into_bytes());
        Self {
            endpoint: format!("{}/push/{name}", service.base),
            secret,
            auth,
        }
    }

    /// `PushSubscription.toJSON()`.
    fn json(&self) -> Value {
        let public = self.secret.public_key().to_encoded_point(false);
        serde_json::json!({
            "endpoint": self.endpoint,
            "expirationTime": null,
            "keys": {
                "p256dh": Base64UrlUnpadded::encode_string(public.as_bytes()),
                "auth": Base64UrlUnpadded::encode_string(&self.auth),
            }
        })
    }

    /// Decrypts a push as the browser does (RFC 8291 over RFC 8188's
    /// aes128gcm, one record).
    fn decrypt(&self, body: &[u8]) -> Value {
        let (salt, rest) = body.split_at(16);
        let record_size = u32::from_be_bytes(rest[..4].try_into().expect("rs"));
        let id_len = usize::from(rest[4]);
        let (sender_key, ciphertext) = rest[5..].split_at(id_len);
        assert!(ciphertext.len() <= record_size as usize, "one record");
        let sender = PublicKey::from_sec1_bytes(sender_key).expect("the sender's key");
        let shared = web_push_native::p256::ecdh::diffie_hellman(
            self.secret.to_nonzero_scalar(),
            sender.as_affine(),
        );
        let mut info = b"WebPush: info\0".to_vec();
        info.extend_from_slice(self.secret.public_key().to_encoded_point(false).as_bytes());
        info.extend_from_slice(sender_key);
        let mut ikm = [0u8; 32];
        Hkdf::<Sha256>::new(Some(&self.auth), shared.raw_secret_bytes())
            .expand(&info, &mut ikm)
            .expect("ikm");
        let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
        let (mut key, mut nonce) = ([0u8; 16], [0u8; 12]);
        prk.expand(b"Content-Encoding: aes128gcm\0", &mut key)
            .expect("key");
        prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
            .expect("nonce");
        let cipher = Aes128Gcm::new_from_slice(&key).expect("cipher");
        let mut plain = cipher
            .decrypt(aes_gcm::Nonce::from_slice(&nonce), ciphertext)
            .expect("decrypts with the browser's keys");
        // The last record ends with a 2 delimiter, then zero padding.
        while plain.last() == Some(&0) {
            plain.pop();
        }
        assert_eq!(plain.pop(), Some(2), "the last record's delimiter");
        serde_json::from_slice(&plain).expect("JSON")
    }
}

/// Subscribes `browser` with `subscription`: the answer's status.
async fn subscribe(browser: &Browser, body: &Value) -> StatusCode {
    browser
        .http
        .post(browser.url("/push/subscriptions"))
        .json(body)
        .send()
        .await
        .expect("POST")
        .status()
}

/// Checks the push's VAPID signature against Banter's public key, and
/// decrypts it.
fn open_push(push: &Received, subscription: &Subscription, server_key: &str) -> Value {
    assert_eq!(push.headers["content-encoding"], "aes128gcm");
    assert_eq!(push.headers["urgency"], "high");
    assert!(
        push.headers["ttl"]
            .to_str()
            .expect("ttl")
            .parse::<u64>()
            .expect("ttl")
            > 0
    );
    let authorization = push.headers["authorization"].to_str().expect("ascii");
    let (token, key) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .expect("vapid t=…, k=…");
    assert_eq!(key, server_key, "signed with Banter's key");
    let public = ES256PublicKey::from_bytes(&Base64UrlUnpadded::decode_vec(key).expect("key"))
        .expect("a P-256 key");
    // For the push service's origin (web-push-native leaves the port out).
    let for_this_service = VerificationOptions {
        allowed_audiences: Some(HashSet::from(["http://127.0.0.1".to_owned()])),
        ..VerificationOptions::default()
    };
    let claims = public
        .verify_token::<NoCustomClaims>(token, Some(for_this_service))
        .expect("a valid signature, for this push service");
    assert_eq!(claims.subject.as_deref(), Some("mailto:admin@localhost"));
    assert!(claims.expires_at.is_some());
    subscription.decrypt(&push.body)
}

async fn server_key(browser: &Browser) -> String {
    let response = browser.get("/push/key").await;
    assert_eq!(response.status(), StatusCode::OK);
    let key = response.text().await.expect("key");
    assert_eq!(
        Base64UrlUnpadded::decode_vec(&key)
            .expect("base64url")
            .len(),
        65
    );
    key
}

/// Waits until `watcher` sees `user` online (their presence row written).
async fn online(watcher: &mut crate::live::Live, user: app::model::UserId) {
    while watcher.watch(vec![user]).await != vec![user] {
        watcher.presence_event().await;
    }
}

fn push_config(config: &mut server::Config) {
    config.push_allow_http = true;
    config.presence_grace_ms = 0;
}

#[tokio::test]
async fn a_dm_and_a_mention_reach_a_reader_with_no_tab_open() {
    let mut service = PushService::start().await;
    let server = TestServer::start_with(push_config).await;
    let (alice_browser, alice) = user(&server, "alice").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let alice_id = alice_browser.me().await.expect("alice").id;
    let subscription = Subscription::new(&service, "alice");
    assert_eq!(
        subscribe(&alice_browser, &subscription.json()).await,
        StatusCode::NO_CONTENT
    );
    let key = server_key(&alice_browser).await;
    // Alice closes her tab: she is offline once bob sees her go (after he
    // saw her online, so that her coming is not still on its way).
    online(&mut bob, alice_id).await;
    drop(alice);
    while bob.presence_event().await != (alice_id, false) {}

    let direct = match bob
        .request(|req| ClientMsg::OpenDirect {
            req,
            user: alice_id,
        })
        .await
    {
        Ok(Reply::Channel { channel }) => channel.id,
        other => panic!("{other:?}"),
    };
    bob.say(GENERAL, "nobody is called here").await;
    let dm = bob.say(direct, "**日本語** Привет\n\nالعربية 🦀").await;
    let push = service.next().await;
    assert_eq!(push.path, "/push/alice");
    let notice = open_push(&push, &subscription, &key);
    assert_eq!(notice["title"], "bob");
    assert_eq!(notice["body"], "日本語 Привет العربية 🦀");
    assert_eq!(notice["tag"], format!("banter-m{}", dm.id.0));
    assert_eq!(
        notice["url"],
        format!("/c/{direct}?before={}#m{}", dm.seq.0 + 26, dm.seq.0)
    );

    // With a display name, it goes first and his username after it.
    bob_browser
        .call::<()>("set_profile", &[("display_name", "Боб 日本語")])
        .await
        .expect("named");
    let mention = bob.say(GENERAL, "@alice look").await;
    let notice = open_push(&service.next().await, &subscription, &key);
    assert_eq!(notice["title"], "Боб 日本語 (bob) in #General");
    assert_eq!(notice["body"], "@alice look");
    assert_eq!(notice["tag"], format!("banter-m{}", mention.id.0));
}

#[tokio::test]
async fn a_reader_online_is_not_pushed_and_a_gone_subscription_is_forgotten() {
    let mut service = PushService::start().await;
    let server = TestServer::start_with(push_config).await;
    let (alice_browser, alice) = user(&server, "alice").await;
    let (_, mut bob) = user(&server, "bob").await;
    let (carol_browser, carol) = user(&server, "carol").await;
    let alice_id = alice_browser.me().await.expect("alice").id;
    let carol_id = carol_browser.me().await.expect("carol").id;
    let subscription = Subscription::new(&service, "alice");
    assert_eq!(
        subscribe(&alice_browser, &subscription.json()).await,
        StatusCode::NO_CONTENT
    );
    // A resubscription (every page start) keeps one row.
    assert_eq!(
        subscribe(&alice_browser, &subscription.json()).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.count("push_subscriptions").await, 1);
    let key = server_key(&alice_browser).await;
    // Carol is away, and takes pushes: hers mark how far the pusher got.
    let carols = Subscription::new(&service, "carol");
    assert_eq!(
        subscribe(&carol_browser, &carols.json()).await,
        StatusCode::NO_CONTENT
    );
    online(&mut bob, carol_id).await;
    drop(carol);
    while bob.presence_event().await != (carol_id, false) {}

    // Online (her presence row written, as bob's watch reads it), alice is
    // not pushed. The pusher looks at each batch in turn: once carol's push
    // for a later message arrives, alice's message was passed over.
    online(&mut bob, alice_id).await;
    bob.say(GENERAL, "@alice while you are here").await;
    bob.say(GENERAL, "@carol a marker").await;
    let marker = service.next().await;
    assert_eq!(marker.path, "/push/carol", "alice was online");
    assert_eq!(open_push(&marker, &carols, &key)["body"], "@carol a marker");

    drop(alice);
    while bob.presence_event().await != (alice_id, false) {}
    service.status.store(410, Ordering::SeqCst);
    bob.say(GENERAL, "@alice now you are away").await;
    let push = service.next().await;
    assert_eq!(push.path, "/push/alice");
    let notice = open_push(&push, &subscription, &key);
    assert_eq!(notice["body"], "@alice now you are away");

    // 410: the subscription is forgotten as the push service answers;
    // carol's stays.
    let db = server.db().await;
    let alices = "SELECT COUNT(*) FROM push_subscriptions s
                  JOIN users u ON u.id = s.user_id WHERE u.username = 'alice'";
    while db.scalar(alices).await > 0 {
        tokio::task::yield_now().await;
    }
    assert_eq!(server.count("push_subscriptions").await, 1);
}

#[tokio::test]
async fn logging_out_forgets_the_sessions_subscription() {
    let service = PushService::start().await;
    let server = TestServer::start_with(push_config).await;
    let (alice_browser, _alice) = user(&server, "alice").await;
    let (bob_browser, _bob) = user(&server, "bob").await;
    for (browser, name) in [(&alice_browser, "alice"), (&bob_browser, "bob")] {
        let subscription = Subscription::new(&service, name);
        assert_eq!(
            subscribe(browser, &subscription.json()).await,
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(server.count("push_subscriptions").await, 2);
    alice_browser.log_out().await.expect("log out");
    let db = server.db().await;
    let left = db
        .scalar("SELECT COUNT(*) FROM push_subscriptions s JOIN users u ON u.id = s.user_id WHERE u.username = 'bob'")
        .await;
    assert_eq!((server.count("push_subscriptions").await, left), (1, 1));
}

#[tokio::test]
async fn subscriptions_are_checked_before_they_are_kept() {
    let service = PushService::start().await;
    let server = TestServer::start().await;
    let (browser, _live) = user(&server, "alice").await;
    let subscription = Subscription::new(&service, "alice");

    // Only over https (unless configured for a local push service).
    let answer = subscribe(&browser, &subscription.json()).await;
    assert_eq!(answer, StatusCode::UNPROCESSABLE_ENTITY);
    let mut https = subscription.json();
    https["endpoint"] = "https://push.example/日本語".into();
    assert_eq!(subscribe(&browser, &https).await, StatusCode::NO_CONTENT);

    let mut bad_key = https.clone();
    bad_key["keys"]["p256dh"] = "Привет".into();
    assert_eq!(
        subscribe(&browser, &bad_key).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut no_keys = https.clone();
    no_keys["keys"] = Value::Null;
    assert!(subscribe(&browser, &no_keys).await.is_client_error());
    let mut huge = https.clone();
    huge["padding"] = "🦀".repeat(4096).into();
    assert_eq!(
        subscribe(&browser, &huge).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let stranger = Browser::new(&server.base());
    assert_eq!(subscribe(&stranger, &https).await, StatusCode::UNAUTHORIZED);
    assert_eq!(server.count("push_subscriptions").await, 1);
}

#[tokio::test]
async fn the_service_worker_is_served_with_a_policy_that_lets_it_fetch() {
    let server = TestServer::start().await;
    let response = Browser::new(&server.base()).get("/sw.js").await;
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| response.headers()[name].to_str().expect("ascii").to_owned();
    assert!(header("content-type").starts_with("text/javascript"));
    assert_eq!(header("cache-control"), "no-cache");
    assert_eq!(
        header("content-security-policy"),
        "default-src 'none'; connect-src 'self'"
    );
    let script = response.text().await.expect("script");
    assert!(script.contains("pushManager") && script.contains(".subscribe("));
    assert!(script.contains("showNotification"));
}
