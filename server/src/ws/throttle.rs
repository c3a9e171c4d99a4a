//! How often one user may make each kind of request: a token bucket per user
//! for every request that costs the server (or everyone else) something.
//!
//! Sends have their own limit (see [`crate::chat`]); the rest are here. A
//! request over its limit is refused with `too_many_requests` and the time
//! to wait. Typing notices are limited per user and channel, however many
//! tabs send them and whatever state they claim, because each one reaches
//! every member of the channel; a notice over the limit is dropped quietly
//! (the next one, or the message, says the same).

use std::time::{Duration, Instant};

use app::{
    model::{ChannelId, UserId},
    protocol::{ClientMsg, ProtocolError},
};

use crate::{config::Config, limits::TokenBuckets};

/// Typing notices one user may send per channel: a few at once, then one a
/// second (clients renew theirs every three seconds).
const TYPING_PER_SECOND: u32 = 1;
const TYPING_BURST: u32 = 4;

/// The kinds of request with a limit of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    CreateChannel,
    OpenDirect,
    JoinLeave,
    History,
    Members,
    Browse,
    FindUsers,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::CreateChannel,
        Kind::OpenDirect,
        Kind::JoinLeave,
        Kind::History,
        Kind::Members,
        Kind::Browse,
        Kind::FindUsers,
    ];

    fn of(request: &ClientMsg) -> Option<Kind> {
        Some(match request {
            ClientMsg::CreateChannel { .. } => Kind::CreateChannel,
            // Starting a conversation, with one person or several.
            ClientMsg::OpenDirect { .. } | ClientMsg::OpenGroup { .. } => Kind::OpenDirect,
            // Changes to one's memberships: each is written and told to
            // every tab of the user.
            ClientMsg::JoinChannel { .. }
            | ClientMsg::LeaveChannel { .. }
            | ClientMsg::SetNotify { .. } => Kind::JoinLeave,
            ClientMsg::History { .. } | ClientMsg::Mentions { .. } => Kind::History,
            ClientMsg::Members { .. } => Kind::Members,
            ClientMsg::BrowseChannels { .. } => Kind::Browse,
            ClientMsg::FindUsers { .. } => Kind::FindUsers,
            // Writes count against the send limit.
            ClientMsg::Send { .. }
            | ClientMsg::Edit { .. }
            | ClientMsg::Delete { .. }
            | ClientMsg::React { .. }
            | ClientMsg::Moderate { .. }
            | ClientMsg::Configure { .. }
            | ClientMsg::Invite { .. }
            | ClientMsg::Sync { .. }
            | ClientMsg::MarkRead { .. }
            | ClientMsg::Ping { .. }
            | ClientMsg::Watch { .. }
            | ClientMsg::Typing { .. } => return None,
        })
    }

    fn rate(self, config: &Config) -> crate::limits::Rate {
        match self {
            Kind::CreateChannel => config.rate_create_channel,
            Kind::OpenDirect => config.rate_open_direct,
            Kind::JoinLeave => config.rate_join_leave,
            Kind::History => config.rate_history,
            Kind::Members => config.rate_members,
            Kind::Browse => config.rate_browse,
            Kind::FindUsers => config.rate_find_users,
        }
    }
}

/// The request limits of this node.
#[derive(Debug)]
pub struct Throttle {
    /// One set of buckets per [`Kind`], in the order of [`Kind::ALL`].
    requests: Vec<TokenBuckets<UserId>>,
    typing: TokenBuckets<(UserId, ChannelId)>,
}

impl Throttle {
    pub fn new(config: &Config) -> Self {
        Self {
            requests: Kind::ALL
                .iter()
                .map(|kind| TokenBuckets::for_rate(kind.rate(config)))
                .collect(),
            typing: TokenBuckets::new(TYPING_PER_SECOND, TYPING_BURST),
        }
    }

    /// Takes one of `user`'s allowance for `request`, or refuses it.
    pub fn admit(&self, user: UserId, request: &ClientMsg) -> Result<(), ProtocolError> {
        let Some(kind) = Kind::of(request) else {
            return Ok(());
        };
        let index = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        match self.requests.get(index) {
            Some(buckets) => buckets.take(&user, Instant::now()).map_err(too_many),
            None => Ok(()),
        }
    }

    /// Whether a typing notice of `user` in `channel` may go out now.
    pub fn typing(&self, user: UserId, channel: ChannelId) -> bool {
        self.typing.take(&(user, channel), Instant::now()).is_ok()
    }
}

/// The refusal of a request over its limit.
pub fn too_many(wait: Duration) -> ProtocolError {
    ProtocolError::TooManyRequests {
        retry_after_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::protocol::PageAt;

    fn history() -> ClientMsg {
        ClientMsg::History {
            req: 1,
            channel: ChannelId(1),
            page: PageAt::Latest,
            limit: 10,
        }
    }

    #[test]
    fn each_kind_has_its_own_allowance_per_user() {
        let mut config = Config::for_data_dir("data");
        config.rate_history = "2/min".parse().unwrap();
        let throttle = Throttle::new(&config);
        let (alice, bob) = (UserId(1), UserId(2));
        assert!(throttle.admit(alice, &history()).is_ok());
        assert!(throttle.admit(alice, &history()).is_ok());
        assert!(matches!(
            throttle.admit(alice, &history()),
            Err(ProtocolError::TooManyRequests { retry_after_ms }) if retry_after_ms > 29_000
        ));
        assert!(throttle.admit(bob, &history()).is_ok(), "per user");
        let browse = ClientMsg::BrowseChannels {
            req: 2,
            query: String::new(),
        };
        assert!(throttle.admit(alice, &browse).is_ok(), "per kind");
        assert!(throttle.admit(alice, &ClientMsg::Ping { req: 3 }).is_ok());
    }

    #[test]
    fn typing_is_limited_per_user_and_channel() {
        let throttle = Throttle::new(&Config::for_data_dir("data"));
        let (alice, general, rust) = (UserId(1), ChannelId(1), ChannelId(2));
        let passed = (0..100).filter(|_| throttle.typing(alice, general)).count();
        assert_eq!(passed, TYPING_BURST as usize);
        assert!(throttle.typing(alice, rust));
        assert!(throttle.typing(UserId(2), general));
    }
}
