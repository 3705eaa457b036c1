//! The title of a page without a metryka, in order of preference:
//!
//! 1. the page's heading when it reads as a title: the first substantial line
//!    after the site's chrome (menus, breadcrumbs, datelines, bylines, stamps,
//!    addresses, calendar rows, image names, cookie notes, banners, the site's
//!    own name), at most 16 words, not a sentence, not a generic
//!    `Podsumowanie …`; readers title a news page by its heading rather than by
//!    a project it mentions;
//! 2. a project's name in quotes after a word that introduces one (`projekt`,
//!    `program`, `zadanie`, `pn.`, `pt.`, `pod nazwą`, `pod tytułem`, …), in
//!    any quote style: `„…”`, `"…"`, `“…”`, `,,…''`, `''…''`, `«…»`, `'…'`,
//!    mismatched pairs, and `?…?` where a page's quotes were garbled;
//! 3. a name after such a word and a colon (`na zadanie: Budowa …`);
//! 4. the page's heading that reads as a sentence;
//! 5. any other quoted name that is not an organisation's (`Stowarzyszenie „…”`);
//! 6. the first sentence of the prose, shortened at a word.
//!
//! Lines in capitals (`PROJEKTY`, `OTWARTE SERCE`) are section or site headings
//! and never a title, unless a line in lower case continues them
//! (`LABORATORIUM PRZYSZŁOŚCI` / `w Szkole Podstawowej nr 97`); a quoted name
//! after an association's word is the association's name, not the practice's.

use std::sync::LazyLock;

use regex::Regex;

use crate::gazetteer::fold;

/// The longest title kept, in characters; longer ones are cut at a word.
pub const MAX_TITLE_CHARS: usize = 160;

/// Opening and closing quote marks: „ “ ” " ,, '' « » ‘ ’ ' in any pairing.
static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:„|“|”|"|,,|''|«|»|‘|’|'|\?)([^„“”"«»'‘’?\n]{1,200})(?:”|“|"|''|»|«|’|‘|'|„|\?)"#,
    )
    .expect("regex")
});

/// Words that introduce a project's name (folded, so `pn.` stays `pn`).
const PROJECT_WORDS: &[&str] = &[
    "projekt",
    "program",
    "zadani",
    "pn",
    "pt",
    "nazwa",
    "nazwie",
    "nazwą",
    "tytul",
    "haslem",
    "inicjatyw",
    "konkurs",
    "akcj",
    "przedsiewzieci",
    "kampani",
    "modul",
    "edycj",
    "grant",
];

/// Words that make a following quoted name an organisation's (folded prefixes).
const ORGANISATION_WORDS: &[&str] = &[
    "stowarzyszeni",
    "fundacj",
    "spoldzielni",
    "towarzystw",
    "zwiazk",
    "zwiazek",
    "klub",
    "kolo",
    "kola",
    "zespol",
    "parafi",
    "spolk",
    "firm",
    "grup",
    "osrod",
    "hotel",
    "restaurac",
    "sklep",
    "gazet",
    "portal",
    "radi",
    "telewizj",
];

