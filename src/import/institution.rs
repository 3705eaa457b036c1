//! Institution pages without a metryka (a municipal centre's news item about a
//! finished project): the project's name in doubled quotes, the institution and
//! its town from phrases like "Miejski Ośrodek Pomocy Społecznej w Zawierciu",
//! dates and figures from the prose.

use std::sync::LazyLock;

use regex::Regex;

use super::facts::{Fact, Facts};
use super::text::town_words;
use super::{PageError, Parsed};
use crate::gazetteer::fold;
use crate::practice::{Area, Practice};

/// Head words of an institution's name (any case of the noun).
const HEADS: &str = r"Ośrod\p{L}*|Centr\p{L}*|Dom|Domu|Domem|Zesp[oó]ł\p{L}*|Urz[ąę]d\p{L}*|Starostw\p{L}*|Szkoł\p{L}*|Szkol\p{L}*|Bibliotek\p{L}*|Przedszkol\p{L}*|Poradni\p{L}*|Fundacj\p{L}*|Stowarzyszeni\p{L}*|Zakład\p{L}*|Instytut\p{L}*|Klub\p{L}*|Świetlic\p{L}*|Spółdzielni\p{L}*";

/// A town after an institution: up to three capitalised words (trimmed in code).
const TOWN: &str = r"(\p{Lu}[\p{L}-]+(?:\s+\p{Lu}[\p{L}-]+){0,2})";

/// An institution named with its town: "<Name …> w(e) <Town>", the name being
/// capitalised adjectives before a head word (`Gminny Ośrodek`, not
/// `Uczniowie Szkoły`) and capitalised words after it, with a patron (`im. bł. o. Rafała
/// Chylińskiego`) or a number inside.
static INSTITUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b((?:\p{{Lu}}[\p{{L}}-]*(?:[nkwcz]y|[nkwcz]a|[nkwcz]e|ki|ego|ej|[nkwcz]ym|kim|[nkwcz]ą)\s+){{0,3}}(?:{HEADS})(?:\s+(?:\p{{Lu}}[\p{{L}}.-]*|\p{{Ll}}+(?:ow|n|sk|ck|icz)(?:a|y|e|ej|ego|ym|ą)|i|dla|im\.|bł\.|o\.|św\.|ks\.|nr|\d+)){{0,10}}?)\s+(we?)\s+{TOWN}"
    ))
    .expect("regex")
});

/// A local government or its office named by the town: `Gmina Tułowice`, `Wójt
/// Gminy Legnickie Pole`, `Urząd Gminy w Lipnicy`, `Sołectwo Gościcino`,
/// `Starostwo Powiatowe w Wąbrzeźnie`; offices in any case, `Gmina` and
/// `Sołectwo` capitalised (`w gminie Lipnica` is a territory, not an institution).
static GOVERNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b((?i:(?:wójt\p{{L}}*|burmistrz\p{{L}}*|prezydent\p{{L}}*)\s+(?:miasta\s+i\s+gminy|gminy\s+i\s+miasta|gminy|miasta)|urz[ąę]d\p{{L}}*\s+(?:miasta\s+i\s+gminy|gminy\s+i\s+miasta|gminy|miasta|miejsk\p{{L}}*|gminn\p{{L}}*)|starostw\p{{L}}*\s+powiatow\p{{L}}*)|Gmin(?:a|y|ie|ą|ę)|Sołectw\p{{L}}*)\s+(?:(we?)\s+)?{TOWN}"
    ))
    .expect("regex")
});

/// Abbreviated institutions: `GOPS Wyry`, `MOPS w Zawierciu`, `PCPR w Słupsku`;
/// an abbreviation alone (`GOPS`) has no town.
static ABBREVIATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(M-?G?OPS|MGOPS|GOPS|MOPS|MOPR|OPS|PCPR|ROPS|CUS|CIS|KIS|ŚDS|DPS|UMiG|UG|UM)(?:-\p{{Ll}}+)?(?:\s+(?:(we?)\s+)?{TOWN})?"
    ))
    .expect("regex")
});

