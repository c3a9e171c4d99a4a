//! `banter admin`: managing accounts from the command line, on the database
//! Banter serves (SQLite or PostgreSQL), whether it is serving or not. It
//! is how an administrator is made on an install whose first account is
//! gone, and how an administrator locked out gets back in.
//!
//! A command that signs someone out (`reset-password`, `deactivate`)
//! records it for the servers, which close that user's sockets within a
//! second (`auth/sign_out.rs`).

use std::fmt::Write as _;

use app::{chat::Audited, model::Username};
use clap::Subcommand;
use tokio_util::sync::CancellationToken;

use super::generated_password;
use crate::{
    auth::password::{HashError, Passwords},
    config::Config,
    database::Database,
    error::StartError,
    hub::Hub,
    store::{
        accounts::{Account, SignOut},
        audit::Audit,
        Store, StoreError,
    },
};

/// What `banter admin` does.
#[derive(Debug, Clone, Subcommand)]
pub enum AdminCommand {
    /// Lists the accounts, by name: role, status and when each was made.
    ListUsers {
        /// Only names starting with this (in any case).
        #[arg(long, default_value = "")]
        search: String,
    },
    /// Creates an account and prints a generated password for it, to hand
    /// to its owner (who can change it on /settings).
    CreateUser {
        username: String,
        /// Make it an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Gives the account a new generated password, prints it, and signs
    /// the account out everywhere.
    ResetPassword { username: String },
    /// Signs the account out everywhere, and refuses its sign-ins until it
    /// is reactivated. Its messages stay.
    Deactivate { username: String },
    /// Lets a deactivated account sign in again.
    Reactivate { username: String },
    /// Makes the account an instance administrator.
    Grant { username: String },
    /// Takes the administrator role from the account.
    Revoke { username: String },
}

/// Why an admin command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("no account is named {0:?}")]
    NoSuchUser(String),
    #[error("{0}")]
    InvalidName(String),
    #[error("an account named {0:?} exists already")]
    Taken(String),
    #[error("an account with a name that looks like {0:?} exists already")]
    LooksLike(String),
    #[error("{0:?} belonged to an account deleted in the last {days} days", days = app::error::DELETED_NAME_HELD_DAYS)]
    Held(String),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot hash the password: {0}")]
    Hash(#[from] HashError),
}

/// Runs `command`; what it prints.
pub async fn run(config: &Config, command: &AdminCommand) -> Result<String, AdminError> {
    let shutdown = CancellationToken::new();
    let database = Database::open(&config.database_url(), &Hub::default(), &shutdown).await?;
    let store = database.store.as_ref();
    let said = match command {
        AdminCommand::ListUsers { search } => list(store, search).await,
        AdminCommand::CreateUser { username, admin } => create(store, username, *admin).await,
        AdminCommand::ResetPassword { username } => reset_password(store, username).await,
        AdminCommand::Deactivate { username } => {
            let account = find(store, username).await?;
            let out = SignOut {
                deactivate: true,
                tell_nodes: true,
                audit: Some(by_command(Audited::Deactivated)),
                ..SignOut::elsewhere(account.id, None)
            };
            store.sign_out(&out).await?;
            Ok(format!(
                "{} is deactivated and signed out everywhere",
                account.username
            ))
        }
        AdminCommand::Reactivate { username } => {
            let account = find(store, username).await?;
            let audit = by_command(Audited::Reactivated);
            Ok(match store.reactivate(account.id, audit).await? {
                true => format!("{} can sign in again", account.username),
                false => format!("{} was not deactivated", account.username),
            })
        }
        AdminCommand::Grant { username } => set_admin(store, username, true).await,
        AdminCommand::Revoke { username } => set_admin(store, username, false).await,
    };
    shutdown.cancel();
    said
}

async fn find(store: &dyn Store, username: &str) -> Result<Account, AdminError> {
    store
        .account(username.trim())
        .await?
        .ok_or_else(|| AdminError::NoSuchUser(username.to_owned()))
}

async fn list(store: &dyn Store, search: &str) -> Result<String, AdminError> {
    let accounts = store.accounts(search, u32::MAX >> 1).await?;
    let mut out = format!(
        "{:>8}  {:<32}  {:<13}  {:<11}  created\n",
        "id", "username", "role", "status"
    );
    for a in &accounts {
        let role = if a.is_admin {
            "administrator"
        } else {
            "member"
        };
        let status = if a.deactivated_at.is_some() {
            "deactivated"
        } else {
            "active"
        };
        let created = app::chat::time::iso(app::protocol::Millis(a.created_at));
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{:>8}  {:<32}  {role:<13}  {status:<11}  {created}",
            a.id.0, a.username
        );
    }
    let _ = match accounts.len() {
        1 => write!(out, "1 account"),
        n => write!(out, "{n} accounts"),
    };
    Ok(out)
}

async fn create(store: &dyn Store, username: &str, admin: bool) -> Result<String, AdminError> {
    let name = Username::parse(username).map_err(|e| AdminError::InvalidName(e.to_string()))?;
    let password = generated_password();
    let hash = Passwords::default().hash(&password).await?;
    let user = match store.create_user(&name, &hash).await {
        Ok(user) => user,
        Err(StoreError::UsernameTaken) => return Err(AdminError::Taken(username.to_owned())),
        Err(StoreError::UsernameLooksLike) => {
            return Err(AdminError::LooksLike(username.to_owned()))
        }
        Err(StoreError::UsernameHeld) => return Err(AdminError::Held(username.to_owned())),
        Err(error) => return Err(error.into()),
    };
    store.record(by_command(Audited::Created), user.id).await?;
    if admin {
        store
            .set_admin(user.id, true, by_command(Audited::MadeAdmin))
            .await?;
    }
    let role = if admin || store.is_admin(user.id).await? {
        "administrator"
    } else {
        "account"
    };
    Ok(format!(
        "created the {role} {}; its password (shown once, to be changed on /settings):\n{}",
        user.username,
        password.expose()
    ))
}

async fn reset_password(store: &dyn Store, username: &str) -> Result<String, AdminError> {
    let account = find(store, username).await?;
    let password = generated_password();
    let hash = Passwords::default().hash(&password).await?;
    let out = SignOut {
        password: Some(&hash),
        tell_nodes: true,
        audit: Some(by_command(Audited::PasswordReset)),
        ..SignOut::elsewhere(account.id, None)
    };
    store.sign_out(&out).await?;
    Ok(format!(
        "{} is signed out everywhere; their new password (shown once):\n{}",
        account.username,
        password.expose()
    ))
}

async fn set_admin(store: &dyn Store, username: &str, admin: bool) -> Result<String, AdminError> {
    let account = find(store, username).await?;
    let what = match admin {
        true => Audited::MadeAdmin,
        false => Audited::RemovedAdmin,
    };
    let changed = store.set_admin(account.id, admin, by_command(what)).await?;
    Ok(match (admin, changed) {
        (true, true) => format!("{} is now an administrator", account.username),
        (true, false) => format!("{} was an administrator already", account.username),
        (false, true) => format!("{} is no longer an administrator", account.username),
        (false, false) => format!("{} was not an administrator", account.username),
    })
}

/// What the audit log records of a command.
fn by_command(what: Audited) -> Audit {
    Audit::account(None, what)
}
