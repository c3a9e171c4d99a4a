//! The `current_user` server function: who is signed in; and, in the
//! browser, whether the server says this browser is signed out.

use leptos::prelude::*;

use crate::{error::AppError, model::User};

/// The signed-in user, or [`AppError::NotSignedIn`].
#[server(endpoint = "me")]
pub async fn current_user() -> Result<User, AppError> {
    crate::backend::with_status(
        async {
            let (backend, request) = crate::backend::request_context()?;
            backend
                .current_user(&request)
                .await?
                .ok_or(AppError::NotSignedIn)
        }
        .await,
    )
}

/// Whether the server says this browser is not signed in, asked through
/// `current_user`'s endpoint; any other answer, or none, says nothing. The
/// link asks when it cannot reconnect, since a refused WebSocket handshake
/// looks like any network failure from the page. Called with a bare
/// `fetch`: the server function client would cost the WebAssembly about
/// 6 KB of gzip for this one call.
#[cfg(feature = "hydrate")]
pub async fn signed_out() -> bool {
    use leptos::server_fn::ServerFn;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let answer = JsFuture::from(window().fetch_with_str_and_init(CurrentUser::PATH, &init)).await;
    let Ok(response) = answer.map(JsCast::unchecked_into::<web_sys::Response>) else {
        return false;
    };
    if response.ok() {
        return false;
    }
    let Ok(body) = response.text() else {
        return false;
    };
    let body = JsFuture::from(body)
        .await
        .ok()
        .and_then(|text| text.as_string());
    body.and_then(|text| serde_json::from_slice::<AppError>(text.as_bytes()).ok())
        == Some(AppError::NotSignedIn)
}
