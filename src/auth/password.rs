//! Passwords hashed with Argon2id (RFC 9106) in the PHC string format, with
//! the library's defaults and a random 128-bit salt per hash.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::AuthError;

/// The fewest characters a new password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The most bytes a password may have.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The Argon2id hash of a new `password` (PHC string, `$argon2id$v=19$…`).
pub fn hash(password: &str) -> Result<String, AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AuthError::PasswordTooLong {
            max: MAX_PASSWORD_BYTES,
        });
    }
    let mut salt = [0u8; 16];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut salt)
        .map_err(|e| AuthError::Hash(format!("no random salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches `hash` (a PHC string from [`hash`]).
pub fn verify(password: &str, hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_short_passwords_are_refused() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterx", &h));
        assert!(!verify("anything", "not a hash"));
        assert_eq!(
            hash("short"),
            Err(AuthError::PasswordTooShort {
                min: MIN_PASSWORD_CHARS
            })
        );
    }
}
