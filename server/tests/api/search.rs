//! Message search: what `/search` finds (any script, any case, with or
//! without accents, phrases and filters), for whom (what they may read and
//! no more), kept current by edits and deletes, for messages stored before
//! the index too, and how bad queries are answered. On SQLite and on
//! PostgreSQL alike: the same tests, the same answers.

use std::time::Duration;

use app::model::ChannelId;
use reqwest::StatusCode;

use crate::{
    browser::Browser,
    changes::{delete, edit},
    chat::{create, open, user},
    common::{Db, TestServer},
};

const GENERAL: ChannelId = ChannelId::GENERAL;

/// A server whose users may search as often as these tests do.
async fn server() -> TestServer {
    TestServer::start_with(|config| config.rate_search = "1000/s".parse().expect("rate")).await
}

/// The results of `query` as `browser` gets them, HTML and status.
pub(crate) async fn search(browser: &Browser, query: &str) -> (StatusCode, String) {
    let path = format!("/search/results?{}", encode(query));
    let response = browser.get(&path).await;
    let status = response.status();
    (status, clean(&response.text().await.expect("body")))
}

/// `html` without the markers between text nodes that hydration reads.
fn clean(html: &str) -> String {
    html.replace("<!>", "")
}

/// Where the "More results" link of `html` leads.
fn more_href(html: &str) -> Option<String> {
    let link = html.find(">More results<")?;
    let start = html[..link].rfind("href=\"")? + "href=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&"))
}

/// The results at `more` (a "More results" link), as the page fetches them.
async fn next_page(browser: &Browser, more: &str) -> String {
    let path = more.replace("/search?", "/search/results?");
    clean(&browser.get(&path).await.text().await.expect("body"))
}

fn encode(query: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("q", query)
        .finish()
}

