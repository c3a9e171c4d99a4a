//! Administrators: the first account is one, and `banter admin` manages
//! accounts on the database a server is serving. Deactivating someone or
//! resetting their password signs them out everywhere at once, sockets
//! included, though the command runs beside the server.

use app::{
    chat::Audited,
    error::{AppError, Refusal},
    model::UserId,
};
use server::admin::{self, AdminCommand, AdminError};

use crate::{
    browser::Browser,
    chat::user,
    common::{on_postgres, TestServer},
    process::run_to_end,
};

const PASSWORD: &str = "correct horse battery";

async fn run(server: &TestServer, command: AdminCommand) -> Result<String, AdminError> {
    admin::run(&server.state.config, &command).await
}

/// The password a command printed: its last line.
fn printed_password(said: &str) -> String {
    said.lines().last().expect("a password").to_owned()
}

async fn is_admin(server: &TestServer, user: UserId) -> bool {
    server.state.store.is_admin(user).await.expect("store")
}

#[tokio::test]
async fn the_first_account_is_an_administrator_and_roles_are_granted_and_revoked() {
    let server = TestServer::start().await;
    let (alice, _alice_live) = user(&server, "alice").await;
    let (bob, _bob_live) = user(&server, "bob").await;
    let alice = alice.me().await.expect("me");
    let bob = bob.me().await.expect("me");
    assert!(is_admin(&server, alice.id).await, "the first account");
    assert!(!is_admin(&server, bob.id).await);

    let said = run(
        &server,
        AdminCommand::Grant {
            username: "BOB".into(),
        },
    )
    .await;
    assert_eq!(said.expect("grant"), "bob is now an administrator");
    assert!(is_admin(&server, bob.id).await);
    let again = run(
        &server,
        AdminCommand::Grant {
            username: "bob".into(),
        },
    )
    .await;
    assert_eq!(again.expect("grant"), "bob was an administrator already");
    let listed = run(
        &server,
        AdminCommand::ListUsers {
            search: String::new(),
        },
    )
    .await
    .expect("list");
    let rows: Vec<Vec<&str>> = listed
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0][1..4], ["alice", "administrator", "active"]);
    assert_eq!(rows[1][1..4], ["bob", "administrator", "active"]);
    assert_eq!(listed.lines().last(), Some("2 accounts"));

    let said = run(
        &server,
        AdminCommand::Revoke {
            username: "bob".into(),
        },
    )
    .await;
    assert_eq!(said.expect("revoke"), "bob is no longer an administrator");
    assert!(!is_admin(&server, bob.id).await);
    let nobody = run(
        &server,
        AdminCommand::Grant {
            username: "zoë".into(),
        },
    )
    .await;
    assert!(
        matches!(nobody, Err(AdminError::NoSuchUser(_))),
        "{nobody:?}"
    );
}

#[tokio::test]
async fn a_deactivated_account_is_signed_out_at_once_and_cannot_sign_in_until_reactivated() {
    let server = TestServer::start().await;
    let (_alice, _alice_live) = user(&server, "alice").await;
    let (bob, mut bob_live) = user(&server, "bob").await;

    let said = run(
        &server,
        AdminCommand::Deactivate {
            username: "bob".into(),
        },
    )
    .await;
    assert_eq!(
        said.expect("deactivate"),
        "bob is deactivated and signed out everywhere"
    );
    assert!(bob_live.closed().await.is_some(), "bob's socket closes");
    assert_eq!(bob.me().await, Err(AppError::NotSignedIn));
    let again = Browser::new(&server.base());
    // Said only to someone who knows the password.
    assert_eq!(
        again.log_in("bob", "not the password").await,
        Err(AppError::InvalidCredentials)
    );
    assert_eq!(
        again.log_in("bob", PASSWORD).await,
        Err(Refusal::AccountDeactivated.into())
    );
    let listed = run(&server, AdminCommand::ListUsers { search: "b".into() })
        .await
        .expect("list");
    assert!(listed.contains(" deactivated "), "{listed}");

    let said = run(
        &server,
        AdminCommand::Reactivate {
            username: "bob".into(),
        },
    )
    .await;
    assert_eq!(said.expect("reactivate"), "bob can sign in again");
    again.log_in("bob", PASSWORD).await.expect("log in again");
}

