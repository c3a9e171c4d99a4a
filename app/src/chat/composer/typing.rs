//! The typing notices one composer sends: renewed every few seconds while
//! the box has text, withdrawn when it empties or the user moves to another
//! channel.

use leptos::prelude::*;

use crate::{
    chat::{link::Link, time::now},
    model::ChannelId,
};

/// How often a typing notice is renewed while the user keeps typing, in
/// milliseconds (notices lapse after `people::TYPING_TTL`).
const TYPING_RENEW: f64 = 3_000.0;

#[derive(Clone, Copy)]
pub(super) struct Typing {
    link: StoredValue<Link>,
    /// The channel of the last notice that said "typing", and when it went.
    last: StoredValue<Option<(ChannelId, f64)>>,
}

impl Typing {
    pub(super) fn new(link: Link) -> Self {
        Self {
            link: StoredValue::new(link),
            last: StoredValue::new(None),
        }
    }

    /// The box of channel `id` changed; `empty` if it has no text now.
    pub(super) fn changed(self, id: ChannelId, empty: bool) {
        let now = now().0 as f64;
        match (empty, self.last.get_value()) {
            (false, Some((was, since))) if was == id && now - since < TYPING_RENEW => {}
            (false, last) => {
                if let Some((was, _)) = last.filter(|(was, _)| *was != id) {
                    self.notify(was, false);
                }
                self.last.set_value(Some((id, now)));
                self.notify(id, true);
            }
            (true, Some((was, _))) => {
                self.last.set_value(None);
                self.notify(was, false);
            }
            (true, None) => {}
        }
    }

    /// A message was sent: it tells the others that typing is over.
    pub(super) fn sent(self) {
        self.last.set_value(None);
    }

    fn notify(self, channel: ChannelId, typing: bool) {
        let Some(link) = self.link.try_get_value() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let _ = link.typing(channel, typing).await;
        });
    }
}
