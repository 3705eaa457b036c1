//! A summary: the first meaningful sentences of the article. Menu debris
//! (`Z prac Gminy Dofinansowanie … 13:30Dodano prze`), dates, times, bylines
//! (`Dodano przez`, `Autor:`), breadcrumbs (`Start » Aktualności`), view
//! counters and image names are left out, as are sentences without enough
//! words in lower case to be prose. Sentences are taken until the summary holds
//! [`TARGET_CHARS`], and it is cut at a word at [`MAX_CHARS`].

use std::sync::LazyLock;

use regex::Regex;

use crate::gazetteer::fold;
use crate::import::text::sentences;

/// A summary stops taking sentences once it holds this many characters.
pub const TARGET_CHARS: usize = 200;

/// The longest summary, in characters.
pub const MAX_CHARS: usize = 500;

/// Debris inside a sentence: a time, a date, a byline, a counter.
static DEBRIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b\d{1,2}:\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|dodano\s+prze|dodane\s+prze|opublikowan\p{L}*\s*:|autor\s*:|wyświetle\p{L}*\s*:?\s*\d|odsłon\p{L}*\s*:?\s*\d|czytaj\s+(?:więcej|dalej)|\s[»|>]\s|\.(?:jpe?g|png|gif|pdf)\b|udostępnij|drukuj|powrót",
    )
    .expect("regex")
});

/// Whether a sentence reads as prose: enough words, most of them in lower
/// case, no debris.
fn is_prose(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() < 6 || DEBRIS.is_match(s) {
        return false;
    }
    let lower = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    if lower * 3 < words.len() {
        return false;
    }
    let f = fold(s);
    !super::super::title::is_chrome(s) && !f.starts_with("fot") && !f.starts_with("zdj")
}

/// The summary of prose paragraphs (see the module's documentation); the
/// first paragraph, shortened, when no sentence reads as prose.
pub fn summary(paragraphs: &[String]) -> String {
    let mut out = String::new();
    'paragraphs: for p in paragraphs {
        for s in sentences(p) {
            if !is_prose(s) {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(s.trim());
            if out.chars().count() >= TARGET_CHARS {
                break 'paragraphs;
            }
        }
    }
    if out.is_empty() {
        out = paragraphs.first().cloned().unwrap_or_default();
    }
    super::super::title::shorten(&out, MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debris_is_left_out() {
        let paragraphs = vec![
            "Z prac Gminy Dofinansowanie 12.05.2022 13:30 Dodano przez: Redakcja".to_string(),
            "Gmina otrzymała dofinansowanie na budowę kanalizacji w Lipnicy. Prace ruszą wiosną i potrwają do końca roku, a mieszkańcy podłączą się bezpłatnie. Trzecie zdanie o szczegółach umowy z wykonawcą, które dopełnia obraz całej inwestycji w gminie.".to_string(),
        ];
        let s = summary(&paragraphs);
        assert!(s.starts_with("Gmina otrzymała dofinansowanie"), "{s}");
        assert!(!s.contains("13:30"), "{s}");
        assert!(s.contains("Prace ruszą wiosną"), "{s}");
        assert!(s.chars().count() <= MAX_CHARS + 1);
    }

    #[test]
    fn a_page_without_prose_keeps_its_first_paragraph() {
        assert_eq!(
            summary(&["Start » Aktualności".to_string()]),
            "Start » Aktualności"
        );
    }
}
