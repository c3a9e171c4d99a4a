//! Files: an upload is the uploader's alone until a message carries it;
//! then only members of the channel download it, as a download (or, for
//! the four image types, inline), with headers that never let it run as
//! part of the site; ranges and ETags work; limits refuse before the
//! bytes; deleting a message deletes its files, and the bytes go once no
//! file has them.

use std::{path::Path, time::Duration};

use app::{
    model::ChannelId,
    protocol::{
        Attachment, ClientId, ClientMsg, FileId, Message, PageAt, ProtocolError, Reply, ServerMsg,
    },
};
use reqwest::{header, Response, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    browser::Browser,
    changes::delete,
    chat::{create_as, user},
    common::TestServer,
    live::Live,
};

pub(crate) const GENERAL: ChannelId = ChannelId::GENERAL;
const TEXT: &str = "Привет, 日本語, العربية 🦀\n";
const NAME: &str = "отчёт 日本語 🦀.txt";

/// Uploads `bytes` as `name` to `channel`.
pub(crate) async fn upload(
    browser: &Browser,
    channel: ChannelId,
    name: &str,
    bytes: Vec<u8>,
) -> Response {
    browser
        .http
        .post(browser.url(&app::protocol::upload_url(channel, name)))
        .header(header::CONTENT_TYPE, "image/png")
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

/// Uploads `bytes`, which must be accepted.
pub(crate) async fn uploaded(
    browser: &Browser,
    channel: ChannelId,
    name: &str,
    bytes: Vec<u8>,
) -> Attachment {
    let response = upload(browser, channel, name, bytes).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("an attachment")
}

/// Sends `text` with `files` to `channel`.
pub(crate) async fn send(
    live: &mut Live,
    channel: ChannelId,
    text: &str,
    files: Vec<FileId>,
) -> Result<Message, ProtocolError> {
    let text = text.to_owned();
    match live
        .request(|req| ClientMsg::Send {
            req,
            channel,
            client_id: ClientId(uuid::Uuid::new_v4()),
            text,
            reply_to: None,
            files,
        })
        .await?
    {
        Reply::Sent { message } => Ok(message),
        other => panic!("not sent: {other:?}"),
    }
}

fn refusal(result: Result<Message, ProtocolError>) -> String {
    match result {
        Err(ProtocolError::Refused { reason }) => reason,
        other => panic!("not refused: {other:?}"),
    }
}

pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 90]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("png");
    bytes
}

pub(crate) async fn download(browser: &Browser, file: &Attachment) -> Response {
    browser.get(&file.url()).await
}

pub(crate) fn header_of(response: &Response, name: header::HeaderName) -> &str {
    response
        .headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name}"))
}

/// The blobs stored under the data directory.
pub(crate) fn blobs(server: &TestServer) -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && path.file_name().is_some_and(|n| n != "staging") {
                walk(&path, found);
            } else if path.is_file() {
                found.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    let mut found = Vec::new();
    walk(&server.state.config.files_dir(), &mut found);
    found.sort();
    found
}

/// Waits until the collector leaves `count` blobs.
pub(crate) async fn until_blobs(server: &TestServer, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while blobs(server).len() != count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "blobs: {:?}",
            blobs(server)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) fn quick_collector(config: &mut server::Config) {
    config.collect_files_ms = 20;
}

