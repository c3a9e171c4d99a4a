//! A scripted browser for the integration tests: a cookie jar and the same
//! requests Banter's pages make.

use std::sync::Arc;

use app::{error::AppError, model::User};
use reqwest::{cookie::CookieStore, header, Response, StatusCode};

/// One browser profile: its own cookies.
pub struct Browser {
    pub http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self::build(base, reqwest::Client::builder())
    }

    /// A browser that names itself `agent` (its User-Agent).
    pub fn with_agent(base: &str, agent: &str) -> Self {
        Self::build(base, reqwest::Client::builder().user_agent(agent))
    }

    fn build(base: &str, builder: reqwest::ClientBuilder) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = builder
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            http,
            jar,
            base: base.to_owned(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Moves this browser (and its cookies) to a server at another address.
    pub fn rebase(&mut self, base: &str) {
        base.clone_into(&mut self.base);
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// Calls a server function the way the hydrated app does, and decodes
    /// its answer or its typed error.
    pub async fn call<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Result<T, AppError> {
        let response = self
            .http
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("POST");
        let status = response.status();
        let body = response.bytes().await.expect("body");
        if status.is_success() || status.is_redirection() {
            Ok(serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{endpoint}: cannot decode {:?}: {e}",
                    String::from_utf8_lossy(&body)
                )
            }))
        } else {
            Err(serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{endpoint}: {status}: not an AppError: {:?}: {e}",
                    String::from_utf8_lossy(&body)
                )
            }))
        }
    }

    pub async fn sign_up(&self, username: &str, password: &str) -> Result<(), AppError> {
        self.call("signup", &[("username", username), ("password", password)])
            .await
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Result<(), AppError> {
        self.call("login", &[("username", username), ("password", password)])
            .await
    }

    pub async fn log_out(&self) -> Result<(), AppError> {
        self.call("logout", &[]).await
    }

    pub async fn me(&self) -> Result<User, AppError> {
        self.call("me", &[]).await
    }

    /// Posts a form as a browser without JavaScript does.
    pub async fn post_form(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> Response {
        self.http
            .post(self.url(&format!("/api/{endpoint}")))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, self.url(referer))
            .form(form)
            .send()
            .await
            .expect("form POST")
    }

    /// The value of the session cookie, if this browser has one.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.base.parse().expect("base URL");
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix("banter_session="))
            .map(str::to_owned)
    }
}

/// The `Location` of a redirect response.
pub fn location(response: &Response) -> String {
    assert!(
        matches!(response.status(), StatusCode::SEE_OTHER | StatusCode::FOUND),
        "expected a redirect, got {}",
        response.status()
    );
    response.headers()[header::LOCATION]
        .to_str()
        .expect("location")
        .to_owned()
}