#[tokio::test]
async fn a_reset_password_is_printed_once_and_signs_the_account_out() {
    let server = TestServer::start().await;
    let (_alice, _alice_live) = user(&server, "alice").await;
    let (bob, mut bob_live) = user(&server, "bob").await;

    let said = run(
        &server,
        AdminCommand::ResetPassword {
            username: "bob".into(),
        },
    )
    .await
    .expect("reset");
    let password = printed_password(&said);
    assert!(bob_live.closed().await.is_some(), "bob's socket closes");
    assert_eq!(bob.me().await, Err(AppError::NotSignedIn));
    let again = Browser::new(&server.base());
    assert_eq!(
        again.log_in("bob", PASSWORD).await,
        Err(AppError::InvalidCredentials)
    );
    again
        .log_in("bob", &password)
        .await
        .expect("the printed password");

    let said = run(
        &server,
        AdminCommand::CreateUser {
            username: "carol".into(),
            admin: false,
        },
    )
    .await
    .expect("create");
    let carol = Browser::new(&server.base());
    carol
        .log_in("carol", &printed_password(&said))
        .await
        .expect("the printed password");
    let taken = run(
        &server,
        AdminCommand::CreateUser {
            username: "Carol".into(),
            admin: false,
        },
    )
    .await;
    assert!(matches!(taken, Err(AdminError::Taken(_))), "{taken:?}");
    let bad = run(
        &server,
        AdminCommand::CreateUser {
            username: "日本語".into(),
            admin: false,
        },
    )
    .await;
    assert!(matches!(bad, Err(AdminError::InvalidName(_))), "{bad:?}");
}

#[tokio::test]
async fn banter_admin_runs_from_the_command_line() {
    let server = TestServer::start().await;
    let data = server.dir.path().join("data");
    let url = server.postgres.as_ref().map(|db| db.url());
    let env: Vec<(&str, &str)> = match (&url, on_postgres()) {
        (Some(url), true) => vec![("BANTER_DATABASE_URL", url.as_str())],
        _ => vec![],
    };

    let help = run_to_end(&data, &["admin", "--help"], &env).await;
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    for command in [
        "list-users",
        "create-user",
        "reset-password",
        "deactivate",
        "reactivate",
        "grant",
        "revoke",
    ] {
        assert!(help.contains(command), "{command} in:\n{help}");
    }

    let made = run_to_end(&data, &["admin", "create-user", "dave", "--admin"], &env).await;
    assert!(made.status.success(), "{made:?}");
    let said = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(said.starts_with("created the administrator dave"), "{said}");
    let dave = Browser::new(&server.base());
    dave.log_in("dave", &printed_password(said.trim_end()))
        .await
        .expect("the printed password");

    let missing = run_to_end(&data, &["admin", "deactivate", "nobody"], &env).await;
    assert!(!missing.status.success());
    let why = String::from_utf8_lossy(&missing.stderr).into_owned();
    assert!(why.contains("no account is named \"nobody\""), "{why}");
}

/// The password the administrators' page shows once, if it shows one.
fn shown_password(html: &str) -> Option<String> {
    let start = html.find("<code class=\"new-password\">")? + "<code class=\"new-password\">".len();
    let end = html[start..].find('<')? + start;
    Some(html[start..end].to_owned())
}

