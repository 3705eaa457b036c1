//! Random 256-bit secrets: API tokens (`mp_…`, shown once). Only their
//! SHA-256 is stored: with 256 bits of entropy a fast hash is right for them.

use std::fmt;

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// What a secret is for; each kind has its own visible prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An API token for scripts and GIS clients (`Authorization: Bearer mp_…`).
    Token,
    /// A signed-in browser's session id.
    Session,
}

impl Kind {
    /// The prefix the secret's text starts with.
    pub const fn prefix(self) -> &'static str {
        match self {
            Kind::Token => "mp_",
            Kind::Session => "ms_",
        }
    }
}

/// Random bytes in a secret.
pub const SECRET_BYTES: usize = 32;

/// A secret's text: the prefix and 64 lowercase hex digits; printed as
/// `[redacted]`, [`Secret::expose`] is the one way to the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    text: String,
    kind: Kind,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({:?}, [redacted])", self.kind)
    }
}

/// The SHA-256 of a secret's text, as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretHash(String);

impl SecretHash {
    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Secret {
    /// A new secret of `kind` from the operating system's random source.
    ///
    /// # Panics
    /// When the operating system has no random source to give.
    pub fn generate(kind: Kind) -> Secret {
        let mut bytes = [0u8; SECRET_BYTES];
        OsRng
            .try_fill_bytes(&mut bytes)
            .expect("the operating system's random source failed");
        Secret {
            text: format!("{}{}", kind.prefix(), hex(&bytes)),
            kind,
        }
    }

    /// The secret's text: only for the one answer that shows it.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The SHA-256 of the text, for storage.
    pub fn hash(&self) -> SecretHash {
        SecretHash(hex(&Sha256::digest(self.text.as_bytes())))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let a = Secret::generate(Kind::Token);
        let b = Secret::generate(Kind::Token);
        assert!(a.expose().starts_with("mp_") && a.expose().len() == 3 + 64);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.hash().as_str().len(), 64);
        assert_eq!(a.hash(), a.clone().hash());
        assert!(!format!("{a:?}").contains(&a.expose()[3..]));
    }
}