#[tokio::test]
async fn a_file_is_its_uploaders_until_sent_then_every_members() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;

    let file = uploaded(&alice_browser, GENERAL, NAME, TEXT.as_bytes().to_vec()).await;
    assert_eq!((file.name.as_str(), file.size), (NAME, TEXT.len() as u64));
    assert_eq!(
        file.media, "text/plain",
        "told by its bytes, not the header"
    );
    assert!(!file.is_image());
    assert_eq!(
        download(&alice_browser, &file).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        download(&bob_browser, &file).await.status(),
        StatusCode::NOT_FOUND,
        "not sent yet"
    );

    let sent = send(&mut alice, GENERAL, "the report", vec![file.id])
        .await
        .unwrap();
    assert_eq!(sent.files, vec![file.clone()]);
    let heard = bob
        .event_where(|e| matches!(e, ServerMsg::Message { message } if message.id == sent.id))
        .await;
    assert!(matches!(heard, ServerMsg::Message { message } if message.files == vec![file.clone()]));

    let response = download(&bob_browser, &file).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "application/octet-stream"
    );
    assert_eq!(
        header_of(&response, header::CONTENT_DISPOSITION),
        "attachment; filename=\"_____ ___ _.txt\"; \
         filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%20%E6%97%A5%E6%9C%AC%E8%AA%9E%20%F0%9F%A6%80.txt"
    );
    assert_eq!(
        header_of(&response, header::X_CONTENT_TYPE_OPTIONS),
        "nosniff"
    );
    assert!(header_of(&response, header::CONTENT_SECURITY_POLICY).starts_with("sandbox"));
    assert!(header_of(&response, header::CACHE_CONTROL).starts_with("private"));
    assert_eq!(response.text().await.unwrap(), TEXT);

    // History carries it too.
    let history = bob
        .request(|req| ClientMsg::History {
            req,
            channel: GENERAL,
            page: PageAt::Latest,
            limit: 10,
        })
        .await;
    let Ok(Reply::History { messages, .. }) = history else {
        panic!("no history: {history:?}");
    };
    assert_eq!(
        messages.last().map(|m| m.files.clone()),
        Some(vec![file.clone()])
    );

    // Signed out, or not a member: nothing, and nothing told.
    let stranger = Browser::new(&server.base());
    assert_eq!(
        download(&stranger, &file).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (carol_browser, mut carol) = user(&server, "carol").await;
    let secret = create_as(&mut carol, "secret", true).await.id;
    let response = upload(&alice_browser, secret, "in.txt", b"x".to_vec()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        response.text().await.unwrap(),
        "you are not a member of this channel"
    );
    let plans = uploaded(&carol_browser, secret, "plans.txt", b"plans".to_vec()).await;
    send(&mut carol, secret, "plans", vec![plans.id])
        .await
        .unwrap();
    assert_eq!(
        download(&carol_browser, &plans).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        download(&alice_browser, &plans).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn images_show_inline_and_everything_else_downloads() {
    let server = TestServer::start().await;
    let (browser, _) = user(&server, "alice").await;

    let image = uploaded(&browser, GENERAL, "写真.png", png(64, 48)).await;
    assert_eq!(
        (image.media.as_str(), image.width, image.height),
        ("image/png", 64, 48)
    );
    assert!(image.is_image());
    let response = download(&browser, &image).await;
    assert_eq!(header_of(&response, header::CONTENT_TYPE), "image/png");
    assert!(header_of(&response, header::CONTENT_DISPOSITION).starts_with("inline;"));
    // Asked as a download, it is saved under its name.
    let saved = browser.get(&format!("{}?download", image.url())).await;
    assert_eq!(header_of(&saved, header::CONTENT_TYPE), "image/png");
    assert!(header_of(&saved, header::CONTENT_DISPOSITION).starts_with("attachment;"));
    assert!(header_of(&response, header::CONTENT_SECURITY_POLICY).starts_with("sandbox"));

    // Named and sent as an image, but a page or a script: a download.
    for (name, bytes) in [
        (
            "cat.png",
            &b"<!DOCTYPE html><html><script>alert(document.cookie)</script>"[..],
        ),
        (
            "cat.svg",
            &br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#[..],
        ),
        ("cat.gif", &b"GIF89a but not really"[..]),
    ] {
        let file = uploaded(&browser, GENERAL, name, bytes.to_vec()).await;
        assert!(!file.is_image(), "{name}: {file:?}");
        let response = download(&browser, &file).await;
        assert_eq!(
            header_of(&response, header::CONTENT_TYPE),
            "application/octet-stream"
        );
        assert!(header_of(&response, header::CONTENT_DISPOSITION).starts_with("attachment;"));
        assert_eq!(
            header_of(&response, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff"
        );
    }
}

#[tokio::test]
async fn downloads_resume_and_revalidate() {
    let server = TestServer::start().await;
    let (browser, _) = user(&server, "alice").await;
    let file = uploaded(&browser, GENERAL, "a.txt", TEXT.as_bytes().to_vec()).await;
    let whole = download(&browser, &file).await;
    let etag = header_of(&whole, header::ETAG).to_owned();
    assert_eq!(etag.len(), 66, "the quoted SHA-256: {etag}");
    assert_eq!(header_of(&whole, header::ACCEPT_RANGES), "bytes");

    let get = |headers: Vec<(header::HeaderName, String)>| {
        let mut request = browser.http.get(browser.url(&file.url()));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let part = get(vec![(header::RANGE, "bytes=14-22".into())])
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        header_of(&part, header::CONTENT_RANGE),
        format!("bytes 14-22/{}", TEXT.len())
    );
    assert_eq!(part.text().await.unwrap(), "日本語");

    let cached = get(vec![(header::IF_NONE_MATCH, etag.clone())])
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let beyond = get(vec![(header::RANGE, "bytes=1000-".into())])
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        header_of(&beyond, header::CONTENT_RANGE),
        format!("bytes */{}", TEXT.len())
    );
}

#[tokio::test]
async fn limits_refuse_an_upload_before_its_bytes() {
    let server = TestServer::start_with(|config| {
        config.max_file_size = bytesize::ByteSize::kib(1);
        config.max_storage_per_user = Some(bytesize::ByteSize::kib(2));
        config.rate_upload = "4/min".parse().unwrap();
    })
    .await;
    let (browser, _) = user(&server, "alice").await;

    let too_large = upload(&browser, GENERAL, "big.bin", vec![7; 1025]).await;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        too_large.text().await.unwrap(),
        "the file is too large: at most 1.0 KB"
    );

    // No length declared (a chunked body): refused before any byte.
    let cookie = browser.session_cookie().expect("signed in");
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nCookie: banter_session={cookie}\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        app::protocol::upload_url(GENERAL, "a.bin"),
        server.addr
    );
    let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0; 12];
    socket.read_exact(&mut answer).await.unwrap();
    assert_eq!(String::from_utf8_lossy(&answer), "HTTP/1.1 411");

    let nameless = upload(&browser, GENERAL, " / ", vec![1]).await;
    assert_eq!(nameless.status(), StatusCode::BAD_REQUEST);
    let empty = browser
        .http
        .post(browser.url(&app::protocol::upload_url(GENERAL, "empty.txt")))
        .header(header::CONTENT_LENGTH, "0")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert_eq!(empty.text().await.unwrap(), "the file is empty");

    // The quota counts every upload, sent or not.
    uploaded(&browser, GENERAL, "1.bin", vec![1; 1000]).await;
    uploaded(&browser, GENERAL, "2.bin", vec![2; 1000]).await;
    let over = upload(&browser, GENERAL, "3.bin", vec![3; 100]).await;
    assert_eq!(over.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        over.text().await.unwrap(),
        "your files take too much space: 2.0 KB of at most 2.0 KB; delete some first"
    );

    // The rate: two taken, two more, then a wait.
    let (other, _) = user(&server, "bob").await;
    for n in 0..4 {
        uploaded(&other, GENERAL, &format!("{n}.txt"), vec![b'a'; 10]).await;
    }
    let hurried = upload(&other, GENERAL, "5.txt", vec![b'a'; 10]).await;
    assert_eq!(hurried.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(hurried.headers().contains_key(header::RETRY_AFTER));

    // From another site: refused, as every write is.
    let cross = other
        .http
        .post(other.url(&app::protocol::upload_url(GENERAL, "x.txt")))
        .header(header::ORIGIN, "https://evil.example")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_message_carries_only_its_senders_unsent_uploads() {
    let server = TestServer::start().await;
    let (alice_browser, mut alice) = user(&server, "alice").await;
    let (bob_browser, mut bob) = user(&server, "bob").await;
    let rust = create_as(&mut alice, "rust", false).await.id;

    let mine = uploaded(&alice_browser, GENERAL, "a.txt", b"a".to_vec()).await;
    let bobs = uploaded(&bob_browser, GENERAL, "b.txt", b"b".to_vec()).await;
    let elsewhere = uploaded(&alice_browser, rust, "c.txt", b"c".to_vec()).await;
    let gone = refusal(send(&mut alice, GENERAL, "x", vec![bobs.id]).await);
    assert_eq!(gone, "a file of this message is gone: attach it again");
    refusal(send(&mut alice, GENERAL, "x", vec![elsewhere.id]).await);
    refusal(send(&mut alice, GENERAL, "x", vec![FileId(999_999)]).await);
    let many = (0..11).map(|_| mine.id).collect();
    assert_eq!(
        refusal(send(&mut alice, GENERAL, "x", many).await),
        "a message can carry at most 10 files"
    );

    // Files alone need no text; a file named twice is carried once.
    let sent = send(&mut alice, GENERAL, "  ", vec![mine.id, mine.id])
        .await
        .unwrap();
    assert_eq!((sent.text.as_str(), sent.files.len()), ("", 1));
    refusal(send(&mut alice, GENERAL, "again", vec![mine.id]).await);
    // Without files, text is still needed.
    assert!(send(&mut alice, GENERAL, "  ", Vec::new()).await.is_err());

    // A resend is answered with the message as stored, files and all.
    let client_id = ClientId(uuid::Uuid::new_v4());
    let file = uploaded(&bob_browser, GENERAL, "d.txt", b"d".to_vec()).await;
    let mut first = None;
    for _ in 0..2 {
        let reply = bob
            .request(|req| ClientMsg::Send {
                req,
                channel: GENERAL,
                client_id,
                text: "twice".into(),
                reply_to: None,
                files: vec![file.id],
            })
            .await;
        let Ok(Reply::Sent { message }) = reply else {
            panic!("not sent: {reply:?}");
        };
        assert_eq!(message.files, vec![file.clone()]);
        assert_eq!(*first.get_or_insert(message.id), message.id);
    }
}

#[tokio::test]
async fn deleting_a_message_deletes_its_files_and_bytes_go_once_unused() {
    let server = TestServer::start_with(quick_collector).await;
    let (browser, mut alice) = user(&server, "alice").await;
    // The same bytes twice: stored once.
    let first = uploaded(&browser, GENERAL, "one.png", png(8, 8)).await;
    let second = uploaded(&browser, GENERAL, "two.png", png(8, 8)).await;
    let other = uploaded(&browser, GENERAL, "three.txt", TEXT.as_bytes().to_vec()).await;
    assert_eq!(blobs(&server).len(), 2);
    let one = send(&mut alice, GENERAL, "one", vec![first.id, other.id])
        .await
        .unwrap();
    let two = send(&mut alice, GENERAL, "two", vec![second.id])
        .await
        .unwrap();

    delete(&mut alice, &one).await.unwrap();
    assert_eq!(
        download(&browser, &first).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&browser, &other).await.status(),
        StatusCode::NOT_FOUND
    );
    until_blobs(&server, 1).await;
    // The image's bytes stay for the other message.
    assert_eq!(download(&browser, &second).await.status(), StatusCode::OK);

    delete(&mut alice, &two).await.unwrap();
    until_blobs(&server, 0).await;
    assert_eq!(server.count("files").await, 0);
}

#[tokio::test]
async fn an_upload_never_sent_is_forgotten_after_a_day() {
    let server = TestServer::start_with(quick_collector).await;
    let (browser, mut alice) = user(&server, "alice").await;
    let kept = uploaded(&browser, GENERAL, "kept.txt", b"kept".to_vec()).await;
    send(&mut alice, GENERAL, "kept", vec![kept.id])
        .await
        .unwrap();
    let unsent = uploaded(&browser, GENERAL, "unsent.txt", b"unsent".to_vec()).await;
    let fresh = uploaded(&browser, GENERAL, "fresh.txt", b"fresh".to_vec()).await;
    // A day and a minute pass for the unsent one.
    let day_ago = server::store::now_millis() - 24 * 60 * 60 * 1000 - 60_000;
    server
        .db()
        .await
        .execute(&format!(
            "UPDATE files SET created_at = {day_ago} WHERE id IN ({}, {})",
            unsent.id, kept.id
        ))
        .await;
    until_blobs(&server, 2).await;
    assert_eq!(
        download(&browser, &unsent).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(download(&browser, &kept).await.status(), StatusCode::OK);
    assert_eq!(download(&browser, &fresh).await.status(), StatusCode::OK);
}
