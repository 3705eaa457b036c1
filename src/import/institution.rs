//! Institution pages without a metryka (a municipal centre's news item about a
//! finished project): the project's name in doubled quotes, the institution and
//! its town from phrases like "Miejski Ośrodek Pomocy Społecznej w Zawierciu",
//! dates and figures from the prose.

use std::sync::LazyLock;

use regex::Regex;

use super::text::read_figures;
use super::{PageError, Parsed};
use crate::gazetteer::fold;
use crate::practice::{Area, Practice};

/// Words that make a phrase an institution's name.
const INSTITUTION_WORDS: &[&str] = &[
    "Ośrodek",
    "Centrum",
    "Urząd",
    "Starostwo",
    "Dom",
    "Zespół",
    "Szkoła",
    "Biblioteka",
    "Fundacja",
    "Stowarzyszenie",
    "Zakład",
    "Instytut",
    "Przedszkole",
    "Poradnia",
];

/// An institution named with its town: "<Name ...> w(e) <Town>".
static INSTITUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b((?:\p{Lu}[\p{L}-]*\s+){1,6}?(?:\p{L}+\s+){0,3}?)(we?)\s+(\p{Lu}[\p{L}-]+(?:[\s-]\p{Lu}[\p{L}-]+)?)")
        .expect("regex")
});

/// A name in doubled quotes: ''…'', "…", „…”.
static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"''([^']{8,200})''|„([^”"]{8,200})[”"]|"([^"]{8,200})""#).expect("regex")
});

/// The institution phrase of a text: its name, and the whole phrase with "w Town".
pub fn institution(text: &str) -> Option<(String, String)> {
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        for c in INSTITUTION.captures_iter(line) {
            let name = c[1].trim();
            if INSTITUTION_WORDS.iter().any(|w| name.contains(w)) {
                let phrase = format!("{name} {} {}", &c[2], &c[3]);
                return Some((name.to_string(), phrase));
            }
        }
    }
    None
}

/// Parses an institution page. The town is left to the geocoder, which reads
/// the locative in the institution phrase (returned as `free_text`).
pub fn parse(text: &str, id: String, source: String) -> Result<Parsed, PageError> {
    let title = QUOTED
        .captures(text)
        .and_then(|c| {
            c.iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| m.as_str().trim().to_string())
        })
        .ok_or_else(|| {
            PageError::new(0, "no project name in quotes (''…'' or „…”) and no metryka")
        })?;
    let (unit, phrase) = institution(text).ok_or_else(|| {
        PageError::new(
            0,
            "no institution with its town (e.g. \"Miejski Ośrodek Pomocy Społecznej w Zawierciu\")",
        )
    })?;

    // Prose paragraphs: blocks of text long enough to be sentences, not menus.
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for l in text.lines().chain(std::iter::once("")) {
        let t = l.trim();
        if t.is_empty() {
            if !current.is_empty() {
                let p = current.join(" ");
                if p.chars().count() >= 120 && (p.contains(". ") || p.ends_with('.')) {
                    paragraphs.push(p);
                }
                current.clear();
            }
        } else {
            current.push(t);
        }
    }
    if paragraphs.is_empty() {
        return Err(PageError::new(
            0,
            "no paragraph of prose describing the project",
        ));
    }
    let body = paragraphs.join("\n\n");
    let summary = paragraphs[0].clone();

    // The area: a heading naming one ("POMOC SPOŁECZNA"), else the parent area.
    let mut warnings = Vec::new();
    let area = text
        .lines()
        .map(|l| fold(l.trim()))
        .find_map(|l| Area::ALL.into_iter().find(|a| fold(a.name_pl()) == l))
        .unwrap_or_else(|| {
            warnings.push("no area heading on the page; filed under Usługi społeczne".to_string());
            Area::UslugiSpoleczne
        });
    let mut practice = Practice::new(id, title, area, source);
    practice.summary = summary;
    practice.body = body;
    read_figures(&mut practice);
    practice.unit = Some(unit);
    Ok(Parsed {
        practice,
        warnings,
        free_text: Some(phrase),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_institution_and_its_town_phrase() {
        let (name, phrase) =
            institution("Samorządowy portal\n\nMiejski Ośrodek Pomocy Społecznej w Zawierciu\n")
                .unwrap();
        assert_eq!(name, "Miejski Ośrodek Pomocy Społecznej");
        assert_eq!(phrase, "Miejski Ośrodek Pomocy Społecznej w Zawierciu");
        let (_, phrase) = institution("Dom Pomocy Społecznej we Włocławku zaprasza").unwrap();
        assert_eq!(phrase, "Dom Pomocy Społecznej we Włocławku");
        assert!(institution("Nic tu nie ma w Polsce").is_none());
    }
}
