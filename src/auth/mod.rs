//! Accounts' secrets and a request's credentials, without HTTP types: the
//! edge (`api`) hands in header values as text and turns the answers into
//! status codes.
//!
//! ```text
//! password.rs   Argon2id hashes of passwords: hash, verify, a dummy verify
//! secret.rs     random 256-bit secrets (API tokens, session ids), stored as SHA-256
//! session.rs    the session cookie: its name, attributes, reading it back
//! csrf.rs       the session-bound CSRF token, the Origin / Sec-Fetch-Site rule
//! throttle.rs   sign-in failures per IP and per account: growing delays, bounded memory
//! credential.rs which credential a request carries (bearer token or session cookie)
//! ```
//!
//! Nothing here logs a password, a token or a session id: the secret types
//! print as `[redacted]` in `Debug`, and only their SHA-256 leaves this module
//! towards storage.

/// The request's credential: a bearer token or the session cookie.
pub mod credential;
/// Session-bound CSRF tokens and the cross-origin rule for cookie-authenticated writes.
pub mod csrf;
/// Argon2id password hashes.
pub mod password;
/// Random 256-bit secrets shown once and stored as their SHA-256.
pub mod secret;
/// The session cookie's name, attributes and parsing.
pub mod session;
/// Sign-in attempts limited per IP and per account, with bounded memory.
pub mod throttle;

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
