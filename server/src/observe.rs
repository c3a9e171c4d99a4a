//! Watching Banter run: Prometheus metrics, request ids and spans, and the
//! log format.
//!
//! Metrics are recorded through the `metrics` crate's macros wherever
//! something happens, under the names below. Until a recorder is installed
//! (`--metrics` or `--metrics-addr`, see [`exporter`]) every macro is a
//! no-op, so a node that nobody scrapes pays next to nothing. Labels are
//! bounded: request kinds, error kinds, outcomes and status codes, never a
//! user or a channel.
//!
//! - [`exporter`]: the recorder, `GET /metrics`, and the gauges read at
//!   scrape time (connections, the database pool, nodes).
//! - [`requests`]: an id for every HTTP request and WebSocket, its span, and
//!   the HTTP metrics.
//! - [`logs`]: human-readable lines or JSON.

pub mod exporter;
pub mod logs;
pub mod requests;

use std::time::Duration;

use app::protocol::{ClientMsg, ProtocolError};
use metrics::{counter, histogram};

use crate::store::News;

// Connections (gauges, read at scrape time).
pub const WEBSOCKETS_OPEN: &str = "banter_websockets_open";
pub const USERS_ONLINE: &str = "banter_users_online";
// Traffic.
pub const MESSAGES_STORED: &str = "banter_messages_stored_total";
pub const MESSAGES_CHANGED: &str = "banter_message_changes_total";
pub const DELIVERIES: &str = "banter_deliveries_total";
pub const WS_REQUESTS: &str = "banter_ws_requests_total";
pub const WS_REQUEST_ERRORS: &str = "banter_ws_request_errors_total";
pub const HTTP_REQUESTS: &str = "banter_http_requests_total";
// Latency.
pub const FANOUT_SECONDS: &str = "banter_fanout_seconds";
pub const WS_REQUEST_SECONDS: &str = "banter_ws_request_duration_seconds";
pub const HTTP_REQUEST_SECONDS: &str = "banter_http_request_duration_seconds";
// Health signals.
pub const LAGGING_CLOSES: &str = "banter_lagging_closes_total";
pub const RATE_LIMITED: &str = "banter_rate_limited_total";
pub const SIGN_INS: &str = "banter_sign_ins_total";
pub const SIGN_UPS: &str = "banter_sign_ups_total";
// Internals.
pub const DB_CONNECTIONS: &str = "banter_db_connections";
pub const DB_CONNECTIONS_MAX: &str = "banter_db_connections_max";
pub const DB_BEGIN_SECONDS: &str = "banter_db_begin_seconds";
pub const PIPELINE_BATCH: &str = "banter_pipeline_batch_messages";
pub const BUS_SENT: &str = "banter_bus_notifications_sent_total";
pub const BUS_RECEIVED: &str = "banter_bus_notifications_received_total";
pub const BUS_LAG_SECONDS: &str = "banter_bus_lag_seconds";
pub const NODES: &str = "banter_nodes";

// Search.
pub const SEARCH_SECONDS: &str = "banter_search_seconds";
pub const SEARCHES_TIMED_OUT_TOTAL: &str = "banter_searches_timed_out_total";

/// Which limit refused something, for [`RATE_LIMITED`].
#[derive(Clone, Copy, Debug)]
pub enum Limit {
    /// Messages per user.
    Send,
    /// Any other WebSocket request per user.
    Requests,
    /// Failed log-ins per name or address.
    LogIn,
    /// Sign-ups per address.
    SignUp,
    /// Open WebSockets per user or address.
    Connections,
}

impl Limit {
    fn label(self) -> &'static str {
        match self {
            Limit::Send => "send",
            Limit::Requests => "requests",
            Limit::LogIn => "log_in",
            Limit::SignUp => "sign_up",
            Limit::Connections => "connections",
        }
    }
}

/// Something was refused by a limit.
pub fn rate_limited(limit: Limit) {
    counter!(RATE_LIMITED, "limit" => limit.label()).increment(1);
}

/// What an account request was, for its metric and its limit.
#[derive(Clone, Copy, Debug)]
pub enum Account {
    LogIn,
    SignUp,
}

/// How an account request ended, in [`SIGN_INS`] or [`SIGN_UPS`] by
/// outcome (and in [`RATE_LIMITED`] when a limit refused it).
pub fn account_outcome<T>(account: Account, result: &Result<T, app::error::AppError>) {
    use app::error::AppError;
    let (metric, limit) = match account {
        Account::LogIn => (SIGN_INS, Limit::LogIn),
        Account::SignUp => (SIGN_UPS, Limit::SignUp),
    };
    let outcome = match result {
        Ok(_) => "ok",
        Err(AppError::TooManyAttempts { .. }) => {
            rate_limited(limit);
            "limited"
        }
        Err(
            AppError::InvalidCredentials
            | AppError::UsernameTaken
            | AppError::UsernameLooksLike
            | AppError::InvalidUsername(_)
            | AppError::InvalidPassword(_),
        ) => "refused",
        Err(_) => "error",
    };
    counter!(metric, "outcome" => outcome).increment(1);
}

