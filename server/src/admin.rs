//! Managing accounts as an administrator: from the command line
//! (`banter admin`, [`cli`]) and from `/settings/admin` ([`page`]). Both act
//! through the store's `AccountStore`; the page also tells the servers'
//! bus, the command line writes `sign_outs`.

pub mod cli;
mod page;

pub use cli::{run, AdminCommand, AdminError};

use app::model::Password;

/// A version-4 UUID (122 random bits), as eight groups of four hex digits.
fn generated_password() -> Password {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    let grouped: Vec<&str> = (0..hex.len())
        .step_by(4)
        .filter_map(|at| hex.get(at..at + 4))
        .collect();
    // 39 characters: always a valid password.
    Password::parse(grouped.join("-")).unwrap_or_else(|_| unreachable!("39 characters"))
}

#[cfg(test)]
mod tests {
    use super::generated_password;

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let (a, b) = (generated_password(), generated_password());
        assert_eq!(a.expose().len(), 39);
        assert_ne!(a.expose(), b.expose());
    }
}
