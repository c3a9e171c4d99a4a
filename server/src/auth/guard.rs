//! Who may see which page.
//!
//! Banter is for signed-in users: a visitor who opens any app page is sent to
//! `/login?next=<that page>`, and a signed-in user who opens `/login` or
//! `/signup` is sent into the app; a browser whose account was just deleted
//! is sent to the log-in page that says so. This runs before rendering, so
//! it holds without JavaScript. Server functions (`/api/…`) check the session
//! themselves.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use http::Method;
use tower_sessions::Session;

use app::auth::DELETED_PATH;

use super::{client_addr::client_addr_of, session};
use crate::state::AppState;

/// Redirects page requests according to whether someone is signed in.
pub async fn pages(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let is_page = matches!(*request.method(), Method::GET | Method::HEAD)
        && !request.uri().path().starts_with("/api/");
    if !is_page {
        return next.run(request).await;
    }

    let address = client_addr_of(
        request.headers(),
        request.extensions(),
        state.config.trust_forwarded_for,
    );
    let signed_in = match state.session_user(&session, address).await {
        Ok(user) => user.is_some(),
        Err(error) => {
            tracing::warn!(%error, "cannot read the session; treating the visitor as signed out");
            false
        }
    };
    let path = request.uri().path();
    let is_auth_page = path == "/login" || path == "/signup";
    // A browser whose account was just deleted: its tabs, sent to a page
    // by their closed sockets, land where the deletion form does.
    let landing = path == "/login"
        && query_param(request.uri().query(), "account").as_deref() == Some("deleted");
    if !signed_in && !landing && path != "/signup" && session::deleted_lately(&session).await {
        return Redirect::to(DELETED_PATH).into_response();
    }

    match (signed_in, is_auth_page) {
        (true, true) => {
            let next = query_param(request.uri().query(), "next");
            Redirect::to(&app::auth::safe_next(next.as_deref())).into_response()
        }
        (false, false) => {
            let here = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
            Redirect::to(&format!("/login?next={}", encode(here))).into_response()
        }
        _ => next.run(request).await,
    }
}

/// The decoded value of `name` in a query string.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_round_trips_through_the_query() {
        let here = "/c/3?before=10&x=a b";
        let query = format!("next={}", encode(here));
        assert_eq!(query_param(Some(&query), "next").as_deref(), Some(here));
        assert_eq!(query_param(Some("a=1"), "next"), None);
        assert_eq!(query_param(None, "next"), None);
    }
}