/// Line starts that are a site's chrome, folded.
const CHROME_STARTS: &[&str] = &[
    "strona glowna",
    "start",
    "skip to",
    "przejdz do",
    "dzisiaj jest",
    "dzis jest",
    "imieniny",
    "zamiescil",
    "opublikowano",
    "autor",
    "kategoria",
    "data publikacji",
    "data dodania",
    "dodano",
    "ten artykul przeczytasz",
    "reklama",
    "wyszukiwarka",
    "szukaj",
    "menu",
    "zaloguj",
    "drukuj",
    "udostepnij",
    "image",
    "zdjecie",
    "foto",
    "fot",
    "logo",
    "jestes tutaj",
    "twoja przegladarka",
    "pokaz modul",
    "skroty klawiszowe",
    "wersja",
    "kontakt",
    "komentarz",
    "czytaj",
    "powrot",
    "wstecz",
    "tagi",
    "aktualnosci",
    "wazne aktualnosci",
    "najnowsze",
    "rotator",
    "wybor",
    "bip",
    "tresc strony",
    "zawartosc strony",
    "nawigacja",
    "mapa strony",
    "zdj",
    "inf",
    "zrodlo",
    "na podstawie",
    "date",
    "utworzono",
    "utworzone",
    "zmodyfikowano",
    "zaktualizowano",
    "aktualizacja",
    "ostatnia modyfikacja",
    "data utworzenia",
    "data modyfikacji",
    "dodane przez",
    "posted",
    "odslon",
    "wyswietlen",
    "powrot na gore",
    "zobacz tez",
    "zobacz rowniez",
    "galeria",
    "ul",
    "al",
    "tel",
    "fax",
    "e-mail",
    "email",
    "nip",
    "regon",
    "godziny otwarcia",
    "godziny pracy",
    "odslony",
    "wyswietlenia",
    "informacje dodatkowe",
    "biuletyn informacji publicznej",
    "obraz",
    "grafika",
    "ilustracja",
    "podpis",
    "metryczka",
    "rejestr zmian",
    "historia zmian",
    "ogloszenia",
    "newsletter",
    "pobierz",
    "zalacznik",
    "zalaczniki",
    "dostepnosc",
    "deklaracja dostepnosci",
    "urzad czynny",
    "kasa czynna",
    "godziny urzedowania",
    "badz na biezaco",
    "zapisz sie",
];

/// Words inside a line that make it chrome, folded.
const CHROME_WORDS: &[&str] = &[
    "cookie",
    "ciastecz",
    "rodo",
    "polityka prywatnosci",
    "pasek na kartach",
    "adres e-mail",
    "newsletter",
    "pole wymagane",
    "zadaj pytanie",
    "baner",
    "banner",
];

/// A byline: `przez Jan Kowalski`, `by admin`, `Dodano przez …`.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:przez|by|(?i:dodano|dodał\p{L}*|napisał\p{L}*|wysłane|opublikował\p{L}*)\s+przez)\s+\S+").expect("regex")
});

/// Weekdays, folded: a line starting with one and holding a digit is a dateline.
const WEEKDAYS: &[&str] = &[
    "poniedzialek",
    "wtorek",
    "sroda",
    "czwartek",
    "piatek",
    "sobota",
    "niedziela",
];

/// A time, a date or a postal code inside a short line (a byline, a
/// dateline, an address): `13:30`, `04-10-2021`, `12.05.2021`, `32-600`.
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bdnia\s+\d|\b\d{1,2}:\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}(?:-\d{2})?\b|\b\d{2}-\d{3}\b")
        .expect("regex")
});

/// Leading markers that are not part of a heading: bullets, numbering, `Image`.
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[•·|\-–—*>».,;:^↑]+\s*|(?:[IVX]{1,4}|\d{1,2})[.)]\s+|(?:Image|Zdjęcie|Foto)\s+)+",
    )
    .expect("regex")
});

static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\(?\s*(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+\p{L}+\s+\d{4})",
    )
    .expect("regex")
});

static FILE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\.(?:png|jpe?g|gif|svg|webp|bmp|pdf|docx?)\b").expect("regex")
});

/// Name after a project word and a colon: `na zadanie: Budowa drogi w Lipnicy.`
/// The word before the keyword is captured to tell a role (`Koordynator
/// projektu: Anna Nowak`) from a name.
static AFTER_COLON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\p{L}*)\s+(?:projekt\p{L}*|program\p{L}*|zadani\p{L}*|pn\.|pt\.)\s*:\s*(\p{Lu}[^.:;!?\n]{8,200})")
        .expect("regex")
});

/// Words before `projektu:` that make what follows a person, a date or a sum.
const ROLE_WORDS: &[&str] = &[
    "koordynator",
    "kierownik",
    "lider",
    "opiekun",
    "asystent",
    "partner",
    "uczestni",
    "biuro",
    "wartosc",
    "koszt",
    "okres",
    "termin",
    "numer",
    "nr",
    "cel",
    "budzet",
    "czas",
    "realizator",
    "beneficjent",
];

fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphabetic()).count()
}

/// Whether a line is in capitals (a section or site heading).
pub fn is_all_caps(s: &str) -> bool {
    let (up, low) = s
        .chars()
        .filter(|c| c.is_alphabetic())
        .fold((0, 0), |(u, l), c| {
            if c.is_uppercase() {
                (u + 1, l)
            } else {
                (u, l + 1)
            }
        });
    up >= 3 && low * 5 < up
}

/// Whether a line is a site's chrome rather than content.
pub fn is_chrome(line: &str) -> bool {
    let f = fold(line);
    if f.is_empty() {
        return true;
    }
    CHROME_STARTS
        .iter()
        .any(|c| f == *c || f.starts_with(&format!("{c} ")) || f.starts_with(&format!("{c}:")))
        || CHROME_WORDS.iter().any(|w| {
            f.match_indices(w).any(|(i, _)| {
                f[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
            })
        })
        || DATE_LINE.is_match(line.trim()) && line.chars().count() < 60
        || STAMP.is_match(line) && line.split_whitespace().count() <= 8
        || BYLINE.is_match(line.trim())
        || WEEKDAYS.iter().any(|d| f.starts_with(d)) && line.chars().any(|c| c.is_ascii_digit())
        || FILE_NAME.is_match(line) && line.split_whitespace().count() <= 3
        || line.contains(" » ")
        || line.contains(" > ")
        || line.matches(" | ").count() >= 2
        || line.matches(" / ").count() >= 2
        || is_calendar(line)
        || is_file_list(line)
}

/// Whether a line is a calendar widget's row: five or more tokens, each a
/// number or an abbreviation of up to three letters (`Pn Wt Śr Cz Pt So Nd`).
fn is_calendar(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    tokens.len() >= 5 && tokens.iter().all(|t| t.chars().count() <= 3)
}

/// Whether a line is a list of image or file names (`foto1 foto2 foto3`):
/// three or more tokens, each holding a digit.
fn is_file_list(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    tokens.len() >= 3 && tokens.iter().all(|t| t.chars().any(|c| c.is_ascii_digit()))
}

/// Cuts text at a word to at most `max` characters, adding `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let at = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    format!(
        "{}…",
        cut[..at].trim_end_matches([',', ';', ':', '-', '–', ' '])
    )
}

fn words_before(text: &str, at: usize, n: usize) -> Vec<String> {
    // At most the 300 bytes before the quote: bounded work however long the line.
    let mut from = at.saturating_sub(300);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..at];
    // Only within the sentence (or line) of the quote.
    static SENTENCE_END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[.!?]\s+\p{Lu}|\n").expect("regex"));
    let start = SENTENCE_END
        .find_iter(before)
        .last()
        .map_or(0, |m| m.start() + 1);
    before[start..]
        .split_whitespace()
        .rev()
        .take(n)
        .map(fold)
        .collect()
}

/// A quoted name found in the text, with what precedes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Quoted {
    name: String,
    /// A project word precedes it closely.
    after_project_word: bool,
    /// An organisation's word precedes it.
    organisation: bool,
    /// Its quotes were question marks (a garbled page).
    garbled: bool,
}

fn quoted_names(text: &str) -> Vec<Quoted> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(c) = QUOTED.captures_at(text, pos) {
        let whole = c.get(0).expect("match");
        let open_len = whole.as_str().chars().next().map_or(1, char::len_utf8);
        match judge(text, whole.start(), whole.end(), &c[1]) {
            Some(q) => {
                out.push(q);
                pos = whole.end();
            }
            // Not a quoted name: the opening mark may be an apostrophe or a
            // question mark; look again from the next character.
            None => pos = whole.start() + open_len,
        }
    }
    out
}

