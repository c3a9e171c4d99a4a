//! `GET /files/<id>/<name>`: a file, for members of its channel only.
//!
//! The session decides, not the URL: a link shared outside the channel
//! shows nothing to anyone else (`404`, as for a file that does not
//! exist, so ids tell nothing either). Every answer says
//! `X-Content-Type-Options: nosniff` and a sandboxing
//! `Content-Security-Policy`; only the four image types are served as
//! themselves and inline (an attachment with `?download`), everything
//! else as `application/octet-stream` and an attachment, so no upload
//! ever runs as part of the site. `?thumb` asks for an image's thumbnail
//! (the image itself if it is small enough to be its own).
//!
//! A blob never changes, so its hash is its `ETag` (`304` when the browser
//! has it) and it may be cached for good by the browser, not by shared
//! caches. One `Range` is honoured (`206`), so a download resumes and a
//! player seeks.

use std::ops::Range;

use app::protocol::{FileId, INLINE_IMAGES};
use axum::{
    extract::{Path, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use http_range_header::parse_range_header;

use super::{blobs::Rendition, names::disposition};
use crate::{state::AppState, store::files::StoredFile};

/// What every file answer says about how it may be shown: nothing from it
/// runs, loads or frames.
const FILE_POLICY: &str = "sandbox; default-src 'none'; frame-ancestors 'none'";

/// Cached by the browser for a year, never by shared caches.
const CACHING: &str = "private, max-age=31536000, immutable";

pub async fn download(
    State(state): State<AppState>,
    Path((id, _name)): Path<(i64, String)>,
    parts: Parts,
) -> Response {
    // `?download`: saved, even an image the page would show; `?thumb`:
    // its thumbnail.
    let asks = |what: &str| {
        parts
            .uri
            .query()
            .is_some_and(|query| query.split('&').any(|pair| pair == what))
    };
    let (saved, small) = (asks("download"), asks("thumb"));
    let me = match state.current_user(&parts).await {
        Ok(Some(me)) => me,
        Ok(None) => return plain(StatusCode::UNAUTHORIZED, "sign in to download files"),
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "try again later"),
    };
    let Ok(id) = FileId::try_from(id) else {
        return not_found();
    };
    let file = match state.store.file_for(id, me.id).await {
        Ok(Some(file)) => file,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot look a file up");
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "try again later");
        }
    };
    let thumb = match (small, &file.thumb) {
        (true, Some(media)) => match state
            .files
            .blobs
            .size(&file.hash, Rendition::Thumbnail)
            .await
        {
            Ok(Some(size)) => Some((media.as_str(), size)),
            Ok(None) => None,
            Err(error) => {
                tracing::error!(%error, "cannot read a thumbnail");
                None
            }
        },
        _ => None,
    };
    serve(&state, &file, thumb, &parts.headers, saved).await
}

/// The answer for `file` (or its `thumb`nail, of that type and size), as
/// `request` asks for it (`saved`: as an attachment, whatever it is).
async fn serve(
    state: &AppState,
    file: &StoredFile,
    thumb: Option<(&str, u64)>,
    request: &HeaderMap,
    saved: bool,
) -> Response {
    let image = INLINE_IMAGES.contains(&file.attachment.media.as_str());
    let (rendition, size, etag, media) = match thumb {
        Some((media, size)) => (
            Rendition::Thumbnail,
            size,
            format!("\"{}.thumb\"", file.hash.as_str()),
            media,
        ),
        None => (
            Rendition::Original,
            file.attachment.size,
            format!("\"{}\"", file.hash.as_str()),
            match image {
                true => file.attachment.media.as_str(),
                false => "application/octet-stream",
            },
        ),
    };
    let mut headers = HeaderMap::new();
    let inline = image && !saved;
    for (name, value) in [
        (header::CONTENT_TYPE, media.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            disposition(inline, &file.attachment.name),
        ),
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, CACHING.to_owned()),
        (header::CONTENT_SECURITY_POLICY, FILE_POLICY.to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    if matches_etag(request.get(header::IF_NONE_MATCH), &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let (status, range) = match wanted_range(request, &etag, size) {
        Wanted::Whole => (StatusCode::OK, 0..size),
        Wanted::Part(range) => {
            let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
            if let Ok(value) = HeaderValue::from_str(&content_range) {
                headers.insert(header::CONTENT_RANGE, value);
            }
            (StatusCode::PARTIAL_CONTENT, range)
        }
        Wanted::Unsatisfiable => {
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                headers.insert(header::CONTENT_RANGE, value);
            }
            return (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response();
        }
    };
    let body = match state
        .files
        .blobs
        .read(&file.hash, rendition, range.clone())
        .await
    {
        Ok(Some(body)) => body,
        Ok(None) => {
            tracing::error!(hash = file.hash.as_str(), "a file's bytes are missing");
            return not_found();
        }
        Err(error) => {
            tracing::error!(%error, "cannot read a file's bytes");
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "try again later");
        }
    };
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(range.end - range.start),
    );
    (status, headers, body).into_response()
}

