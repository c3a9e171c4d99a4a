//! `/settings/admin` (`/admin` leads there): the accounts, for
//! administrators. Each with its role and status, found by name, with the
//! actions of `banter admin`: deactivate or reactivate, make or stop being
//! an administrator, reset the password (shown once, on the page that
//! comes back).
//!
//! The list is a part only the server renders (`server_part.rs`), its
//! actions plain forms that post to [`admin_act`] and come back here, and
//! the search a plain `GET` form: the page works the same with or without
//! the WebAssembly, which holds none of it but the frame, in the settings
//! chunk.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[cfg(not(feature = "ssr"))]
use super::server_part::browser_slot;
use super::{audit_page::AUDIT_PATH, settings_page::Subpage};
use crate::{
    auth::{refused, FormError, Refused},
    error::AppError,
    protocol::Millis,
};

/// Where the page is.
pub const ADMIN_PATH: &str = "/settings/admin";

/// What an administrator can do to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminAction {
    Deactivate,
    Reactivate,
    Grant,
    Revoke,
    ResetPassword,
}

impl AdminAction {
    /// As a form posts it.
    pub fn as_str(self) -> &'static str {
        match self {
            AdminAction::Deactivate => "deactivate",
            AdminAction::Reactivate => "reactivate",
            AdminAction::Grant => "grant",
            AdminAction::Revoke => "revoke",
            AdminAction::ResetPassword => "reset-password",
        }
    }

    /// The action a form posted, if it is one.
    pub fn parse(posted: &str) -> Option<Self> {
        [
            AdminAction::Deactivate,
            AdminAction::Reactivate,
            AdminAction::Grant,
            AdminAction::Revoke,
            AdminAction::ResetPassword,
        ]
        .into_iter()
        .find(|action| action.as_str() == posted)
    }
}

impl From<AdminAction> for super::audit_page::Audited {
    fn from(action: AdminAction) -> Self {
        use super::audit_page::Audited;
        match action {
            AdminAction::Deactivate => Audited::Deactivated,
            AdminAction::Reactivate => Audited::Reactivated,
            AdminAction::Grant => Audited::MadeAdmin,
            AdminAction::Revoke => Audited::RemovedAdmin,
            AdminAction::ResetPassword => Audited::PasswordReset,
        }
    }
}

/// An account, as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub username: String,
    pub is_admin: bool,
    pub deactivated: bool,
    pub created_at: Millis,
    /// The administrator looking.
    pub is_me: bool,
}

/// What the page shows: the accounts found, and a password just reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminView {
    pub accounts: Vec<AccountRow>,
    /// The account whose password was just reset, and the new password:
    /// shown once.
    pub reset: Option<(String, String)>,
}

/// Acts on the account `username`, then shows the page again (with the
/// search `q` it was posted from).
#[server(endpoint = "admin_act")]
pub async fn admin_act(
    username: String,
    action: String,
    q: Option<String>,
) -> Result<(), AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            let acted = match AdminAction::parse(&action) {
                Some(action) => backend.admin_act(&request, &username, action).await,
                None => Err(AppError::Chat(crate::protocol::ProtocolError::BadRequest {
                    detail: format!("no such action {action:?}"),
                })),
            };
            if let Err(error) = acted {
                crate::auth::send_back::<AdminAct>(&request, "", &error);
                return Err(error);
            }
            leptos_axum::redirect(&page_address(q.as_deref().unwrap_or("")));
            Ok(())
        }
        .await,
    )
}