/// Verbs that mark the implementing institution when they follow its name.
const IMPLEMENTS: &[&str] = &[
    "realizuj",
    "realizowal",
    "realizowa",
    "przystapil",
    "prowadzi",
    "rozpoczal",
    "rozpoczel",
    "otrzymal",
    "uzyskal",
    "pozyskal",
    "zlozyl",
    "informuje",
    "zaprasza",
    "organizuje",
    "zorganizowal",
    "wdraza",
];

/// An institution mentioned in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The institution's name as written (`Gminny Ośrodek Pomocy Społecznej`, `GOPS`).
    pub name: String,
    /// The whole phrase with its town (`GOPS w Wyrach`), or the name alone.
    pub phrase: String,
    /// Whether a town follows the name.
    pub has_town: bool,
    /// Byte offset in the text.
    pub at: usize,
    /// Whether a verb of implementing follows in the same sentence.
    pub implements: bool,
}

/// A line in capitals in title case, so that `GMINNY OŚRODEK POMOCY SPOŁECZNEJ
/// W OSIEKU` reads like the name it is; short joining words stay in lower case.
fn title_case(line: &str) -> String {
    line.split(' ')
        .map(|w| {
            let lower = w.to_lowercase();
            if ["w", "we", "i", "dla", "im.", "z", "na", "o", "ze"].contains(&lower.as_str()) {
                return lower;
            }
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every institution mentioned in a text, in order.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = if super::title::is_all_caps(raw) {
            title_case(raw.trim_end_matches('\n'))
        } else {
            raw.to_string()
        };
        let mut found: Vec<(usize, usize, Mention)> = Vec::new();
        let mut push =
            |start: usize, end: usize, name: &str, prep: Option<&str>, town: Option<&str>| {
                let name = name.trim().to_string();
                let town = town.map(town_words);
                let phrase = match (prep, &town) {
                    (Some(p), Some(t)) => format!("{name} {} {t}", p.to_lowercase()),
                    (None, Some(t)) => format!("{name} {t}"),
                    _ => name.clone(),
                };
                // The words after the name, at most 300 bytes of them.
                let mut stop = (end + 300).min(line.len());
                while !line.is_char_boundary(stop) {
                    stop -= 1;
                }
                let rest = fold(line.get(end..stop).unwrap_or_default());
                let sentence = rest.split(['.', '!', '?']).next().unwrap_or_default();
                let implements = sentence
                    .split_whitespace()
                    .take(12)
                    .any(|w| IMPLEMENTS.iter().any(|v| w.starts_with(v)));
                found.push((
                    start,
                    end,
                    Mention {
                        name,
                        phrase,
                        has_town: town.is_some(),
                        at: line_start + start.min(raw.len()),
                        implements,
                    },
                ));
            };
        // Each pattern captures the name, the preposition and the town (the
        // last two optional).
        for re in [&*INSTITUTION, &*GOVERNMENT, &*ABBREVIATION] {
            for c in re.captures_iter(&line) {
                let m = c.get(0).expect("match");
                let group = |i| c.get(i).map(|x: regex::Match<'_>| x.as_str());
                push(m.start(), m.end(), &c[1], group(2), group(3));
            }
        }
        // Overlapping finds: the one starting first, then the longest.
        found.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
        let mut last_end = 0;
        for (s, e, m) in found {
            if s >= last_end {
                last_end = e;
                out.push(m);
            }
        }
    }
    out
}

/// The implementing institution of a text: its name, and the whole phrase with
/// "w Town". A mention with its town is preferred; among those, one followed by
/// a verb of implementing (`realizuje`, `przystąpił`, …), else the first.
pub fn institution(text: &str) -> Option<(String, String)> {
    let all = mentions(text);
    let with_town: Vec<&Mention> = all.iter().filter(|m| m.has_town).collect();
    let pick = with_town
        .iter()
        .find(|m| m.implements)
        .or_else(|| with_town.first())
        .copied()
        .or_else(|| all.iter().find(|m| m.implements))
        .or_else(|| all.first())?;
    Some((pick.name.clone(), pick.phrase.clone()))
}

/// Words before a mention that make it the funder or the supervisor, not the
/// unit that did the work (`ze środków Regionalnego Ośrodka Polityki Społecznej`).
const FUNDER_BEFORE: &[&str] = &[
    "srodkow",
    "dofinansowan",
    "sfinansowan",
    "wspolfinansowan",
    "finansowan",
    "dotacj",
    "przy wsparciu",
    "dzieki wsparciu",
    "z funduszu",
    "nadzor",
    "wojewod",
    "ogloszon",
    "organizowan przez",
];

/// A unit named in full without a town (`Ośrodek Pomocy Społecznej Dzielnicy
/// Bemowo`, `Rada Osiedla Jeżyce`, `Zarząd Zieleni Miejskiej w Krakowie`,
/// `Centrum Usług Społecznych`): a head noun, capitalised words completing
/// it, and a town when one follows.
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b((?:\p{Lu}[\p{L}-]*(?:[nkwcz]y|[nkwcz]a|[nkwcz]e|ki|ego|ej|[nkwcz]ym|kim|[nkwcz]ą)[ \t]+){0,3}(?:Ośrod\p{L}*|Centr\p{L}*|Zarząd\p{L}*|Zarzadz\p{L}*|Rad[ayzęą]|Radzie|Zesp[oó]ł\p{L}*|Urz[ąę]d\p{L}*|Szkoł\p{L}*|Szkol[eaiy]|Bibliotek\p{L}*|Przedszkol\p{L}*|Poradni\p{L}*|Zakład\p{L}*|Klub\p{L}*|Dom|Domu|Domem|Spółdzielni\p{L}*|Stowarzyszeni\p{L}*|Fundacj\p{L}*)(?:[ \t]+(?:\p{Lu}[\p{L}+-]+|i|nr|im\.|\d+)){1,7})(?:[ \t]+(we?)[ \t]+(\p{Lu}[\p{L}-]+(?:[ \t]+\p{Lu}[\p{L}-]+){0,2}))?",
    )
    .expect("regex")
});

