//! What browsers ask of push: Banter's public key, and keeping their
//! subscription on file for the session they are signed in with.
//!
//! `POST /push/subscriptions` takes the JSON of a `PushSubscription`
//! (`{"endpoint": …, "keys": {"p256dh": …, "auth": …}}`), checked in
//! shape and size: the endpoint an `https` URL (where Banter will send
//! requests), the keys a P-256 point and a 16-byte secret.

use axum::{
    extract::{rejection::JsonRejection, State},
    response::{IntoResponse, Response},
    Json,
};
use base64ct::{Base64UrlUnpadded, Encoding};
use http::{header, request::Parts, StatusCode};
use serde::Deserialize;
use tower_sessions::Session;
use web_push_native::p256::PublicKey;

use crate::{
    state::AppState,
    store::push::{BrowserKeys, NewSubscription},
};

/// The longest endpoint taken (push services' are under 300 characters).
const MAX_ENDPOINT: usize = 1024;

/// A subscription as the browser's `PushSubscription.toJSON()` gives it.
#[derive(Debug, Deserialize)]
pub struct SubscriptionJson {
    pub endpoint: String,
    pub keys: KeysJson,
}

#[derive(Debug, Deserialize)]
pub struct KeysJson {
    pub p256dh: String,
    pub auth: String,
}

/// Why a subscription was refused.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("you are not signed in")]
    NotSignedIn,
    #[error("{0}")]
    Invalid(&'static str),
    #[error("{0}")]
    Body(#[from] JsonRejection),
    #[error("something went wrong on the server; please try again")]
    Internal,
}

impl IntoResponse for SubscribeError {
    fn into_response(self) -> Response {
        let status = match &self {
            SubscribeError::NotSignedIn => StatusCode::UNAUTHORIZED,
            SubscribeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            SubscribeError::Body(rejection) => rejection.status(),
            SubscribeError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, self.to_string()).into_response()
    }
}

/// `GET /push/key`: the public key browsers subscribe with.
pub async fn public_key(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        state.push_keys.public().to_owned(),
    )
        .into_response()
}

/// `POST /push/subscriptions`: keeps the browser's subscription for this
/// session. 204 when kept.
pub async fn subscribe(
    State(state): State<AppState>,
    parts: Parts,
    body: Result<Json<SubscriptionJson>, JsonRejection>,
) -> Result<StatusCode, SubscribeError> {
    let user = match state.current_user(&parts).await {
        Ok(Some(user)) => user,
        Ok(None) => return Err(SubscribeError::NotSignedIn),
        Err(_) => return Err(SubscribeError::Internal),
    };
    let session = parts
        .extensions
        .get::<Session>()
        .and_then(Session::id)
        .ok_or(SubscribeError::Internal)?;
    let Json(json) = body?;
    let new = NewSubscription {
        user: user.id,
        session: session.to_string(),
        browser: check(&json, state.config.push_allow_http)?,
    };
    state.store.save_subscription(&new).await.map_err(|error| {
        tracing::error!(%error, "cannot save a push subscription");
        SubscribeError::Internal
    })?;
    tracing::debug!(user = %user.id, "push subscription kept");
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a subscription's shape; the keys come back re-encoded.
fn check(json: &SubscriptionJson, allow_http: bool) -> Result<BrowserKeys, SubscribeError> {
    let invalid = SubscribeError::Invalid;
    if json.endpoint.len() > MAX_ENDPOINT {
        return Err(invalid("the endpoint is too long"));
    }
    let endpoint =
        url::Url::parse(&json.endpoint).map_err(|_| invalid("the endpoint is not a URL"))?;
    let secure = endpoint.scheme() == "https";
    if !(secure || allow_http && endpoint.scheme() == "http") {
        return Err(invalid("the endpoint must be an https URL"));
    }
    if endpoint.host_str().is_none_or(str::is_empty)
        || !endpoint.username().is_empty()
        || endpoint.password().is_some()
    {
        return Err(invalid("the endpoint must name a host, and no user"));
    }
    let p256dh = decode(&json.keys.p256dh, 65).ok_or(invalid("p256dh is not a P-256 key"))?;
    PublicKey::from_sec1_bytes(&p256dh).map_err(|_| invalid("p256dh is not a P-256 key"))?;
    let auth = decode(&json.keys.auth, 16).ok_or(invalid("auth is not a 16-byte secret"))?;
    Ok(BrowserKeys {
        endpoint: endpoint.into(),
        p256dh: Base64UrlUnpadded::encode_string(&p256dh),
        auth: Base64UrlUnpadded::encode_string(&auth),
    })
}

/// Base64url (padded or not) of exactly `len` bytes.
fn decode(text: &str, len: usize) -> Option<Vec<u8>> {
    if text.len() > 2 * len {
        return None;
    }
    let bytes = Base64UrlUnpadded::decode_vec(text.trim_end_matches('=')).ok()?;
    (bytes.len() == len).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256DH: &str =
        "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
    const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";

    fn json(endpoint: &str, p256dh: &str, auth: &str) -> SubscriptionJson {
        SubscriptionJson {
            endpoint: endpoint.to_owned(),
            keys: KeysJson {
                p256dh: p256dh.to_owned(),
                auth: auth.to_owned(),
            },
        }
    }

    fn refusal(json: &SubscriptionJson, allow_http: bool) -> String {
        check(json, allow_http).expect_err("refused").to_string()
    }

    #[test]
    fn a_browser_subscription_is_taken() {
        let push = "https://fcm.googleapis.com/fcm/send/abc:def";
        let checked = check(&json(push, P256DH, AUTH), false).expect("taken");
        assert_eq!(checked.endpoint, push);
        assert_eq!(
            (checked.p256dh.as_str(), checked.auth.as_str()),
            (P256DH, AUTH)
        );
        // Padding is accepted, and dropped.
        let padded = check(&json(push, P256DH, "_ordMnz7uTCmrpBTeUV4Bw=="), false);
        assert_eq!(padded.expect("taken").auth, AUTH);
    }

    #[test]
    fn endpoints_must_be_https_urls_of_a_host() {
        let keys = |endpoint: &str| json(endpoint, P256DH, AUTH);
        assert!(refusal(&keys("http://127.0.0.1:9/push"), false).contains("https"));
        assert!(check(&keys("http://127.0.0.1:9/push"), true).is_ok());
        assert!(refusal(&keys("file:///etc/passwd"), true).contains("https"));
        assert!(refusal(&keys("not a url"), false).contains("not a URL"));
        assert!(refusal(&keys("https://user:pw@push.example/"), false).contains("no user"));
        let long = format!("https://push.example/{}", "日".repeat(400));
        assert!(refusal(&keys(&long), false).contains("too long"));
    }

    #[test]
    fn keys_must_be_a_p256_point_and_a_16_byte_secret() {
        let push = "https://push.example/x";
        assert!(refusal(&json(push, AUTH, AUTH), false).contains("p256dh"));
        let off_curve = format!("{}AA", &P256DH[..P256DH.len() - 2]);
        assert!(refusal(&json(push, &off_curve, AUTH), false).contains("p256dh"));
        assert!(refusal(&json(push, P256DH, P256DH), false).contains("auth"));
        assert!(refusal(&json(push, P256DH, "Привет"), false).contains("auth"));
        assert!(refusal(&json(push, P256DH, ""), false).contains("auth"));
    }
}
