//! Polish postal codes (`NN-NNN`): the one parser and the one writer, used by
//! the gazetteer, the page readers and the CSV store alike.

use std::fmt;

/// A Polish postal code, `NN-NNN`, held as its five digits (`32-600` is 32600).
///
/// ```
/// use mapa_praktyk::gazetteer::PostalCode;
/// let pc = PostalCode::parse("32-600").unwrap();
/// assert_eq!(pc.number(), 32600);
/// assert_eq!(pc.to_string(), "32-600");
/// assert_eq!(PostalCode::parse("32600"), None);
/// assert_eq!(PostalCode::parse("3-2600"), None);
/// assert_eq!(PostalCode::parse("32-60a"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostalCode(u32);

impl PostalCode {
    /// Reads exactly `NN-NNN`: two ASCII digits, a dash, three ASCII digits.
    /// Anything else (spaces, another length, a missing dash) is `None`.
    pub fn parse(text: &str) -> Option<PostalCode> {
        let b = text.as_bytes();
        if b.len() != 6 || b[2] != b'-' {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in b.iter().enumerate() {
            if i == 2 {
                continue;
            }
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        Some(PostalCode(n))
    }

    /// The code whose five digits are `n` (`32600` is `32-600`); `n` is below 100,000.
    pub(crate) const fn from_number(n: u32) -> PostalCode {
        debug_assert!(n < 100_000);
        PostalCode(n)
    }

    /// The five digits as a number (`32-600` is 32600).
    pub const fn number(self) -> u32 {
        self.0
    }
}

impl fmt::Display for PostalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:03}", self.0 / 1000, self.0 % 1000)
    }
}
