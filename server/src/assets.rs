//! Static files: the WebAssembly, JavaScript and CSS under `pkg/`, and the
//! public assets beside them.
//!
//! With cargo-leptos's `hash-files`, every file under `pkg/` carries a hash of
//! its content in its name, so it can be cached for a year and never
//! revalidated; a new build changes the names. Unhashed builds get `no-cache`.

use axum::Router;
use http::{header, HeaderValue};
use leptos::config::LeptosOptions;
use tower::ServiceBuilder;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The route serving `pkg/`, with caching to match how its files are named.
pub fn pkg_routes(options: &LeptosOptions) -> Router<AppState> {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let cache = if options.hash_files {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let service = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
        .service(ServeDir::new(dir).precompressed_br().precompressed_gzip());
    let route = format!("/{}", options.site_pkg_dir.trim_matches('/'));
    Router::new().nest_service(&route, service)
}

/// Whether cargo-leptos built hashed file names: it then leaves a hash file
/// next to the server binary. Lets the binary run outside cargo-leptos.
pub fn hash_file_present(options: &LeptosOptions) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&*options.hash_file)))
        .is_some_and(|path| path.exists())
}

/// The newest emoji the picker offers: those after it are missing from too
/// many systems' fonts still (a reaction with one is accepted all the same).
const PICKER_UNICODE: emojis::UnicodeVersion = emojis::UnicodeVersion::new(15, 0);

/// The emoji the reaction picker offers, one per line: the emoji, its CLDR
/// name and its shortcodes, separated by tabs ("👍\tthumbs up\t+1
/// thumbsup"), in Unicode's order. Read from the emoji data the server
/// checks reactions against; made once, and cached by browsers for a day (a
/// new emoji version comes with a new server).
pub async fn emoji_list() -> impl axum::response::IntoResponse {
    static LIST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        emojis::iter()
            .filter(|emoji| emoji.unicode_version() <= PICKER_UNICODE)
            .map(|emoji| {
                let shortcodes: Vec<&str> = emoji.shortcodes().collect();
                format!(
                    "{}\t{}\t{}\n",
                    emoji.as_str(),
                    emoji.name(),
                    shortcodes.join(" ")
                )
            })
            .collect()
    });
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        LIST.as_str(),
    )
}