/// A gmina named in running text: `gmina Gruta`, `w gminie Nowa Sucha`,
/// `Gmina Miejska Górka`.
static GMINA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[Gg]min(?:a|y|ie|ę|ą)[ \t]+((?:\p{Lu}[\p{L}-]+)(?:[ \t]+\p{Lu}[\p{L}-]+){0,2})")
        .expect("regex")
});

fn funded(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = fold(&text[from..at]);
    let clause = before.rsplit(['.', '\n']).next().unwrap_or(&before);
    FUNDER_BEFORE.iter().any(|w| clause.contains(w))
}

/// The phrase naming the unit that did the work, as the page writes it: an
/// institution with its town that a verb of implementing follows, else the
/// first with its town, else one named in full, else the gmina the text
/// names, else an abbreviation; funders and supervisors are passed over.
pub fn implementing(text: &str) -> Option<String> {
    let all: Vec<Mention> = mentions(text)
        .into_iter()
        .filter(|m| !funded(text, m.at))
        .collect();
    let with_town: Vec<&Mention> = all.iter().filter(|m| m.has_town).collect();
    if let Some(m) = with_town
        .iter()
        .find(|m| m.implements)
        .or(with_town.first())
    {
        return Some(m.phrase.clone());
    }
    for c in NAMED.captures_iter(text) {
        let m = c.get(0).expect("match");
        if funded(text, m.start()) {
            continue;
        }
        let name = c[1].trim();
        return Some(match (c.get(2), c.get(3)) {
            (Some(p), Some(t)) => format!("{name} {} {}", p.as_str(), town_words(t.as_str())),
            _ => name.to_string(),
        });
    }
    if let Some(m) = all.iter().find(|m| m.implements).or(all.first())
        && m.name.chars().count() > 4
    {
        return Some(m.phrase.clone());
    }
    if let Some(c) = GMINA.captures(text) {
        return Some(format!("Gmina {}", town_words(&c[1])));
    }
    all.first().map(|m| m.phrase.clone())
}

