//! A sweep of bad input: every kind of request, sent with a field missing,
//! a field of the wrong type, a value too large, a negative id and a channel
//! that does not exist. Each is answered with a clear `error` frame (naming
//! the request when its `req` could be read), never a panic or a dropped
//! connection, and the same connection then still works.

use app::protocol::{ClientMsg, ProtocolError, Reply, ServerMsg};
use serde_json::{json, Map, Value};

use crate::{browser::Browser, common::TestServer, live::Live};

const PASSWORD: &str = "correct horse battery";
/// A channel id that no channel has.
const NO_SUCH_CHANNEL: i64 = 999_999;

/// A valid request of every kind, as JSON.
fn templates() -> Vec<Value> {
    let client_id = "6f1b5a8e-3c55-4f3a-9d52-2f4f0b6c7e11";
    vec![
        json!({"type": "send", "req": 1, "channel": 1, "client_id": client_id, "text": "hi",
               "reply_to": 1}),
        json!({"type": "edit", "req": 1, "channel": 1, "message": 1, "text": "hi"}),
        json!({"type": "delete", "req": 1, "channel": 1, "message": 1}),
        json!({"type": "react", "req": 1, "channel": 1, "message": 1, "emoji": "👍",
               "add": true}),
        json!({"type": "history", "req": 1, "channel": 1, "page": {"before": 5}, "limit": 10}),
        json!({"type": "history", "req": 1, "channel": 1, "page": {"after": 5}, "limit": 10}),
        json!({"type": "sync", "req": 1, "cursors": [{"channel": 1, "rev": 0}]}),
        json!({"type": "mark_read", "req": 1, "channel": 1, "seq": 1}),
        json!({"type": "create_channel", "req": 1, "name": "sweep", "private": true}),
        json!({"type": "configure", "req": 1, "channel": 1, "change": {"topic": "hi"}}),
        json!({"type": "configure", "req": 1, "channel": 1, "change": {"archive": true}}),
        json!({"type": "invite", "req": 1, "channel": 1, "users": [2]}),
        json!({"type": "join_channel", "req": 1, "channel": 1}),
        json!({"type": "leave_channel", "req": 1, "channel": 1}),
        json!({"type": "browse_channels", "req": 1, "query": "gen"}),
        json!({"type": "find_users", "req": 1, "query": "al"}),
        json!({"type": "open_direct", "req": 1, "user": 2}),
        json!({"type": "ping", "req": 1}),
        json!({"type": "members", "req": 1, "channel": 1}),
        json!({"type": "moderate", "req": 1, "channel": 1, "user": 2, "action": 110}),
        json!({"type": "mentions", "req": 1, "before": 5}),
        json!({"type": "watch", "req": 1, "users": [2]}),
        json!({"type": "typing", "req": 1, "channel": 1, "typing": true}),
    ]
}

/// One bad request, and what it was made to test.
struct Case {
    what: String,
    request: Value,
}

/// Fields whose absence a request tolerates (optional by design).
const OPTIONAL: [&str; 3] = ["before", "reply_to", "private"];

fn fields(template: &Value) -> &Map<String, Value> {
    template.as_object().expect("an object")
}

fn with(template: &Value, field: &str, value: Value) -> Value {
    let mut request = template.clone();
    request[field] = value;
    request
}

/// A value past the limit of `field` (within the frame limit).
fn oversized(field: &str) -> Option<Value> {
    Some(match field {
        "text" => json!("x".repeat(6_000)),
        "name" => json!("x".repeat(1_000)),
        "query" => json!("x".repeat(1_000)),
        "emoji" => json!("👍".repeat(1_000)),
        "cursors" => json!(vec![json!({"channel": 1, "rev": 0}); 1_001]),
        "users" => json!(vec![2; 501]),
        "limit" => json!(u64::from(u32::MAX) + 1),
        // Past u64 (as JSON has it, a float) for a req, past i64 for ids.
        "req" => json!(1e20),
        "channel" | "user" | "seq" | "before" | "message" | "reply_to" => json!(u64::MAX),
        "page" => json!({"after": u64::MAX}),
        "action" => json!(u64::from(u32::MAX) + 1),
        "change" => json!({"topic": "x".repeat(1_000)}),
        "private" => json!("yes"),
        _ => return None,
    })
}

