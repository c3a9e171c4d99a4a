//! Events as they travel between nodes: JSON, one self-describing object per
//! event, frames carried as the text every client receives.

use app::{
    model::{ChannelId, UserId},
    protocol::Change,
};
use serde::{Deserialize, Serialize};
use tower_sessions::session::Id as SessionId;

use super::Event;
use crate::{frame::Frame, store::PresenceChange};

/// An [`Event`] in its wire form.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub(crate) enum WireEvent {
    ToChannel {
        channel: ChannelId,
        frame: String,
    },
    ToUser {
        user: UserId,
        frame: String,
    },
    /// A change to a message: each node batches a channel's changes for its
    /// own connections.
    Changed {
        change: Change,
    },
    Subscribe {
        user: UserId,
        channel: ChannelId,
    },
    Unsubscribe {
        user: UserId,
        channel: ChannelId,
    },
    EndSession {
        session: String,
    },
    SignOut {
        user: UserId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        except: Option<String>,
    },
    Presence {
        user: UserId,
        online: bool,
        version: i64,
    },
    /// An event of a newer version of Banter, sent by a newer node while
    /// nodes are upgraded one by one. This node's clients are of this
    /// version and could not use it; what it changed is in the database for
    /// them once they move to a newer node. Never sent.
    #[serde(other)]
    Unknown,
}

impl From<&Event> for WireEvent {
    fn from(event: &Event) -> Self {
        match event {
            Event::ToChannel { channel, frame } => WireEvent::ToChannel {
                channel: *channel,
                frame: frame.as_str().to_owned(),
            },
            Event::ToUser { user, frame } => WireEvent::ToUser {
                user: *user,
                frame: frame.as_str().to_owned(),
            },
            Event::Changed(change) => WireEvent::Changed {
                change: Change::clone(change),
            },
            Event::Subscribe { user, channel } => WireEvent::Subscribe {
                user: *user,
                channel: *channel,
            },
            Event::Unsubscribe { user, channel } => WireEvent::Unsubscribe {
                user: *user,
                channel: *channel,
            },
            Event::EndSession { session } => WireEvent::EndSession {
                session: session.to_string(),
            },
            Event::SignOut { user, except } => WireEvent::SignOut {
                user: *user,
                except: except.as_ref().map(SessionId::to_string),
            },
            Event::Presence(change) => WireEvent::Presence {
                user: change.user,
                online: change.online,
                version: change.version,
            },
        }
    }
}

impl WireEvent {
    /// The event, or `None` if it is of a newer version or names a session
    /// id that does not parse.
    pub(crate) fn into_event(self) -> Option<Event> {
        Some(match self {
            WireEvent::Unknown => return None,
            WireEvent::ToChannel { channel, frame } => Event::ToChannel {
                channel,
                frame: Frame::from(frame),
            },
            WireEvent::ToUser { user, frame } => Event::ToUser {
                user,
                frame: Frame::from(frame),
            },
            WireEvent::Changed { change } => Event::Changed(Box::new(change)),
            WireEvent::Subscribe { user, channel } => Event::Subscribe { user, channel },
            WireEvent::Unsubscribe { user, channel } => Event::Unsubscribe { user, channel },
            WireEvent::EndSession { session } => Event::EndSession {
                session: session.parse::<SessionId>().ok()?,
            },
            WireEvent::SignOut { user, except } => Event::SignOut {
                user,
                except: match except {
                    Some(session) => Some(session.parse::<SessionId>().ok()?),
                    None => None,
                },
            },
            WireEvent::Presence {
                user,
                online,
                version,
            } => Event::Presence(PresenceChange {
                user,
                online,
                version,
            }),
        })
    }
}

/// One notification's payload: events from one node (or, for messages, from
/// the database itself), or the row holding such a payload when it was too
/// large to send.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Notice {
    Events {
        /// The node that published the events and has applied them already;
        /// `None` for events every node applies, itself included.
        from: Option<String>,
        /// When they were sent, in milliseconds since the epoch by the
        /// sender's clock (absent from older nodes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<i64>,
        events: Vec<WireEvent>,
    },
    Spilled(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_survives_the_wire() {
        let session = SessionId::default();
        let events = [
            Event::ToChannel {
                channel: ChannelId(3),
                frame: Frame::from("{\"t\":\"x\"}"),
            },
            Event::ToUser {
                user: UserId(4),
                frame: Frame::from("{}"),
            },
            Event::Changed(Box::new(Change {
                channel: ChannelId(3),
                message: app::protocol::MessageId(8),
                rev: app::protocol::Rev(12),
                what: app::protocol::ChangeKind::Edited {
                    text: "Привет, 日本語 👋".into(),
                    body: None,
                    at: app::protocol::Millis(1),
                },
            })),
            Event::Subscribe {
                user: UserId(1),
                channel: ChannelId(2),
            },
            Event::Unsubscribe {
                user: UserId(1),
                channel: ChannelId(2),
            },
            Event::EndSession { session },
            Event::SignOut {
                user: UserId(6),
                except: Some(session),
            },
            Event::SignOut {
                user: UserId(6),
                except: None,
            },
            Event::Presence(PresenceChange {
                user: UserId(5),
                online: true,
                version: 9,
            }),
        ];
        for event in events {
            let json = serde_json::to_string(&WireEvent::from(&event)).expect("json");
            let back: WireEvent = serde_json::from_str(&json).expect("parse");
            let back = back.into_event().expect("event");
            // (A frame made again is the same text, made at another instant.)
            let again = serde_json::to_string(&WireEvent::from(&back)).expect("json");
            assert_eq!(again, json);
        }
    }

    #[test]
    fn events_of_a_newer_version_are_passed_over_and_the_rest_kept() {
        let payload = r#"{"events":{"from":"n","at":5,"events":[
            {"t":"reaction","channel":1,"emoji":"👍"},
            {"t":"subscribe","user":1,"channel":2}
        ]}}"#;
        let Notice::Events { events, at, .. } = serde_json::from_str(payload).expect("parses")
        else {
            panic!("events")
        };
        assert_eq!(at, Some(5));
        let events: Vec<_> = events.into_iter().map(WireEvent::into_event).collect();
        assert!(events[0].is_none());
        assert!(matches!(events[1], Some(Event::Subscribe { .. })));
    }

    #[test]
    fn a_notice_of_an_older_node_without_a_time_parses() {
        let payload = r#"{"events":{"from":null,"events":[]}}"#;
        assert!(matches!(
            serde_json::from_str(payload),
            Ok(Notice::Events { at: None, .. })
        ));
    }
}