/// What the compression layer may compress: not files, which are served as
/// they are stored (an image is compressed already, a range counts the
/// stored bytes, and a large download would cost a core).
pub fn compressible() -> impl tower_http::compression::Predicate {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    DefaultPredicate::new().and(NotForContentType::const_new("application/octet-stream"))
}

/// What part of the file a request asks for.
#[derive(Debug, PartialEq, Eq)]
enum Wanted {
    Whole,
    Part(Range<u64>),
    Unsatisfiable,
}

/// The one range `request` asks for, if it asks for one of this version
/// (`If-Range`); several ranges are answered whole, which is allowed.
fn wanted_range(request: &HeaderMap, etag: &str, size: u64) -> Wanted {
    let Some(range) = request.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Wanted::Whole;
    };
    if let Some(condition) = request.get(header::IF_RANGE) {
        if condition.as_bytes() != etag.as_bytes() {
            return Wanted::Whole;
        }
    }
    let Ok(parsed) = parse_range_header(range) else {
        // Not a byte range at all: ignored, as if absent.
        return Wanted::Whole;
    };
    match parsed.validate(size) {
        Ok(ranges) if ranges.len() == 1 => {
            let only = &ranges[0];
            Wanted::Part(*only.start()..only.end() + 1)
        }
        Ok(_) => Wanted::Whole,
        Err(_) => Wanted::Unsatisfiable,
    }
}

/// Whether `If-None-Match` names `etag` (or is `*`).
fn matches_etag(if_none_match: Option<&HeaderValue>, etag: &str) -> bool {
    if_none_match
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == etag || tag == "*")
        })
}

fn not_found() -> Response {
    plain(StatusCode::NOT_FOUND, "no such file")
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn one_range_is_served_in_part() {
        let etag = "\"abc\"";
        let range = |value: &str| wanted_range(&asking(&[(header::RANGE, value)]), etag, 100);
        assert_eq!(range("bytes=0-9"), Wanted::Part(0..10));
        assert_eq!(range("bytes=90-"), Wanted::Part(90..100));
        assert_eq!(range("bytes=-5"), Wanted::Part(95..100));
        assert_eq!(range("bytes=0-1,5-6"), Wanted::Whole);
        assert_eq!(range("bytes=100-"), Wanted::Unsatisfiable);
        assert_eq!(range("lines=1-2"), Wanted::Whole);
        assert_eq!(wanted_range(&HeaderMap::new(), etag, 100), Wanted::Whole);
    }

    #[test]
    fn a_range_of_another_version_is_served_whole() {
        let headers = asking(&[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, "\"old\"")]);
        assert_eq!(wanted_range(&headers, "\"abc\"", 100), Wanted::Whole);
        let headers = asking(&[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, "\"abc\"")]);
        assert_eq!(wanted_range(&headers, "\"abc\"", 100), Wanted::Part(0..10));
    }

    #[test]
    fn etags_match_in_lists_and_weakly() {
        let value = |v: &str| HeaderValue::from_str(v).unwrap();
        assert!(matches_etag(Some(&value("\"a\", \"b\"")), "\"b\""));
        assert!(matches_etag(Some(&value("W/\"b\"")), "\"b\""));
        assert!(matches_etag(Some(&value("*")), "\"b\""));
        assert!(!matches_etag(Some(&value("\"c\"")), "\"b\""));
        assert!(!matches_etag(None, "\"b\""));
    }
}
