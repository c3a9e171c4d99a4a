//! `POST /channels/<id>/files?name=<name>`: one file's bytes as the body.
//!
//! Everything that can refuse an upload without its bytes does so first,
//! from the headers: who asks, the name, the declared length against the
//! largest file and the uploader's quota, the rate, the channel. Only then
//! are the bytes read, a chunk at a time, into a staging file, hashed as
//! they pass; each chunk must come within the request deadline of the one
//! before (a slow upload is fine, a stalled one is not). An image is then
//! stripped of its metadata and given a thumbnail (`images.rs`). The
//! answer is the file as a message will carry it (`201`, JSON), or why not
//! (a status and a sentence).

use std::time::Instant;

use app::{
    model::{ChannelId, UserId},
    protocol::{human_size, Attachment},
};
use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use futures::{FutureExt, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::{
    blobs::Rendition,
    images::{prepare, NotReady, Staged},
    names::file_name,
};
use crate::{
    state::AppState,
    store::files::{BlobHash, NewFile},
};

/// The query of an upload.
#[derive(Debug, serde::Deserialize)]
pub struct UploadQuery {
    name: String,
}

/// Why an upload was refused; each is answered with its status and a
/// sentence the page shows as it is.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("sign in to upload files")]
    SignedOut,
    #[error("a file needs a name")]
    NoName,
    #[error("the upload must say its length (Content-Length)")]
    NoLength,
    #[error("the file is empty")]
    Empty,
    #[error("the file is too large: at most {}", human_size(*max))]
    TooLarge { max: u64 },
    #[error("your files take too much space: {} of at most {}; delete some first", human_size(*used), human_size(*max))]
    OverQuota { used: u64, max: u64 },
    #[error("too many uploads: try again in {} seconds", retry_after.div_ceil(1000))]
    RateLimited { retry_after: u64 },
    #[error("you are not a member of this channel")]
    NotMember,
    #[error("the upload was cut off: try again")]
    CutOff,
    #[error("the image took too long to read: send it in a smaller size")]
    TooSlow,
    #[error("the file could not be stored: try again later")]
    Internal,
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        let status = match self {
            UploadError::SignedOut => StatusCode::UNAUTHORIZED,
            UploadError::NoName | UploadError::Empty | UploadError::CutOff => {
                StatusCode::BAD_REQUEST
            }
            UploadError::NoLength => StatusCode::LENGTH_REQUIRED,
            UploadError::TooLarge { .. } | UploadError::OverQuota { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            UploadError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            UploadError::NotMember => StatusCode::FORBIDDEN,
            UploadError::TooSlow => StatusCode::UNPROCESSABLE_ENTITY,
            UploadError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.to_string(),
        )
            .into_response();
        if let UploadError::RateLimited { retry_after } = self {
            if let Ok(seconds) = retry_after.div_ceil(1000).to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, seconds);
            }
        }
        response
    }
}

/// Logs an internal failure and hides it.
fn internal(error: impl std::fmt::Display) -> UploadError {
    tracing::error!(%error, "an upload failed");
    UploadError::Internal
}

pub async fn upload(
    State(state): State<AppState>,
    Path(channel): Path<i64>,
    Query(query): Query<UploadQuery>,
    parts: Parts,
    body: Body,
) -> Result<(StatusCode, Json<Attachment>), UploadError> {
    let name = file_name(&query.name).ok_or(UploadError::NoName)?;
    let size = declared_length(&parts.headers)?;
    let (me, channel) = admit(&state, &parts, channel, size, state.files.max_size).await?;
    take_upload(&state, me.id)?;

    let staged = receive(&state, body.into_data_stream(), Length::Exactly(size)).await?;
    let attachment = store(&state, me.id, channel, name, staged).await?;
    Ok((StatusCode::CREATED, Json(attachment)))
}

/// Who uploads `size` bytes (at most `max`) to `channel`, and the channel,
/// if they may: signed in, within their quota, a member.
pub(super) async fn admit(
    state: &AppState,
    parts: &Parts,
    channel: i64,
    size: u64,
    max: u64,
) -> Result<(app::model::User, ChannelId), UploadError> {
    let me = match state.current_user(parts).await {
        Ok(Some(me)) => me,
        Ok(None) => return Err(UploadError::SignedOut),
        Err(error) => return Err(internal(error)),
    };
    if size > max {
        return Err(UploadError::TooLarge { max });
    }
    if let Some(max) = state.files.max_per_user {
        let used = state.store.uploaded_bytes(me.id).await.map_err(internal)?;
        if used.saturating_add(size) > max {
            return Err(UploadError::OverQuota { used, max });
        }
    }
    let channel = ChannelId::try_from(channel).map_err(|_| UploadError::NotMember)?;
    if !state
        .store
        .is_member(me.id, channel)
        .await
        .map_err(internal)?
    {
        return Err(UploadError::NotMember);
    }
    Ok((me, channel))
}

