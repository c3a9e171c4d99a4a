//! Files kept in an S3-compatible bucket (`--storage-url s3://…`), as
//! several nodes keep them: an upload's bytes and its thumbnail go to the
//! bucket, none to the data directory; they download whole and in ranges,
//! through any node; and the collector deletes them from the bucket.

use std::time::Duration;

use reqwest::{header, StatusCode};

use crate::{
    changes::delete,
    chat::user,
    common::{on_postgres, TestServer},
    files::{blobs, png, quick_collector, send, uploaded, GENERAL},
};

const TEXT: &str = "Привет, 日本語, العربية 🦀\n";

/// Waits until the bucket holds `count` keys.
async fn until_keys(server: &TestServer, count: usize) {
    let s3 = server.s3.as_ref().expect("a bucket");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let keys = s3.keys().await;
        if keys.len() == count {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "keys: {keys:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn files_are_kept_in_the_bucket_and_collected_from_it() {
    let server = TestServer::start_on_s3(quick_collector).await;
    let (browser, mut alice) = user(&server, "alice").await;
    let image = uploaded(&browser, GENERAL, "写真.png", png(1000, 800)).await;
    let notes = uploaded(&browser, GENERAL, "заметки.txt", TEXT.into()).await;

    let s3 = server.s3.as_ref().expect("a bucket");
    let keys = s3.keys().await;
    assert_eq!(keys.len(), 3, "two blobs and a thumbnail: {keys:?}");
    assert!(keys.iter().all(|key| key.starts_with("banter/")));
    assert!(keys.iter().any(|key| key.ends_with(".thumb")));
    assert_eq!(blobs(&server), Vec::<String>::new(), "nothing on disk");

    let part = browser
        .http
        .get(browser.url(&notes.url()))
        .header(header::RANGE, "bytes=14-22")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.text().await.unwrap(), "日本語");
    let whole = browser.get(&notes.url()).await;
    assert_eq!(whole.text().await.unwrap(), TEXT);
    let thumb = browser.get(&image.thumb_url()).await;
    assert_eq!(thumb.headers()[header::CONTENT_TYPE], "image/jpeg");
    let small = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((small.width(), small.height()), (600, 480));

    let message = send(&mut alice, GENERAL, "", vec![image.id, notes.id])
        .await
        .unwrap();
    delete(&mut alice, &message).await.unwrap();
    until_keys(&server, 0).await;
}

#[tokio::test]
async fn a_file_uploaded_through_one_node_downloads_through_the_other() {
    if !on_postgres() {
        return;
    }
    let a = TestServer::start_on_s3(|_| {}).await;
    let b = a.another_node().await;
    let (mut browser, mut alice) = user(&a, "alice").await;
    let image = uploaded(&browser, GENERAL, "写真.png", png(1000, 800)).await;
    send(&mut alice, GENERAL, "через узел", vec![image.id])
        .await
        .unwrap();
    let on_a = browser.get(&image.url()).await.bytes().await.unwrap();

    browser.rebase(&b.base());
    let on_b = browser.get(&image.url()).await;
    assert_eq!(on_b.status(), StatusCode::OK);
    assert_eq!(on_b.bytes().await.unwrap(), on_a);
    let thumb = browser.get(&image.thumb_url()).await;
    assert_eq!(thumb.headers()[header::CONTENT_TYPE], "image/jpeg");
}
