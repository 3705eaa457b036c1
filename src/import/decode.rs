//! Bytes of a page to text: the encoding from a byte-order mark, else UTF-8 when
//! the bytes are valid UTF-8, else the HTML `<meta charset>` declaration, else a
//! guess by `chardetng` (with Polish as the expected language); decoding by
//! `encoding_rs`. Old Polish sites write Windows-1250 and ISO-8859-2; some
//! editors save UTF-16.
//!
//! Limits: a page may have at most [`MAX_PAGE_BYTES`]; larger files are refused
//! with their size rather than read.

use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use regex::bytes::Regex;

/// The largest page the importer reads, in bytes (8 MiB: real municipal pages
/// are under 1 MiB; the bound keeps a hostile file from taking minutes).
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// A page's text and the encoding it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with `\r\n` left as is.
    pub text: String,
    /// The encoding's name (`UTF-8`, `windows-1250`, `ISO-8859-2`, `UTF-16LE`, ...).
    pub encoding: &'static str,
    /// How the encoding was found: `BOM`, `valid UTF-8`, `meta charset`, `detected`.
    pub how: &'static str,
}

/// Why a page's bytes are not text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Nothing but whitespace.
    #[error("empty file")]
    Empty,
    /// Over [`MAX_PAGE_BYTES`].
    #[error("{0} bytes, more than the {MAX_PAGE_BYTES} bytes a page may have")]
    TooLarge(usize),
    /// NUL characters in the decoded text: an image, a PDF, an archive.
    #[error("binary data (NUL bytes), not a text or HTML page")]
    Binary,
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)"#).expect("regex")
});

/// UTF-16 without a byte-order mark: most of the first bytes' odd (LE) or even
/// (BE) positions are NUL, as they are for Latin text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if odd * 10 >= pairs * 6 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 6 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decodes a page's bytes (see the module's documentation for the order).
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.len() > MAX_PAGE_BYTES {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    let (encoding, how) = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, "BOM")
    } else if let Some(enc) = utf16_without_bom(bytes) {
        (enc, "detected")
    } else if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, "valid UTF-8")
    } else if let Some(enc) = META_CHARSET
        .captures(&bytes[..bytes.len().min(4096)])
        .and_then(|c| Encoding::for_label(&c[1]))
        // A page that says UTF-8 but is not is better guessed.
        .filter(|e| *e != UTF_8 && *e != UTF_16LE && *e != UTF_16BE)
    {
        (enc, "meta charset")
    } else {
        let mut det = chardetng::EncodingDetector::new();
        det.feed(bytes, true);
        (det.guess(Some(b"pl"), true), "detected")
    };
    // `decode` removes a BOM of the encoding it was given.
    let (text, _, _) = encoding.decode(bytes);
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    if text.contains('\0') {
        return Err(DecodeError::Binary);
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        how,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_2, WINDOWS_1250};

    const PL: &str =
        "Gminny Ośrodek Pomocy Społecznej w Łące zaprasza na zajęcia. Źródło: urząd gminy, żółć.";

    #[test]
    fn windows_1250_is_detected() {
        let (bytes, _, bad) = WINDOWS_1250.encode(PL);
        assert!(!bad);
        assert!(std::str::from_utf8(&bytes).is_err());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, PL);
        assert_eq!(d.encoding, "windows-1250");
    }

    #[test]
    fn iso_8859_2_from_the_meta_declaration() {
        let page = format!(
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\"></head><body><p>{PL}</p></body></html>"
        );
        let (bytes, _, bad) = ISO_8859_2.encode(&page);
        assert!(!bad);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, page);
        assert_eq!((d.encoding, d.how), ("ISO-8859-2", "meta charset"));
        // The same page declared with <meta charset=...>.
        let page = format!("<meta charset=\"ISO-8859-2\"><p>{PL}</p>");
        let (bytes, _, _) = ISO_8859_2.encode(&page);
        assert_eq!(decode(&bytes).unwrap().text, page);
    }

    #[test]
    fn iso_8859_2_without_a_declaration_is_guessed() {
        // ą, ś, ź differ between ISO-8859-2 and Windows-1250; the guess must
        // read them right.
        let t = "Świetlica środowiskowa w Ząbkach: zajęcia dla dzieci, źródła wsparcia, ślady historii. Gmina prowadzi ją od lat.";
        let (bytes, _, _) = ISO_8859_2.encode(t);
        assert_eq!(decode(&bytes).unwrap().text, t);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let mut le = vec![0xff, 0xfe];
        le.extend(PL.encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PL, "UTF-16LE"));
        let mut be = vec![0xfe, 0xff];
        be.extend(PL.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be).unwrap().text, PL);
        let bare: Vec<u8> = PL.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&bare).unwrap().text, PL);
    }

    #[test]
    fn utf8_stays_utf8_and_bad_input_is_named() {
        let d = decode(PL.as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (PL, "UTF-8"));
        assert_eq!(decode(b" \n\t").unwrap_err(), DecodeError::Empty);
        assert_eq!(
            decode(b"\x89PNG\x00\x00\x00\rIHDR").unwrap_err(),
            DecodeError::Binary
        );
        let big = vec![b'a'; MAX_PAGE_BYTES + 1];
        assert!(matches!(decode(&big), Err(DecodeError::TooLarge(_))));
    }
}
