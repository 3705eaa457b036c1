//! The rule of the free-text filter (`q`), shared word for word with the map
//! page's `static/js/text.js`: both sides are tested on `tests/fixtures/text_match.json`.
//!
//! Text and query are folded ([`crate::gazetteer::fold`]: compatibility forms
//! as NFKC, so full-width "ＫＲＡＫÓＷ" is "krakow"; lower case, no diacritics). Each query word is cut to its stem (a Polish inflectional or
//! `-ość` ending removed, at least four letters kept), and a practice matches
//! when its folded text contains the stem of every query word. So "bezdomność"
//! finds "bezdomne matki", "osiedle Sitowie" finds "osiedla Sitowie", and a
//! plain part of a word ("Krak") still finds "Kraków".

use crate::gazetteer::fold;

/// Endings cut from a query word, longest first; the first that leaves at least
/// [`MIN_STEM`] letters is removed.
const SUFFIXES: &[&str] = &[
    "osciami", "osciach", "osciom", "oscia", "osci", "osc", "iami", "iach", "iego", "iemu", "ami",
    "ach", "ego", "emu", "ymi", "imi", "ych", "ich", "iom", "owi", "iej", "om", "ow", "ej", "ym",
    "im", "em", "ie", "ia", "iu", "a", "e", "i", "o", "u", "y",
];

/// The fewest letters a stem keeps.
const MIN_STEM: usize = 4;

/// The stem of one folded word: without its ending, or the word itself when it
/// is short, holds a digit or has no known ending.
pub fn stem(word: &str) -> &str {
    if !word.chars().all(char::is_alphabetic) {
        return word;
    }
    for s in SUFFIXES {
        if let Some(rest) = word.strip_suffix(s)
            && rest.chars().count() >= MIN_STEM
        {
            return rest;
        }
    }
    word
}

/// The stems a query looks for: its folded words (runs of letters and digits), stemmed.
pub fn query_stems(q: &str) -> Vec<String> {
    fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stem(w).to_string())
        .collect()
}

/// The folded text a practice is searched in, from its parts.
pub fn search_text<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut s = String::new();
    for part in parts {
        s.push_str(&fold(part));
        s.push(' ');
    }
    s
}

/// Whether a folded text holds every stem.
pub fn matches(stems: &[String], text: &str) -> bool {
    stems.iter().all(|s| text.contains(s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        query: String,
        text: String,
        matches: bool,
    }

    /// The cases shared with the page's tests (`tests/js/text.test.mjs`).
    #[test]
    fn shared_cases_match_as_on_the_page() {
        let cases: Vec<Case> =
            serde_json::from_str(include_str!("../tests/fixtures/text_match.json")).unwrap();
        assert!(cases.iter().any(|c| c.matches) && cases.iter().any(|c| !c.matches));
        for c in cases {
            let got = matches(&query_stems(&c.query), &search_text([c.text.as_str()]));
            assert_eq!(got, c.matches, "{:?} in {:?}", c.query, c.text);
        }
    }

    #[test]
    fn stems_keep_four_letters_and_digits_whole() {
        assert_eq!(stem("bezdomnosc"), "bezdomn");
        assert_eq!(stem("osiedla"), "osiedl");
        assert_eq!(stem("nowa"), "nowa");
        assert_eq!(stem("41300a"), "41300a");
        assert_eq!(query_stems("Bezdomność, 500+"), ["bezdomn", "500"]);
    }
}
