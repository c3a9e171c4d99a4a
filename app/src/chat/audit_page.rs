//! `/settings/audit` (`/admin/audit` leads there): the audit log, for
//! administrators. Who did what to whom, and when, newest first, a page at a
//! time. Like the accounts, a part only the server renders
//! (`server_part.rs`), paged with plain links.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(not(feature = "ssr"))]
use super::server_part::browser_slot;
use super::settings_page::Subpage;
use crate::protocol::Millis;

/// Where the page is.
pub const AUDIT_PATH: &str = "/settings/audit";

/// How many entries a page of the log shows.
pub const AUDIT_PAGE: u32 = 100;

/// What an entry of the audit log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audited {
    Created,
    Deactivated,
    Reactivated,
    MadeAdmin,
    RemovedAdmin,
    PasswordReset,
    /// A moderator's actions, in a channel.
    RemovedMessage,
    RemovedMember,
    Banned,
    Unbanned,
    TimedOut,
    TimeOutEnded,
    MadeModerator,
    RemovedModerator,
    /// Done to a channel itself; the target is the channel, by the name it
    /// had before.
    RenamedChannel,
    ArchivedChannel,
    RestoredChannel,
}

impl Audited {
    const ALL: [Audited; 17] = [
        Audited::Created,
        Audited::Deactivated,
        Audited::Reactivated,
        Audited::MadeAdmin,
        Audited::RemovedAdmin,
        Audited::PasswordReset,
        Audited::RemovedMessage,
        Audited::RemovedMember,
        Audited::Banned,
        Audited::Unbanned,
        Audited::TimedOut,
        Audited::TimeOutEnded,
        Audited::MadeModerator,
        Audited::RemovedModerator,
        Audited::RenamedChannel,
        Audited::ArchivedChannel,
        Audited::RestoredChannel,
    ];

    /// As the database keeps it.
    pub fn as_str(self) -> &'static str {
        match self {
            Audited::Created => "create",
            Audited::Deactivated => "deactivate",
            Audited::Reactivated => "reactivate",
            Audited::MadeAdmin => "grant",
            Audited::RemovedAdmin => "revoke",
            Audited::PasswordReset => "reset-password",
            Audited::RemovedMessage => "remove-message",
            Audited::RemovedMember => "remove-member",
            Audited::Banned => "ban",
            Audited::Unbanned => "unban",
            Audited::TimedOut => "time-out",
            Audited::TimeOutEnded => "end-time-out",
            Audited::MadeModerator => "appoint",
            Audited::RemovedModerator => "dismiss",
            Audited::RenamedChannel => "rename-channel",
            Audited::ArchivedChannel => "archive-channel",
            Audited::RestoredChannel => "restore-channel",
        }
    }

    /// As the database keeps it, if it is one this version knows.
    pub fn parse(kept: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|what| what.as_str() == kept)
    }

    /// "deactivated", as in "alice deactivated bob".
    pub fn verb(self) -> &'static str {
        match self {
            Audited::Created => "created the account",
            Audited::Deactivated => "deactivated",
            Audited::Reactivated => "reactivated",
            Audited::MadeAdmin => "made an administrator:",
            Audited::RemovedAdmin => "removed as administrator:",
            Audited::PasswordReset => "reset the password of",
            Audited::RemovedMessage => "removed a message by",
            Audited::RemovedMember => "removed",
            Audited::Banned => "banned",
            Audited::Unbanned => "unbanned",
            Audited::TimedOut => "timed out",
            Audited::TimeOutEnded => "ended the timeout of",
            Audited::MadeModerator => "made a moderator:",
            Audited::RemovedModerator => "removed as moderator:",
            Audited::RenamedChannel => "renamed the channel",
            Audited::ArchivedChannel => "archived the channel",
            Audited::RestoredChannel => "restored the channel",
        }
    }

    /// What goes before the channel's name, if the entry names it apart
    /// from its target ("… in rust"; a renamed channel's new name: "… to
    /// rust").
    pub fn place(self) -> Option<&'static str> {
        match self {
            Audited::RenamedChannel => Some(" to "),
            Audited::ArchivedChannel | Audited::RestoredChannel => None,
            _ => Some(" in "),
        }
    }
}

/// An entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Where the next older page starts.
    pub id: i64,
    pub at: Millis,
    /// Who did it (`None`: the command line).
    pub actor: Option<String>,
    pub what: Audited,
    /// To whom.
    pub target: String,
    /// In which channel (a moderator's action): its name as it was, or
    /// "a conversation".
    pub channel: Option<String>,
}

/// The page.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Subpage title="Audit log" heading_id="audit-title">
            <section class="settings-section" aria-labelledby="audit-title">
                <p>"What administrators and moderators did, newest first."</p>
                <AuditSlot />
            </section>
        </Subpage>
    }
}

/// On the server, a page of the log (or, for anyone but an administrator,
/// why there is none, with status 403).
#[cfg(feature = "ssr")]
#[component]
fn AuditSlot() -> impl IntoView {
    let Some(rows) = super::server_part::server_part::<Vec<AuditRow>>() else {
        return super::admin_page::not_for_you("audit-slot").into_any();
    };
    let zone = expect_context::<super::time::TimeZone>().0.get_untracked();
    let older = (rows.len() == AUDIT_PAGE as usize)
        .then(|| {
            rows.last()
                .map(|last| format!("{AUDIT_PATH}?before={}", last.id))
        })
        .flatten()
        .map(|href| view! { <a href=href rel="external">"Older entries"</a> });
    let empty = rows.is_empty().then(|| view! { <p>"Nothing yet."</p> });
    let entries = rows
        .into_iter()
        .map(|row| {
            let actor = row.actor.unwrap_or_else(|| "The command line".to_owned());
            let place = row
                .what
                .place()
                .zip(row.channel)
                .map(|(before, channel)| view! { {before} <strong>{channel}</strong> });
            view! {
                <li class="audit-entry">
                    <time datetime=super::time::iso(row.at)>{super::time::moment(row.at, zone)}</time>
                    <span>
                        <strong>{actor}</strong> " " {row.what.verb()} " " <strong>{row.target}</strong> {place}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="audit-slot">
            {empty}
            <ol class="audit-list">{entries}</ol>
            {older}
        </div>
    }
    .into_any()
}

/// In the browser, the log's element, as the server rendered it.
#[cfg(not(feature = "ssr"))]
#[component]
fn AuditSlot() -> impl IntoView {
    browser_slot("audit-slot", true)
}
