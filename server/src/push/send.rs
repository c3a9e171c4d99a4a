//! Sending pushes: after each batch of new messages commits, the messages
//! that call someone with no connection open (a mention, or a message of a
//! conversation) are pushed to that person's subscriptions, encrypted for
//! each browser (RFC 8291) and signed with Banter's VAPID key (RFC 8292).
//!
//! It runs beside the message pipeline, never in its way: the pipeline
//! hands over the ids and moves on, and when pushes back up (a slow push
//! service) the newest batches are dropped and counted, not waited for. A
//! push is a courtesy on top of what is stored: one lost to a crash is not
//! a lost message, and the reader sees it when they next open Banter.
//! Whether the reader is online is read as the pusher looks at the batch, a
//! moment after the commit (within the presence grace, a tab just closed
//! still counts). A subscription the push service says is gone (404 or 410)
//! is forgotten.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::{
    chat::{
        desktop::{notice_tag, notice_text, notice_title},
        page::message_href_at,
    },
    protocol::MessageId,
};
use base64ct::{Base64UrlUnpadded, Encoding};
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use tokio::sync::{mpsc, Semaphore};
use web_push_native::{p256::PublicKey, Auth, WebPushBuilder};

use super::keys::VapidKeys;
use crate::store::{push::PushTarget, Store};

/// Batches of new messages waiting to be looked at.
const QUEUE: usize = 1024;
/// Pushes in flight at once.
const IN_FLIGHT: usize = 32;
/// How long a push service has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a push service keeps a push for a browser that is offline: a
/// day-old mention is still worth seeing.
const TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// How long the answer to "has anyone subscribed at all?" is trusted: a
/// server nobody takes pushes from asks that once a second, not whom each
/// batch calls. (Someone subscribing has a page open, so needs no push for
/// that second.)
const RECHECK: Duration = Duration::from_secs(1);

/// The handle the message pipeline hands new messages to; cheap to clone.
#[derive(Clone)]
pub struct Pusher {
    queue: mpsc::Sender<Vec<MessageId>>,
}

/// What a push carries, read by the service worker (`service-worker.js`).
#[derive(Debug, Serialize)]
pub struct Notice {
    pub title: String,
    pub body: String,
    /// The same as the desktop notification's, so a browser shows one.
    pub tag: String,
    /// Where clicking it goes.
    pub url: String,
}

/// How one push went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Sent,
    /// The subscription is gone (404, 410): forgotten.
    Gone,
    /// The push service refused or failed; logged.
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Gone => "gone",
            Outcome::Failed => "failed",
        }
    }
}

struct Sender {
    store: Arc<dyn Store>,
    keys: Arc<VapidKeys>,
    contact: String,
    http: reqwest::Client,
}

impl Pusher {
    /// Starts the task that pushes; it runs until every handle is dropped.
    pub fn start(store: Arc<dyn Store>, keys: Arc<VapidKeys>, contact: String) -> Self {
        let (queue, batches) = mpsc::channel(QUEUE);
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        let sender = Sender {
            store,
            keys,
            contact,
            http,
        };
        tokio::spawn(run(batches, Arc::new(sender)));
        Self { queue }
    }

    /// New messages, just committed and announced.
    pub fn stored(&self, messages: Vec<MessageId>) {
        if messages.is_empty() {
            return;
        }
        if self.queue.try_send(messages).is_err() {
            metrics::counter!("banter_push_batches_dropped_total").increment(1);
            tracing::warn!("pushes are backed up; a batch of messages is not pushed");
        }
    }
}

async fn run(mut batches: mpsc::Receiver<Vec<MessageId>>, sender: Arc<Sender>) {
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut known: Option<(Instant, bool)> = None;
    while let Some(messages) = batches.recv().await {
        let anyone = match known {
            Some((at, anyone)) if at.elapsed() < RECHECK => anyone,
            _ => {
                let anyone = sender.store.any_subscriptions().await.unwrap_or(true);
                known = Some((Instant::now(), anyone));
                anyone
            }
        };
        if !anyone {
            continue;
        }
        let targets = match sender.store.push_targets(&messages).await {
            Ok(targets) => targets,
            Err(error) => {
                tracing::error!(%error, "cannot find whom to push new messages to");
                continue;
            }
        };
        for target in targets {
            let Ok(permit) = in_flight.clone().acquire_owned().await else {
                return;
            };
            let sender = sender.clone();
            tokio::spawn(async move {
                let outcome = sender.push(&target).await;
                metrics::counter!("banter_pushes_total", "outcome" => outcome.as_str())
                    .increment(1);
                drop(permit);
            });
        }
    }
}

