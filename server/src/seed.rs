//! `banter seed`: users, channels, signed-in sessions and a long history, for
//! load tests and browser tests.
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
//! `--messages` then writes that many messages to General, `message 1` to
//! `message <n>`, from the seeded users in turn (`--formatted`: with every
//! kind of formatting; `--varied`: varied sentences spread over every
//! seeded channel, see `varied.rs`).

mod varied;

use std::{fmt::Write as _, path::PathBuf, time::Instant};

use app::{
    model::{ChannelId, ChannelName, Password, User, Username},
    protocol::ClientId,
};
use tower_sessions::SessionStore;

use crate::{
    auth::{password::Passwords, session},
    config::{Config, SeedArgs},
    error::StartError,
    state::AppState,
    store::{NewMessage, StoreError, Write},
};

/// Messages stored per transaction while seeding a history.
const MESSAGE_BATCH: u32 = 500;

/// The password of every seeded user.
pub const PASSWORD: &str = "load-test-password";

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("invalid name {0:?}")]
    Name(String),
    #[error("--messages needs at least one user to send them (--users)")]
    NoSenders,
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
    let mut users = Vec::new();
    let mut channel = ChannelId::GENERAL;
    // Each seeded channel, with its members (indexes into `users`).
    let mut rooms: Vec<(ChannelId, Vec<usize>)> = Vec::new();
    for n in 0..args.users {
        let name = format!("{}-{n}", args.prefix);
        let username = Username::parse(&name).map_err(|_| SeedError::Name(name.clone()))?;
        let user = state.store.create_user(&username, &hash).await?;
        users.push(user.clone());

        let room = n / args.members.max(1);
        if room < args.channels {
            if n % args.members.max(1) == 0 {
                let name = format!("{}-room-{room}", args.prefix);
                let name = ChannelName::parse(&name).map_err(|_| SeedError::Name(name.clone()))?;
                channel = state.store.create_channel(user.id, &name, false).await?;
                rooms.push((channel, vec![n as usize]));
            } else {
                state.store.join_channel(user.id, channel).await?;
                if let Some((_, members)) = rooms.last_mut() {
                    members.push(n as usize);
                }
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
    let history = match (args.formatted, args.varied) {
        (true, _) => History::Formatted,
        (false, true) => {
            rooms.insert(0, (ChannelId::GENERAL, (0..users.len()).collect()));
            History::Varied(rooms)
        }
        (false, false) => History::Plain,
    };
    seed_history(&state, &users, args.messages, &history).await?;
    state.shutdown.cancel();
    state.presence.stop().await;
    tracing::info!(users = args.users, channels = args.channels, messages = args.messages, elapsed = ?started.elapsed(), out = ?args.out, "seeded");
    Ok(())
}

/// What the seeded messages say, and where.
enum History {
    /// `message <n>`, in General.
    Plain,
    /// Every kind of formatting, in General.
    Formatted,
    /// Varied sentences, spread over these channels, each with the indexes
    /// (into the seeded users) of its members.
    Varied(Vec<(ChannelId, Vec<usize>)>),
}

/// The `n`th message of a formatted history: every kind of formatting, in
/// four scripts, in turn.
fn formatted_text(n: u32) -> String {
    match n % 4 {
        0 => format!(
            "message {n}: **bold**, *emphasis*, ~~struck~~ and `code`, see https://example.com/{n}"
        ),
        1 => format!("message {n}\n\n> a quote\n\n- one\n- two, [a link](https://example.com/{n})"),
        2 => format!("message {n}:\n```rust\nfn main() {{\n    println!(\"{n}\");\n}}\n```"),
        _ => format!("message {n}: 日本語 **Привет** *العربية* 🦀"),
    }
}

/// Writes `count` messages to General from `users` in turn, in batches.
async fn seed_history(
    state: &AppState,
    users: &[User],
    count: u32,
    history: &History,
) -> Result<(), SeedError> {
    if count > 0 && users.is_empty() {
        return Err(SeedError::NoSenders);
    }
    let mut written = 0;
    while written < count {
        let batch: Vec<Write> = (written..count.min(written + MESSAGE_BATCH))
            .map(|n| {
                let (channel, sender, text) = match history {
                    History::Plain => {
                        (ChannelId::GENERAL, n as usize, format!("message {}", n + 1))
                    }
                    History::Formatted => (ChannelId::GENERAL, n as usize, formatted_text(n + 1)),
                    History::Varied(rooms) => {
                        let (channel, members) = &rooms[n as usize % rooms.len()];
                        let turn = n as usize / rooms.len();
                        (*channel, members[turn % members.len()], varied::text(n + 1))
                    }
                };
                Write::Message(NewMessage {
                    sender: users[sender % users.len()].clone(),
                    channel,
                    client_id: ClientId(uuid::Uuid::new_v4()),
                    text,
                    reply_to: None,
                    files: Vec::new(),
                })
            })
            .collect();
        written += batch.len() as u32;
        // Nobody is connected to hear them live; other nodes on the same
        // database hear of them as of any stored message.
        state.store.write(&batch, state.bus.as_ref()).await?;
    }
    Ok(())
}
