//! Light and dark themes.
//!
//! By default Banter follows the system (`prefers-color-scheme`, in CSS). A
//! visitor who flips the toggle gets their choice remembered in a cookie rather
//! than in local storage: the server reads it and renders `<html
//! data-theme="…">` in the first response, so a page never flashes in the wrong
//! colours before the WebAssembly loads.

use leptos::prelude::*;

use crate::cookies::read_cookie;

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

    /// The explicit choice, if any, without tracking it.
    pub fn chosen_untracked(&self) -> Option<Theme> {
        self.chosen.get_untracked()
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
        self.choose(Some(next));
    }

    /// Switches to `theme` (`None`: the system's) and remembers the choice.
    pub fn choose(&self, theme: Option<Theme>) {
        self.chosen.set(theme);
        // Any other value reads as "follow the system".
        #[cfg(feature = "hydrate")]
        crate::cookies::set_cookie(COOKIE, theme.map_or("system", Theme::as_str));
    }
}

/// Creates the theme state from the cookie and provides it to the app.
pub fn provide_theme() -> ThemeState {
    let state = ThemeState {
        chosen: RwSignal::new(read_cookie(COOKIE).as_deref().and_then(Theme::parse)),
        system_dark: RwSignal::new(false),
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move || state.system_dark.set(system_prefers_dark()));
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

#[cfg(feature = "hydrate")]
fn system_prefers_dark() -> bool {
    window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}
