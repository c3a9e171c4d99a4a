//! Watching Banter run: `/metrics` (apart from the public port, or on it
//! when asked), `/readyz`, request ids, JSON logs, and events from a newer
//! node. (A bus that loses its link and finds it again is in `nodes.rs`.)

use std::{collections::HashMap, path::Path, time::Duration};

use app::{
    model::{ChannelId, UserId},
    protocol::{ClientId, ClientMsg, ProtocolError, ServerMsg},
};

use crate::{
    browser::Browser,
    common::{client, on_postgres, TestServer},
    live::Live,
    process::{free_port, Process},
};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;
const SCRIPTS: [&str; 4] = ["日本語のメッセージ", "Привет всем", "مرحبا بالجميع", "🦀🎉"];

#[tokio::test]
async fn metrics_count_what_happened_on_an_address_apart_from_the_public_port() {
    if on_postgres() {
        return;
    }
    let data = tempfile::tempdir().expect("data directory");
    let metrics = format!("127.0.0.1:{}", free_port());
    let node = Process::start(data.path(), &[("BANTER_METRICS_ADDR", &metrics)]).await;
    let (alice, bob) = (Browser::new(&node.base), Browser::new(&node.base));
    alice.sign_up("alice", PASSWORD).await.unwrap();
    bob.sign_up("bob", PASSWORD).await.unwrap();
    let stranger = Browser::new(&node.base);
    assert!(stranger.log_in("alice", "not her password").await.is_err());

    let mut alice_live = Live::connect(&alice).await;
    let mut bob_live = Live::connect(&bob).await;
    for text in SCRIPTS {
        let sent = alice_live.say(GENERAL, text).await;
        assert_eq!(bob_live.next_message().await, sent);
    }
    let refused = alice_live
        .request(|req| ClientMsg::Send {
            req,
            channel: ChannelId(999),
            client_id: ClientId(uuid::Uuid::new_v4()),
            text: "nowhere".into(),
            reply_to: None,
            files: Vec::new(),
        })
        .await;
    assert_eq!(refused, Err(ProtocolError::NotMember));

    let text = scrape(&format!("http://{metrics}/metrics")).await;
    let sample = parse(&text);
    let value = |key: &str| {
        *sample
            .get(key)
            .unwrap_or_else(|| panic!("{key} in the metrics:\n{text}"))
    };
    assert_eq!(value("banter_messages_stored_total"), 4.0);
    assert_eq!(value(r#"banter_ws_requests_total{request="send"}"#), 5.0);
    assert_eq!(
        value(r#"banter_ws_request_errors_total{request="send",error="not_member"}"#),
        1.0
    );
    assert_eq!(value(r#"banter_sign_ups_total{outcome="ok"}"#), 2.0);
    assert_eq!(value(r#"banter_sign_ins_total{outcome="refused"}"#), 1.0);
    assert_eq!(value("banter_websockets_open"), 2.0);
    assert_eq!(value("banter_users_online"), 2.0);
    assert_eq!(value("banter_nodes"), 1.0);
    // Each message went to both sockets.
    assert!(value("banter_deliveries_total") >= 8.0);
    assert!(value("banter_fanout_seconds_count") >= 8.0);
    assert!(value(r#"banter_fanout_seconds_bucket{le="+Inf"}"#) >= 8.0);
    assert!(value("banter_pipeline_batch_messages_count") >= 1.0);
    assert!(value("banter_db_begin_seconds_count") >= 1.0);
    assert!(value("banter_db_connections_max") >= 1.0);
    assert!(sample
        .keys()
        .any(|key| key.starts_with(r#"banter_http_requests_total{method="POST",status="#)));
    for name in [
        "banter_fanout_seconds",
        "banter_ws_request_duration_seconds",
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} histogram")),
            "{name} is a histogram"
        );
    }
    assert!(
        text.contains("# HELP banter_fanout_seconds "),
        "metrics are described"
    );
    // Labels name kinds, never people.
    assert!(!text.contains("alice") && !text.contains("bob"));
    println!("a sample of /metrics:\n{text}");

    // Not on the public port unless asked.
    let public = client()
        .get(format!("{}/metrics", node.base))
        .send()
        .await
        .expect("a response");
    assert_eq!(public.status(), 404);
    let ready = client()
        .get(format!("http://{metrics}/readyz"))
        .send()
        .await
        .expect("a response");
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn metrics_are_on_the_public_port_when_asked() {
    if on_postgres() {
        return;
    }
    let data = tempfile::tempdir().expect("data directory");
    let node = Process::start(data.path(), &[("BANTER_METRICS", "true")]).await;
    let text = scrape(&format!("{}/metrics", node.base)).await;
    assert_eq!(parse(&text).get("banter_websockets_open"), Some(&0.0));
}

#[tokio::test]
async fn a_ready_node_says_so_part_by_part() {
    let server = TestServer::start().await;
    let response = client()
        .get(server.url("/readyz"))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    let report: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(
        report,
        serde_json::json!({"status": "ok", "database": "ok", "bus": "ok", "serving": "ok"})
    );
}

#[tokio::test]
async fn every_request_has_an_id_that_its_json_log_lines_carry() {
    if on_postgres() {
        return;
    }
    let data = tempfile::tempdir().expect("data directory");
    let log = data.path().join("banter.log");
    let env = [
        ("BANTER_LOG_FORMAT", "json"),
        ("RUST_LOG", "info,server=debug"),
    ];
    let node = Process::start_logging(data.path(), &env, Some(&log)).await;

    let given = client()
        .get(format!("{}/healthz", node.base))
        .header("x-request-id", "probe-42")
        .send()
        .await
        .expect("a response");
    assert_eq!(given.headers()["x-request-id"], "probe-42");
    let made = client()
        .get(format!("{}/healthz", node.base))
        .header("x-request-id", "not\tplausible")
        .send()
        .await
        .expect("a response");
    let id = made.headers()["x-request-id"].to_str().expect("text");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "a made id: {id}");

    let line = logged(&log, |line| {
        line["spans"].as_array().is_some_and(|spans| {
            spans
                .iter()
                .any(|span| span["name"] == "http" && span["id"] == "probe-42")
        })
    })
    .await;
    assert_eq!(line["fields"]["message"], "answered");
    assert_eq!(line["fields"]["status"], 200);
    logged(&log, |line| {
        line["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Banter is listening"))
    })
    .await;
}

#[tokio::test]
async fn an_event_from_a_newer_node_is_passed_over_and_the_rest_delivered() {
    if !on_postgres() {
        return;
    }
    let server = TestServer::start().await;
    let alice = Browser::new(&server.base());
    alice.sign_up("alice", PASSWORD).await.unwrap();
    let mut live = Live::connect(&alice).await;
    let frame = serde_json::to_string(&ServerMsg::Presence {
        user: UserId(77),
        online: true,
    })
    .expect("json");
    let payload = serde_json::json!({"events": {"from": "a-newer-node", "at": 0, "events": [
        {"t": "reaction", "channel": 1, "message": 3, "emoji": "👍"},
        {"t": "to_user", "user": live.user.id, "frame": frame},
    ]}});
    let db = server.db().await;
    db.execute(&format!(
        "SELECT pg_notify('banter_events', '{}')",
        payload.to_string().replace('\'', "''")
    ))
    .await;
    let heard = live
        .event_where(
            |event| matches!(event, ServerMsg::Presence { user, .. } if *user == UserId(77)),
        )
        .await;
    assert_eq!(
        heard,
        ServerMsg::Presence {
            user: UserId(77),
            online: true
        }
    );
    live.say(GENERAL, "still here").await;
}

/// The body of `GET url`, which must answer 200.
async fn scrape(url: &str) -> String {
    let response = client().get(url).send().await.expect("a response");
    assert_eq!(response.status(), 200, "{url}");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap_or("")
        .to_owned();
    assert!(kind.starts_with("text/plain"), "{kind}");
    response.text().await.expect("text")
}

/// Prometheus's text format: each sample's name and labels, as written, to
/// its value.
fn parse(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            Some((key.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// Waits for a JSON line of the log at `path` that `wanted` picks, checking
/// that every line is JSON; returns it.
async fn logged(path: &Path, wanted: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    for _ in 0..400 {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for line in text.lines().filter(|line| !line.is_empty()) {
            let line: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("a log line that is not JSON ({error}): {line}"));
            if wanted(&line) {
                return line;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "no such line in the log:\n{}",
        std::fs::read_to_string(path).unwrap_or_default()
    );
}
