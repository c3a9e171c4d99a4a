//! The limits of accounts: failed log-ins per username and per address,
//! sign-ups per address.

use std::{net::IpAddr, time::Duration};

use crate::{config::Config, limits::AttemptLimiter};

/// The window of the log-in failure limits.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The window of the sign-up limit.
pub const SIGNUP_WINDOW: Duration = Duration::from_secs(60 * 60);

/// The attempt limits of accounts.
#[derive(Debug)]
pub struct AuthLimits {
    /// Failed log-ins per username (lower-cased).
    pub login_by_name: AttemptLimiter<String>,
    /// Failed log-ins per client address.
    pub login_by_addr: AttemptLimiter<IpAddr>,
    /// Sign-ups per client address.
    pub signups: AttemptLimiter<IpAddr>,
}

impl AuthLimits {
    pub fn new(config: &Config) -> Self {
        Self {
            login_by_name: AttemptLimiter::new(config.login_failures, LOGIN_WINDOW),
            login_by_addr: AttemptLimiter::new(config.login_failures, LOGIN_WINDOW),
            signups: AttemptLimiter::new(config.signups_per_hour, SIGNUP_WINDOW),
        }
    }
}
