//! A Banter node in a process of its own, so that it can die like one: the
//! real `banter` binary, on a loopback port of its own, killed with SIGKILL
//! and started again on the same port and data.

use std::{
    net::TcpListener as StdListener,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::Duration,
};

pub struct Process {
    child: Child,
    pub port: u16,
    pub base: String,
    data: PathBuf,
    env: Vec<(String, String)>,
    /// Where its standard error goes (its logs), if not to the test's.
    log: Option<PathBuf>,
}

impl Process {
    /// Starts `banter` with its data in `data` and `env` on top of the
    /// defaults; returns once it answers `/healthz`.
    pub async fn start(data: &Path, env: &[(&str, &str)]) -> Self {
        Self::start_logging(data, env, None).await
    }

    /// [`Process::start`], with its logs appended to the file `log`.
    pub async fn start_logging(data: &Path, env: &[(&str, &str)], log: Option<&Path>) -> Self {
        let port = free_port();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        let log = log.map(Path::to_owned);
        let child = spawn(data, port, &env, log.as_deref());
        let process = Self {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
            data: data.to_owned(),
            env,
            log,
        };
        process.healthy().await
    }

    /// Kills the process with SIGKILL: no goodbye, no flush.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// Asks the process to stop with SIGTERM, as a service manager does,
    /// and waits (at most a minute) for it to exit.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "SIGTERM sent");
        if let Some(status) = exit_within_a_minute(&mut self.child).await {
            return status;
        }
        self.kill();
        panic!("the banter process did not stop within a minute of SIGTERM");
    }

    /// Starts the process again on the same port and data.
    pub async fn restart(mut self) -> Self {
        self.child = spawn(&self.data, self.port, &self.env, self.log.as_deref());
        self.healthy().await
    }

    async fn healthy(mut self) -> Self {
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if client
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return self;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.kill();
        panic!("the banter process did not become healthy");
    }
}

/// Waits for `child` to exit, at most a minute, without holding up the
/// runtime; `None` if it is still running.
pub async fn exit_within_a_minute(child: &mut Child) -> Option<std::process::ExitStatus> {
    for _ in 0..600 {
        if let Some(status) = child.try_wait().expect("wait") {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

fn spawn(data: &Path, port: u16, env: &[(String, String)], log: Option<&Path>) -> Child {
    let stderr = match log {
        Some(log) => std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("the log file")
            .into(),
        None => Stdio::inherit(),
    };
    Command::new(env!("CARGO_BIN_EXE_banter"))
        .env("BANTER_ADDR", format!("127.0.0.1:{port}"))
        .env("BANTER_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(key, value)| (key, value)))
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start the banter binary")
}

/// Runs `banter` with `args` on the data in `data`, with `env` on top of
/// the defaults, to its end (at most a minute).
pub async fn run_to_end(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_banter"))
        .args(args)
        .env("BANTER_DATA_DIR", data)
        // Only reached if a server starts after all: then it must not serve
        // on a port in use.
        .env("BANTER_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the banter binary");
    if exit_within_a_minute(&mut child).await.is_some() {
        return child.wait_with_output().expect("output");
    }
    let _ = child.kill();
    panic!("banter {args:?} did not finish");
}

/// A free loopback port (free when asked; taken soon after, as the tests
/// do).
pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
