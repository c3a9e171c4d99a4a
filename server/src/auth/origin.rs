//! Refusing cross-site requests.
//!
//! A browser attaches Banter's session cookie to any request to Banter, even
//! one a hostile page makes. Requests that change state (and the WebSocket
//! upgrade, which `SameSite=Lax` does not protect) are therefore accepted only
//! when the browser says they come from Banter's own pages: `Origin` equals
//! the site's origin, or, for the rare browser request without `Origin`,
//! `Sec-Fetch-Site` is not `cross-site`. Clients that send neither header are
//! not browsers and carry no ambient cookies to abuse.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderMap, Method, StatusCode};

use crate::state::AppState;

/// Whether the request came from this site, as far as the browser tells.
pub fn is_same_site(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => match public_origin {
            Some(expected) => origin.eq_ignore_ascii_case(expected),
            None => {
                let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
                let authority = origin
                    .strip_prefix("https://")
                    .or_else(|| origin.strip_prefix("http://"));
                matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
            }
        },
        None => headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|site| site != "cross-site"),
    }
}

/// Refuses state-changing requests from other sites with 403.
pub async fn same_site_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_site(request.headers(), state.config.public_origin().as_deref()) {
        next.run(request).await
    } else {
        tracing::info!(uri = %request.uri(), "refused a cross-site request");
        (
            StatusCode::FORBIDDEN,
            "refused: the request did not come from this site",
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn same_origin_matches_the_host() {
        let h = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_same_site(&h, None));
        let h = headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_same_site(&h, None));
        let h = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert!(!is_same_site(&h, None));
    }

    #[test]
    fn a_configured_public_origin_wins_over_the_host() {
        let h = headers(&[
            ("origin", "https://chat.example"),
            ("host", "10.0.0.5:3000"),
        ]);
        assert!(is_same_site(&h, Some("https://chat.example")));
        assert!(!is_same_site(&h, Some("https://other.example")));
    }

    #[test]
    fn without_origin_only_fetch_metadata_can_refuse() {
        assert!(is_same_site(&headers(&[]), None));
        assert!(is_same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!is_same_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
    }
}