/// How many results the HTML lists.
pub(crate) fn hits(html: &str) -> usize {
    html.matches(r#"<li class="search-result">"#).count()
}

#[tokio::test]
async fn finds_any_script_in_any_case_and_marks_what_matched() {
    let server = server().await;
    let (browser, mut alice) = user(&server, "alice").await;
    for text in [
        "Café au lait ☕ at ten",
        "日本語のテキストを検索する",
        "Привет, МИР",
        "مرحبا بالعالم",
        "Release notes: https://example.com/notes",
        "A **bold** move, said [the team](https://example.com/team)",
        "ｆｕｌｌ-width ＬＥＴＴＥＲＳ",
    ] {
        alice.say(GENERAL, text).await;
    }

    let (status, html) = search(&browser, "CAFE").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hits(&html), 1, "{html}");
    assert!(html.contains("<mark>Café</mark>"), "{html}");
    assert!(html.contains(r#"aria-label="Search results""#));

    for (query, expected) in [
        ("テキスト", "テキスト"),
        ("語の", "語の"),
        ("検", "検"),
        ("мир", "МИР"),
        ("بالعالم", "بالعالم"),
        ("\"bold move\"", "bold move"),
        ("full-width letters", "ｆｕｌｌ-width"),
    ] {
        let (_, html) = search(&browser, query).await;
        assert_eq!(hits(&html), 1, "{query}: {html}");
        assert!(
            html.contains(&format!("<mark>{expected}</mark>")),
            "{query}: {html}"
        );
    }
    // A link's address is found even when its text hides it.
    assert_eq!(hits(&search(&browser, "example.com/team").await.1), 1);
    // Every word must occur; a phrase, as written.
    assert_eq!(hits(&search(&browser, "release café").await.1), 0);
    assert_eq!(hits(&search(&browser, "\"move bold\"").await.1), 0);
    // Filters.
    assert_eq!(hits(&search(&browser, "has:link").await.1), 2);
    assert_eq!(hits(&search(&browser, "has:link team").await.1), 1);
    assert_eq!(hits(&search(&browser, "from:alice").await.1), 7);
    assert_eq!(
        hits(&search(&browser, "from:@Alice in:#general").await.1),
        7
    );
    assert_eq!(hits(&search(&browser, "from:nobody").await.1), 0);
    assert_eq!(hits(&search(&browser, "in:elsewhere").await.1), 0);
    assert_eq!(hits(&search(&browser, "before:2000-01-01").await.1), 0);
    assert_eq!(hits(&search(&browser, "after:2000-01-01 café").await.1), 1);

    let (status, html) = search(&browser, "zzzz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No messages match"), "{html}");
    let (_, html) = search(&browser, "colour:red café").await;
    assert!(html.contains("is not a filter"), "{html}");
}

#[tokio::test]
async fn finds_only_what_the_searcher_may_read() {
    let server = server().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let (carol_browser, _carol) = user(&server, "carol").await;
    let bob_id = bob_browser.me().await.expect("bob").id;

    let direct = open(&mut alice, bob_id).await;
    alice.say(direct.id, "the quokka plan, between us").await;
    let garden = create(&mut bob, "garden").await;
    bob.say(garden, "quokka sightings in the garden").await;

    // The pair each find their conversation; carol never does.
    let (_, html) = search(&alice_browser, "quokka").await;
    assert_eq!(hits(&html), 2, "{html}");
    assert!(
        html.contains(r#"<span class="search-place">bob</span>"#),
        "the conversation is named for bob: {html}"
    );
    assert!(
        html.contains("Not joined"),
        "alice is not in #garden: {html}"
    );
    assert_eq!(hits(&search(&bob_browser, "quokka").await.1), 2);
    assert_eq!(hits(&search(&bob_browser, "quokka in:@alice").await.1), 1);
    let (_, html) = search(&carol_browser, "quokka").await;
    assert_eq!(hits(&html), 1, "{html}");
    assert!(!html.contains("between us"));
    assert_eq!(hits(&search(&carol_browser, "in:@alice").await.1), 0);
    assert_eq!(hits(&search(&carol_browser, "between").await.1), 0);

    // Signed out, nothing.
    let stranger = Browser::new(&server.base());
    assert_eq!(
        search(&stranger, "quokka").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn edits_and_deletes_keep_the_index_current() {
    let server = TestServer::start().await;
    let (browser, mut alice) = user(&server, "alice").await;
    let message = alice.say(GENERAL, "the original wording").await;
    let other = alice.say(GENERAL, "another original").await;
    assert_eq!(hits(&search(&browser, "original").await.1), 2);

    edit(&mut alice, &message, "the revised phrasing")
        .await
        .expect("edit");
    assert_eq!(hits(&search(&browser, "original").await.1), 1);
    assert_eq!(hits(&search(&browser, "revised").await.1), 1);

    delete(&mut alice, &message).await.expect("delete");
    delete(&mut alice, &other).await.expect("delete");
    assert_eq!(hits(&search(&browser, "revised").await.1), 0);
    assert_eq!(hits(&search(&browser, "original").await.1), 0);
    // Nothing of a deleted message stays in the index.
    let db = server.db().await;
    assert_eq!(db.scalar("SELECT COUNT(*) FROM message_search").await, 0);
}

#[tokio::test]
async fn pages_newest_first_and_by_best_match() {
    let server = server().await;
    let (browser, mut alice) = user(&server, "alice").await;
    for n in 0..25 {
        let text = match n {
            3 => "zebra zebra zebra, all zebras".to_owned(),
            n => format!("zebra number {n}"),
        };
        alice.say(GENERAL, &text).await;
    }
    let (_, first) = search(&browser, "zebra").await;
    assert_eq!(hits(&first), 20);
    assert!(first.find("number 24").unwrap_or(usize::MAX) < first.find("number 23").unwrap_or(0));
    let more = more_href(&first).expect("a link to more results");
    assert!(more.starts_with("/search?q=zebra&before="), "{more}");
    let second_html = next_page(&browser, &more).await;
    assert_eq!(hits(&second_html), 5, "{second_html}");
    assert!(!second_html.contains("More results"));

    let path = format!("/search/results?{}&sort=relevance", encode("zebra"));
    let best = clean(&browser.get(&path).await.text().await.expect("body"));
    assert!(
        best.find(", all ").unwrap_or(usize::MAX) < best.find("number 24").unwrap_or(0),
        "the message with the word four times comes first: {best}"
    );
}

/// On PostgreSQL a newest-first page is looked for among the newest
/// messages first, and in the rest only if they do not fill it
/// (`store::search::find_ids`): matches far apart, with long stretches of
/// ids between them, still make whole pages in order. (The ids jump on
/// PostgreSQL only; SQLite reads in one query.)
#[tokio::test]
async fn a_page_gathers_matches_from_far_apart_in_the_history() {
    let server = server().await;
    let (browser, mut alice) = user(&server, "alice").await;
    let db = server.db().await;
    for n in 1..=23 {
        let jump = match n {
            4 => Some(100_000),
            9 => Some(200_000),
            _ => None,
        };
        if let (Db::Postgres(_), Some(to)) = (&db, jump) {
            db.execute(&format!(
                "ALTER TABLE messages ALTER COLUMN id RESTART WITH {to}"
            ))
            .await;
        }
        alice.say(GENERAL, &format!("okapi #{n:02}")).await;
        alice.say(GENERAL, "and something else").await;
    }
    let (_, first) = search(&browser, "okapi").await;
    assert_eq!(hits(&first), 20, "{first}");
    let order: Vec<usize> = (4..=23)
        .rev()
        .map(|n| first.find(&format!("#{n:02}")).expect("on the first page"))
        .collect();
    assert!(order.is_sorted(), "newest first: {order:?}");
    assert!(!first.contains("#03"));
    let more = more_href(&first).expect("a link to more results");
    let second = next_page(&browser, &more).await;
    assert_eq!(hits(&second), 3, "{second}");
    let at = |n: &str| {
        second
            .find(n)
            .unwrap_or_else(|| panic!("{n} on the second page"))
    };
    assert!(at("#03") < at("#02") && at("#02") < at("#01"));
    assert!(!second.contains("#04"));
    assert!(!second.contains("More results"));

    // `from:` reads the sender's messages, through its own index.
    let (_, mine) = search(&browser, "from:alice okapi").await;
    assert_eq!(hits(&mine), 20, "{mine}");
}

#[tokio::test]
async fn bad_queries_get_a_clear_answer() {
    let server = TestServer::start_with(|config| {
        config.rate_search = "3/min".parse().expect("rate");
    })
    .await;
    let (browser, _alice) = user(&server, "alice").await;

    let (status, html) = search(&browser, &"a".repeat(10_000)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("at most 256 characters"), "{html}");
    let words: Vec<String> = (0..1000).map(|n| format!("w{n}")).collect();
    let (status, html) = search(&browser, &words[..40].join(" ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("at most 10 words"), "{html}");
    // Refusals cost nothing; searches count against the limit.
    for _ in 0..3 {
        assert_eq!(
            search(&browser, "*leading wildcard").await.0,
            StatusCode::OK
        );
    }
    let (status, html) = search(&browser, "one more").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("Too many searches"), "{html}");
    // An empty query is no search: it shows what a query may say.
    let (status, html) = search(&browser, "   ").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("from:alice"), "{html}");
}

#[tokio::test]
async fn the_page_works_without_javascript() {
    let server = TestServer::start().await;
    let (browser, mut alice) = user(&server, "alice").await;
    alice.say(GENERAL, "Привет из поиска 🔎").await;

    let channel = browser.get("/c/1").await.text().await.expect("page");
    assert!(channel.contains(r#"role="search""#) && channel.contains(r#"action="/search""#));
    let response = browser.get(&format!("/search?{}", encode("привет"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = clean(&response.text().await.expect("page"));
    assert!(page.contains("Search messages"), "{page}");
    assert_eq!(hits(&page), 1, "{page}");
    assert!(page.contains("<mark>Привет</mark>"), "{page}");
    let response = browser
        .get(&format!("/search?{}", encode(&"x".repeat(300))))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn messages_stored_before_the_index_are_indexed_at_start() {
    let server = TestServer::start().await;
    let (_, mut alice) = user(&server, "alice").await;
    for n in 0..30 {
        alice.say(GENERAL, &format!("heritage message {n}")).await;
    }
    let gone = alice.say(GENERAL, "heritage, deleted").await;
    delete(&mut alice, &gone).await.expect("delete");
    drop(alice);
    // As a database from before the index: no rows, and the backlog.
    let db = server.db().await;
    db.execute("DELETE FROM message_search").await;
    db.execute("INSERT INTO search_backlog (id, below) SELECT 1, MAX(id) + 1 FROM messages")
        .await;
    drop(db);

    let server = server.restart().await;
    let browser = Browser::new(&server.base());
    browser
        .log_in("alice", "correct horse battery")
        .await
        .expect("log in");
    let (_, html) = search(&browser, "heritage").await;
    assert_eq!(hits(&html), 20, "{html}");
    assert!(html.contains("More results"));
    let db = server.db().await;
    assert_eq!(db.scalar("SELECT COUNT(*) FROM message_search").await, 30);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM search_backlog").await, 0);
}

#[tokio::test]
async fn a_read_that_runs_too_long_is_stopped() {
    let server = TestServer::start().await;
    let db = match server.db().await {
        Db::Sqlite(pool) => server::store::db::Db::Sqlite(pool),
        Db::Postgres(pool) => server::store::db::Db::Postgres(pool),
    };
    let endless = match db {
        server::store::db::Db::Sqlite(_) => {
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) \
             SELECT COUNT(*) FROM n"
        }
        server::store::db::Db::Postgres(_) => {
            "SELECT COUNT(*) FROM generate_series(1, 1000000000000)"
        }
    };
    let mut reader = db
        .read_within(Duration::from_millis(100))
        .await
        .expect("reader");
    let error = reader
        .sql(endless)
        .scalar::<i64>()
        .await
        .expect_err("stopped");
    assert!(server::store::db::Reader::timed_out(&error), "{error}");
    reader.finish().await.expect("finish");
    // The connection goes back to the pool as it was.
    let one: i64 = db
        .sql("SELECT CAST(1 AS BIGINT)")
        .scalar()
        .await
        .expect("a read");
    assert_eq!(one, 1);
}
