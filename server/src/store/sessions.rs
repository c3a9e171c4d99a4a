//! The index of each user's sessions (`user_sessions`), for the list on
//! `/settings`, and what goes when a session ends: its row there and its
//! push subscriptions.

use app::model::UserId;

use super::{now_millis, SessionListStore, SqlStore, StoreError};

/// The longest User-Agent kept.
const MAX_AGENT: usize = 300;

/// A session of a user, as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ListedSession {
    /// What the page shows and posts (never the session's own id).
    pub id: i64,
    /// The tower-sessions id.
    pub session_id: String,
    pub created_at: i64,
    /// The browser's User-Agent as it signed in.
    pub agent: String,
    /// When it was last used (at most a few minutes out), if known.
    pub last_seen_at: Option<i64>,
    /// The address it was last used from ("" if not known).
    pub address: String,
}

/// `agent` cut to [`MAX_AGENT`] bytes, at a character.
fn cut(agent: &str) -> &str {
    let mut end = agent.len().min(MAX_AGENT);
    while !agent.is_char_boundary(end) {
        end -= 1;
    }
    &agent[..end]
}

#[async_trait::async_trait]
impl SessionListStore for SqlStore {
    async fn list_session(
        &self,
        user: UserId,
        session: &str,
        agent: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        self.db
            .sql(
                "INSERT INTO user_sessions
                     (session_id, user_id, created_at, agent, last_seen_at, address)
                 VALUES ($1, $2, $3, $4, $3, $5) ON CONFLICT (session_id) DO NOTHING",
            )
            .bind(session)
            .bind(user)
            .bind(now)
            .bind(cut(agent))
            .bind(address)
            .execute()
            .await?;
        Ok(())
    }

    async fn seen_session(&self, session: &str, address: &str) -> Result<(), StoreError> {
        self.db
            .sql("UPDATE user_sessions SET last_seen_at = $2, address = $3 WHERE session_id = $1")
            .bind(session)
            .bind(now_millis())
            .bind(address)
            .execute()
            .await?;
        Ok(())
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<ListedSession>, StoreError> {
        Ok(self
            .db
            .sql(
                "SELECT l.id, l.session_id, l.created_at, l.agent, l.last_seen_at, l.address
                 FROM user_sessions l
                 JOIN tower_sessions ts ON ts.id = l.session_id
                 WHERE l.user_id = $1 ORDER BY l.created_at DESC, l.id DESC",
            )
            .bind(user)
            .fetch_all()
            .await?)
    }

    async fn listed_session(&self, user: UserId, id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .db
            .sql("SELECT session_id FROM user_sessions WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user)
            .scalar_optional()
            .await?)
    }

    async fn forget_session(&self, session: &str) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        for sql in [
            "DELETE FROM user_sessions WHERE session_id = $1",
            "DELETE FROM push_subscriptions WHERE session_id = $1",
        ] {
            tx.sql(sql).bind(session).execute().await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn forget_ended_sessions(&self) -> Result<u64, StoreError> {
        let mut forgotten = 0;
        for table in ["user_sessions", "push_subscriptions"] {
            let sql = format!(
                "DELETE FROM {table} WHERE session_id NOT IN (SELECT id FROM tower_sessions)"
            );
            forgotten += self.db.sql(&sql).execute().await?;
        }
        Ok(forgotten)
    }
}

#[cfg(test)]
mod tests {
    use super::cut;

    #[test]
    fn agents_are_cut_at_a_character() {
        assert_eq!(cut("Mozilla/5.0"), "Mozilla/5.0");
        let long = "日本語".repeat(200);
        let kept = cut(&long);
        assert!(kept.len() <= 300 && kept.len() > 295, "{}", kept.len());
        assert!(long.starts_with(kept));
    }
}
