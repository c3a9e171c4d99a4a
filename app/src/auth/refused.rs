//! A refused account form: how the server sends it back to its page, and how
//! the page shows why.
//!
//! The account forms are plain forms, with or without WebAssembly: the
//! server answers each post with a redirect. One that failed goes back to
//! the page it came from with the error in the address (`__path` and
//! `__err`, as server functions encode it) and the username that was typed,
//! so that only the password is typed again. The server renders the page
//! from there, the browser hydrates the same, then tidies the address.
//! Posting through a server function client instead would cost the
//! WebAssembly that client and a form encoder (about 30 KB of gzip).

use leptos::{
    prelude::*,
    server_fn::{error::ServerFnUrlError, ServerFn},
};
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// The address keys a refused post adds to its page's address.
const KEYS: [&str; 3] = ["__path", "__err", "username"];

/// A typed username longer than this is not carried back (no valid one is).
#[cfg(feature = "ssr")]
const MAX_CARRIED: usize = 256;

/// What the last post of a form came back with: nothing, unless it was
/// refused.
#[derive(Default)]
pub struct Refused {
    /// Why it was refused.
    pub error: Option<AppError>,
    /// The username that was typed, to fill in again.
    pub username: Option<String>,
}

/// What the last post of `F`'s form came back with.
pub fn refused<F: ServerFn<Error = AppError>>() -> Refused {
    let query = use_query_map().read_untracked();
    let error = match (query.get_str("__path"), query.get_str("__err")) {
        (Some(path), Some(error)) if path == F::PATH => error,
        _ => return Refused::default(),
    };
    #[cfg(feature = "hydrate")]
    Effect::new(tidy_address);
    Refused {
        error: Some(ServerFnUrlError::<AppError>::decode_err(error)),
        username: query.get("username"),
    }
}

/// Sends a refused post of `F`'s form from a plain form (one that asks for
/// HTML) back to the page it came from, with `error` and the `username`
/// typed. Calls from a server function client are answered as usual.
#[cfg(feature = "ssr")]
pub fn send_back<F: ServerFn<Error = AppError>>(
    request: &http::request::Parts,
    username: &str,
    error: &AppError,
) {
    if !crate::backend::is_form_post(request) {
        return;
    }
    let Some(from) = request
        .headers
        .get(http::header::REFERER)
        .and_then(|referer| referer.to_str().ok())
        .and_then(|referer| url::Url::parse(referer).ok())
    else {
        return;
    };
    // Only the path and query are kept, so the way back stays on this site.
    let Ok(mut back) = url::Url::parse(super::SITE).and_then(|site| site.join(from.path())) else {
        return;
    };
    {
        let mut query = back.query_pairs_mut();
        query.extend_pairs(
            from.query_pairs()
                .filter(|(key, _)| !KEYS.contains(&key.as_ref())),
        );
        if !username.is_empty() && username.len() <= MAX_CARRIED {
            query.append_pair("username", username);
        }
    }
    if let Ok(back) = ServerFnUrlError::new(F::PATH, error.clone()).to_url(back.as_str()) {
        leptos_axum::redirect(&back[url::Position::BeforePath..]);
    }
}

/// Takes the refused post's keys out of the address bar, so that reloading
/// the page does not show the error again.
#[cfg(feature = "hydrate")]
fn tidy_address() {
    let window = window();
    let location = window.location();
    let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else {
        return;
    };
    let kept: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
                .filter(|(key, _)| !KEYS.contains(&key.as_ref())),
        )
        .finish();
    let address = match kept.is_empty() {
        true => path,
        false => format!("{path}?{kept}"),
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}
