//! What `/settings/admin` asks of the server: the accounts found, and the
//! actions of `banter admin`, for administrators only. An administrator
//! cannot deactivate themselves, take their own role or reset their own
//! password. A reset password is kept in the administrator's session until
//! the page that follows shows it, once.

use app::{
    chat::{AccountRow, AdminAction, AdminView, AuditRow, AUDIT_PAGE},
    error::{AppError, Refusal},
    model::User,
    protocol::{Millis, ProtocolError},
};
use http::request::Parts;
use tower_sessions::Session;

use super::generated_password;
use crate::{
    bus::Event,
    error::internal,
    state::AppState,
    store::{accounts::SignOut, audit::Audit},
};

/// How many accounts the page lists at most.
const LISTED: u32 = 200;

/// The session key holding a password just reset, until the page shows it.
const RESET_KEY: &str = "admin_reset";

impl AppState {
    /// The accounts whose names start with the page's `q`, and a password
    /// just reset.
    pub async fn admin_view(&self, request: &Parts) -> Result<AdminView, AppError> {
        let me = self.administrator(request).await?;
        let q = request
            .uri
            .query()
            .and_then(|query| {
                form_urlencoded::parse(query.as_bytes())
                    .find(|(key, _)| key == "q")
                    .map(|(_, value)| value.trim().to_owned())
            })
            .unwrap_or_default();
        let accounts = self.store.accounts(&q, LISTED).await.map_err(internal)?;
        let reset = match session(request) {
            Some(session) => session
                .remove::<(String, String)>(RESET_KEY)
                .await
                .map_err(internal)?,
            None => None,
        };
        Ok(AdminView {
            accounts: accounts
                .into_iter()
                .map(|account| AccountRow {
                    is_me: account.id == me.id,
                    username: account.username,
                    is_admin: account.is_admin,
                    deactivated: account.deactivated_at.is_some(),
                    created_at: Millis(account.created_at),
                })
                .collect(),
            reset,
        })
    }

    /// Does `action` to the account `username`.
    pub async fn admin_act(
        &self,
        request: &Parts,
        username: &str,
        action: AdminAction,
    ) -> Result<(), AppError> {
        let me = self.administrator(request).await?;
        let account = self
            .store
            .account(username.trim())
            .await
            .map_err(internal)?
            .ok_or(AppError::Chat(ProtocolError::UserNotFound))?;
        // Nobody but the command line could undo these; and one's own
        // password is changed on /settings.
        let to_myself = account.id == me.id;
        let audit = Audit::account(Some(me.id), action.into());
        match action {
            AdminAction::Deactivate | AdminAction::Revoke | AdminAction::ResetPassword
                if to_myself =>
            {
                return Err(Refusal::NotToYourself.into())
            }
            AdminAction::Deactivate => {
                let out = SignOut {
                    deactivate: true,
                    audit: Some(audit),
                    ..SignOut::elsewhere(account.id, None)
                };
                self.store.sign_out(&out).await.map_err(internal)?;
                self.bus.publish(Event::SignOut {
                    user: account.id,
                    except: None,
                });
            }
            AdminAction::Reactivate => {
                self.store
                    .reactivate(account.id, audit)
                    .await
                    .map_err(internal)?;
            }
            AdminAction::Grant | AdminAction::Revoke => {
                let grant = action == AdminAction::Grant;
                self.store
                    .set_admin(account.id, grant, audit)
                    .await
                    .map_err(internal)?;
            }
            AdminAction::ResetPassword => {
                let password = generated_password();
                let hash = self.passwords.hash(&password).await.map_err(internal)?;
                let out = SignOut {
                    password: Some(&hash),
                    audit: Some(audit),
                    ..SignOut::elsewhere(account.id, None)
                };
                self.store.sign_out(&out).await.map_err(internal)?;
                self.bus.publish(Event::SignOut {
                    user: account.id,
                    except: None,
                });
                if let Some(session) = session(request) {
                    let shown = (account.username.clone(), password.expose().to_owned());
                    session.insert(RESET_KEY, shown).await.map_err(internal)?;
                }
            }
        }
        tracing::info!(admin = %me.id, user = %account.id, action = action.as_str(), "an administrator acted on an account");
        Ok(())
    }

    /// A page of the audit log, older than the entry `before`.
    pub async fn audit_log(
        &self,
        request: &Parts,
        before: Option<i64>,
    ) -> Result<Vec<AuditRow>, AppError> {
        self.administrator(request).await?;
        self.store
            .audit_log(before, AUDIT_PAGE)
            .await
            .map_err(internal)
    }

    /// The signed-in user, if an administrator.
    async fn administrator(&self, request: &Parts) -> Result<User, AppError> {
        let me = self.signed_in(request).await?;
        match self.store.is_admin(me.id).await.map_err(internal)? {
            true => Ok(me),
            false => Err(Refusal::NotAdmin.into()),
        }
    }
}

/// This request's session.
fn session(request: &Parts) -> Option<&Session> {
    request.extensions.get::<Session>()
}