#[tokio::test]
async fn the_administrators_page_lists_accounts_and_acts_on_them_for_administrators_only() {
    let server = TestServer::start().await;
    let (alice, _alice_live) = user(&server, "alice").await;
    let (bob, mut bob_live) = user(&server, "bob").await;
    let (_carol, _carol_live) = user(&server, "carol").await;

    // Bob is no administrator: the page and its actions refuse him.
    let page = bob.get("/settings/admin").await;
    assert_eq!(page.status(), 403);
    assert!(page
        .text()
        .await
        .expect("page")
        .contains("Only administrators can see this page."));
    let refused = bob
        .call::<()>(
            "admin_act",
            &[("username", "carol"), ("action", "deactivate")],
        )
        .await;
    assert_eq!(refused, Err(Refusal::NotAdmin.into()));
    let settings = bob.get("/settings").await.text().await.expect("page");
    assert!(!settings.contains("Manage accounts"));

    // Alice is: /admin leads to the page, which finds accounts by name.
    let settings = alice.get("/settings").await.text().await.expect("page");
    assert!(settings.contains("Manage accounts"));
    let admin = alice.get("/admin").await;
    assert_eq!(crate::browser::location(&admin), "/settings/admin");
    let html = alice
        .get("/settings/admin?q=B")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        html.contains("<strong>bob<") && !html.contains("<strong>carol<"),
        "{html}"
    );
    assert!(html.contains("Member · Active"));

    // Deactivating bob closes his socket at once, and comes back to the search.
    let posted = alice
        .post_form(
            "admin_act",
            &[("username", "bob"), ("action", "deactivate"), ("q", "B")],
            "/settings/admin?q=B",
        )
        .await;
    assert_eq!(crate::browser::location(&posted), "/settings/admin?q=B");
    assert!(bob_live.closed().await.is_some(), "bob's socket closes");
    assert_eq!(bob.me().await, Err(AppError::NotSignedIn));
    let html = alice
        .get("/settings/admin?q=b")
        .await
        .text()
        .await
        .expect("page");
    assert!(html.contains("Member · Deactivated") && html.contains(">Reactivate<"));

    // Not to herself.
    let mine = alice
        .call::<()>(
            "admin_act",
            &[("username", "alice"), ("action", "deactivate")],
        )
        .await;
    assert_eq!(mine, Err(Refusal::NotToYourself.into()));
    let unknown = alice
        .call::<()>("admin_act", &[("username", "bob"), ("action", "explode")])
        .await;
    assert!(matches!(unknown, Err(AppError::Chat(_))), "{unknown:?}");

    // A reset password shows once, on the page that follows.
    for action in ["reactivate", "reset-password"] {
        alice
            .call::<()>("admin_act", &[("username", "bob"), ("action", action)])
            .await
            .expect(action);
    }
    let html = alice
        .get("/settings/admin")
        .await
        .text()
        .await
        .expect("page");
    let password = shown_password(&html).expect("the new password, shown");
    let again = alice
        .get("/settings/admin")
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(shown_password(&again), None, "shown once");
    let bob = Browser::new(&server.base());
    bob.log_in("bob", &password)
        .await
        .expect("the shown password");

    // Roles: bob made an administrator can see the page.
    alice
        .call::<()>("admin_act", &[("username", "bob"), ("action", "grant")])
        .await
        .expect("grant");
    assert_eq!(bob.get("/settings/admin").await.status(), 200);
}

#[tokio::test]
async fn every_administrators_action_is_in_the_audit_log_for_administrators_to_read() {
    let server = TestServer::start().await;
    let (alice, _alice_live) = user(&server, "alice").await;
    let (_bob, _bob_live) = user(&server, "bob").await;
    let (carol, _carol_live) = user(&server, "carol").await;

    run(
        &server,
        AdminCommand::Grant {
            username: "bob".into(),
        },
    )
    .await
    .expect("grant");
    // Nothing changes, nothing is recorded.
    run(
        &server,
        AdminCommand::Grant {
            username: "bob".into(),
        },
    )
    .await
    .expect("grant again");
    for action in ["deactivate", "reactivate", "reset-password", "revoke"] {
        alice
            .call::<()>("admin_act", &[("username", "bob"), ("action", action)])
            .await
            .expect(action);
    }
    let log = server.state.store.audit_log(None, 100).await.expect("log");
    let read: Vec<(Option<&str>, Audited, &str)> = log
        .iter()
        .map(|row| (row.actor.as_deref(), row.what, row.target.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            (Some("alice"), Audited::RemovedAdmin, "bob"),
            (Some("alice"), Audited::PasswordReset, "bob"),
            (Some("alice"), Audited::Reactivated, "bob"),
            (Some("alice"), Audited::Deactivated, "bob"),
            (None, Audited::MadeAdmin, "bob"),
        ],
        "newest first"
    );
    let older = server
        .state
        .store
        .audit_log(Some(log[1].id), 100)
        .await
        .expect("older");
    assert_eq!(older.len(), 3);

    // /admin/audit leads to the page, for administrators only.
    let moved = alice.get("/admin/audit").await;
    assert_eq!(crate::browser::location(&moved), "/settings/audit");
    let page = alice.get("/settings/audit").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    for shown in [
        "The command line",
        "made an administrator:",
        "reset the password of",
    ] {
        assert!(html.contains(shown), "{shown:?} on the page");
    }
    let refused = carol.get("/settings/audit").await;
    assert_eq!(refused.status(), 403);
    assert!(!refused
        .text()
        .await
        .expect("page")
        .contains("reset the password of"));
}
