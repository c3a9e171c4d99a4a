//! Pieces the account forms share.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{error::AppError, theme::ThemeToggle};

/// The centred card the sign-up and log-in pages sit in.
#[component]
pub fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="auth-corner">
                <ThemeToggle />
            </div>
            <section class="auth-card" aria-labelledby="auth-title">
                <p class="auth-brand" aria-hidden="true">"Banter"</p>
                <h1 id="auth-title">{title}</h1>
                {children()}
            </section>
        </main>
    }
}

/// A labelled text field.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = 256)] max_length: usize,
    /// What the field holds when the page loads.
    #[prop(default = None)]
    value: Option<String>,
    /// Whether the form cannot be sent with the field empty.
    #[prop(default = true)]
    required: bool,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{name}-hint"));
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                maxlength=max_length
                value=value
                required=required
                aria-describedby=hint_id.clone()
            />
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
        </div>
    }
}

/// The error of the last submission, announced to screen readers.
#[component]
pub fn FormError(error: Option<AppError>) -> impl IntoView {
    error.map(|error| view! { <p class="form-error" role="alert">{error.to_string()}</p> })
}

/// The page the visitor was sent away from, carried through the forms so they
/// land there once signed in.
pub fn next_param() -> Option<String> {
    use_query_map().read_untracked().get("next")
}

/// `?next=…` for links between the two pages, or nothing.
pub fn next_query(next: Option<&str>) -> String {
    match next {
        Some(next) if !next.is_empty() => {
            let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
            format!("?next={encoded}")
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::next_query;

    #[test]
    fn next_is_encoded_into_the_query() {
        assert_eq!(next_query(None), "");
        assert_eq!(next_query(Some("")), "");
        assert_eq!(next_query(Some("/c/2")), "?next=%2Fc%2F2");
        assert_eq!(next_query(Some("/c/2?a=b&c")), "?next=%2Fc%2F2%3Fa%3Db%26c");
    }
}
