//! The message box as a plain form (`multipart/form-data`), as a browser
//! without JavaScript sends it: text and files go out as one message, the
//! browser is sent back to the channel, a form sent twice is one message,
//! an empty file input is no file, and what is refused says why with its
//! status, before the bytes where it can.

use app::{model::ChannelId, protocol::message_form_url};
use reqwest::{
    header,
    multipart::{Form, Part},
    Response, StatusCode,
};

use crate::{
    browser::Browser,
    chat::{create_as, user},
    common::TestServer,
    files::{png, GENERAL},
};

/// Posts the message box as a form to `channel`.
async fn post(browser: &Browser, channel: ChannelId, form: Form) -> Response {
    browser
        .http
        .post(browser.url(&message_form_url(channel)))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

fn message(client_id: &str, text: &str) -> Form {
    Form::new()
        .text("client_id", client_id.to_owned())
        .text("text", text.to_owned())
}

fn file(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_owned())
}

#[tokio::test]
async fn text_and_files_go_out_as_one_message() {
    let server = TestServer::start().await;
    let (browser, mut alice) = user(&server, "alice").await;
    let id = uuid::Uuid::new_v4().to_string();
    let form = || {
        message(&id, "Привет 日本語 🦀")
            .part("files", file("写真.png", png(30, 20)))
            .part("files", file("notes.txt", "العربية\n".into()))
    };
    let response = post(&browser, GENERAL, form()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/c/1");
    let sent = alice.next_message().await;
    assert_eq!(sent.text.as_str(), "Привет 日本語 🦀");
    let names: Vec<&str> = sent.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["写真.png", "notes.txt"]);
    assert!(sent.files[0].is_image());
    let text = browser.get(&sent.files[1].url()).await;
    assert_eq!(text.text().await.unwrap(), "العربية\n");

    // Sent again (a reload that posts the form twice): the same message.
    assert_eq!(
        post(&browser, GENERAL, form()).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(server.count("messages").await, 1);
    let html = browser.get("/c/1").await.text().await.unwrap();
    assert!(html.contains("Привет 日本語 🦀"));
    assert!(html.contains(&format!("{}?thumb", sent.files[0].url())));

    // An input left empty sends a part with no file name: no file.
    let empty = message(&uuid::Uuid::new_v4().to_string(), "just text")
        .part("files", Part::bytes(Vec::new()).file_name(""));
    assert_eq!(
        post(&browser, GENERAL, empty).await.status(),
        StatusCode::SEE_OTHER
    );
    let sent = alice.next_message().await;
    assert_eq!((sent.text.as_str(), sent.files.len()), ("just text", 0));
}

#[tokio::test]
async fn what_is_refused_says_why() {
    let server = TestServer::start_with(|config| {
        config.max_file_size = bytesize::ByteSize::kib(1);
    })
    .await;
    let (browser, mut alice) = user(&server, "alice").await;
    let (stranger, _) = user(&server, "bob").await;
    let id = || uuid::Uuid::new_v4().to_string();

    let large = message(&id(), "large").part("files", file("big.bin", vec![7; 2048]));
    let response = post(&browser, GENERAL, large).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.text().await.unwrap().contains("too large"));

    let empty = post(&browser, GENERAL, message(&id(), "  ")).await;
    assert!(empty.status().is_client_error(), "{}", empty.status());
    assert!(!empty.text().await.unwrap().is_empty());

    let private = create_as(&mut alice, "private-room", true).await.id;
    let outside = post(&stranger, private, message(&id(), "let me in")).await;
    assert_eq!(outside.status(), StatusCode::FORBIDDEN);

    let signed_out = Browser::new(&server.base());
    let response = post(&signed_out, GENERAL, message(&id(), "hello")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let no_id = Form::new().text("text", "who am I");
    assert_eq!(
        post(&browser, GENERAL, no_id).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(server.count("messages").await, 0);
}
