//! Accounts' secrets, without HTTP types. This is the part the command line
//! needs (`user add`, `token add`); the sign-in, sessions, CSRF and throttle
//! live beside it. The store keeps only what these functions hash.

/// Argon2id password hashes.
pub mod password;
/// Random 256-bit secrets shown once and stored as their SHA-256.
pub mod secret;

/// What went wrong with a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// The password is shorter than [`password::MIN_PASSWORD_CHARS`].
    #[error("the password is too short: at least {min} characters")]
    PasswordTooShort {
        /// The least number of characters.
        min: usize,
    },
    /// The password is longer than [`password::MAX_PASSWORD_BYTES`].
    #[error("the password is too long: at most {max} bytes")]
    PasswordTooLong {
        /// The most bytes.
        max: usize,
    },
    /// The hashing library failed (never seen with valid parameters).
    #[error("password hashing failed: {0}")]
    Hash(String),
}
