//! The few cookies the UI keeps for itself (theme, time zone), readable on the
//! server from the request and in the browser from the document, so that both
//! render the same page.

/// The value of cookie `name` in the current request (server) or document
/// (browser).
pub fn read_cookie(name: &str) -> Option<String> {
    find(&header()?, name).map(str::to_owned)
}

/// Sets a first-party cookie for a year (browser only).
#[cfg(feature = "hydrate")]
pub fn set_cookie(name: &str, value: &str) {
    use wasm_bindgen::JsCast;
    let cookie = format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax");
    if let Ok(document) = leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>() {
        // A refused cookie only means the choice is not remembered.
        let _ = document.set_cookie(&cookie);
    }
}

/// Finds `name` in a `Cookie` header value.
pub fn find<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn header() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.headers.get(http::header::COOKIE).cloned())
            .and_then(|value| value.to_str().ok().map(str::to_owned))
    }
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        leptos::prelude::document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()?
            .cookie()
            .ok()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_a_cookie_among_others() {
        assert_eq!(
            find("a=1; banter_theme=dark; b=2", "banter_theme"),
            Some("dark")
        );
        assert_eq!(find("banter_theme=light", "banter_theme"), Some("light"));
        assert_eq!(find("xbanter_theme=dark", "banter_theme"), None);
        assert_eq!(find("", "banter_theme"), None);
    }
}