/// A WebSocket request was answered, in `took`, with `error` if it failed.
pub fn ws_request(kind: &'static str, took: Duration, error: Option<&ProtocolError>) {
    counter!(WS_REQUESTS, "request" => kind).increment(1);
    histogram!(WS_REQUEST_SECONDS, "request" => kind).record(took);
    if let Some(error) = error {
        counter!(WS_REQUEST_ERRORS, "request" => kind, "error" => error_kind(error)).increment(1);
        match error {
            ProtocolError::RateLimited { .. } => rate_limited(Limit::Send),
            ProtocolError::TooManyRequests { .. } => rate_limited(Limit::Requests),
            _ => {}
        }
    }
}

/// A request's kind, as its `type` on the wire.
pub fn request_kind(message: &ClientMsg) -> &'static str {
    match message {
        ClientMsg::Send { .. } => "send",
        ClientMsg::Edit { .. } => "edit",
        ClientMsg::Delete { .. } => "delete",
        ClientMsg::React { .. } => "react",
        ClientMsg::History { .. } => "history",
        ClientMsg::Sync { .. } => "sync",
        ClientMsg::MarkRead { .. } => "mark_read",
        ClientMsg::SetNotify { .. } => "set_notify",
        ClientMsg::CreateChannel { .. } => "create_channel",
        ClientMsg::Configure { .. } => "configure",
        ClientMsg::Invite { .. } => "invite",
        ClientMsg::JoinChannel { .. } => "join_channel",
        ClientMsg::LeaveChannel { .. } => "leave_channel",
        ClientMsg::BrowseChannels { .. } => "browse_channels",
        ClientMsg::FindUsers { .. } => "find_users",
        ClientMsg::OpenDirect { .. } => "open_direct",
        ClientMsg::OpenGroup { .. } => "open_group",
        ClientMsg::Ping { .. } => "ping",
        ClientMsg::Members { .. } => "members",
        ClientMsg::Moderate { .. } => "moderate",
        ClientMsg::Mentions { .. } => "mentions",
        ClientMsg::Watch { .. } => "watch",
        ClientMsg::Typing { .. } => "typing",
    }
}

/// An error's kind, as its `code` on the wire.
fn error_kind(error: &ProtocolError) -> &'static str {
    match error {
        ProtocolError::BadRequest { .. } => "bad_request",
        ProtocolError::NotMember => "not_member",
        ProtocolError::RateLimited { .. } => "rate_limited",
        ProtocolError::TooManyRequests { .. } => "too_many_requests",
        ProtocolError::NoSuchMessage => "no_such_message",
        ProtocolError::UserNotFound => "user_not_found",
        ProtocolError::Refused { .. } => "refused",
        ProtocolError::Internal => "internal",
    }
}

/// A batch of `batch` messages was stored, `new` of them for the first time.
pub fn batch_stored(batch: usize, made: &[News<'_>]) {
    histogram!(PIPELINE_BATCH).record(batch as f64);
    let new = made
        .iter()
        .filter(|news| matches!(news, News::Message(_)))
        .count();
    counter!(MESSAGES_STORED).increment(new as u64);
    counter!(MESSAGES_CHANGED).increment((made.len() - new) as u64);
}

/// A connection was closed because it fell behind.
pub fn lagging_close() {
    counter!(LAGGING_CLOSES).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every metric this module names.
    const ALL: &[&str] = &[
        WEBSOCKETS_OPEN,
        USERS_ONLINE,
        MESSAGES_STORED,
        MESSAGES_CHANGED,
        DELIVERIES,
        WS_REQUESTS,
        WS_REQUEST_ERRORS,
        HTTP_REQUESTS,
        FANOUT_SECONDS,
        WS_REQUEST_SECONDS,
        HTTP_REQUEST_SECONDS,
        LAGGING_CLOSES,
        RATE_LIMITED,
        SIGN_INS,
        SIGN_UPS,
        DB_CONNECTIONS,
        DB_CONNECTIONS_MAX,
        DB_BEGIN_SECONDS,
        PIPELINE_BATCH,
        BUS_SENT,
        BUS_RECEIVED,
        BUS_LAG_SECONDS,
        NODES,
        SEARCH_SECONDS,
        SEARCHES_TIMED_OUT_TOTAL,
    ];

    #[test]
    fn the_dashboard_asks_only_for_metrics_banter_has() {
        let dashboard = include_str!("../../docs/grafana-dashboard.json");
        let mut asked = 0;
        for (start, _) in dashboard.match_indices("banter_") {
            let name: String = dashboard[start..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            let metric = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix).filter(|m| ALL.contains(m)))
                .unwrap_or(&name);
            assert!(ALL.contains(&metric), "the dashboard asks for {name}");
            asked += 1;
        }
        assert!(asked > 20);
    }

    #[test]
    fn names_follow_prometheus_conventions() {
        for name in ALL {
            assert!(name.starts_with("banter_"), "{name}");
            let counter = name.ends_with("_total");
            let unit = ["_seconds", "_messages"].iter().any(|u| name.ends_with(u));
            let gauge = [
                WEBSOCKETS_OPEN,
                USERS_ONLINE,
                DB_CONNECTIONS,
                DB_CONNECTIONS_MAX,
                NODES,
            ]
            .contains(name);
            assert!(counter || unit || gauge, "{name} says what it counts");
        }
    }
}
