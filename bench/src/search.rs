//! The search benchmark (`banter-load search`): typical queries against a
//! history seeded with `banter seed --varied`, each asked again and again,
//! one at a time, and timed from the request to the last byte of the
//! results' HTML (as the search page gets them while the reader types).
//! Run the server with a `--rate-search` that lets them all through.

use std::time::{Duration, Instant};

use crate::{cli::Options, client::Session, stats::Percentiles};

/// The queries: a common word, a rare one, a phrase, a sender and a word,
/// Japanese text of three characters (through the index) and of two
/// (checked message by message: common, so a page fills soon, and found
/// nowhere, so every message is read), and a word by best match.
const QUERIES: &[(&str, &str)] = &[
    ("common word", "the"),
    ("rare word", "kakakasa"),
    ("phrase", "\"release notes\""),
    ("from: and a word", "from:load-3 meeting"),
    ("Japanese, 3 characters", "テスト"),
    ("Japanese, 2 characters", "東京"),
    ("2 characters found nowhere", "虹色"),
    ("Russian word", "встреча"),
    ("best match", "release&sort=relevance"),
];

/// How many times each query is asked before the timed rounds.
const WARM_UP: usize = 3;

/// One query's figures.
#[derive(Debug, serde::Serialize)]
pub struct QueryFigures {
    pub name: &'static str,
    pub query: &'static str,
    pub latency: Percentiles,
    /// Results on the first page.
    pub results: usize,
    /// Answers that were refusals (a search stopped at its time limit is a
    /// 503), with their time counted like the rest.
    pub refused: usize,
}

/// Runs every query `rounds` times against the first node.
pub async fn run(options: &Options, rounds: usize) -> Result<Vec<QueryFigures>, String> {
    let text = std::fs::read_to_string(&options.sessions)
        .map_err(|e| format!("cannot read {:?}: {e}", options.sessions))?;
    let session = text
        .lines()
        .find_map(Session::parse)
        .ok_or("no session in the sessions file")?;
    let base = options.url.first().ok_or("no --url")?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let cookie = format!("banter_session={}", session.cookie);
    let mut figures = Vec::new();
    for &(name, query) in QUERIES {
        let (q, rest) = query.split_once('&').unwrap_or((query, ""));
        let mut url = base.join("/search/results").map_err(|e| e.to_string())?;
        url.query_pairs_mut().append_pair("q", q);
        if let Some((key, value)) = rest.split_once('=') {
            url.query_pairs_mut().append_pair(key, value);
        }
        let mut micros = Vec::with_capacity(rounds);
        let mut results = 0;
        let mut refused = 0;
        for round in 0..WARM_UP + rounds {
            let started = Instant::now();
            let response = http
                .get(url.clone())
                .header("cookie", &cookie)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let html = response.text().await.map_err(|e| e.to_string())?;
            let took = started.elapsed();
            if status.is_success() {
                results = html.matches(r#"<li class="search-result">"#).count();
            } else if round >= WARM_UP {
                refused += 1;
            }
            if round >= WARM_UP {
                micros.push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
            }
        }
        figures.push(QueryFigures {
            name,
            query,
            latency: Percentiles::of(micros),
            results,
            refused,
        });
    }
    Ok(figures)
}

/// The figures as a table.
pub fn table(figures: &[QueryFigures]) -> String {
    let mut table = String::from(
        "| query | | results | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n",
    );
    for f in figures {
        table.push_str(&format!(
            "| {} | `{}` | {} | {:.1} | {:.1} | {:.1} |\n",
            f.name, f.query, f.results, f.latency.p50_ms, f.latency.p99_ms, f.latency.max_ms
        ));
    }
    table
}
