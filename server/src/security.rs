//! Security headers on every response.
//!
//! Pages get a Content-Security-Policy that allows only the site's own files,
//! its WebAssembly, and the inline scripts Leptos writes for hydration, which
//! carry a fresh nonce per response. Everything else (API answers, static
//! files) gets a policy that allows nothing at all. Behind an `https` public
//! URL, every response also says `Strict-Transport-Security`.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, HeaderValue};
use leptos::nonce::Nonce;

use crate::state::AppState;

/// `Strict-Transport-Security` when Banter is served over HTTPS: a year.
const HSTS: &str = "max-age=31536000";

/// The policy for anything that is not a page.
const LOCKED_DOWN: &str = "default-src 'none'; frame-ancestors 'none'";

/// Puts a fresh nonce in the request (Leptos picks it up while rendering) and
/// the security headers on the response.
pub async fn headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;

    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let policy = if is_html {
        page_policy(&nonce, state.dev_reload_origin.as_deref())
    } else {
        LOCKED_DOWN.to_owned()
    };

    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        // A handler may have set a policy of its own (the service worker's,
        // which may fetch); pages always get theirs.
        if is_html || !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.config.is_https() {
        // Browsers that reached Banter over HTTPS once never fall back to
        // plain HTTP (where a network attacker could read the session).
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if is_html {
        // Pages hold a signed-in user's data: never store them in shared caches.
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("private, no-cache"));
    }
    response
}

/// The policy for pages. `'wasm-unsafe-eval'` allows compiling the app's own
/// WebAssembly, not `eval`. `dev_reload` is the live-reload socket of
/// `cargo leptos watch`, when it runs.
fn page_policy(nonce: &Nonce, dev_reload: Option<&str>) -> String {
    let reload = dev_reload
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
         worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Makes the nonce of this request the one Leptos writes into its inline
/// scripts. Called while Leptos sets up the rendering of a page.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_the_nonce_and_own_origin() {
        let nonce = Nonce::new();
        let policy = page_policy(&nonce, None);
        assert!(policy.contains(&format!("'nonce-{nonce}'")));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("connect-src 'self';"));
        assert!(policy.contains("worker-src 'self';"), "the service worker");
    }

    #[test]
    fn page_policy_admits_the_dev_reload_socket() {
        let policy = page_policy(&Nonce::new(), Some("ws://127.0.0.1:3001"));
        assert!(policy.contains("connect-src 'self' ws://127.0.0.1:3001;"));
    }
}