fn judge(text: &str, start: usize, end: usize, inner: &str) -> Option<Quoted> {
    let whole = &text[start..end];
    let name = inner.trim().trim_end_matches([',', '.', ';', ':']).trim();
    let garbled = whole.starts_with('?');
    if letters(name) < 3 || name.split_whitespace().count() > 25 {
        return None;
    }
    // A mark inside a word is an apostrophe (`Kowalski's`), not a quote.
    let glued_before = text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let glued_after = text[end..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric);
    if glued_before || glued_after {
        return None;
    }
    let before = words_before(text, start, 7);
    let position = |words: &[&str]| {
        before
            .iter()
            .position(|w| words.iter().any(|p| w.starts_with(p)))
    };
    let project = position(PROJECT_WORDS);
    let organisation = position(ORGANISATION_WORDS);
    let after_project_word = match (project, organisation) {
        (Some(p), Some(o)) => p < o,
        (Some(_), None) => true,
        _ => false,
    };
    let organisation = organisation.is_some() && !after_project_word;
    // Garbled quotes are taken only where a project word says a name follows.
    if garbled && !after_project_word {
        return None;
    }
    // A quotation from a speech starts in lower case or ends a sentence.
    if !after_project_word
        && (!name.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            || name.contains(". "))
    {
        return None;
    }
    Some(Quoted {
        name: name.to_string(),
        after_project_word,
        organisation,
        garbled,
    })
}

/// Whether a heading reads as a page's title: at most 16 words, not a
/// sentence (no sentence ends inside it, no full stop at its end).
fn is_strong_heading(h: &str) -> bool {
    static INNER_END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\p{Ll}{3}[.!?]\s+\p{Lu}").expect("regex"));
    /// Words that open a report's or a notice's generic heading, folded.
    const GENERIC: &[&str] = &[
        "podsumowanie",
        "sprawozdanie",
        "informacja",
        "komunikat",
        "aktualnosci",
    ];
    let h = h.trim();
    let first = fold(h.split_whitespace().next().unwrap_or_default());
    h.split_whitespace().count() <= 16
        && !INNER_END.is_match(h)
        && !h.ends_with('.')
        && !GENERIC
            .iter()
            .any(|g| first.trim_end_matches(['-', ':']) == *g)
}

/// The heading: the first substantial line after the chrome, before the prose.
/// A heading broken over two lines (the second starting in lower case) is joined.
pub fn heading(lines: &[&str], is_site_name: impl Fn(&str) -> bool) -> Option<String> {
    heading_as_written(lines, is_site_name).map(|h| {
        let h = h.trim_end_matches([' ', '.', ':']).trim();
        shorten(h, MAX_TITLE_CHARS)
    })
}

/// The heading as the page writes it, with its final stop.
fn heading_as_written(lines: &[&str], is_site_name: impl Fn(&str) -> bool) -> Option<String> {
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].trim();
        i += 1;
        let line = LEAD.replace(raw, "");
        let line = line.trim();
        if line.is_empty() || is_chrome(line) {
            continue;
        }
        let words = line.split_whitespace().count();
        if words > 25 {
            // The prose has begun: the page has no heading.
            return None;
        }
        // The next line with words, which may continue this one.
        let next = lines[i..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .filter(|n| n.starts_with(char::is_lowercase) && !is_chrome(n));
        // A site's name (`Wójt Gminy Strawczyn`) is the heading only when a
        // line in lower case continues it (`zawiadamia o rozpoczęciu …`).
        let site = is_site_name(line) || {
            let half: String = line.chars().take(line.chars().count() / 2).collect();
            is_site_name(half.trim())
        };
        // A heading in capitals continued in lower case (`LABORATORIUM
        // PRZYSZŁOŚCI` / `w Szkole Podstawowej nr 97` / `we Wrocławiu`) is one.
        if is_all_caps(line) && letters(line) >= 8 && !site {
            if let Some(next) = next {
                let mut h = format!("{line} {next}");
                let after: Vec<&str> = lines[i..]
                    .iter()
                    .map(|l| l.trim())
                    .filter(|l| !l.is_empty())
                    .take(2)
                    .collect();
                if let Some(third) = after.get(1)
                    && third.starts_with(char::is_lowercase)
                    && third.split_whitespace().count() <= 6
                    && !is_chrome(third)
                {
                    h = format!("{h} {third}");
                }
                return Some(h);
            }
            continue;
        }
        if words < 2 || letters(line) < 8 || is_all_caps(line) || site && next.is_none() {
            continue;
        }
        // A line starting in lower case is the rest of a sentence (an excerpt
        // cut mid-way), not a heading; but a document's subject (`w sprawie
        // …` under `Zarządzenie Nr 17/2021`) is its title.
        if line.starts_with(char::is_lowercase) && !fold(line).starts_with("w sprawie ") {
            continue;
        }
        let mut h = line.to_string();
        // The heading's next line (past blank ones) in lower case continues it.
        if let Some(next) = next
            && !h.ends_with(['.', '!', '?', ':'])
            && words + next.split_whitespace().count() <= 40
        {
            h = format!("{h} {next}");
        }
        return Some(h);
    }
    None
}

