//! The WebSocket: one per browser tab, at `/ws`.
//!
//! [`upgrade`] authenticates the request from its session cookie before
//! upgrading (401 otherwise), refuses other sites' pages (403), and admits
//! a socket only while its user and address hold fewer than their limits
//! ([`Admission`], 429 otherwise). Each socket
//! then gets a task ([`connection::run`]) that reads requests, answers them,
//! writes the hub's events, and keeps the link alive. [`throttle`] limits how
//! often each user may make each kind of request.

mod admission;
pub mod connection;
mod opening;
mod requests;
pub mod throttle;
mod upgrade;
mod woken;
mod writer;

pub use admission::Admission;
pub use upgrade::upgrade;
