//! The WebSocket protocol: the only thing both sides of the wire must agree
//! on.
//!
//! Frames are JSON text, one message each. A [`ClientMsg`] names its kind in
//! a `"type"` field; a [`ServerMsg`] is an object with one key, its kind,
//! around its fields (`{"ok":[7,"done"]}`), which the browser decodes without
//! buffering (see `server.rs`). Fields travel as arrays, in declaration
//! order: those of the server's enums' variants (see `wire.rs`) and of the
//! structs inside (a message, a channel summary, a catch-up, …; with
//! `serde_tuple`). The browser's decoder of an array is a fraction of the
//! size of one that matches field names, and frames are shorter. The client
//! sends [`ClientMsg`]s; every request carries a [`ReqId`] and gets exactly one
//! answer, [`ServerMsg::Ok`] or [`ServerMsg::Error`]. The server also pushes
//! events ([`ServerMsg::Message`], …) that can all be recomputed from the
//! database, so a client that missed some can always catch up with
//! [`ClientMsg::Sync`].
//!
//! Ordering uses [`Seq`], a per-channel sequence assigned in the transaction
//! that stores a message: the messages of a channel are exactly the seqs 1,
//! 2, 3, … with no gaps. Catch-up uses [`Rev`], a per-channel revision that
//! every change takes (a new message, an edit, a delete, a reaction), so
//! "every message changed after revision r" is a complete answer, and a
//! client merges a message by id, keeping the newer revision.

mod client;
mod error;
mod files;
mod notify;
mod server;
mod values;
mod wire;

pub use client::ClientMsg;
pub use error::ProtocolError;
#[cfg(feature = "ssr")]
pub use error::Refused;
pub use files::*;
pub use notify::{NotifyLevel, BUSY_CHANNEL};
pub use server::{read_frame, CatchUp, Reply, ServerMsg};
pub use values::*;

/// Bumped whenever a change would confuse an older client; the server refuses
/// other versions and the client reloads.
pub const PROTOCOL_VERSION: u32 = 15;

/// The largest frame the server accepts, in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// The most messages one history page holds.
pub const MAX_PAGE: u32 = 100;

/// About the most bytes of messages one sync answers with; the rest
/// follows in another (see [`Reply::Synced`]).
pub const MAX_SYNC_BYTES: usize = 1 << 20;

/// The most cursors one sync may carry.
pub const MAX_CURSORS: usize = 1000;

/// The messages a channel page opens with.
pub const FIRST_PAGE: u32 = 50;

/// The path of the WebSocket endpoint.
pub const WS_PATH: &str = "/ws";

/// Where the reaction picker reads the emoji it offers: one per line, the
/// emoji, its name and its shortcodes, separated by tabs.
pub const EMOJI_PATH: &str = "/emoji.txt";

/// The WebSocket close code for "the server is restarting: reconnect now"
/// (to another node, if there is one); RFC 6455's "service restart".
pub const CLOSE_RESTART: u16 = 1012;
/// The WebSocket close code for "your session has ended: sign in again".
pub const CLOSE_SESSION_ENDED: u16 = 4001;
/// The WebSocket close code for "you fell too far behind: reconnect and sync".
pub const CLOSE_LAGGING: u16 = 4008;
/// The WebSocket close code for "protocol version not supported: reload".
pub const CLOSE_VERSION: u16 = 4010;

