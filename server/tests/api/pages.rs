//! The chat page as the server renders it: readable before (or without) any
//! script, with text escaped, and a form to post with.

use app::protocol::{ClientMsg, Reply};
use reqwest::StatusCode;

use crate::{browser::Browser, common::TestServer, live::Live};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn the_channel_page_is_rendered_with_its_latest_messages_escaped() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("alice", PASSWORD).await.unwrap();
    let mut live = Live::connect(&browser).await;
    live.say(app::model::ChannelId::GENERAL, "<script>alert(1)</script>")
        .await;
    live.say(app::model::ChannelId::GENERAL, "see https://example.com")
        .await;

    let html = browser.get("/c/1").await.text().await.unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped text"
    );
    assert!(!html.contains("<script>alert(1)"), "never raw HTML");
    assert!(
        html.contains(
            r#"<a href="https://example.com" target="_blank" rel="noopener noreferrer">"#
        ),
        "links are safe links"
    );
    assert!(html.contains(r#"role="log""#));
    assert!(html.contains(r#"aria-label="Messages""#));
    assert!(html.contains("<h1>General"));

    assert!(html.contains(r#"aria-label="Channels""#));
    assert!(html.contains(r#"aria-label="Message""#));
}

#[tokio::test]
async fn a_channel_one_is_not_in_is_not_shown() {
    let server = TestServer::start().await;
    let alice = Browser::new(&server.base());
    alice.sign_up("alice", PASSWORD).await.unwrap();
    let mut live = Live::connect(&alice).await;
    let secret = match live
        .request(|req| ClientMsg::CreateChannel {
            req,
            name: "secret".into(),
            private: false,
        })
        .await
    {
        Ok(Reply::Channel { channel }) => channel.id,
        other => panic!("{other:?}"),
    };
    live.say(secret, "the plans").await;

    let bob = Browser::new(&server.base());
    bob.sign_up("bob", PASSWORD).await.unwrap();
    let html = bob.get(&format!("/c/{secret}")).await.text().await.unwrap();
    assert!(html.contains("Channel not found"));
    assert!(!html.contains("the plans"));
    assert!(!html.contains(">secret<"), "not even its name");
}

/// Pages rendered side by side (as a busy server renders them) all arrive
/// whole, titled with their channel. The server reads a page's title once
/// more after rendering it, and that read used to find the channel already
/// disposed now and then, which dropped the connection mid-answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_rendered_at_once_all_arrive_whole_and_titled() {
    use futures::StreamExt;

    let server = TestServer::start().await;
    let mut readers = Vec::new();
    for name in ["ann", "bo", "cy", "dee"] {
        let browser = Browser::new(&server.base());
        browser.sign_up(name, PASSWORD).await.unwrap();
        readers.push(browser);
    }
    let readers = &readers;
    let pages = futures::stream::iter(0..400)
        .map(|i| async move {
            let response = readers[i % readers.len()].get("/c/1").await;
            let status = response.status();
            (status, response.text().await.ok())
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    for (status, html) in pages {
        assert_eq!(status, StatusCode::OK);
        let html = html.expect("a whole page");
        assert!(html.contains("<title>General · Banter</title>"), "{html}");
    }
}

/// Making a router generates the route list by running the app once with
/// resource loading suppressed, process-wide, for the while (leptos_server's
/// flag). A page whose resource was first polled in that while stayed
/// pending for good, and its request ended in 408 after 30 s: the test
/// suite, which makes a router for every test server in one process, met it
/// now and then. The routes are now generated once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_made() {
    use futures::StreamExt;

    let server = TestServer::start().await;
    let browser = Browser::new(&server.base());
    browser.sign_up("haruto", PASSWORD).await.unwrap();
    let making = tokio::task::spawn_blocking({
        let state = server.state.clone();
        move || {
            for _ in 0..100 {
                drop(server::router(state.clone()));
            }
        }
    });
    let browser = &browser;
    let pages = futures::stream::iter(0..200)
        .map(|_| async move {
            tokio::time::timeout(std::time::Duration::from_secs(10), browser.get("/c/1"))
                .await
                .map(|response| response.status())
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    making.await.expect("routers made");
    for page in pages {
        assert_eq!(page, Ok(StatusCode::OK), "every page answers at once");
    }
}