impl Sender {
    async fn push(&self, target: &PushTarget) -> Outcome {
        let request = match self.request(target) {
            Ok(request) => request,
            Err(error) => {
                // Checked when subscribing: only a damaged row gets here.
                tracing::warn!(%error, subscription = target.subscription, "cannot make a push");
                return Outcome::Failed;
            }
        };
        let status = match self.http.execute(request).await {
            Ok(response) => response.status(),
            Err(error) => {
                tracing::warn!(%error, subscription = target.subscription, "push failed");
                return Outcome::Failed;
            }
        };
        match outcome(status) {
            Outcome::Gone => {
                if let Err(error) = self.store.forget_subscription(target.subscription).await {
                    tracing::error!(%error, "cannot forget a push subscription");
                }
                Outcome::Gone
            }
            Outcome::Failed => {
                tracing::warn!(%status, subscription = target.subscription, "push refused");
                Outcome::Failed
            }
            Outcome::Sent => Outcome::Sent,
        }
    }

    /// The push for `target`: its notice, encrypted for the browser,
    /// signed for the push service.
    fn request(
        &self,
        target: &PushTarget,
    ) -> Result<reqwest::Request, Box<dyn std::error::Error + Send + Sync>> {
        let public = PublicKey::from_sec1_bytes(&Base64UrlUnpadded::decode_vec(&target.p256dh)?)?;
        let auth = Base64UrlUnpadded::decode_vec(&target.auth)?;
        if auth.len() != 16 {
            return Err("the auth secret is not 16 bytes".into());
        }
        let builder = WebPushBuilder::new(
            target.endpoint.parse()?,
            public,
            Auth::clone_from_slice(&auth),
        )
        .with_valid_duration(TTL)
        .with_vapid(self.keys.pair(), &self.contact);
        let mut request = builder.build(serde_json::to_vec(&notice(target))?)?;
        // Mentions and conversations are what push exists for.
        request
            .headers_mut()
            .insert("urgency", HeaderValue::from_static("high"));
        Ok(reqwest::Request::try_from(request)?)
    }
}

/// What a push service's answer means for the subscription.
fn outcome(status: StatusCode) -> Outcome {
    match status {
        status if status.is_success() => Outcome::Sent,
        StatusCode::NOT_FOUND | StatusCode::GONE => Outcome::Gone,
        _ => Outcome::Failed,
    }
}

/// What the notification of `target`'s message says: as the desktop
/// notification of an open tab would.
pub fn notice(target: &PushTarget) -> Notice {
    let body = app::format::parse(&target.body);
    Notice {
        title: notice_title(&target.sender_name, target.channel_name.as_deref()),
        body: notice_text(body.as_ref(), &target.body),
        tag: notice_tag(target.message),
        url: message_href_at(target.channel, target.seq),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::{model::ChannelId, protocol::Seq};

    fn target(body: &str, channel_name: Option<&str>) -> PushTarget {
        PushTarget {
            subscription: 1,
            endpoint: "https://push.example/1".into(),
            p256dh: String::new(),
            auth: String::new(),
            message: MessageId(42),
            channel: ChannelId(7),
            seq: Seq(9),
            body: body.into(),
            sender_name: "bob".into(),
            channel_name: channel_name.map(str::to_owned),
        }
    }

    #[test]
    fn a_notice_says_who_where_and_the_plain_text() {
        let notice = notice(&target(
            "**日本語** and `Привет`\n\nالعربية 🦀",
            Some("General"),
        ));
        assert_eq!(notice.title, "bob in #General");
        assert_eq!(notice.body, "日本語 and Привет العربية 🦀");
        assert_eq!(notice.tag, "banter-m42");
        assert_eq!(notice.url, "/c/7?before=35#m9");

        let direct = super::notice(&target(&"é".repeat(500), None));
        assert_eq!(direct.title, "bob");
        assert_eq!(direct.body.chars().count(), 141, "140 and an ellipsis");
    }

    #[test]
    fn gone_subscriptions_are_told_from_failures() {
        assert_eq!(outcome(StatusCode::CREATED), Outcome::Sent);
        assert_eq!(outcome(StatusCode::GONE), Outcome::Gone);
        assert_eq!(outcome(StatusCode::NOT_FOUND), Outcome::Gone);
        assert_eq!(outcome(StatusCode::FORBIDDEN), Outcome::Failed);
        assert_eq!(outcome(StatusCode::TOO_MANY_REQUESTS), Outcome::Failed);
    }
}
