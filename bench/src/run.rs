//! One scenario, from connecting to the report.
//!
//! 1. Connect the clients (at most `connect_concurrency` at once), each
//!    waiting for its welcome, which the server sends once the user is
//!    online.
//! 2. Hold (idle), or have the senders send at the planned rate while every
//!    client counts what it receives; then drain for a few seconds.
//! 3. Compare what was delivered with what was expected: every acknowledged
//!    message once at every connected member of its channel.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant as StdInstant},
};

use futures::StreamExt;
use tokio::{sync::Semaphore, time::Instant};

use crate::{
    changes,
    cli::{Cli, Plan},
    client::{self, Session},
    frames, proc,
    report::{Report, Samples, Tally},
    stats::Percentiles,
};

/// How long receivers keep listening after the last send.
const DRAIN: Duration = Duration::from_secs(3);

pub async fn run(cli: Cli) -> Result<Report, String> {
    let options = cli.options;
    let plan = options.plan();
    if let Err(error) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("cannot raise the open-file limit: {error}");
    }
    let text = std::fs::read_to_string(&options.sessions)
        .map_err(|e| format!("cannot read {:?}: {e}", options.sessions))?;
    let sessions: Vec<Session> = text
        .lines()
        .filter_map(Session::parse)
        .take(plan.clients)
        .collect();
    if sessions.len() < plan.clients {
        return Err(format!(
            "{} sessions in {:?}, {} needed",
            sessions.len(),
            options.sessions,
            plan.clients
        ));
    }

    let idle = proc::sample(&options.pid);
    eprintln!("connecting {} clients…", plan.clients);
    let connect_started = StdInstant::now();
    let nodes = options.url.len().max(1);
    let clients = connect_all(&options.url, &sessions, &plan, options.source_ips.max(1)).await?;
    let connect_elapsed = connect_started.elapsed();
    let connect_times = Percentiles::of(
        clients
            .iter()
            .map(|c| u32::try_from(c.connect_time.as_micros()).unwrap_or(u32::MAX))
            .collect(),
    );
    let connected = proc::sample(&options.pid);
    eprintln!("connected in {connect_elapsed:.2?}");

    // Who listens where: every client is in General and in its channel.
    let mut listeners: HashMap<i64, u64> = HashMap::new();
    for session in &sessions {
        *listeners
            .entry(app::model::ChannelId::GENERAL.0)
            .or_default() += 1;
        if session.channel != app::model::ChannelId::GENERAL.0 {
            *listeners.entry(session.channel).or_default() += 1;
        }
    }

    let clock = Instant::now();
    let sending = Duration::from_secs(plan.duration_secs);
    let start = clock + Duration::from_millis(200);
    let stop_sending = start
        + if plan.senders > 0 {
            sending
        } else {
            Duration::ZERO
        };
    let stop_reading = if plan.senders > 0 {
        stop_sending + DRAIN
    } else {
        start + sending
    };
    let before_sending = proc::sample(&options.pid);

    let every = Duration::from_secs_f64(plan.senders.max(1) as f64 / f64::from(plan.rate.max(1)));
    let per_second = |count: usize, rate: u32| {
        Duration::from_secs_f64(count.max(1) as f64 / f64::from(rate.max(1)))
    };
    let edit_every = per_second(plan.senders, plan.edit_rate);
    let react_every = per_second(plan.reactors, plan.reaction_rate);
    let newest = changes::Newest::default();
    let memo = frames::Memo::default();
    let mut readers = Vec::with_capacity(clients.len());
    let mut senders = Vec::new();
    let mut reactors = Vec::new();
    for (index, (client, session)) in clients.into_iter().zip(&sessions).enumerate() {
        let (sink, stream) = client.socket.split();
        // Clients were spread over the nodes in turn.
        let node = index % nodes;
        let edits = (index < plan.senders && plan.edit_rate > 0).then(|| client::Edits {
            every: edit_every,
            own: changes::OwnNewest::default(),
        });
        readers.push(tokio::spawn(client::read(
            stream,
            node,
            clock,
            stop_reading,
            newest.clone(),
            edits.as_ref().map(|e| e.own.clone()),
            memo.clone(),
        )));
        if index < plan.senders {
            let channel = if plan.general {
                app::model::ChannelId::GENERAL.0
            } else {
                session.channel
            };
            // Spread the senders' ticks over one period.
            let offset = every.mul_f64(index as f64 / plan.senders as f64);
            senders.push(tokio::spawn(client::send(
                sink,
                channel,
                node,
                clock,
                start + offset,
                every,
                stop_sending,
                edits,
            )));
        } else if index < plan.senders + plan.reactors {
            let reactor = index - plan.senders;
            let offset = react_every.mul_f64(reactor as f64 / plan.reactors as f64);
            reactors.push(tokio::spawn(changes::react(
                sink,
                reactor,
                newest.clone(),
                start + offset,
                react_every,
                stop_sending,
            )));
        } else {
            // Keep the write half alive: pongs go out through it.
            tokio::spawn(async move {
                tokio::time::sleep_until(stop_reading).await;
                drop(sink);
            });
        }
    }
    if plan.senders > 0 {
        eprintln!(
            "sending {} messages/s from {} senders for {}s…",
            plan.rate, plan.senders, plan.duration_secs
        );
    } else {
        eprintln!("holding for {}s…", plan.duration_secs);
    }

    if plan.reactors > 0 || plan.edit_rate > 0 {
        eprintln!(
            "and {} reactions/s from {} members, {} edits/s from the senders…",
            plan.reaction_rate, plan.reactors, plan.edit_rate
        );
    }

    let (mut sent, mut changes_sent) = (0, 0);
    for sender in senders {
        let (messages, edits) = sender.await.unwrap_or((0, 0));
        sent += messages;
        changes_sent += edits;
    }
    for reactor in reactors {
        changes_sent += reactor.await.unwrap_or(0);
    }
    let after_sending = proc::sample(&options.pid);
    let mut stats = Vec::with_capacity(readers.len());
    for reader in readers {
        stats.push(reader.await.unwrap_or_default());
    }
    let end = proc::sample(&options.pid);

    Ok(Report::new(
        &plan,
        Tally::of(&stats, &listeners),
        (sent, changes_sent),
        Samples {
            idle,
            connected,
            before_sending,
            after_sending,
            end,
        },
        connect_elapsed,
        connect_times,
        sending,
        options.json.as_deref(),
    ))
}

/// Connects every client, at most `plan.connect_concurrency` at once, the
/// `i`-th to the `i % urls.len()`-th node.
async fn connect_all(
    urls: &[url::Url],
    sessions: &[Session],
    plan: &Plan,
    source_ips: u8,
) -> Result<Vec<client::Client>, String> {
    let permits = match plan.connect_concurrency {
        0 => Semaphore::MAX_PERMITS,
        n => n,
    };
    let gate = Arc::new(Semaphore::new(permits));
    let tasks: Vec<_> = sessions
        .iter()
        .enumerate()
        .map(|(index, session)| {
            let url = urls[index % urls.len()].clone();
            let (gate, session) = (gate.clone(), session.clone());
            let source = u8::try_from(index % usize::from(source_ips)).unwrap_or(0);
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.map_err(|e| e.to_string())?;
                client::connect(&url, &session, source).await
            })
        })
        .collect();
    let mut clients = Vec::with_capacity(tasks.len());
    for task in tasks {
        clients.push(task.await.map_err(|e| e.to_string())??);
    }
    Ok(clients)
}
