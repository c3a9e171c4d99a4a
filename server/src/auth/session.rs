//! Sessions: tower-sessions, stored in Banter's own database so that a
//! restart (or another node) keeps everyone signed in.
//!
//! The cookie is `HttpOnly`, `SameSite=Lax`, and `Secure` when Banter is
//! served over HTTPS. A session expires after 30 days without use. Using it
//! pushes the expiry back, at most once a day: the session records the day of
//! its last renewal, and a request on a later day updates that, which makes
//! tower-sessions save it with a fresh expiry and send the cookie again with
//! a fresh `Max-Age`; other requests write nothing. Signing in cycles the
//! session id, so an id planted before sign-in (session fixation) is
//! worthless afterwards.
//!
//! What a session says is only a [`Claim`]: it stands while the account is
//! active and the claim carries the user's current epoch (see
//! `store::accounts`), which `signed_in.rs` asks the store.

use app::model::UserId;
use tower_sessions::{
    cookie::{time::Duration, SameSite},
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
    Expiry, Session, SessionManagerLayer, SessionStore,
};

/// The name of the session cookie.
pub const COOKIE: &str = "banter_session";
/// How long a session lives without being used.
pub const IDLE_EXPIRY: Duration = Duration::days(30);
/// How long a browser is told its account was deleted (see
/// [`mark_deleted`]).
const DELETED_NOTICE_MS: i64 = 10 * 60 * 1000;
/// The session key holding the signed-in user's id.
const USER_KEY: &str = "user_id";
/// The session key holding the day (since the Unix epoch, UTC) the session
/// was last renewed.
const RENEWED_KEY: &str = "renewed";
/// The session key holding the user's session epoch as of signing in
/// (absent in sessions from before epochs: 0).
const EPOCH_KEY: &str = "epoch";
/// The session key holding when the account signed in here was deleted
/// (the session holds nothing else then).
const DELETED_KEY: &str = "deleted";

/// Who a session says is signed in, to be checked against the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    pub user: UserId,
    pub epoch: i64,
}

/// The session layer for the routes that need a session.
pub fn layer(store: SessionBackend, secure: bool) -> SessionManagerLayer<SessionBackend> {
    SessionManagerLayer::new(store)
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(IDLE_EXPIRY))
}

/// Who `session` says is signed in, if anyone; renews the session if its
/// last renewal was on an earlier day.
pub async fn claim(session: &Session) -> Result<Option<Claim>, tower_sessions::session::Error> {
    let Some(user) = session.get::<UserId>(USER_KEY).await? else {
        return Ok(None);
    };
    let today = today();
    if renewal_due(session.get::<i64>(RENEWED_KEY).await?, today) {
        session.insert(RENEWED_KEY, today).await?;
    }
    let epoch = session.get::<i64>(EPOCH_KEY).await?.unwrap_or(0);
    Ok(Some(Claim { user, epoch }))
}

/// Who a stored session record says is signed in, if anyone.
pub fn claim_of(record: &Record) -> Option<Claim> {
    let user = serde_json::from_value(record.data.get(USER_KEY)?.clone()).ok()?;
    let epoch = match record.data.get(EPOCH_KEY) {
        Some(epoch) => epoch.as_i64()?,
        None => 0,
    };
    Some(Claim { user, epoch })
}

/// Signs `user` in under a fresh session id, saved at once so that the
/// id is known (and the session can be listed); returns it.
pub async fn sign_in(
    session: &Session,
    claim: Claim,
) -> Result<Option<Id>, tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.remove_value(DELETED_KEY).await?;
    session.insert(USER_KEY, claim.user).await?;
    session.insert(EPOCH_KEY, claim.epoch).await?;
    session.insert(RENEWED_KEY, today()).await?;
    session.save().await?;
    Ok(session.id())
}

/// Ends `session`'s sign-in after its account was deleted, and marks it so
/// that this browser's pages land on the log-in page, which says so, for
/// [`DELETED_NOTICE_MS`]: both the deletion form's landing and a tab its
/// closed socket sends to `/login`. Saved at once, under the same id (the
/// store deleted the record), before any socket closes.
pub async fn mark_deleted(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.clear().await;
    session
        .insert(DELETED_KEY, crate::store::now_millis())
        .await?;
    session.save().await
}

/// Whether `session` is a browser whose account was deleted lately.
pub async fn deleted_lately(session: &Session) -> bool {
    match session.get::<i64>(DELETED_KEY).await {
        Ok(Some(at)) => crate::store::now_millis() - at < DELETED_NOTICE_MS,
        _ => false,
    }
}

/// Keeps `session` signed in after its user was signed out everywhere
/// else: it carries the new `epoch`, saved at once.
pub async fn carry_epoch(
    session: &Session,
    epoch: i64,
) -> Result<(), tower_sessions::session::Error> {
    session.insert(EPOCH_KEY, epoch).await?;
    session.save().await
}

/// Whether a session last renewed on day `renewed` should be renewed on day
/// `today`.
fn renewal_due(renewed: Option<i64>, today: i64) -> bool {
    renewed.is_none_or(|day| day < today)
}

/// Today, as days since the Unix epoch (UTC).
fn today() -> i64 {
    crate::store::now_millis().div_euclid(86_400_000)
}

/// A new session record with `user` signed in, as signing in would leave it
/// (for seeding load tests).
pub fn record_for(user: UserId) -> Record {
    let data = [
        (USER_KEY.to_owned(), serde_json::json!(user)),
        (RENEWED_KEY.to_owned(), serde_json::json!(today())),
        (EPOCH_KEY.to_owned(), serde_json::json!(0)),
    ]
    .into_iter()
    .collect();

    Record {
        id: Id::default(),
        data,
        expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc() + IDLE_EXPIRY,
    }
}

/// Ends the session: its record is deleted and its cookie cleared.
pub async fn end(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// The session store of the configured database.
#[derive(Clone, Debug)]
pub enum SessionBackend {
    Sqlite(tower_sessions_sqlx_store::SqliteStore),
    Postgres(tower_sessions_sqlx_store::PostgresStore),
}

impl SessionBackend {
    /// Sessions in the `tower_sessions` table of a PostgreSQL database (the
    /// table the migrations create, named as on SQLite).
    pub fn postgres(pool: sqlx::PgPool) -> Self {
        let store = tower_sessions_sqlx_store::PostgresStore::new(pool);
        let store = store
            .clone()
            .with_schema_name("public")
            .and_then(|store| store.with_table_name("tower_sessions"))
            // Both names are valid identifiers; keep the defaults otherwise.
            .unwrap_or(store);
        SessionBackend::Postgres(store)
    }

    /// Creates the session table if needed.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            SessionBackend::Sqlite(store) => store.migrate().await,
            SessionBackend::Postgres(store) => store.migrate().await,
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(store) => store.create(record).await,
            SessionBackend::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(store) => store.save(record).await,
            SessionBackend::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            SessionBackend::Sqlite(store) => store.load(id).await,
            SessionBackend::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(store) => store.delete(id).await,
            SessionBackend::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for SessionBackend {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(store) => store.delete_expired().await,
            SessionBackend::Postgres(store) => store.delete_expired().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::renewal_due;

    #[test]
    fn a_session_is_renewed_at_most_once_a_day() {
        assert!(renewal_due(None, 20_000));
        assert!(renewal_due(Some(19_999), 20_000));
        assert!(!renewal_due(Some(20_000), 20_000));
    }
}
