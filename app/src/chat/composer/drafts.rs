//! One draft per channel, stored under the channel on screen at each
//! keystroke.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::model::ChannelId;

#[derive(Clone, Copy)]
pub(super) struct Drafts(RwSignal<HashMap<ChannelId, String>>);

impl Drafts {
    pub(super) fn new() -> Self {
        Self(RwSignal::new(HashMap::new()))
    }

    /// The draft of `id`, tracking every draft.
    pub(super) fn get(self, id: ChannelId) -> String {
        self.0.track();
        self.get_untracked(id)
    }

    pub(super) fn get_untracked(self, id: ChannelId) -> String {
        self.0
            .with_untracked(|drafts| drafts.get(&id).cloned().unwrap_or_default())
    }

    pub(super) fn set(self, id: ChannelId, value: String) {
        self.0.update(|drafts| {
            if value.is_empty() {
                drafts.remove(&id);
            } else {
                drafts.insert(id, value);
            }
        })
    }
}