/// The page, searching for `q`.
#[cfg(feature = "ssr")]
fn page_address(q: &str) -> String {
    match q.is_empty() {
        true => ADMIN_PATH.to_owned(),
        false => format!(
            "{ADMIN_PATH}?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        ),
    }
}

/// The page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let Refused { error, .. } = refused::<AdminAct>();
    let q = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    view! {
        <Subpage title="Administration" heading_id="admin-title">
            <section class="settings-section" aria-labelledby="admin-accounts">
                <h2 id="admin-accounts">"Accounts"</h2>
                <form method="get" action=ADMIN_PATH role="search" class="admin-search">
                    <label for="account-search">"Search accounts"</label>
                    <input id="account-search" type="search" name="q" value=q
                        maxlength="32" autocomplete="off" />
                    <button type="submit" class="button subtle">"Search"</button>
                </form>
                <FormError error />
                <AccountSlot />
            </section>
            <p>
                "Every change made here or with " <code>"banter admin"</code>
                " is in the " <a href=AUDIT_PATH rel="external">"audit log"</a> "."
            </p>
        </Subpage>
    }
}

/// On the server, the accounts found (or, for anyone but an
/// administrator, why there are none, with status 403).
#[cfg(feature = "ssr")]
#[component]
fn AccountSlot() -> impl IntoView {
    let Some(view) = super::server_part::server_part::<AdminView>() else {
        return not_for_you("account-slot").into_any();
    };
    let q = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    let reset = view.reset.map(|(name, password)| {
        view! {
            <p class="form-done" role="status">
                "New password for " <strong>{name}</strong> ", shown only now: "
                <code class="new-password">{password}</code>
            </p>
        }
    });
    let empty = view
        .accounts
        .is_empty()
        .then(|| view! { <p>"No account matches."</p> });
    let rows = view
        .accounts
        .into_iter()
        .map(|account| view! { <Account account q=q.clone() /> })
        .collect_view();
    view! {
        <div class="account-slot">
            {reset}
            {empty}
            <ul class="account-list">{rows}</ul>
        </div>
    }
    .into_any()
}

/// What an administrators' page shows anyone else, in its part's element
/// (`class`), with status 403.
#[cfg(feature = "ssr")]
pub(super) fn not_for_you(class: &'static str) -> impl IntoView {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <div class=class>
            <p role="alert" class="form-error">"Only administrators can see this page."</p>
        </div>
    }
}

/// In the browser, the accounts' element, as the server rendered it.
#[cfg(not(feature = "ssr"))]
#[component]
fn AccountSlot() -> impl IntoView {
    browser_slot("account-slot", true)
}

/// One account, with what may be done to it.
#[cfg(feature = "ssr")]
#[component]
fn Account(account: AccountRow, q: String) -> impl IntoView {
    let zone = expect_context::<super::time::TimeZone>();
    let joined = format!(
        "Joined {}",
        super::time::moment(account.created_at, zone.0.get_untracked())
    );
    let role = if account.is_admin {
        "Administrator"
    } else {
        "Member"
    };
    let status = if account.deactivated {
        "Deactivated"
    } else {
        "Active"
    };
    // Nothing on one's own account (see `server/src/admin/page.rs`).
    let actions = match account.is_me {
        true => vec![],
        false => vec![
            match account.deactivated {
                true => (AdminAction::Reactivate, "Reactivate"),
                false => (AdminAction::Deactivate, "Deactivate"),
            },
            match account.is_admin {
                true => (AdminAction::Revoke, "Remove administrator"),
                false => (AdminAction::Grant, "Make administrator"),
            },
            (AdminAction::ResetPassword, "Reset password"),
        ],
    };
    let name = account.username.clone();
    let forms = actions
        .into_iter()
        .map(|(action, label)| {
            view! {
                <form method="post" action=AdminAct::url()>
                    <input type="hidden" name="username" value=name.clone() />
                    <input type="hidden" name="action" value=action.as_str() />
                    <input type="hidden" name="q" value=q.clone() />
                    <button type="submit" class="button subtle small">{label}</button>
                </form>
            }
        })
        .collect_view();
    view! {
        <li class="account" class:deactivated=account.deactivated>
            <div class="session-about">
                <strong>{account.username}</strong>
                {account.is_me.then(|| view! { <span class="session-since">"You"</span> })}
                <span class="session-since">{format!("{role} · {status}")}</span>
                <span class="session-since">{joined}</span>
            </div>
            <div class="account-actions">{forms}</div>
        </li>
    }
}