/// Whether a line is only an institution's name (a site's header line).
pub fn is_only_an_institution(line: &str) -> bool {
    let line = line.trim();
    let line = if super::title::is_all_caps(line) {
        title_case(line)
    } else {
        line.to_string()
    };
    mentions(&line)
        .first()
        .is_some_and(|m| m.at == 0 && m.phrase.chars().count() * 10 >= line.chars().count() * 8)
}

/// Parses an institution page. Never refused for a missing detail: a page
/// with words gives a record (title, see [`super::title`]; the implementing
/// institution when one is named). The place is left to
/// [`super::place::place_page`], which reads the whole page; the institution
/// phrase is returned as `free_text`.
pub fn parse(text: &str, id: String, source: String) -> Result<Parsed, PageError> {
    let title = super::title::title(text, is_only_an_institution)
        .ok_or_else(|| PageError::new(0, "no text: the page holds no line with words"))?;
    let mut warnings = Vec::new();
    let found = institution(text);
    if found.is_none() {
        warnings.push("no implementing institution named on the page".to_string());
    }

    // Prose paragraphs: blocks of text long enough to be sentences, not menus;
    // a page without such a block keeps its lines of several words.
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
        paragraphs = text
            .lines()
            .map(str::trim)
            .filter(|l| l.split_whitespace().count() >= 4 && !super::title::is_chrome(l))
            .map(str::to_string)
            .collect();
        warnings.push("no paragraph of prose; the body holds the page's lines".to_string());
    }
    if paragraphs.is_empty() {
        paragraphs.push(title.clone());
    }
    let body = paragraphs.join("\n\n");
    let mut facts = Facts::read(&title, &paragraphs, text);
    // A section heading in capitals naming an area ("POMOC SPOŁECZNA") wins
    // over the words; a menu's "Kultura" or "Oświata" does not.
    if let Some((area, line)) = text
        .lines()
        .map(str::trim)
        .filter(|l| super::title::is_all_caps(l))
        .find_map(|l| {
            let f = fold(l);
            Area::ALL
                .into_iter()
                .find(|a| fold(a.name_pl()) == f)
                .map(|a| (a, l))
        })
    {
        facts.area = Fact::sure(area, vec![line.to_string()]);
    }
    if let Some(phrase) = implementing(text) {
        facts = facts.with_unit(&phrase);
    }
    let mut practice = Practice::new(id, title, facts.area.value, source);
    practice.summary = super::facts::summary::summary(&paragraphs);
    practice.body = body;
    facts.apply_figures(&mut practice);
    practice.unit = facts.unit.as_ref().map(|u| u.value.clone());
    practice.facts_from = facts.evidence();
    let doubts = facts.doubts();
    let practice_unit_missing = practice.unit.is_none();
    let (_, phrase) = found.unzip();
    Ok(Parsed {
        text: String::new(),
        practice,
        warnings,
        free_text: phrase,
        doubts,
        unit_from_place: practice_unit_missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(text: &str) -> Option<String> {
        institution(text).map(|(_, p)| p)
    }

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

    #[test]
    fn institutions_in_any_case_and_form() {
        for (text, want) in [
            (
                "Dziękujemy pracownikom Gminnego Ośrodka Pomocy Społecznej w Lipnicy Wielkiej za pomoc.",
                "Gminnego Ośrodka Pomocy Społecznej w Lipnicy Wielkiej",
            ),
            (
                "GMINNY OŚRODEK POMOCY SPOŁECZNEJ W LIPNICY\nZaproszenie",
                "Gminny Ośrodek Pomocy Społecznej w Lipnicy",
            ),
            ("Zajęcia prowadzi GOPS w Lipnicy od maja.", "GOPS w Lipnicy"),
            (
                "W ramach programu GOPS Wyry wspólnie z domem kultury",
                "GOPS Wyry",
            ),
            ("Koordynatorem jest PCPR w Słupsku.", "PCPR w Słupsku"),
            (
                "Gmina Tułowice przystąpiła do realizacji projektu.",
                "Gmina Tułowice",
            ),
            (
                "Wójt Gminy Legnickie Pole Aleksander Kowal pogratulował uczestnikom.",
                "Wójt Gminy Legnickie Pole",
            ),
            (
                "Wniosek złożył Urząd Gminy w Lipnicy.",
                "Urząd Gminy w Lipnicy",
            ),
            ("Sołectwo Gościcino otrzymało grant.", "Sołectwo Gościcino"),
            (
                "Starostwo Powiatowe w Wąbrzeźnie",
                "Starostwo Powiatowe w Wąbrzeźnie",
            ),
            (
                "Uczniowie Szkoły Podstawowej im. bł. o. Rafała Chylińskiego w Łagowie wzięli udział.",
                "Szkoły Podstawowej im. bł. o. Rafała Chylińskiego w Łagowie",
            ),
            (
                "Spotkanie prowadziła kierownik GOPS w Kolbuszowej Katarzyna Nowak.",
                "GOPS w Kolbuszowej",
            ),
        ] {
            assert_eq!(phrase(text).as_deref(), Some(want), "{text}");
        }
        // A page that names no institution: none, and no panic.
        assert_eq!(phrase("Piękna pogoda dopisała mieszkańcom."), None);
        // An abbreviation alone is a unit without a town.
        assert_eq!(
            phrase("Zapraszamy do GOPS po odbiór paczek."),
            Some("GOPS".into())
        );
    }

    #[test]
    fn the_implementing_institution_is_preferred() {
        let text = "Starostwo Powiatowe w Lipnie\nNowości\nW uroczystości udział wzięła Fundacja Razem w Toruniu. Ośrodek Pomocy Społecznej w Skępem realizuje projekt od maja.";
        assert_eq!(
            phrase(text).as_deref(),
            Some("Ośrodek Pomocy Społecznej w Skępem")
        );
    }

    #[test]
    fn the_unit_that_did_the_work() {
        for (text, want) in [
            (
                "Projekt dofinansowano ze środków Regionalnego Ośrodka Polityki Społecznej w Rzeszowie. Stowarzyszenie Razem w Lubaczowie zorganizowało wyjazd.",
                Some("Stowarzyszenie Razem w Lubaczowie"),
            ),
            (
                "Ośrodek Pomocy Społecznej Dzielnicy Bemowo realizuje projekt. OPS zaprasza.",
                Some("Ośrodek Pomocy Społecznej Dzielnicy Bemowo"),
            ),
            (
                "Zarząd Zieleni Miejskiej w Krakowie zaprasza na spotkania.",
                Some("Zarząd Zieleni Miejskiej w Krakowie"),
            ),
            (
                "Już wiadomo, na co gmina Krzyżanowice przeznaczy nagrodę.",
                Some("Gmina Krzyżanowice"),
            ),
            ("Piękna pogoda dopisała mieszkańcom.", None),
        ] {
            assert_eq!(implementing(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn site_name_lines() {
        assert!(is_only_an_institution("Starostwo Powiatowe w Wąbrzeźnie"));
        assert!(is_only_an_institution("MOPS Miasteczko Śląskie"));
        assert!(is_only_an_institution(
            "GMINNY OŚRODEK POMOCY SPOŁECZNEJ W OSIEKU JASIELSKIM"
        ));
        assert!(!is_only_an_institution(
            "Otwarcie Domu Samopomocy we Wroniu dla mieszkańców powiatu"
        ));
    }
}
