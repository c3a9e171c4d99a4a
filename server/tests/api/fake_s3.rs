//! An S3-compatible server on loopback, for the tests of files kept in a
//! bucket: moto's (a Python package `scripts/setup --tests` installs in
//! `target/tools/s3`), one per test, stopped when the last node using it
//! is dropped.

use std::{process::Stdio, sync::Arc, time::Duration};

use server::Config;

/// The bucket the tests keep files in.
pub const BUCKET: &str = "banter-files";

pub struct FakeS3 {
    _server: tokio::process::Child,
    pub endpoint: String,
}

impl FakeS3 {
    /// Starts one, with an empty [`BUCKET`].
    pub async fn start() -> Arc<Self> {
        let python = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/tools/s3/bin/python");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let server = tokio::process::Command::new(python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("moto's S3 server: run scripts/setup --tests");
        let endpoint = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        // Making the bucket is the first request it answers.
        loop {
            let made = http.put(format!("{endpoint}/{BUCKET}")).send().await;
            if made.is_ok_and(|response| response.status().is_success()) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "moto's S3 server did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Arc::new(Self {
            _server: server,
            endpoint,
        })
    }

    /// Points `config` at the bucket.
    pub fn configure(&self, config: &mut Config) {
        config.storage_url = Some(format!("s3://{BUCKET}/banter"));
        config.storage_options = [
            ("aws_endpoint", self.endpoint.as_str()),
            ("aws_allow_http", "true"),
            ("aws_access_key_id", "test"),
            ("aws_secret_access_key", "test"),
            ("aws_region", "us-east-1"),
        ]
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .to_vec();
    }

    /// The keys in the bucket.
    pub async fn keys(&self) -> Vec<String> {
        let listing = reqwest::get(format!("{}/{BUCKET}?list-type=2", self.endpoint))
            .await
            .expect("a listing")
            .text()
            .await
            .expect("its text");
        listing
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_owned)
            .collect()
    }
}
