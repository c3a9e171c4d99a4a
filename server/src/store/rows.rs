//! What both SQL stores share: the shape of their rows and the escaping of
//! search patterns.

use app::{
    model::{ChannelId, User, UserId},
    protocol::{ChannelKind, ChannelSummary, Seq, MAX_UNREAD},
};

/// One row of a member's channel list, as both stores' summary query
/// returns it.
#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    id: ChannelId,
    kind: String,
    name: Option<String>,
    last_seq: Seq,
    last_read_seq: Seq,
    unread: i64,
    members: i64,
    peer_id: Option<UserId>,
    peer_name: Option<String>,
}

impl SummaryRow {
    /// The channel as the protocol describes it; `None` (and an error in the
    /// log) for a row that contradicts its kind.
    pub(crate) fn into_summary(self) -> Option<ChannelSummary> {
        let kind = match (self.kind.as_str(), self.name, self.peer_id, self.peer_name) {
            ("public", Some(name), _, _) => ChannelKind::Public { name },
            ("direct", _, Some(id), Some(username)) => ChannelKind::Direct {
                peer: User { id, username },
            },
            _ => {
                tracing::error!(channel = %self.id, "a channel row contradicts its kind");
                return None;
            }
        };
        Some(ChannelSummary {
            id: self.id,
            kind,
            last_seq: self.last_seq,
            last_read: self.last_read_seq,
            unread: u32::try_from(self.unread).unwrap_or(MAX_UNREAD),
            members: u32::try_from(self.members).unwrap_or(u32::MAX),
        })
    }

    /// A member's channels in sidebar order: public channels by name, then
    /// conversations by the other person's name.
    pub(crate) fn sidebar(rows: Vec<Self>) -> Vec<ChannelSummary> {
        let mut channels: Vec<ChannelSummary> =
            rows.into_iter().filter_map(Self::into_summary).collect();
        channels.sort_by_cached_key(|c| match &c.kind {
            ChannelKind::Public { name } => (0, name.to_ascii_lowercase()),
            ChannelKind::Direct { peer } => (1, peer.username.to_ascii_lowercase()),
        });
        channels
    }
}

/// Escapes `text` for a `LIKE` pattern with `\` as its escape character (the
/// default on PostgreSQL, `ESCAPE '\'` on SQLite), so that `%` and `_` in
/// what a user typed match themselves.
pub(crate) fn like_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Whether `error` is a violation of a unique constraint.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_escape("a_b%c\\d"), "a\\_b\\%c\\\\d");
        assert_eq!(super::like_escape("plain"), "plain");
    }
}