/// Whether the page opens with a heading that reads as a title (rule 1 of the
/// module's documentation); a page without one may take its title from its
/// address ([`super::slug`]).
pub fn has_strong_heading(text: &str, is_site_name: impl Fn(&str) -> bool) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    heading_as_written(&lines, is_site_name).is_some_and(|h| is_strong_heading(&h))
}

/// The title of a page (see the module's documentation); `None` only for a page
/// without a line of text. `is_site_name` tells lines that are only an
/// institution's name (the site's own header).
pub fn title(text: &str, is_site_name: impl Fn(&str) -> bool) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    // A practice-database page without its metryka: the title stands just
    // before the navigation line `.: Skrót i Metryka -> … :.`.
    if let Some(i) = lines.iter().position(|l| {
        let t = l.trim();
        t.starts_with(".:") && t.ends_with(":.")
    }) && let Some(t) = lines[..i]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        && letters(t) >= 8
    {
        return Some(shorten(t, MAX_TITLE_CHARS));
    }
    // The top of the page: up to the end of its third line of prose. A project
    // named further down is more often a neighbour than the page's subject.
    let top = {
        let mut end = text.len();
        let mut prose = 0;
        let mut offset = 0;
        for l in text.split_inclusive('\n') {
            offset += l.len();
            if l.split_whitespace().count() >= 8 {
                prose += 1;
                if prose == 3 {
                    end = offset;
                    break;
                }
            }
        }
        &text[..end]
    };
    // A heading that reads as one (a short line, not a sentence) names the
    // page better than a project it mentions.
    let quoted = quoted_names(top);
    if heading_as_written(&lines, &is_site_name).is_some_and(|h| is_strong_heading(&h))
        && let Some(h) = heading(&lines, &is_site_name)
    {
        // A heading that only wraps the project's name (`Regulamin projektu
        // „Krok do pracy”`, `Dzienny Dom Senior+ otwarty`) gives way to the name.
        // A heading that says more than the name (`“Nowa Huta dziś!” – zgłoś
        // chodniki, ulice bądź lampy …`) keeps its words: the name must be at
        // least half of it.
        let words = |s: &str| s.split_whitespace().count();
        let wrapped = quoted.iter().find(|q| {
            q.after_project_word
                && fold(&h).contains(&fold(&q.name))
                && 2 * words(&q.name) >= words(&h)
        });
        return Some(wrapped.map_or(h, |q| shorten(&q.name, MAX_TITLE_CHARS)));
    }
    if let Some(q) = quoted.iter().find(|q| q.after_project_word && !q.garbled) {
        return Some(shorten(&q.name, MAX_TITLE_CHARS));
    }
    if let Some(q) = quoted.iter().find(|q| q.after_project_word) {
        return Some(shorten(&q.name, MAX_TITLE_CHARS));
    }
    if let Some(c) = AFTER_COLON.captures_iter(top).find(|c| {
        let before = fold(&c[1]);
        !ROLE_WORDS.iter().any(|r| before.starts_with(r))
    }) {
        return Some(shorten(c[2].trim(), MAX_TITLE_CHARS));
    }
    if let Some(h) = heading(&lines, &is_site_name) {
        // A lead line taken for a heading keeps its first sentence.
        let first = super::text::sentences(&h)
            .map(|s| s.trim_end_matches(['.', ' ']))
            .find(|s| letters(s) >= 3)
            .unwrap_or(&h)
            .to_string();
        return Some(first);
    }
    if let Some(q) = quoted
        .iter()
        .find(|q| !q.organisation && !is_all_caps(&q.name))
    {
        return Some(shorten(&q.name, MAX_TITLE_CHARS));
    }
    // The first sentence (with words) of the first line of prose.
    lines
        .iter()
        .map(|l| LEAD.replace(l.trim(), "").trim().to_string())
        .filter(|l| !is_chrome(l))
        .flat_map(|l| {
            super::text::sentences(&l)
                .map(|s| s.trim_end_matches(['.', ' ']).to_string())
                .collect::<Vec<_>>()
        })
        .find(|s| letters(s) >= 3)
        .map(|s| shorten(&s, MAX_TITLE_CHARS.min(120)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_that_says_more_than_its_project_name_keeps_its_words() {
        let page = "“Nowa Huta dziś!” – zgłoś chodniki, ulice bądź lampy, które wymagają remontu\n\n\
                    Ruszyła kolejna edycja projektu „Nowa Huta dziś!”, w którym mieszkańcy zgłaszają miejsca do naprawy. \
                    Zgłoszenia przyjmuje rada dzielnicy do końca miesiąca, a prace ruszą wiosną.";
        assert_eq!(
            title(page, |_| false).as_deref(),
            Some("“Nowa Huta dziś!” – zgłoś chodniki, ulice bądź lampy, które wymagają remontu")
        );
    }

    fn t(text: &str) -> String {
        title(text, |l| l.starts_with("Urząd Gminy")).unwrap()
    }

    #[test]
    fn project_names_in_any_quote_style() {
        for (text, want) in [
            ("Gmina realizuje projekt „Lepsze jutro”.", "Lepsze jutro"),
            ("Gmina realizuje projekt \"Lepsze jutro\".", "Lepsze jutro"),
            ("Gmina realizuje projekt “Lepsze jutro”.", "Lepsze jutro"),
            ("Gmina realizuje projekt ,,Lepsze jutro''.", "Lepsze jutro"),
            ("Gmina realizuje projekt ''Lepsze jutro''.", "Lepsze jutro"),
            ("Gmina realizuje projekt «Lepsze jutro».", "Lepsze jutro"),
            ("Gmina realizuje projekt 'Lepsze jutro'.", "Lepsze jutro"),
            ("Gmina realizuje projekt ”Lepsze jutro”.", "Lepsze jutro"),
            ("Gmina realizuje projekt 'Lepsze jutro”.", "Lepsze jutro"),
            (
                "Gmina realizuje projekt pn. ?Lepsze jutro? od maja.",
                "Lepsze jutro",
            ),
            (
                "Otwarto dzienny dom w ramach programu „Senior+”.",
                "Senior+",
            ),
            (
                "Ruszył program ,,Asystent osobisty'' w gminie.",
                "Asystent osobisty",
            ),
        ] {
            assert_eq!(t(text), want, "{text}");
        }
    }

    #[test]
    fn a_project_word_beats_an_association_and_a_heading_beats_both() {
        // The page's own heading names it (as readers title such pages).
        let text = "Nowa świetlica w Lipnicy\n\nStowarzyszenie „Razem Raźniej” i gmina realizują zadanie pod nazwą „Świetlica dla każdego”.";
        assert_eq!(t(text), "Nowa świetlica w Lipnicy");
        // Without a heading, the project's name, not the association's.
        let text = "Stowarzyszenie „Razem Raźniej” i gmina realizują zadanie pod nazwą „Świetlica dla każdego”. Zajęcia odbywają się w remizie w każdy wtorek i czwartek po południu, a zapisy prowadzi sołtys wsi.";
        assert_eq!(t(text), "Świetlica dla każdego");
        // Without a project word, the heading wins over the association's name.
        let text = "Nowa świetlica w Lipnicy\n\nStowarzyszenie „Razem Raźniej” otworzyło świetlicę dla dzieci w remizie.";
        assert_eq!(t(text), "Nowa świetlica w Lipnicy");
    }

    #[test]
    fn heading_after_the_chrome() {
        let text = "Strona główna\nAktualności » Projekty\nUrząd Gminy w Lipnicy\nPROJEKTY\n12.05.2021\nlogo.png\nStrona wykorzystuje pliki cookies.\nPodsumowanie\nPiknik rodzinny nad zalewem\nW sobotę mieszkańcy spotkali się nad zalewem, by wspólnie spędzić czas na grach i zabawach.";
        assert_eq!(t(text), "Piknik rodzinny nad zalewem");
        // A heading broken over two lines.
        let text = "Dofinansowanie zadania własnego\npolegającego na utrzymaniu ośrodka\nDotacja jest przeznaczona na utrzymanie ośrodka pomocy społecznej w gminie przez cały rok.";
        assert_eq!(
            t(text),
            "Dofinansowanie zadania własnego polegającego na utrzymaniu ośrodka"
        );
        // Numbering and bullets are not part of it.
        assert_eq!(
            t("I.   Razem w rodzinie\nOpis zajęć dla rodzin z dziećmi."),
            "Razem w rodzinie"
        );
    }

    #[test]
    fn name_after_a_colon() {
        let text = "Otrzymaliśmy 7 600 zł na zadanie: Budowa placu zabaw w Lipnicy. To dobra wiadomość dla rodzin z dziećmi, które czekały na to od lat.";
        assert_eq!(t(text), "Budowa placu zabaw w Lipnicy");
    }

    #[test]
    fn capitals_and_speech_are_not_titles() {
        let text = "OTWARTE SERCE\nW sobotę w remizie w Lipnicy odbył się kiermasz, z którego dochód przekazano na leczenie dzieci z gminy. Wójt powiedział: „to wielki dzień dla nas”.";
        assert_eq!(
            t(text),
            "W sobotę w remizie w Lipnicy odbył się kiermasz, z którego dochód przekazano na leczenie dzieci z gminy"
        );
    }

    #[test]
    fn the_first_sentence_is_shortened_at_a_word() {
        let long = format!(
            "{} koniec.",
            "Mieszkańcy gminy spotkali się w świetlicy".repeat(6)
        );
        let got = t(&long);
        assert!(got.chars().count() <= 121, "{got}");
        assert!(got.ends_with('…'));
        assert!(!got.ends_with(" …"));
        assert!(long.starts_with(got.trim_end_matches('…')));
    }

    #[test]
    fn chrome_lines() {
        for l in [
            "Strona główna",
            "Skip to content",
            "Dzisiaj jest - niedziela, 24 listopada 2024 roku",
            "Opublikowano: 12 czerwiec 2021, 15:25 Kategoria Aktualności",
            "Ta strona używa ciasteczek",
            "2009-11-17",
            "b_250_200_images.png",
            "Start » Aktualności » Projekty",
        ] {
            assert!(is_chrome(l), "{l}");
        }
        for l in ["Piknik rodzinny nad zalewem", "Program Aktywności Lokalnej"] {
            assert!(!is_chrome(l), "{l}");
        }
        assert!(is_all_caps("OSTRÓDA. OCIEPLĄ DWIE SZKOŁY"));
        assert!(!is_all_caps("Program PAL w Gminie"));
    }
}
