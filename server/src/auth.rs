//! Accounts and sessions: who is signed in, and the rules around signing in.

pub mod accounts;
pub mod attempts;
pub mod client_addr;
pub mod delete_account;
pub mod devices;
pub mod guard;
pub mod origin;
pub mod password;
pub mod profile;
pub mod session;
pub mod sign_out;
pub mod signed_in;
