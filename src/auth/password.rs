//! Passwords hashed with Argon2id (RFC 9106) in the PHC string format, with
//! the library's defaults (19 MiB, 2 passes, 1 lane: OWASP's recommended
//! minimum) and a random 128-bit salt per hash. The parameters travel in the
//! string, so hashes made with other parameters keep verifying.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::AuthError;

/// The fewest characters a new password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The most bytes a password may have: longer input is refused before any
/// hashing work (a sign-in form is not a way to make the server hash megabytes).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The Argon2id hash of a new `password` (PHC string, `$argon2id$v=19$…`).
/// Refuses passwords shorter than [`MIN_PASSWORD_CHARS`] characters or longer
/// than [`MAX_PASSWORD_BYTES`] bytes.
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
    let mut salt_bytes = [0u8; 16];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut salt_bytes)
        .map_err(|e| AuthError::Hash(format!("no random salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches `hash` (a PHC string from [`hash`]). A hash that
/// cannot be read, or a password over [`MAX_PASSWORD_BYTES`], never matches.
pub fn verify(password: &str, hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Does the work of one [`verify`] against a hash nobody's password matches,
/// and returns `false`: a sign-in for an unknown e-mail takes as long as one
/// with a wrong password, so timing does not tell which e-mails have accounts.
pub fn verify_nobody(password: &str) -> bool {
    static NOBODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = NOBODY.get_or_init(|| {
        // A fresh random secret nobody is told: no password matches it.
        hash(super::secret::Secret::generate(super::secret::Kind::Token).expose())
            .unwrap_or_default()
    });
    std::hint::black_box(verify(password, hash));
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("", &h));
    }

    #[test]
    fn each_hash_has_its_own_salt() {
        let a = hash("the same password").unwrap();
        let b = hash("the same password").unwrap();
        assert_ne!(a, b);
        assert!(verify("the same password", &a) && verify("the same password", &b));
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert_eq!(
            hash("short"),
            Err(AuthError::PasswordTooShort {
                min: MIN_PASSWORD_CHARS
            })
        );
        // Characters, not bytes: ten Polish letters are enough.
        assert!(hash("żółćżółćżó").is_ok());
        let huge = "a".repeat(MAX_PASSWORD_BYTES + 1);
        assert_eq!(
            hash(&huge),
            Err(AuthError::PasswordTooLong {
                max: MAX_PASSWORD_BYTES
            })
        );
    }

    #[test]
    fn unreadable_hashes_and_unknown_accounts_never_match() {
        assert!(!verify("anything at all", ""));
        assert!(!verify("anything at all", "plain text"));
        assert!(!verify("anything at all", "$argon2id$v=19$broken"));
        assert!(!verify_nobody("anything at all"));
    }
}