/// Identifies a request within one connection; chosen by the client.
pub type ReqId = u64;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChannelId;

    #[test]
    fn client_messages_are_tagged_snake_case_json() {
        let msg = ClientMsg::Send {
            req: 7,
            channel: ChannelId(1),
            client_id: ClientId(uuid::Uuid::nil()),
            text: "hi".into(),
            reply_to: None,
            files: Vec::new(),
        };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            json,
            r#"{"type":"send","req":7,"channel":1,"client_id":"00000000-0000-0000-0000-000000000000","text":"hi"}"#
        );
        assert_eq!(serde_json::from_str::<ClientMsg>(&json).unwrap(), msg);
        assert_eq!(msg.req(), 7);
    }

    #[test]
    fn each_standing_moderates_only_those_below_and_travels_as_a_number() {
        use Standing::*;
        let all = [Member, Moderator, Owner, Admin];
        for (rank, standing) in all.into_iter().enumerate() {
            assert_eq!(serde_json::to_string(&standing).unwrap(), rank.to_string());
            for (other_rank, other) in all.into_iter().enumerate() {
                let may = standing >= Moderator && other_rank < rank;
                assert_eq!(standing.moderates(other), may, "{standing:?} on {other:?}");
            }
        }
        // A number this version does not know reads as the least standing.
        assert_eq!(serde_json::from_str::<Standing>("9").unwrap(), Member);
        assert_eq!(serde_json::to_string(&Deletion::ByModerator).unwrap(), "2");
        let asked = ClientMsg::Moderate {
            req: 2,
            channel: ChannelId(5),
            user: crate::model::UserId(8),
            action: ModAction::TimeOut(10),
        };
        assert_eq!(
            serde_json::to_string(&asked).unwrap(),
            r#"{"type":"moderate","req":2,"channel":5,"user":8,"action":110}"#
        );
        assert_eq!(
            serde_json::from_str::<ClientMsg>(
                r#"{"type":"moderate","req":2,"channel":5,"user":8,"action":110}"#
            )
            .unwrap(),
            asked
        );
        for code in [5, 99] {
            assert!(ModAction::try_from(code).is_err());
        }
        for action in [
            ModAction::Remove,
            ModAction::Ban,
            ModAction::Unban,
            ModAction::Appoint,
            ModAction::Dismiss,
            ModAction::TimeOut(0),
        ] {
            assert_eq!(ModAction::try_from(u32::from(action)), Ok(action));
        }
    }

    #[test]
    fn ids_are_positive_and_positions_never_negative() {
        let read = |json: &str| serde_json::from_str::<ClientMsg>(json);
        assert!(read(r#"{"type":"join_channel","req":1,"channel":3}"#).is_ok());
        for json in [
            r#"{"type":"join_channel","req":1,"channel":0}"#,
            r#"{"type":"join_channel","req":1,"channel":-4}"#,
            r#"{"type":"open_direct","req":1,"user":-1}"#,
            r#"{"type":"mark_read","req":1,"channel":1,"seq":-1}"#,
        ] {
            let error = read(json).unwrap_err().to_string();
            assert!(
                error.contains("positive") || error.contains("0 or more"),
                "{error}"
            );
        }
        assert!(read(r#"{"type":"mark_read","req":1,"channel":1,"seq":0}"#).is_ok());
        assert_eq!(serde_json::to_string(&Seq(7)).unwrap(), "7");
        assert_eq!(serde_json::to_string(&ChannelId(7)).unwrap(), "7");
    }

    #[test]
    fn server_messages_are_tagged_from_outside_with_their_fields_in_arrays() {
        let on_the_wire = |msg: ServerMsg, expected: &str| {
            let json = serde_json::to_string(&msg).unwrap();
            assert_eq!(json, expected);
            assert_eq!(serde_json::from_str::<ServerMsg>(&json).unwrap(), msg);
        };
        on_the_wire(
            ServerMsg::Error {
                req: Some(3),
                error: ProtocolError::NotMember,
            },
            r#"{"error":[3,"not_member"]}"#,
        );
        on_the_wire(
            ServerMsg::Ok {
                req: 4,
                reply: Reply::Pong,
            },
            r#"{"ok":[4,"pong"]}"#,
        );

        let error = ProtocolError::RateLimited {
            retry_after_ms: 250,
        };
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"rate_limited":250}"#
        );
        on_the_wire(
            ServerMsg::Error {
                req: None,
                error: error.clone(),
            },
            r#"{"error":[null,{"rate_limited":250}]}"#,
        );
        on_the_wire(
            ServerMsg::ReadMarker {
                channel: ChannelId(2),
                seq: Seq(9),
            },
            r#"{"read_marker":[2,9]}"#,
        );
        on_the_wire(
            ServerMsg::Ok {
                req: 5,
                reply: Reply::History {
                    channel: ChannelId(1),
                    messages: Vec::new(),
                    has_older: false,
                    has_newer: true,
                    rev: Rev(3),
                },
            },
            r#"{"ok":[5,{"history":[1,[],false,true,3]}]}"#,
        );
    }

    #[test]
    fn a_channel_summary_carries_its_kind() {
        let summary = ChannelSummary {
            id: ChannelId(2),
            kind: ChannelKind::Named {
                name: "rust".into(),
                topic: "Rust — 日本語".into(),
                private: true,
                archived: false,
            },
            last_seq: Seq(5),
            last_read: Seq(3),
            unread: 2,
            mentions: 1,
            members: 4,
            notify: crate::protocol::NotifyLevel::All,
        };
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(
            json[1],
            serde_json::json!([0, "rust", "Rust — 日本語", true, false, []])
        );
        assert_eq!(
            serde_json::from_value::<ChannelSummary>(json).unwrap(),
            summary
        );
        // Every kind travels as the same array, and reads back as it was.
        let user = |id: i64, name: &str| crate::model::User {
            id: crate::model::UserId(id),
            username: name.into(),
            display: String::new(),
        };
        let kinds = [
            ChannelKind::Direct {
                peer: user(3, "bob"),
            },
            ChannelKind::Group {
                name: "日本語".into(),
                members: vec![user(1, "ann")],
            },
            ChannelKind::Group {
                name: String::new(),
                members: vec![user(1, "ann"), user(2, "bo"), user(3, "cy")],
            },
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(serde_json::from_str::<ChannelKind>(&json).unwrap(), kind);
        }
        let direct = serde_json::to_value(ChannelKind::Direct {
            peer: user(3, "bob"),
        })
        .unwrap();
        assert_eq!(
            direct,
            serde_json::json!([1, "", "", false, false, [[3, "bob", ""]]])
        );
        // A conversation without exactly one peer, or a kind this version
        // does not know, is refused rather than guessed.
        for wrong in [
            r#"[1,"","",false,false,[]]"#,
            r#"[1,"","",false,false,[[1,"a",""],[2,"b",""]]]"#,
            r#"[7,"x","",false,false,[]]"#,
        ] {
            assert!(
                serde_json::from_str::<ChannelKind>(wrong).is_err(),
                "{wrong}"
            );
        }
    }
}
