//! Accounts: the sign-up and log-in pages and the log-out button, each with
//! the server function its form posts to.
//!
//! The forms are plain `<form method="post">` elements underneath, so they
//! work before the WebAssembly has loaded (the server answers with a redirect);
//! once hydrated they submit without a page reload.

mod fields;
mod login;
mod logout;
mod me;
mod signup;

pub use login::{LogIn, LoginPage};
pub use logout::{LogOut, LogoutButton};
pub use me::{current_user, CurrentUser};
pub use signup::{SignUp, SignupPage};

/// Where to go after signing in: `next` if it is a path on this site, else
/// the app's home. Refuses absolute and scheme-relative URLs (`//evil.example`)
/// so that a crafted link cannot send someone elsewhere.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/login")
                && !path.starts_with("/signup") =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/c/3?x=1")), "/c/3?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("")), "/");
        assert_eq!(safe_next(Some("/login")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
