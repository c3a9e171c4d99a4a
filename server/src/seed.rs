//! `banter seed`: users, channels and signed-in sessions for load tests.
//!
//! Signing up 15,000 users through the real sign-up path would spend
//! minutes hashing passwords. This writes the same rows through the same
//! code (the store and the session store), with one password hash shared by
//! every seeded user, and writes one line per user to a file:
//!
//! ```text
//! <user id> <username> <session cookie value> <channel id>
//! ```
//!
//! where the channel is the public channel the user was put in (General's id
//! when none). Seeded users all have the password `load-test-password`.

use std::{fmt::Write as _, path::PathBuf, time::Instant};

use app::model::{ChannelId, ChannelName, Password, Username};
use tower_sessions::SessionStore;

use crate::{
    auth::{password::Passwords, session},
    config::Config,
    error::StartError,
    state::AppState,
    store::StoreError,
};

/// The password of every seeded user.
pub const PASSWORD: &str = "load-test-password";

/// What to seed.
#[derive(Debug, Clone, clap::Args)]
pub struct SeedArgs {
    /// How many users to create.
    #[arg(long)]
    pub users: u32,
    /// Users are named `<prefix>-<n>`, channels `<prefix>-room-<k>`.
    #[arg(long, default_value = "load")]
    pub prefix: String,
    /// How many public channels to create (besides General).
    #[arg(long, default_value_t = 0)]
    pub channels: u32,
    /// How many users to put in each channel, in order: the first
    /// `members` users in the first channel, and so on.
    #[arg(long, default_value_t = 100)]
    pub members: u32,
    /// Where to write the users and their session cookies.
    #[arg(long, default_value = "sessions.txt")]
    pub out: PathBuf,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("invalid name {0:?}")]
    Name(String),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("session store: {0}")]
    Sessions(#[from] tower_sessions::session_store::Error),
    #[error("cannot hash the password: {0}")]
    Hash(#[from] crate::auth::password::HashError),
    #[error("cannot write {path:?}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Seeds the configured database.
pub async fn seed(config: Config, args: &SeedArgs) -> Result<(), SeedError> {
    let started = Instant::now();
    let state = AppState::open(config, crate::leptos_options()?).await?;
    let password =
        Password::parse(PASSWORD.to_owned()).map_err(|_| SeedError::Name(PASSWORD.into()))?;
    let hash = Passwords::default().hash(&password).await?;

    let mut lines = String::new();
    let mut channel = ChannelId::GENERAL;
    for n in 0..args.users {
        let name = format!("{}-{n}", args.prefix);
        let username = Username::parse(&name).map_err(|_| SeedError::Name(name.clone()))?;
        let user = state.store.create_user(&username, &hash).await?;

        let room = n / args.members.max(1);
        if room < args.channels {
            if n % args.members.max(1) == 0 {
                let name = format!("{}-room-{room}", args.prefix);
                let name = ChannelName::parse(&name).map_err(|_| SeedError::Name(name.clone()))?;
                channel = state.store.create_channel(user.id, &name).await?;
            } else {
                state.store.join_channel(user.id, channel).await?;
            }
        } else {
            channel = ChannelId::GENERAL;
        }

        let mut record = session::record_for(user.id);
        state.sessions.create(&mut record).await?;
        // One line per user; writing to a String cannot fail.
        let _ = writeln!(
            lines,
            "{} {} {} {}",
            user.id, user.username, record.id, channel
        );
    }
    std::fs::write(&args.out, lines).map_err(|source| SeedError::Write {
        path: args.out.clone(),
        source,
    })?;
    state.shutdown.cancel();
    state.presence.stop().await;
    tracing::info!(users = args.users, channels = args.channels, elapsed = ?started.elapsed(), out = ?args.out, "seeded");
    Ok(())
}
