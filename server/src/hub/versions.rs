//! The newest presence change heard of each user. Nodes hear of changes in
//! different orders (each from its own listener, or at once from itself), so
//! the database numbers every change of a user, and a change older than one
//! already heard is late news, dropped.

use std::{collections::HashMap, sync::Mutex};

use app::model::UserId;

use crate::store::PresenceChange;

#[derive(Debug, Default)]
pub(super) struct NewestVersions {
    versions: Mutex<HashMap<UserId, i64>>,
}

impl NewestVersions {
    /// Whether `change` is newer than every change of its user heard so
    /// far; it is the newest from now on if so.
    pub(super) fn is_newest(&self, change: &PresenceChange) -> bool {
        let mut versions = self
            .versions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let newest = versions.entry(change.user).or_insert(i64::MIN);
        if change.version <= *newest {
            return false;
        }
        *newest = change.version;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_news_is_dropped() {
        let versions = NewestVersions::default();
        let change = |version| PresenceChange {
            user: UserId(1),
            online: version % 2 == 0,
            version,
        };
        assert!(versions.is_newest(&change(2)));
        assert!(!versions.is_newest(&change(1)));
        assert!(!versions.is_newest(&change(2)));
        assert!(versions.is_newest(&change(3)));
    }
}
