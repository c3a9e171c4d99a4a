//! Accounts: the sign-up and log-in pages, the log-out button, the
//! profile, password and deletion forms, each with the server function its
//! form posts to.
//!
//! The forms are plain `<form method="post">` elements, so they work the same
//! before, after and without the WebAssembly: the server answers with a
//! redirect, onward or back to the form (see `refused`).

mod delete_account;
mod fields;
mod login;
mod logout;
mod me;
mod password;
mod profile;
mod refused;
mod signup;

pub use delete_account::{DeleteAccount, DeleteAccountForm, DELETED_PATH};
pub use login::{LogIn, LoginPage, LoginRoute};
pub use logout::{LogOut, LogoutButton};
#[cfg(feature = "hydrate")]
pub use me::signed_out;
pub use me::{current_user, CurrentUser};
pub use password::{ChangePassword, PasswordForm};
pub use profile::{ProfileForm, SetProfile};
pub use signup::{SignUp, SignupPage, SignupRoute};
// The account forms' card and refusals, which other plain-form pages share.
pub use fields::{AuthCard, FormError};
#[cfg(feature = "ssr")]
pub use refused::send_back;
pub use refused::{refused, Refused};

/// Where to go after signing in: `next` if it is a path on this site, else
/// the app's home.
///
/// `next` is decided the way a browser reads it: it is parsed as a URL
/// relative to the site (the WHATWG rules a browser follows, which strip
/// tabs and newlines and read `\` as `/`), and kept only if it stays on the
/// site's origin. Anything holding control characters or backslashes is
/// refused before parsing, and what is returned is the parsed path as
/// serialised, so a crafted link cannot send someone elsewhere
/// (`//evil.example`, `/\t/evil.example`) and the answer is always a valid
/// `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    same_site_path(next.unwrap_or_default()).unwrap_or_else(|| "/".to_owned())
}

/// A stand-in origin for reading paths as a browser would: only whether a
/// path leaves it matters.
const SITE: &str = "http://banter.invalid/";

fn same_site_path(next: &str) -> Option<String> {
    if !next.starts_with('/') || next.contains(|c: char| c.is_control() || c == '\\') {
        return None;
    }
    let site = url::Url::parse(SITE).ok()?;
    let url = site.join(next).ok()?;
    let path = &url[url::Position::BeforePath..];
    let stays = url.origin() == site.origin()
        && !path.starts_with("//")
        && !url.path().starts_with("/login")
        && !url.path().starts_with("/signup");
    stays.then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use proptest::prelude::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/c/3?x=1")), "/c/3?x=1");
        assert_eq!(safe_next(Some("/c/3?before=10#m5")), "/c/3?before=10#m5");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("")), "/");
        assert_eq!(safe_next(Some("/login")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn what_a_browser_would_strip_or_fold_is_refused() {
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/c/1\r\nSet-Cookie: a=b",
            "/\u{0}/x",
            "/.//evil.example",
            "/%2e//evil.example",
            "/c/../login",
        ] {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
        assert_eq!(safe_next(Some("/c/日本")), "/c/%E6%97%A5%E6%9C%AC");
    }

    proptest! {
        #[test]
        fn next_is_always_a_plain_path_on_this_site(next in "/?.*") {
            let path = safe_next(Some(&next));
            prop_assert!(path.starts_with('/'));
            prop_assert!(!path.starts_with("//"));
            prop_assert!(path.bytes().all(|b| (0x20..0x7f).contains(&b)), "{path:?}");
            let site = url::Url::parse("http://banter.invalid/").unwrap();
            prop_assert_eq!(site.join(&path).unwrap().origin(), site.origin());
        }
    }
}
