//! The shape of the rows that need more than one step to become the model,
//! and the escaping of search patterns: what a row means is decided here,
//! once.

use app::{
    model::{ChannelId, User, UserId},
    protocol::{ChannelKind, ChannelSummary, DirectoryEntry, Member, NotifyLevel, Seq, MAX_UNREAD},
};

use super::MemberPage;

/// A row of the channel directory: id, name, topic, member count, and
/// whether the asking user is a member.
pub(crate) type DirectoryRow = (ChannelId, String, String, i64, bool);

/// A row of a channel's member list: id, username, display name, whether
/// online, and standing.
pub(crate) type MemberRow = (UserId, String, String, bool, String);

/// The directory entries of `rows`, in order.
pub(crate) fn directory(rows: Vec<DirectoryRow>) -> Vec<DirectoryEntry> {
    rows.into_iter()
        .map(|(id, name, topic, members, joined)| DirectoryEntry {
            id,
            name,
            topic,
            members: count(members),
            joined,
        })
        .collect()
}

/// A member list of `rows`, out of `total` members of whom `online` are.
pub(crate) fn member_list(rows: Vec<MemberRow>, total: i64, online: i64) -> MemberPage {
    MemberPage {
        members: rows
            .into_iter()
            .map(|(id, username, display, online, standing)| Member {
                user: User {
                    id,
                    username,
                    display,
                },
                online,
                standing: super::moderation::standing_of(&standing),
            })
            .collect(),
        total: count(total),
        online: count(online),
    }
}

/// A count from SQL (never negative, and in practice far below the limit).
fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One row of a member's channel list, as both stores' summary query
/// returns it.
#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    id: ChannelId,
    kind: String,
    name: Option<String>,
    topic: String,
    is_private: bool,
    archived: bool,
    last_seq: Seq,
    last_read_seq: Seq,
    unread: i64,
    mentions: i64,
    members: i64,
    notify: Option<String>,
    peer_id: Option<UserId>,
    peer_name: Option<String>,
    peer_display: Option<String>,
    /// A group conversation's members, read apart (see `groups.rs`).
    #[sqlx(skip)]
    pub(crate) members_named: Vec<User>,
}

impl SummaryRow {
    /// The channel as the protocol describes it; `None` (and an error in the
    /// log) for a row that contradicts its kind.
    pub(crate) fn into_summary(self) -> Option<ChannelSummary> {
        let kind = match (self.kind.as_str(), self.name, self.peer_id, self.peer_name) {
            ("public", Some(name), _, _) => ChannelKind::Named {
                name,
                topic: self.topic,
                private: self.is_private,
                archived: self.archived,
            },
            ("direct", _, Some(id), Some(username)) => ChannelKind::Direct {
                peer: User {
                    id,
                    username,
                    display: self.peer_display.unwrap_or_default(),
                },
            },
            ("group", name, _, _) => ChannelKind::Group {
                name: name.unwrap_or_default(),
                members: self.members_named,
            },
            _ => {
                tracing::error!(channel = %self.id, "a channel row contradicts its kind");
                return None;
            }
        };
        let unread = u32::try_from(self.unread).unwrap_or(MAX_UNREAD);
        // In a conversation every message is for the reader.
        let direct = !matches!(kind, ChannelKind::Named { .. });
        let mentions = match direct {
            true => unread,
            false => u32::try_from(self.mentions).unwrap_or(MAX_UNREAD),
        };
        let members = count(self.members);
        let notify = match self.notify.as_deref().map(NotifyLevel::parse) {
            Some(Some(chosen)) => chosen,
            Some(None) => {
                tracing::error!(channel = %self.id, "a membership has an unknown notification setting");
                NotifyLevel::default_for(direct, members)
            }
            None => NotifyLevel::default_for(direct, members),
        };
        Some(ChannelSummary {
            id: self.id,
            kind,
            last_seq: self.last_seq,
            last_read: self.last_read_seq,
            unread,
            mentions,
            members,
            notify,
        })
    }

    /// The id and kind of the row, to find which are groups.
    pub(crate) fn kind(&self) -> (ChannelId, &str) {
        (self.id, &self.kind)
    }

    /// A member's channels in sidebar order: named channels by name, then
    /// conversations by the other person's name (a group's by its name, or
    /// its members' names).
    pub(crate) fn sidebar(rows: Vec<Self>) -> Vec<ChannelSummary> {
        let mut channels: Vec<ChannelSummary> =
            rows.into_iter().filter_map(Self::into_summary).collect();
        channels.sort_by_cached_key(|c| match &c.kind {
            ChannelKind::Named { name, .. } => (0, name.to_ascii_lowercase()),
            ChannelKind::Direct { peer } => (1, peer.username.to_ascii_lowercase()),
            ChannelKind::Group { name, members } if name.is_empty() => {
                let names: Vec<&str> = members.iter().map(|m| m.username.as_str()).collect();
                (1, names.join(", ").to_ascii_lowercase())
            }
            ChannelKind::Group { name, .. } => (1, name.to_ascii_lowercase()),
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
