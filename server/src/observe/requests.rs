//! Every HTTP request gets an id, a span that carries it, and its place in
//! the HTTP metrics.
//!
//! The id comes from the `x-request-id` header when a proxy in front set a
//! plausible one (so its logs and Banter's line up), and is made here
//! otherwise; the response carries it back. Whatever is logged while the
//! request is served, a WebSocket's whole life included (its span is a
//! child of its upgrade request's), names it.

use std::time::Instant;

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use metrics::{counter, histogram};
use tracing::Instrument;

use super::{HTTP_REQUESTS, HTTP_REQUEST_SECONDS};

/// The header that carries a request's id, both ways.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id taken from a proxy.
const MAX_ID: usize = 64;

/// The middleware: id, span, metrics.
pub async fn observe(request: Request, next: Next) -> Response {
    let id = match request.headers().get(&REQUEST_ID) {
        Some(given) if plausible(given) => given.clone(),
        _ => fresh_id(),
    };
    let method = request.method().clone();
    let span = tracing::info_span!(
        "http",
        id = id.to_str().unwrap_or_default(),
        %method,
        path = request.uri().path(),
    );
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let took = started.elapsed();
    let status = response.status();
    span.in_scope(|| tracing::debug!(status = status.as_u16(), ?took, "answered"));
    counter!(HTTP_REQUESTS, "method" => method_label(&method), "status" => status.as_str().to_owned())
        .increment(1);
    histogram!(HTTP_REQUEST_SECONDS).record(took);
    response.headers_mut().insert(REQUEST_ID.clone(), id);
    response
}

/// A new id: a random UUID.
fn fresh_id() -> HeaderValue {
    let id = uuid::Uuid::new_v4().to_string();
    HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"))
}

/// Whether an id from the request is short and plain enough to log as it is.
fn plausible(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_ID
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The method as a label: the standard ones by name, the rest as one.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_the_request() {
        assert!(plausible(&HeaderValue::from_static("req-42_a.b")));
        assert!(!plausible(&HeaderValue::from_static("")));
        assert!(!plausible(&HeaderValue::from_static("two words")));
        assert!(!plausible(&HeaderValue::from_static("line\tbreak")));
        assert!(!plausible(&HeaderValue::from_str(&"x".repeat(65)).unwrap()));
        assert!(plausible(&fresh_id()));
    }
}
