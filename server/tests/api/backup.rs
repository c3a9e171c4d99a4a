//! `banter backup` and `banter restore`, run as an operator runs them: the
//! real binary beside a real server that keeps taking messages.

use std::{
    path::Path,
    process::Output,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use app::{model::ChannelId, protocol::Message};

use crate::{
    browser::Browser,
    common::{on_postgres, Db},
    live::Live,
    process::{run_to_end, Process},
};

const PASSWORD: &str = "correct horse battery";
const GENERAL: ChannelId = ChannelId::GENERAL;
const SCRIPTS: [&str; 4] = ["日本語", "Привет", "العربية", "🦀"];
const ENV: [(&str, &str); 2] = [("BANTER_SEND_RATE", "1000"), ("BANTER_SEND_BURST", "1000")];

#[tokio::test]
async fn a_backup_under_load_restores_every_message_acknowledged_before_it() {
    if on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().expect("a directory");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    let backup = dir.path().join("backup.db");
    let node = Process::start(&first, &ENV).await;
    let mut browser = Browser::new(&node.base);
    browser.sign_up("sakura", PASSWORD).await.unwrap();
    let mut live = Live::connect(&browser).await;
    let mut before = Vec::new();
    for i in 0..60 {
        let text = format!("{} {i}", SCRIPTS[i % SCRIPTS.len()]);
        before.push(live.say(GENERAL, &text).await);
    }

    // The backup is taken while a writer keeps sending.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut sent = 0;
            while !stop.load(Ordering::Relaxed) {
                live.say(GENERAL, &format!("during {sent}")).await;
                sent += 1;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            sent
        }
    });
    let backed_up = banter(&first, &["backup", path(&backup)]).await;
    stop.store(true, Ordering::Relaxed);
    let during = writer.await.expect("the writer");
    assert!(backed_up.status.success(), "{}", stderr(&backed_up));
    assert!(
        stdout(&backed_up).contains("backed up to"),
        "{}",
        stdout(&backed_up)
    );
    assert!(during > 0, "messages were sent while the backup ran");

    // Nothing is restored over a database that is served, and no second
    // server opens it.
    let refused = banter(&first, &["restore", path(&backup)]).await;
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("in use"), "{}", stderr(&refused));
    let second_server = banter(&first, &[]).await;
    assert!(!second_server.status.success());
    assert!(stderr(&second_server).contains("in use"));

    // Restored elsewhere, it holds every message acknowledged before the
    // backup began, with seqs from 1 and no gap, and the sessions too.
    let restored = banter(&second, &["restore", path(&backup)]).await;
    assert!(restored.status.success(), "{}", stderr(&restored));
    let db = Db::Sqlite(
        sqlx::SqlitePool::connect(&format!("sqlite://{}", second.join("banter.db").display()))
            .await
            .expect("the restored database"),
    );
    for message in &before {
        assert_eq!(stored(&db, message).await, 1, "{message:?}");
    }
    let count = db
        .scalar("SELECT COUNT(*) FROM messages WHERE channel_id = 1")
        .await;
    let last = db
        .scalar("SELECT MAX(seq) FROM messages WHERE channel_id = 1")
        .await;
    assert_eq!(count, last, "seqs run from 1 without a gap");
    assert!(count >= before.len() as i64);
    drop(node);
    let node = Process::start(&second, &[]).await;
    browser.rebase(&node.base);
    assert_eq!(browser.me().await.unwrap().username, "sakura");

    // Restoring over a database keeps the one it replaces beside it.
    drop(node);
    let again = banter(&second, &["restore", path(&backup)]).await;
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("the database it replaced is now"));
    let kept = std::fs::read_dir(&second)
        .expect("the data directory")
        .filter_map(Result::ok)
        .any(|entry| entry.file_name().to_string_lossy().contains(".replaced-"));
    assert!(kept, "the replaced database is kept");
}

#[tokio::test]
async fn a_backup_never_overwrites_and_a_restore_takes_only_a_banter_database() {
    if on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().expect("a directory");
    let data = dir.path().join("data");
    let node = Process::start(&data, &[]).await;
    drop(node);
    let existing = dir.path().join("existing.db");
    std::fs::write(&existing, b"precious").expect("a file");
    let refused = banter(&data, &["backup", path(&existing)]).await;
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("never overwrites"));
    assert_eq!(std::fs::read(&existing).expect("the file"), b"precious");

    let not_a_database = banter(&data, &["restore", path(&existing)]).await;
    assert!(!not_a_database.status.success());
    assert!(stderr(&not_a_database).contains("not a sound Banter database"));
    let missing = banter(&data, &["restore", path(&dir.path().join("nothing.db"))]).await;
    assert!(!missing.status.success());
}

/// Runs `banter` on the data in `data` with `args`, to its end.
async fn banter(data: &Path, args: &[&str]) -> Output {
    run_to_end(data, args, &[]).await
}

/// How many times `message` is stored as it was acknowledged.
async fn stored(db: &Db, message: &Message) -> i64 {
    db.scalar(&format!(
        "SELECT COUNT(*) FROM messages WHERE channel_id = {} AND seq = {} \
         AND client_id = X'{}' AND body = '{}'",
        message.channel,
        message.seq.0,
        message.client_id.0.simple(),
        message.text
    ))
    .await
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What `banter` said about how it went: standard output, and its log (on
/// standard error).
fn stderr(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
