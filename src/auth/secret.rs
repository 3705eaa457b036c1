//! Random 256-bit secrets: API tokens (`mp_…`, shown once), session ids
//! (`ms_…`, in the cookie) and invitation links (`mi_…`, used once). Only
//! their SHA-256 is stored: the secrets have 256 bits of entropy, so a fast
//! hash is right for them (a password is not, see `password`), and a leaked
//! table of hashes signs nobody in.

use std::fmt;

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a secret is for; each kind has its own visible prefix, so a token
/// pasted into the wrong place (or found in a leak scan) says what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An API token for scripts and GIS clients (`Authorization: Bearer mp_…`).
    Token,
    /// A signed-in browser's session id (the session cookie).
    Session,
    /// An invitation's one-time link (`#zaproszenie=mi_…`).
    Invite,
}

impl Kind {
    /// The prefix the secret's text starts with.
    pub const fn prefix(self) -> &'static str {
        match self {
            Kind::Token => "mp_",
            Kind::Session => "ms_",
            Kind::Invite => "mi_",
        }
    }
}

/// Random bytes in a secret.
pub const SECRET_BYTES: usize = 32;

/// A secret's text: the prefix and 64 lowercase hex digits. `Debug` and
/// `Display` print `[redacted]`; [`Secret::expose`] is the one way to the text,
/// for the single answer that shows it (and the cookie).
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

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The SHA-256 of a secret's text, as 64 lowercase hex digits: what storage
/// keeps and looks up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretHash(String);

impl SecretHash {
    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two hashes are equal, in time independent of where they differ.
    pub fn same(&self, other: &SecretHash) -> bool {
        same(&self.0, &other.0)
    }
}

impl Secret {
    /// A new secret of `kind` from the operating system's random source.
    ///
    /// # Panics
    /// When the operating system has no random source to give (the process
    /// cannot make any secret safely then).
    pub fn generate(kind: Kind) -> Secret {
        let mut bytes = [0u8; SECRET_BYTES];
        OsRng
            .try_fill_bytes(&mut bytes)
            .expect("the operating system's random source failed");
        let mut text = String::with_capacity(kind.prefix().len() + 2 * SECRET_BYTES);
        text.push_str(kind.prefix());
        text.push_str(&hex(&bytes));
        Secret { text, kind }
    }

    /// A presented secret of `kind` (from a header or a cookie), when it has the
    /// exact form [`Secret::generate`] makes; `None` otherwise, so malformed
    /// input never reaches storage.
    pub fn parse(kind: Kind, presented: &str) -> Option<Secret> {
        let digits = presented.strip_prefix(kind.prefix())?;
        let well_formed = digits.len() == 2 * SECRET_BYTES
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| Secret {
            text: presented.to_string(),
            kind,
        })
    }

    /// The secret's text: only for the one answer that shows it, or the cookie.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// What the secret is for.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The SHA-256 of the text, for storage.
    pub fn hash(&self) -> SecretHash {
        SecretHash(hex(&Sha256::digest(self.text.as_bytes())))
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Whether `a` and `b` are equal, in time that depends only on their lengths.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_have_their_form_and_differ() {
        let a = Secret::generate(Kind::Token);
        let b = Secret::generate(Kind::Token);
        assert_ne!(a, b);
        assert!(a.expose().starts_with("mp_"));
        assert_eq!(a.expose().len(), 3 + 64);
        assert_eq!(Secret::parse(Kind::Token, a.expose()), Some(a.clone()));
        let s = Secret::generate(Kind::Session);
        assert!(s.expose().starts_with("ms_"));
    }

    #[test]
    fn malformed_or_wrong_kind_secrets_are_not_read() {
        let t = Secret::generate(Kind::Token);
        assert_eq!(Secret::parse(Kind::Session, t.expose()), None);
        for bad in [
            "",
            "mp_",
            "mp_0123",
            &t.expose().to_uppercase(),
            &format!("{}0", t.expose()),
            &t.expose().replace("mp_", "mp-"),
            "mp_' OR '1'='1' --000000000000000000000000000000000000000000000000000",
        ] {
            assert_eq!(Secret::parse(Kind::Token, bad), None, "{bad}");
        }
    }

    #[test]
    fn the_hash_is_sha256_hex_of_the_text() {
        // Known answer: SHA-256 of "mp_" followed by 64 zeros.
        let s = Secret::parse(Kind::Token, &format!("mp_{}", "0".repeat(64))).unwrap();
        let h = s.hash();
        assert_eq!(
            h.as_str(),
            "8a9ecad1266bc34dc50f08f9df7c265acf1496247ff08fc0786cd4a161f34388"
        );
        assert!(h.same(&s.hash()));
        assert!(!h.same(&Secret::generate(Kind::Token).hash()));
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::generate(Kind::Session);
        let shown = format!("{s:?} {s}");
        assert!(!shown.contains(&s.expose()[3..]), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn same_compares_whole_strings() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert!(same("", ""));
    }
}
