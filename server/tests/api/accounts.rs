//! Sign-up, log-in, log-out and sessions, through the same server functions
//! the pages call.

use app::{
    error::AppError,
    model::{PasswordError, UsernameError},
};
use reqwest::{header, StatusCode};

use crate::{
    browser::{location, Browser},
    common::{on_postgres, TestServer},
};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn sign_up_signs_in_and_joins_general() {
    let server = TestServer::start().await;
    let alice = Browser::new(&server.base());
    alice.sign_up("Alice", PASSWORD).await.unwrap();
    let me = alice.me().await.unwrap();
    assert_eq!(me.username, "Alice", "shown as typed");

    let general = server
        .count(&format!(
            "memberships WHERE user_id = {} AND channel_id = 1",
            me.id
        ))
        .await;
    assert_eq!(general, 1);
}

#[tokio::test]
async fn invalid_sign_ups_are_refused_and_store_nothing() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    let cases = [
        (
            "a",
            PASSWORD,
            AppError::InvalidUsername(UsernameError::TooShort),
        ),
        (
            &*"a".repeat(33),
            PASSWORD,
            AppError::InvalidUsername(UsernameError::TooLong),
        ),
        (
            "al ice",
            PASSWORD,
            AppError::InvalidUsername(UsernameError::BadCharacter),
        ),
        (
            "<script>",
            PASSWORD,
            AppError::InvalidUsername(UsernameError::BadCharacter),
        ),
        (
            "alice",
            "short",
            AppError::InvalidPassword(PasswordError::TooShort),
        ),
        (
            "alice",
            &*"p".repeat(129),
            AppError::InvalidPassword(PasswordError::TooLong),
        ),
    ];
    for (username, password, expected) in cases {
        assert_eq!(
            browser.sign_up(username, password).await,
            Err(expected),
            "{username:?}"
        );
    }
    assert_eq!(server.count("users").await, 0);
    assert_eq!(browser.me().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn usernames_are_unique_without_regard_to_case() {
    let server = TestServer::start().await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    let other = Browser::new(&server.base());
    assert_eq!(
        other.sign_up("ALICE", PASSWORD).await,
        Err(AppError::UsernameTaken)
    );
    assert_eq!(server.count("users").await, 1);
}

#[tokio::test]
async fn log_in_accepts_the_name_in_any_case() {
    let server = TestServer::start().await;
    Browser::new(&server.base())
        .sign_up("Alice", PASSWORD)
        .await
        .unwrap();
    let browser = Browser::new(&server.base());
    browser.log_in("aLiCe", PASSWORD).await.unwrap();
    assert_eq!(browser.me().await.unwrap().username, "Alice");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let server = TestServer::start().await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    let browser = Browser::new(&server.base());
    assert_eq!(
        browser.log_in("alice", "wrong password").await,
        Err(AppError::InvalidCredentials)
    );
    assert_eq!(
        browser.log_in("nobody", PASSWORD).await,
        Err(AppError::InvalidCredentials)
    );
    assert_eq!(
        browser.log_in("x", PASSWORD).await,
        Err(AppError::InvalidCredentials)
    );
    assert_eq!(browser.me().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn failed_logins_are_limited_per_username() {
    let server = TestServer::start_with(|config| config.login_failures = 3).await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    let attacker = Browser::new(&server.base());
    for _ in 0..3 {
        assert_eq!(
            attacker.log_in("alice", "guess guess").await,
            Err(AppError::InvalidCredentials)
        );
    }
    // Even the right password is refused now, with the time to wait.
    match attacker.log_in("ALICE", PASSWORD).await {
        Err(AppError::TooManyAttempts { retry_after_secs }) => {
            assert!(
                (1..=15 * 60).contains(&retry_after_secs),
                "{retry_after_secs}"
            )
        }
        other => panic!("expected a limit, got {other:?}"),
    }
    assert_eq!(
        AppError::TooManyAttempts {
            retry_after_secs: 42
        }
        .to_string(),
        "too many attempts, try again in 42 s"
    );
}

#[tokio::test]
async fn failed_logins_are_limited_per_address() {
    let server = TestServer::start_with(|config| config.login_failures = 3).await;
    let browser = Browser::new(&server.base());
    for name in ["one", "two", "three"] {
        assert_eq!(
            browser.log_in(name, PASSWORD).await,
            Err(AppError::InvalidCredentials)
        );
    }
    assert!(matches!(
        browser.log_in("four", PASSWORD).await,
        Err(AppError::TooManyAttempts { .. })
    ));
}

#[tokio::test]
async fn a_successful_login_resets_the_username_limit() {
    let server = TestServer::start_with(|config| config.login_failures = 3).await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    let alice = Browser::new(&server.base());
    for _ in 0..2 {
        let _ = alice.log_in("alice", "wrong password").await;
    }
    alice.log_in("alice", PASSWORD).await.unwrap();
    // The two earlier failures no longer count against the name; the
    // address still has one failure left before its own limit.
    assert_eq!(
        alice.log_in("alice", "wrong password").await,
        Err(AppError::InvalidCredentials)
    );
}

#[tokio::test]
async fn sign_ups_are_limited_per_address() {
    let server = TestServer::start_with(|config| config.signups_per_hour = 2).await;
    for name in ["one", "two"] {
        Browser::new(&server.base())
            .sign_up(name, PASSWORD)
            .await
            .unwrap();
    }
    let result = Browser::new(&server.base())
        .sign_up("three", PASSWORD)
        .await;
    assert!(
        matches!(result, Err(AppError::TooManyAttempts { .. })),
        "{result:?}"
    );
    assert_eq!(server.count("users").await, 2);
}

#[tokio::test]
async fn logging_in_cycles_the_session_id() {
    let server = TestServer::start().await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    let browser = Browser::new(&server.base());
    // A failed attempt leaves the session as it was; then sign in.
    let _ = browser.log_in("alice", "wrong password").await;
    let before = browser.session_cookie();
    browser.log_in("alice", PASSWORD).await.unwrap();
    let after = browser.session_cookie().expect("a session cookie");
    assert_ne!(before.as_deref(), Some(after.as_str()));
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let server = TestServer::start().await;
    let response = Browser::new(&server.base())
        .http
        .post(server.url("/api/signup"))
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("banter_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
}

#[tokio::test]
async fn the_session_cookie_is_secure_behind_https() {
    let server = TestServer::start_with(|config| {
        config.public_url = Some("https://chat.example".parse().unwrap())
    })
    .await;
    let response = Browser::new(&server.base())
        .http
        .post(server.url("/api/signup"))
        .header(header::ORIGIN, "https://chat.example")
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn logging_out_ends_this_session_only() {
    let server = TestServer::start().await;
    let laptop = Browser::new(&server.base());
    laptop.sign_up("alice", PASSWORD).await.unwrap();
    let phone = Browser::new(&server.base());
    phone.log_in("alice", PASSWORD).await.unwrap();

    let ended = laptop.session_cookie().unwrap();
    laptop.log_out().await.unwrap();
    assert_eq!(laptop.me().await, Err(AppError::NotSignedIn));
    assert_eq!(phone.me().await.unwrap().username, "alice");

    // The ended session's id is worthless even if replayed.
    let replay = Browser::new(&server.base());
    let response = replay
        .http
        .post(server.url("/api/me"))
        .header(header::COOKIE, format!("banter_session={ended}"))
        .send()
        .await
        .unwrap();
    assert_ne!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let server = TestServer::start().await;
    let mut browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    let server = server.restart().await;
    browser.rebase(&server.base());
    assert_eq!(browser.me().await.unwrap().username, "alice");
}

#[tokio::test]
async fn an_expired_session_is_refused_and_deleted() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    let long_ago = match on_postgres() {
        true => "'1970-01-02T00:00:00Z'",
        false => "0",
    };
    server
        .db()
        .await
        .execute(&format!(
            "UPDATE tower_sessions SET expiry_date = {long_ago}"
        ))
        .await;

    assert_eq!(browser.me().await, Err(AppError::NotSignedIn));
    assert!(location(&browser.get("/").await).starts_with("/login"));

    server.state.delete_expired_sessions().await.unwrap();
    assert_eq!(server.count("tower_sessions").await, 0);
}

#[tokio::test]
async fn pages_send_visitors_to_login_and_back() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    assert_eq!(location(&browser.get("/").await), "/login?next=%2F");
    assert_eq!(
        location(&browser.get("/?a=1&b=2").await),
        "/login?next=%2F%3Fa%3D1%26b%3D2"
    );
    assert_eq!(browser.get("/login").await.status(), StatusCode::OK);
    assert_eq!(browser.get("/signup").await.status(), StatusCode::OK);

    browser.sign_up("alice", PASSWORD).await.unwrap();
    assert_eq!(browser.get("/").await.status(), StatusCode::OK);
    assert_eq!(location(&browser.get("/login").await), "/");
    assert_eq!(
        location(&browser.get("/signup?next=%2Fc%2F7").await),
        "/c/7"
    );
    assert_eq!(
        location(&browser.get("/login?next=https%3A%2F%2Fevil.example").await),
        "/"
    );
}

#[tokio::test]
async fn the_page_shows_the_signed_in_user() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("Alice", PASSWORD).await.unwrap();
    let html = browser.get("/").await.text().await.unwrap();
    assert!(
        html.contains(">Alice<"),
        "the user's name in the first paint"
    );
    assert!(html.contains("Log out"));
}

#[tokio::test]
async fn forms_work_without_javascript() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    let response = browser
        .post_form(
            "signup",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("next", "/c/1"),
            ],
            "/signup?next=%2Fc%2F1",
        )
        .await;
    assert_eq!(location(&response), "/c/1");
    assert_eq!(browser.me().await.unwrap().username, "alice");

    // A refused form goes back to its page (keeping where to go next), with
    // the error for the page to show and the username to fill in again.
    let other = Browser::new(&server.base());
    let response = other
        .post_form(
            "login",
            &[
                ("username", "alice"),
                ("password", "wrong password"),
                ("next", "/c/1"),
            ],
            "/login?next=%2Fc%2F1",
        )
        .await;
    let back = location(&response);
    assert!(
        back.starts_with("/login?next=%2Fc%2F1&username=alice&"),
        "{back}"
    );
    assert!(back.contains("__err="), "{back}");
    let page = other.get(&back).await.text().await.unwrap();
    assert!(
        page.contains("invalid username or password"),
        "the error is rendered"
    );
    assert!(page.contains(r#"role="alert""#));
    assert!(page.contains(r#"value="alice""#), "the username is kept");
    assert!(!page.contains("wrong password"), "the password is not");

    // The way back stays on this site, whatever the Referer says.
    let response = other
        .http
        .post(server.url("/api/signup"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "https://evil.example/signup?x=1")
        .form(&[("username", "日本語"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let back = location(&response);
    assert!(back.starts_with("/signup?x=1&username=%E6%97%A5"), "{back}");
    let page = other.get(&back).await.text().await.unwrap();
    assert!(page.contains(&AppError::from(UsernameError::BadCharacter).to_string()));
    assert!(page.contains(r#"value="日本語""#), "{page}");

    let response = browser.post_form("logout", &[], "/").await;
    assert_eq!(location(&response), "/login");
    assert_eq!(browser.me().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let server = TestServer::start().await;
    let response = Browser::new(&server.base())
        .http
        .post(server.url("/api/signup"))
        .header(header::ORIGIN, "https://evil.example")
        .form(&[("username", "mallory"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(server.count("users").await, 0);

    let response = Browser::new(&server.base())
        .http
        .post(server.url("/api/signup"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("username", "mallory"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let same = Browser::new(&server.base());
    let response = same
        .http
        .post(server.url("/api/signup"))
        .header(header::ORIGIN, server.base())
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn using_a_session_on_the_day_it_was_renewed_writes_nothing() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    let page = browser.get("/").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers().get(header::SET_COOKIE).is_none(),
        "no new cookie: the session was not saved again"
    );
}

#[tokio::test]
async fn a_session_used_on_a_later_day_is_renewed_with_a_fresh_cookie() {
    use tower_sessions::{cookie::time::Duration, session::Id, SessionStore};

    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    let id: Id = browser
        .session_cookie()
        .expect("signed in")
        .parse()
        .expect("a session id");
    // As the record stands after its last renewal two days ago.
    let sessions = &server.state.sessions;
    let mut record = sessions.load(&id).await.unwrap().expect("stored");
    let today = record.data["renewed"].as_i64().expect("a day");
    record.data.insert("renewed".into(), (today - 2).into());
    record.expiry_date -= Duration::days(2);
    sessions.save(&record).await.unwrap();

    let page = browser.get("/").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers().get(header::SET_COOKIE).is_some(),
        "the cookie is sent again with a fresh Max-Age"
    );
    let renewed = sessions.load(&id).await.unwrap().expect("still stored");
    assert!(
        renewed.expiry_date > record.expiry_date,
        "expiry pushed back"
    );
    assert!(renewed.data["renewed"].as_i64() >= Some(today));
    assert_eq!(browser.me().await.map(|me| me.username), Ok("alice".into()));
}

#[tokio::test]
async fn a_username_that_looks_like_another_is_refused() {
    let server = TestServer::start().await;
    Browser::new(&server.base())
        .sign_up("alice", PASSWORD)
        .await
        .unwrap();
    for name in ["aIice", "AIice", "a1ice"] {
        assert_eq!(
            Browser::new(&server.base()).sign_up(name, PASSWORD).await,
            Err(AppError::UsernameLooksLike),
            "{name}"
        );
    }
    assert_eq!(
        Browser::new(&server.base())
            .sign_up("ALICE", PASSWORD)
            .await,
        Err(AppError::UsernameTaken)
    );
    assert_eq!(
        AppError::UsernameLooksLike.to_string(),
        "that username looks too much like someone else's; pick another"
    );
    Browser::new(&server.base())
        .sign_up("alicia", PASSWORD)
        .await
        .unwrap();
    assert_eq!(server.count("users").await, 2);
}

#[tokio::test]
async fn users_from_before_look_alike_keys_are_given_theirs_at_start() {
    let server = TestServer::start().await;
    Browser::new(&server.base())
        .sign_up("mary", PASSWORD)
        .await
        .unwrap();
    // As a database from before the keys has them: none.
    let db = server.db().await;
    db.execute("UPDATE users SET lookalike_key = NULL").await;
    let server = server.restart().await;
    assert_eq!(server.count("users WHERE lookalike_key IS NULL").await, 0);
    assert_eq!(
        Browser::new(&server.base())
            .sign_up("rnary", PASSWORD)
            .await,
        Err(AppError::UsernameLooksLike)
    );
}

#[tokio::test]
async fn a_refused_call_answers_with_a_status_that_says_why() {
    let server = TestServer::start().await;
    let post = async |browser: &Browser, endpoint: &str, form: &[(&str, &str)]| {
        let response = browser
            .http
            .post(browser.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("POST");
        let status = response.status();
        let error: Option<AppError> =
            serde_json::from_slice(&response.bytes().await.expect("body")).ok();
        (status, error)
    };
    let alice = Browser::new(&server.base());
    assert_eq!(
        post(&alice, "me", &[]).await,
        (StatusCode::UNAUTHORIZED, Some(AppError::NotSignedIn))
    );
    let bad_name = post(
        &alice,
        "signup",
        &[("username", "a"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(bad_name.0, StatusCode::UNPROCESSABLE_ENTITY);
    alice.sign_up("alice", PASSWORD).await.unwrap();
    let stranger = Browser::new(&server.base());
    let taken = post(
        &stranger,
        "signup",
        &[("username", "alice"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(taken, (StatusCode::CONFLICT, Some(AppError::UsernameTaken)));
    let wrong = post(
        &stranger,
        "login",
        &[("username", "alice"), ("password", "Привет, мир")],
    )
    .await;
    assert_eq!(
        wrong,
        (StatusCode::UNAUTHORIZED, Some(AppError::InvalidCredentials))
    );
}
