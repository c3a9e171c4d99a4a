//! The WebSocket: one per browser tab, at `/ws`.
//!
//! [`upgrade`] authenticates the request from its session cookie before
//! upgrading (401 otherwise) and refuses other sites' pages (403). Each socket
//! then gets a task ([`connection::run`]) that reads requests, answers them,
//! writes the hub's events, and keeps the link alive.

pub mod connection;
mod requests;
mod upgrade;

pub use upgrade::upgrade;