/// Makes `staged` ready (an image stripped and made small) and records it
/// as `uploader`'s upload `name` to `channel`, its bytes stored.
pub(super) async fn store(
    state: &AppState,
    uploader: UserId,
    channel: ChannelId,
    name: String,
    staged: Staged,
) -> Result<Attachment, UploadError> {
    let files = &state.files;
    let ready = match prepare(
        staged,
        files.blobs.staging(),
        &files.image_work,
        files.image_time,
    )
    .await
    {
        Ok(ready) => ready,
        Err(NotReady::TooSlow) => return Err(UploadError::TooSlow),
        Err(error) => return Err(internal(error)),
    };
    let file = NewFile {
        channel,
        uploader,
        hash: ready.staged.hash.clone(),
        name,
        size: ready.staged.size,
        media: ready.sniffed.media,
        width: ready.sniffed.width,
        height: ready.sniffed.height,
        thumb: ready.thumb.as_ref().map(|(_, media)| *media),
    };
    let blobs = &files.blobs;
    let (hash, original) = (&file.hash, ready.staged.file.path());
    let put = async move {
        blobs.put(hash, Rendition::Original, original).await?;
        if let Some((thumb, _)) = &ready.thumb {
            blobs.put(hash, Rendition::Thumbnail, thumb.path()).await?;
        }
        Ok(())
    }
    .boxed();
    let attachment = state.store.add_file(&file, put).await.map_err(internal)?;
    tracing::info!(user = %uploader, %channel, file = %attachment.id, size = attachment.size, media = %attachment.media, "file uploaded");
    Ok(attachment)
}

/// Counts an upload against the user's rate.
pub(super) fn take_upload(state: &AppState, user: UserId) -> Result<(), UploadError> {
    state
        .files
        .upload_limits
        .take(&user, Instant::now())
        .map_err(|wait| UploadError::RateLimited {
            retry_after: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1),
        })
}

/// The length the request declares: required, and not 0.
pub(super) fn declared_length(headers: &HeaderMap) -> Result<u64, UploadError> {
    let size = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        .ok_or(UploadError::NoLength)?;
    match size {
        0 => Err(UploadError::Empty),
        size => Ok(size),
    }
}

/// How many bytes a body is to have.
#[derive(Clone, Copy, Debug)]
pub(super) enum Length {
    /// As many as it declared: fewer or more is a cut-off upload.
    Exactly(u64),
    /// Any number up to this (a part of a form): more is too large.
    AtMost(u64),
}

/// Reads `chunks` (of `length`) into a staging file, hashing them.
pub(super) async fn receive<E>(
    state: &AppState,
    chunks: impl futures::Stream<Item = Result<axum::body::Bytes, E>>,
    length: Length,
) -> Result<Staged, UploadError> {
    let staging = state.files.blobs.staging().to_owned();
    let file = tokio::task::spawn_blocking(move || {
        tempfile::Builder::new()
            .prefix("upload-")
            .tempfile_in(staging)
    })
    .await
    .map_err(internal)?
    .map_err(internal)?;
    let mut out = tokio::fs::File::from_std(file.as_file().try_clone().map_err(internal)?);
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let idle = state.config.request_timeout();
    let mut chunks = std::pin::pin!(chunks);
    loop {
        let chunk = match tokio::time::timeout(idle, chunks.next()).await {
            Ok(Some(Ok(chunk))) => chunk,
            Ok(None) => break,
            // A broken connection, or a stall.
            Ok(Some(Err(_))) | Err(_) => return Err(UploadError::CutOff),
        };
        received += chunk.len() as u64;
        match length {
            // The server's HTTP layer stops a body at its declared length;
            // this is the second lock on the same door.
            Length::Exactly(size) if received > size => return Err(UploadError::CutOff),
            Length::AtMost(max) if received > max => return Err(UploadError::TooLarge { max }),
            _ => {}
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(internal)?;
    }
    match length {
        Length::Exactly(size) if received != size => return Err(UploadError::CutOff),
        _ if received == 0 => return Err(UploadError::Empty),
        _ => {}
    }
    out.flush().await.map_err(internal)?;
    out.sync_data().await.map_err(internal)?;
    Ok(Staged {
        file,
        hash: BlobHash::from_digest(&hasher.finalize()),
        size: received,
    })
}