/// Every bad variant of every template.
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for template in templates() {
        let kind = template["type"].as_str().expect("a type").to_owned();
        for field in fields(&template).keys().filter(|f| *f != "type") {
            if !OPTIONAL.contains(&field.as_str()) {
                let mut request = template.clone();
                request.as_object_mut().expect("object").remove(field);
                cases.push(Case {
                    what: format!("{kind} without {field}"),
                    request,
                });
            }
            cases.push(Case {
                what: format!("{kind} with {field} of the wrong type"),
                request: with(&template, field, json!({"wrong": ["type"]})),
            });
            if let Some(value) = oversized(field) {
                cases.push(Case {
                    what: format!("{kind} with {field} too large"),
                    request: with(&template, field, value),
                });
            }
            if matches!(
                field.as_str(),
                "req" | "channel" | "user" | "seq" | "before" | "message" | "reply_to"
            ) {
                cases.push(Case {
                    what: format!("{kind} with a negative {field}"),
                    request: with(&template, field, json!(-1)),
                });
            }
            if field == "page" {
                for page in [
                    json!({"before": -1}),
                    json!("oldest"),
                    json!({"after": 1, "before": 2}),
                ] {
                    cases.push(Case {
                        what: format!("{kind} with page {page}"),
                        request: with(&template, field, page),
                    });
                }
            }
            if field == "channel" {
                cases.push(Case {
                    what: format!("{kind} in a channel that does not exist"),
                    request: with(&template, field, json!(NO_SUCH_CHANNEL)),
                });
            }
            if matches!(field.as_str(), "cursors" | "users") {
                let negative = match field.as_str() {
                    "cursors" => json!([{"channel": -1, "rev": 0}]),
                    _ => json!([-1]),
                };
                cases.push(Case {
                    what: format!("{kind} with a negative id in {field}"),
                    request: with(&template, field, negative),
                });
            }
        }
        cases.push(Case {
            what: format!("{kind} without a type"),
            request: {
                let mut request = template.clone();
                request.as_object_mut().expect("object").remove("type");
                request
            },
        });
    }
    cases.push(Case {
        what: "a request of no known type".into(),
        request: json!({"type": "explode", "req": 1}),
    });
    cases
}

#[tokio::test]
async fn every_bad_request_gets_a_clear_error_and_the_connection_goes_on() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    Browser::new(&server.base())
        .sign_up("bob", PASSWORD)
        .await
        .unwrap();
    let mut live = Live::connect(&browser).await;

    let cases = cases();
    assert!(cases.len() > 100, "{} cases", cases.len());
    for (n, case) in cases.iter().enumerate() {
        let mut request = case.request.clone();
        // A fresh req for each case, unless the case is about req itself.
        let req = 10_000 + n as u64;
        let own_req = request.get("req").is_some_and(|r| r == &json!(1));
        if own_req {
            request["req"] = json!(req);
        }
        live.send_raw(&request.to_string()).await;
        let answer = loop {
            match live.event().await {
                answer @ (ServerMsg::Ok { .. } | ServerMsg::Error { .. }) => break answer,
                _ => continue,
            }
        };
        match answer {
            ServerMsg::Error { req: got, error } => {
                let expected = own_req.then_some(req);
                assert_eq!(got, expected, "{}: the error names the request", case.what);
                assert!(!error.to_string().is_empty(), "{}", case.what);
                if own_req && case.what.contains("does not exist") {
                    assert_eq!(error, ProtocolError::NotMember, "{}", case.what);
                }
            }
            other => panic!("{}: expected an error, got {other:?}", case.what),
        }
        assert_eq!(
            live.request(|req| ClientMsg::Ping { req }).await,
            Ok(Reply::Pong),
            "{}: the connection still works",
            case.what
        );
    }
    assert_eq!(server.count("messages").await, 0);
    println!("{} bad requests, each answered with an error", cases.len());
}
