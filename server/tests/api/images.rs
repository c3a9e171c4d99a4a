//! Images: what is served of a photo has none of its metadata (where it
//! was taken least of all) but keeps its orientation; a channel shows its
//! thumbnail, turned as the photo is, and a small image is its own; an
//! image whose pixels do not read is a download; the thumbnail goes with
//! the image's bytes.

use app::protocol::Attachment;
use image::{ImageDecoder, ImageFormat};
use reqwest::{header, StatusCode};

use crate::{
    browser::Browser,
    changes::delete,
    chat::user,
    common::TestServer,
    files::{blobs, header_of, png, quick_collector, send, until_blobs, upload, uploaded, GENERAL},
};

/// What a phone writes of where a photo was taken.
const WHERE: &[u8] = "GPS 35.6895N 139.6917E 東京 Москва".as_bytes();

/// A 2000 × 1000 photo as a phone writes it: EXIF saying it is turned a
/// quarter (orientation 6) and where it was taken, and a comment.
fn photo() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(2000, 1000, |x, y| {
        image::Rgb([(x / 8 % 256) as u8, (y / 4 % 256) as u8, 120])
    });
    let mut plain = Vec::new();
    pixels
        .write_to(&mut std::io::Cursor::new(&mut plain), ImageFormat::Jpeg)
        .unwrap();
    // TIFF, big-endian: one entry, the orientation, then the location.
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    exif.extend_from_slice(WHERE);
    let segment = |marker: u8, body: &[u8]| {
        let mut bytes = vec![0xff, marker];
        bytes.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        bytes.extend_from_slice(body);
        bytes
    };
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend(segment(0xe1, &exif));
    jpeg.extend(segment(0xfe, WHERE));
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

fn holds(bytes: &[u8], part: &[u8]) -> bool {
    bytes.windows(part.len()).any(|window| window == part)
}

fn orientation(bytes: &[u8]) -> u8 {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes));
    reader.set_format(ImageFormat::Jpeg);
    let mut decoder = reader.into_decoder().unwrap();
    decoder.orientation().unwrap().to_exif()
}

/// The headers and bytes of `path`, which must be served whole.
async fn bytes_of(browser: &Browser, path: &str) -> (header::HeaderMap, Vec<u8>) {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

fn said(headers: &header::HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no {name}"))
}

#[tokio::test]
async fn a_photo_is_served_without_where_it_was_taken_and_shown_small() {
    let server = TestServer::start_with(quick_collector).await;
    let (browser, mut alice) = user(&server, "alice").await;
    let camera = photo();
    assert!(holds(&camera, WHERE));
    let file = uploaded(&browser, GENERAL, "東京の写真.jpg", camera.clone()).await;
    assert_eq!(file.media, "image/jpeg");
    assert_eq!((file.width, file.height), (1000, 2000), "shown turned");

    let (response, served) = bytes_of(&browser, &file.url()).await;
    assert!(!holds(&served, WHERE), "the location is gone");
    assert_eq!(served.len() as u64, file.size, "the size is what is served");
    assert!(served.len() < camera.len());
    assert_eq!(orientation(&served), 6, "the orientation is kept");
    let pixels = image::load_from_memory(&served).unwrap();
    assert_eq!((pixels.width(), pixels.height()), (2000, 1000));
    assert_eq!(said(&response, header::CONTENT_TYPE), "image/jpeg");

    let (response, thumb) = bytes_of(&browser, &file.thumb_url()).await;
    assert_eq!(said(&response, header::CONTENT_TYPE), "image/jpeg");
    assert_eq!(
        said(&response, header::CONTENT_LENGTH),
        thumb.len().to_string()
    );
    assert!(said(&response, header::ETAG).ends_with(".thumb\""));
    assert!(said(&response, header::CONTENT_SECURITY_POLICY).starts_with("sandbox"));
    assert_eq!(said(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(!holds(&thumb, WHERE));
    let small = image::load_from_memory(&thumb).unwrap();
    assert_eq!(
        (small.width(), small.height()),
        (240, 480),
        "turned, and fits 720 × 480"
    );
    assert!(thumb.len() * 4 < served.len(), "{} bytes", thumb.len());
    let part = browser
        .http
        .get(browser.url(&file.thumb_url()))
        .header(header::RANGE, "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap()[..], thumb[..10]);

    // The thumbnail is kept beside the image's bytes, and goes with them.
    let stored = blobs(&server);
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(stored.iter().any(|name| name.ends_with(".thumb")));
    let message = send(&mut alice, GENERAL, "", vec![file.id]).await.unwrap();
    delete(&mut alice, &message).await.unwrap();
    until_blobs(&server, 0).await;
}

#[tokio::test]
async fn a_small_image_is_its_own_thumbnail() {
    let server = TestServer::start().await;
    let (browser, _) = user(&server, "alice").await;
    let file: Attachment = uploaded(&browser, GENERAL, "иконка.png", png(64, 48)).await;
    let (whole, original) = bytes_of(&browser, &file.url()).await;
    let (small, thumb) = bytes_of(&browser, &file.thumb_url()).await;
    assert_eq!(original, thumb);
    assert_eq!(said(&small, header::ETAG), said(&whole, header::ETAG));
    assert_eq!(said(&small, header::CONTENT_TYPE), "image/png");
    assert_eq!(blobs(&server).len(), 1);
}

#[tokio::test]
async fn an_image_whose_pixels_do_not_read_is_a_download() {
    let server = TestServer::start().await;
    let (browser, _) = user(&server, "alice").await;
    // Its header reads, as a large PNG; its pixels stop halfway.
    let mut broken = png(1600, 1200);
    broken.truncate(broken.len() / 2);
    let response = upload(&browser, GENERAL, "half.png", broken).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let file: Attachment = response.json().await.unwrap();
    assert!(!file.is_image(), "{file:?}");
    for path in [file.url(), file.thumb_url()] {
        let response = browser.get(&path).await;
        assert_eq!(
            header_of(&response, header::CONTENT_TYPE),
            "application/octet-stream",
            "{path}"
        );
    }
}

#[tokio::test]
async fn an_image_that_takes_too_long_is_refused_and_nothing_is_kept() {
    let server = TestServer::start_with(|config| config.image_time_ms = 1).await;
    let (browser, _) = user(&server, "alice").await;
    let response = upload(&browser, GENERAL, "東京の写真.jpg", photo()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("too long"));
    assert_eq!(server.count("files").await, 0);
    // Its staging files go when the work that was left behind ends.
    let staging = server.state.config.files_dir().join("staging");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::read_dir(&staging).unwrap().count() > 0 {
        assert!(tokio::time::Instant::now() < deadline, "staging kept");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(blobs(&server), Vec::<String>::new());
}
