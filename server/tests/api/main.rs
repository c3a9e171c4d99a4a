//! Integration tests: a real Banter router on a loopback port, a real SQLite
//! file in a temporary directory (or a fresh PostgreSQL database, see
//! `common`), and real HTTP and WebSocket clients.
//!
//! One test binary with a module per feature, so the suite links once.

mod account_deletion;
mod accounts;
mod admin;
mod backup;
mod blocking;
mod browser;
mod bucket;
mod changes;
mod channel_settings;
mod chaos;
mod chat;
mod common;
mod devices;
mod drain;
mod fake_s3;
mod files;
mod formatting;
mod foundation;
mod groups;
mod images;
mod input;
mod leaving;
mod limits;
mod live;
mod mentions;
mod migrate;
mod moderation;
mod nodes;
mod notify;
mod observe;
mod pages;
mod plain_form;
mod presence;
mod process;
mod profile;
mod push;
mod restart;
mod search;
mod sessions;
mod sign_out;
mod sweep;
mod transport;
mod upgrade;
