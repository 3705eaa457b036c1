//! A title read from a page's address, for a page whose text has no heading.
//!
//! News and municipal sites put the article's heading into its address
//! (`/1884-nowa-jakosc-oswietlenia-w-gostyninie`,
//! `/artykul/5374,pierwsza-elektrownia-fotowoltaiczna-w-nowej-suchej`,
//! `/na-gorze-64-panele-n1499274`). When the page's text opens straight with
//! its prose (a saved excerpt, a page whose heading is an image), that slug
//! names it better than its first sentence. The slug's words are taken back to
//! the page's own spelling where the page has them (`oswietlenia` →
//! `oświetlenia`), so the title keeps its diacritics and capitals wherever the
//! page shows them.
//!
//! Read from the address's path only (never its host or query): of its
//! segments, split also at commas (`5374,slug`), the one with the most words
//! is taken; a leading article number (`338-`), a trailing id (`-n1499274`,
//! `-2021092964734`, `kbdb32l`) and a section word (`news-`) are dropped. A
//! slug of fewer than three words, or one that is a site's section
//! (`o-nas`, `aktualnosci`), gives nothing.

use std::collections::HashMap;

use crate::gazetteer::fold;

/// Fewest words a slug needs to be taken as a title.
const MIN_WORDS: usize = 3;

/// Leading words of a slug that name a site's section, not the article (folded).
const SECTION_WORDS: &[&str] = &["news", "artykul", "art", "wiadomosc", "aktualnosc"];

/// A token that is an identifier rather than a word: letters mixed with digits
/// (`n1499274`, `kbdb32l`, `nid`), or a number of more than four digits.
fn is_id(token: &str) -> bool {
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let len = token.chars().count();
    (digits > 0 && digits < len) || (digits == len && len > 4)
}

/// The words of one path segment (hyphens, underscores and pluses separate
/// words; the file extension is dropped), ids and section words trimmed off its
/// ends.
fn words(segment: &str) -> Vec<String> {
    let segment = segment
        .rsplit_once('.')
        .filter(|(_, ext)| {
            ["html", "htm", "php", "aspx", "asp"].contains(&ext.to_ascii_lowercase().as_str())
        })
        .map_or(segment, |(stem, _)| stem);
    let mut w: Vec<String> = segment
        .split(['-', '_', '+', ' '])
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    while w.first().is_some_and(|t| {
        t.chars().all(|c| c.is_ascii_digit())
            || is_id(t)
            || SECTION_WORDS.contains(&fold(t).as_str())
    }) {
        w.remove(0);
    }
    while w.last().is_some_and(|t| is_id(t)) {
        w.pop();
    }
    w
}

/// The title the address `url` carries, spelled as `text` spells its words;
/// `None` when its path has no slug of at least three words with letters.
pub fn title_from_address(url: &str, text: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let path = percent_encoding::percent_decode_str(parsed.path())
        .decode_utf8()
        .ok()?
        .into_owned();
    let best = path
        .split(['/', ','])
        .map(words)
        .filter(|w| w.len() >= MIN_WORDS)
        .filter(|w| {
            w.iter()
                .filter(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic))
                .count()
                >= 2
        })
        .max_by_key(Vec::len)?;
    // The page's own spelling of each folded word: its first form in lower
    // case, else its first form at all (a name written with a capital).
    let mut spelled: HashMap<String, &str> = HashMap::new();
    for token in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let key = fold(token);
        let lower = token.chars().next().is_some_and(char::is_lowercase);
        match spelled.get(&key) {
            Some(seen) if !lower || seen.chars().next().is_some_and(char::is_lowercase) => {}
            _ => {
                spelled.insert(key, token);
            }
        }
    }
    let mut out: Vec<String> = best
        .iter()
        .map(|w| {
            spelled
                .get(&fold(w))
                .map_or_else(|| w.to_lowercase(), |s| (*s).to_string())
        })
        .collect();
    if let Some(first) = out.first_mut() {
        let mut chars = first.chars();
        if let Some(c) = chars.next() {
            *first = c.to_uppercase().chain(chars).collect();
        }
    }
    Some(out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_with_a_leading_number_takes_the_page_spelling() {
        let text = "Około 1600 lamp na terenie Gostynina. Nowa jakość oświetlenia w mieście.";
        assert_eq!(
            title_from_address(
                "https://radio.example/audycje/85-kategorie/wiadomosci/1884-nowa-jakosc-oswietlenia-w-gostyninie",
                text
            )
            .as_deref(),
            Some("Nowa jakość oświetlenia w gostyninie")
        );
    }

    #[test]
    fn names_keep_their_capitals_from_the_page() {
        let text = "Panele stanęły w Nowej Suchej.";
        assert_eq!(
            title_from_address(
                "https://radio.example/artykul/5374,pierwsza-elektrownia-fotowoltaiczna-w-nowej-suchej",
                text
            )
            .as_deref(),
            Some("Pierwsza elektrownia fotowoltaiczna w Nowej Suchej")
        );
    }

    #[test]
    fn trailing_ids_and_section_words_are_dropped() {
        assert_eq!(
            title_from_address(
                "https://kurier.example/artykul/na-gorze-64-panele-n1499274",
                ""
            )
            .as_deref(),
            Some("Na gorze 64 panele")
        );
        assert_eq!(
            title_from_address(
                "https://fakt.example/wydarzenia/polska/poznan/wstyd-w-poznaniu-przez-2-lata/kbdb32l",
                ""
            )
            .as_deref(),
            Some("Wstyd w poznaniu przez 2 lata")
        );
        assert_eq!(
            title_from_address(
                "https://rmf.example/regiony/news-byl-dmuchany-jez-jest,nId,7937749",
                ""
            )
            .as_deref(),
            Some("Byl dmuchany jez jest")
        );
        assert_eq!(
            title_from_address(
                "https://kurek.example/stacje-do-modernizacji-2021092964734",
                ""
            )
            .as_deref(),
            Some("Stacje do modernizacji")
        );
    }

    #[test]
    fn percent_encoded_letters_are_read() {
        assert_eq!(
            title_from_address(
                "https://gmina.example/aktualno%C5%9Bci/remont-drogi-w-%C5%81%C4%85ce",
                ""
            )
            .as_deref(),
            Some("Remont drogi w łące")
        );
    }

    #[test]
    fn addresses_without_a_slug_give_nothing() {
        for url in [
            "https://bip.example/?a=10140",
            "https://cus.example/o-nas/",
            "https://kohesio.example/en/projects/Q114051",
            "https://gmina.example/index.php?id=12",
            "https://gmina.example/aktualnosci/2021/05/1234.html",
            "not an address",
        ] {
            assert_eq!(title_from_address(url, ""), None, "{url}");
        }
    }
}
