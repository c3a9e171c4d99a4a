//! Light and dark themes.
//!
//! By default Banter follows the system (`prefers-color-scheme`, in CSS). A
//! visitor who flips the toggle gets their choice remembered in a cookie rather
//! than in local storage: the server reads it and renders `<html
//! data-theme="…">` in the first response, so a page never flashes in the wrong
//! colours before the WebAssembly loads.

use leptos::prelude::*;

/// The cookie holding an explicit theme choice.
const COOKIE: &str = "banter_theme";

/// One of the two colour schemes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    /// The value used in the cookie and in `data-theme`.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// The theme state shared by the document and the toggle.
#[derive(Clone, Copy)]
pub struct ThemeState {
    /// The visitor's explicit choice; `None` follows the system.
    chosen: RwSignal<Option<Theme>>,
    /// Whether the system prefers dark; only known in the browser.
    system_dark: RwSignal<bool>,
}

impl ThemeState {
    /// The explicit choice, if any.
    pub fn chosen(&self) -> Option<Theme> {
        self.chosen.get()
    }

    /// The theme actually on screen.
    pub fn effective(&self) -> Theme {
        match self.chosen.get() {
            Some(theme) => theme,
            None if self.system_dark.get() => Theme::Dark,
            None => Theme::Light,
        }
    }

    /// Switches to the other theme and remembers the choice.
    pub fn toggle(&self) {
        let next = match self.effective() {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        };
        self.chosen.set(Some(next));
        #[cfg(feature = "hydrate")]
        browser::remember(next);
    }
}

/// Creates the theme state from the cookie and provides it to the app.
pub fn provide_theme() -> ThemeState {
    let state = ThemeState {
        chosen: RwSignal::new(cookie_header().as_deref().and_then(parse_cookie)),
        system_dark: RwSignal::new(false),
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move || state.system_dark.set(browser::system_prefers_dark()));
    provide_context(state);
    state
}

/// A button that switches between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<ThemeState>();
    view! {
        <button
            type="button"
            class="icon-button theme-toggle"
            aria-pressed=move || (theme.effective() == Theme::Dark).to_string()
            on:click=move |_| theme.toggle()
        >
            <span aria-hidden="true" class="theme-icon"></span>
            <span class="visually-hidden">"Dark theme"</span>
        </button>
    }
}

/// Finds the theme in a `Cookie` header value.
fn parse_cookie(header: &str) -> Option<Theme> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| Theme::parse(value))
}

/// The cookies of the current request (server) or document (browser).
fn cookie_header() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.headers.get(http::header::COOKIE).cloned())
            .and_then(|value| value.to_str().ok().map(str::to_owned))
    }
    #[cfg(feature = "hydrate")]
    {
        browser::cookies()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Theme, COOKIE};
    use wasm_bindgen::JsCast;

    fn html_document() -> Option<web_sys::HtmlDocument> {
        leptos::prelude::document().dyn_into().ok()
    }

    pub(super) fn cookies() -> Option<String> {
        html_document()?.cookie().ok()
    }

    pub(super) fn remember(theme: Theme) {
        if let Some(document) = html_document() {
            let cookie = format!(
                "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                theme.as_str()
            );
            // A refused cookie only means the choice is not remembered.
            let _ = document.set_cookie(&cookie);
        }
    }

    pub(super) fn system_prefers_dark() -> bool {
        leptos::prelude::window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_theme_cookie_among_others() {
        assert_eq!(
            parse_cookie("a=1; banter_theme=dark; b=2"),
            Some(Theme::Dark)
        );
        assert_eq!(parse_cookie("banter_theme=light"), Some(Theme::Light));
        assert_eq!(parse_cookie("banter_theme=purple"), None);
        assert_eq!(parse_cookie("xbanter_theme=dark"), None);
        assert_eq!(parse_cookie(""), None);
    }
}
