//! The sessions a user is signed in with: listing them on `/settings`, and
//! signing one out from another browser.
//!
//! Each session is listed at sign-in (`user_sessions`), with the browser it
//! signed in from; a session from before the list existed is listed when it
//! first looks at it. Signing one out deletes it from the session store,
//! closes its sockets on every node, and forgets its push subscriptions.

use app::{chat::SessionInfo, error::AppError, protocol::Millis, protocol::ProtocolError};
use http::{header, request::Parts};
use tower_sessions::{session::Id, Session, SessionStore};

use crate::{bus::Event, error::internal, state::AppState};

impl AppState {
    /// The signed-in user's sessions, newest first.
    pub async fn sessions(&self, request: &Parts) -> Result<Vec<SessionInfo>, AppError> {
        let me = self.signed_in(request).await?;
        let current = current_session(request);
        let mut listed = self.store.sessions_of(me.id).await.map_err(internal)?;
        if let Some(current) = &current {
            if !listed.iter().any(|s| s.session_id == *current) {
                let address = self.client_addr(request).to_string();
                self.store
                    .list_session(me.id, current, agent(request), &address)
                    .await
                    .map_err(internal)?;
                listed = self.store.sessions_of(me.id).await.map_err(internal)?;
            }
        }
        Ok(listed
            .into_iter()
            .map(|s| SessionInfo {
                id: s.id,
                browser: browser_label(&s.agent),
                signed_in: Millis(s.created_at),
                last_active: Millis(s.last_seen_at.unwrap_or(s.created_at)),
                address: s.address,
                current: current.as_deref() == Some(s.session_id.as_str()),
            })
            .collect())
    }

    /// Signs out the user's listed session `id`: this browser's own is a
    /// log-out.
    pub async fn end_session(&self, request: &Parts, id: i64) -> Result<(), AppError> {
        let me = self.signed_in(request).await?;
        let Some(session) = self
            .store
            .listed_session(me.id, id)
            .await
            .map_err(internal)?
        else {
            return Err(AppError::Chat(ProtocolError::BadRequest {
                detail: "no such session".into(),
            }));
        };
        if current_session(request).as_deref() == Some(session.as_str()) {
            return self.log_out(request).await;
        }
        let parsed: Result<Id, _> = session.parse();
        if let Ok(id) = parsed {
            self.sessions.delete(&id).await.map_err(internal)?;
            self.session_ended(&id).await;
            self.bus.publish(Event::EndSession { session: id });
        } else {
            // Not a session id at all: nothing to delete but the listing.
            self.store
                .forget_session(&session)
                .await
                .map_err(internal)?;
        }
        tracing::info!(user = %me.id, "signed a session out from another");
        Ok(())
    }

    /// Lists a session just signed in.
    pub(super) async fn list_session(
        &self,
        request: &Parts,
        user: app::model::UserId,
        session: &Id,
    ) {
        let address = self.client_addr(request).to_string();
        let listed = self
            .store
            .list_session(user, &session.to_string(), agent(request), &address)
            .await;
        if let Err(error) = listed {
            tracing::error!(%error, "cannot list a new session");
        }
    }

    /// Forgets what belonged to a session that ended (its listing and push
    /// subscriptions). A failure is only logged: both are read only for
    /// sessions that still exist.
    pub(super) async fn session_ended(&self, session: &Id) {
        if let Err(error) = self.store.forget_session(&session.to_string()).await {
            tracing::error!(%error, "cannot forget an ended session's listing and pushes");
        }
    }
}

/// The id of this request's session, if it has one.
fn current_session(request: &Parts) -> Option<String> {
    let session = request.extensions.get::<Session>()?;
    session.id().map(|id| id.to_string())
}

/// The request's User-Agent (empty when it sent none or not as text).
fn agent(request: &Parts) -> &str {
    request
        .headers
        .get(header::USER_AGENT)
        .and_then(|agent| agent.to_str().ok())
        .unwrap_or("")
}

/// "Firefox on Linux", from a User-Agent: what a person recognises their
/// browsers by. Order matters: Edge and Opera say "Chrome" too, Chrome says
/// "Safari", and Android says "Linux".
pub fn browser_label(agent: &str) -> String {
    const BROWSERS: [(&str, &str); 6] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(mark, _)| agent.contains(mark))
            .map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "An unknown browser".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::browser_label;

    #[test]
    fn browsers_are_named_as_people_know_them() {
        let cases = [
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"),
            ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS"),
            ("curl/8.5.0", "An unknown browser"),
            ("", "An unknown browser"),
            ("日本語 Привет العربية 🦀 Linux", "A browser on Linux"),
        ];
        for (agent, label) in cases {
            assert_eq!(browser_label(agent), label, "{agent}");
        }
    }
}
