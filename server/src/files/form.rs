//! `POST /channels/<id>/messages`: the message box as a plain form
//! (`multipart/form-data`), for a reader without JavaScript: its text, the
//! client id chosen when the page was rendered (so a form sent twice is
//! one message), and any files chosen with its file input.
//!
//! Each file goes the way of an upload (`upload.rs`): the same limits,
//! streamed to staging, stripped and made small if an image. Then the
//! message is sent with them, and the browser goes back to the channel
//! (`303`). What is refused is answered with its status and a sentence.

use app::{
    error::AppError,
    model::{ChannelId, User},
    protocol::{ClientId, FileId, MAX_FILES},
};
use axum::{
    extract::{multipart::Field, Multipart, Path, State},
    http::{header, request::Parts, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    names::file_name,
    upload::{admit, declared_length, receive, store, take_upload, Length, UploadError},
};
use crate::state::AppState;

/// The route of the form.
pub const FORM_ROUTE: &str = "/channels/{channel}/messages";

/// The most bytes of the form's text fields (a message's text is bounded
/// far lower; `send_message` says by how much).
const MAX_FIELD: usize = 64 * 1024;

/// Room for the form's fields and boundaries beside its files.
const FORM_SLACK: u64 = 1024 * 1024;

/// Why the form did not send.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error(transparent)]
    Upload(#[from] UploadError),
    #[error("{0}")]
    Send(AppError),
    #[error("the form could not be read: {0}")]
    Malformed(String),
}

impl IntoResponse for FormError {
    fn into_response(self) -> Response {
        let status = match self {
            // An upload's refusal has its own status and headers.
            FormError::Upload(error) => return error.into_response(),
            FormError::Send(ref error) => error.status(),
            FormError::Malformed(_) => StatusCode::BAD_REQUEST,
        };
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.to_string(),
        )
            .into_response()
    }
}

pub async fn post(
    State(state): State<AppState>,
    Path(channel): Path<i64>,
    parts: Parts,
    mut form: Multipart,
) -> Result<Redirect, FormError> {
    let files = &state.files;
    let most = files
        .max_size
        .saturating_mul(MAX_FILES as u64)
        .saturating_add(FORM_SLACK);
    let size = declared_length(&parts.headers)?;
    let (me, channel) = admit(&state, &parts, channel, size, most).await?;
    let (mut client_id, mut text, mut attached) = (None, String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        match field.name() {
            Some("client_id") => client_id = Some(small_field(field).await?),
            Some("text") => text = small_field(field).await?,
            Some("files") => {
                if let Some(file) = one_file(&state, &me, channel, field, attached.len()).await? {
                    attached.push(file);
                }
            }
            // The channel is in the path; anything else is ignored.
            _ => {}
        }
    }
    let client_id = client_id
        .and_then(|id| id.parse::<uuid::Uuid>().ok())
        .map(ClientId)
        .ok_or_else(|| FormError::Malformed("no client id".into()))?;
    state
        .send_message(&me, channel, client_id, &text, None, attached)
        .await
        .map_err(|error| FormError::Send(AppError::Chat(error)))?;
    Ok(Redirect::to(&format!("/c/{channel}")))
}

/// Stores the file in `field`, the `before`-th of the form; `None` when
/// the input was left empty.
async fn one_file(
    state: &AppState,
    me: &User,
    channel: ChannelId,
    field: Field<'_>,
    before: usize,
) -> Result<Option<FileId>, FormError> {
    let chosen = field.file_name().unwrap_or_default().to_owned();
    // A file input left empty sends a part with no name and no bytes.
    if chosen.is_empty() {
        return Ok(None);
    }
    if before >= MAX_FILES {
        return Err(FormError::Send(AppError::Chat(
            app::protocol::Refused::TooManyFiles.into(),
        )));
    }
    let name = file_name(&chosen).ok_or(UploadError::NoName)?;
    take_upload(state, me.id)?;
    let staged = receive(state, field, Length::AtMost(state.files.max_size)).await?;
    Ok(Some(store(state, me.id, channel, name, staged).await?.id))
}

/// A text field's value, of at most [`MAX_FIELD`] bytes.
async fn small_field(mut field: Field<'_>) -> Result<String, FormError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > MAX_FIELD {
            return Err(FormError::Malformed("a field is too long".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| FormError::Malformed("a field is not UTF-8".into()))
}

fn malformed(error: axum::extract::multipart::MultipartError) -> FormError {
    FormError::Malformed(error.body_text())
}
