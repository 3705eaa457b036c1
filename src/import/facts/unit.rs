//! The implementing unit in the nominative: an institution's phrase as a page
//! writes it (`Gminnego Ośrodka Pomocy Społecznej w Zbójnie`, `Miejskiej
//! Bibliotece Publicznej`, `Wójt Gminy Legnickie Pole`) turned into its name
//! (`Gminny Ośrodek Pomocy Społecznej w Zbójnie`, `Miejska Biblioteka
//! Publiczna`, `Gmina Legnickie Pole`).
//!
//! Only the head noun (`Ośrodek`, `Szkoła`, `Centrum`, …) and the adjectives
//! that agree with it change: those before it (`Gminnego`) and those right
//! after it (`Szkoły Podstawowej`, `Starostwa Powiatowego`). The words that
//! complete the name stay as written (`Pomocy Społecznej`, `Wsparcia
//! Dziennego`, `im. Jana Pawła II`), and so does the `w Place` tail.

use crate::gazetteer::fold;

/// Grammatical gender of a head noun, which its adjectives take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Masculine,
    Feminine,
    Neuter,
}

use Gender::*;

/// Head nouns: the nominative, its gender, and its other singular forms (folded).
const HEADS: &[(&str, Gender, &[&str])] = &[
    (
        "Ośrodek",
        Masculine,
        &["osrodka", "osrodkowi", "osrodkiem", "osrodku"],
    ),
    ("Dom", Masculine, &["domu", "domowi", "domem"]),
    ("Zespół", Masculine, &["zespolu", "zespolowi", "zespolem"]),
    (
        "Urząd",
        Masculine,
        &["urzedu", "urzedowi", "urzedem", "urzedzie"],
    ),
    (
        "Zakład",
        Masculine,
        &["zakladu", "zakladowi", "zakladem", "zakladzie"],
    ),
    (
        "Instytut",
        Masculine,
        &["instytutu", "instytutowi", "instytutem", "instytucie"],
    ),
    ("Klub", Masculine, &["klubu", "klubowi", "klubem", "klubie"]),
    ("Związek", Masculine, &["zwiazku", "zwiazkowi", "zwiazkiem"]),
    (
        "Punkt",
        Masculine,
        &["punktu", "punktowi", "punktem", "punkcie"],
    ),
    (
        "Zarząd",
        Masculine,
        &["zarzadu", "zarzadowi", "zarzadem", "zarzadzie"],
    ),
    ("Rada", Feminine, &["rady", "radzie", "rade", "rada"]),
    (
        "Szkoła",
        Feminine,
        &["szkoly", "szkole", "szkole", "szkola"],
    ),
    (
        "Biblioteka",
        Feminine,
        &["biblioteki", "bibliotece", "biblioteke", "biblioteka"],
    ),
    ("Poradnia", Feminine, &["poradni", "poradnie", "poradnia"]),
    ("Fundacja", Feminine, &["fundacji", "fundacje", "fundacja"]),
    (
        "Świetlica",
        Feminine,
        &["swietlicy", "swietlice", "swietlica"],
    ),
    (
        "Spółdzielnia",
        Feminine,
        &["spoldzielni", "spoldzielnie", "spoldzielnia"],
    ),
    ("Gmina", Feminine, &["gminy", "gminie", "gmine", "gmina"]),
    (
        "Placówka",
        Feminine,
        &["placowki", "placowce", "placowke", "placowka"],
    ),
    ("Centrum", Neuter, &["centrum"]),
    (
        "Starostwo",
        Neuter,
        &["starostwa", "starostwu", "starostwem", "starostwie"],
    ),
    (
        "Przedszkole",
        Neuter,
        &["przedszkola", "przedszkolu", "przedszkolem"],
    ),
    (
        "Stowarzyszenie",
        Neuter,
        &["stowarzyszenia", "stowarzyszeniu", "stowarzyszeniem"],
    ),
    (
        "Sołectwo",
        Neuter,
        &["solectwa", "solectwu", "solectwem", "solectwie"],
    ),
    (
        "Towarzystwo",
        Neuter,
        &["towarzystwa", "towarzystwu", "towarzystwem", "towarzystwie"],
    ),
];

/// Offices whose holder stands for the unit: `Wójt Gminy X` → `Gmina X`.
const OFFICES: &[&str] = &["wojt", "burmistrz", "prezydent", "starosta"];

/// The head noun of a word, if it is one (in any case).
fn head(word: &str) -> Option<(&'static str, Gender)> {
    let f = fold(word);
    HEADS
        .iter()
        .find(|(nom, _, forms)| fold(nom) == f || forms.contains(&f.as_str()))
        .map(|(nom, g, _)| (*nom, *g))
}

/// Oblique endings of adjectives, longest first, with whether the stem is
/// velar (`Miejsk-iego` keeps its `i`: `Miejski`).
const ADJECTIVE_ENDINGS: &[&str] = &[
    "iego", "iemu", "ego", "emu", "iej", "ej", "ich", "imi", "ym", "im", "ą", "ę", "a", "e", "y",
    "i",
];

/// An adjective in the nominative of `gender`, or `None` when the word does not
/// look like one (`Pomocy`, `Wsparcia`).
fn adjective(word: &str, gender: Gender) -> Option<String> {
    // A compound (`Miejsko-Gminnego`): only its last part declines.
    if let Some((first, last)) = word.rsplit_once('-') {
        return adjective(last, gender).map(|l| format!("{first}-{l}"));
    }
    let lower = word.to_lowercase();
    let adjectival = [
        "ny", "na", "ne", "nego", "nej", "nemu", "nym", "ną", "ki", "ka", "kie", "kiego", "kiej",
        "kim", "ką", "wy", "wa", "we", "wego", "wej", "wym", "wą", "gi", "ga", "gie", "giego",
        "giej", "gim", "zy", "za", "ze", "zego", "zej", "zym", "ły", "ła", "łe", "łego", "łej",
        "łym",
    ];
    if !adjectival.iter().any(|e| lower.ends_with(e)) || lower.chars().count() < 4 {
        return None;
    }
    let ending = ADJECTIVE_ENDINGS.iter().find(|e| lower.ends_with(*e))?;
    let cut = word.len() - ending.len();
    let stem = &word[..cut];
    let velar = stem.ends_with(['k', 'g', 'K', 'G']);
    let end = match (gender, velar) {
        (Masculine, true) => "i",
        (Masculine, false) => "y",
        (Feminine, _) => "a",
        (Neuter, true) => "ie",
        (Neuter, false) => "e",
    };
    Some(format!("{stem}{end}"))
}

/// The nominative of an institution's phrase (see the module's documentation).
/// A phrase without a known head noun (an abbreviation, `GOPS w Zbójnie`) is
/// returned as written.
pub fn nominative(phrase: &str) -> String {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    // `Wójt Gminy X`, `Burmistrz Miasta i Gminy X`: the unit is the gmina.
    if let Some(first) = words.first()
        && OFFICES.iter().any(|o| fold(first).starts_with(o))
        && words.len() > 1
    {
        let rest = &words[1..];
        let f = |i: usize| rest.get(i).map(|w| fold(w)).unwrap_or_default();
        // The gmina's name follows `Gminy` in the nominative (`Wójt Gminy
        // Strawczyn`); a town's follows `Miasta` in the genitive (`Prezydent
        // Miasta Łodzi`), so the office keeps it: `Urząd Miasta Łodzi`.
        let (named, skip) = match (f(0).as_str(), f(1).as_str(), f(2).as_str()) {
            ("gminy", "i", "miasta") => ("Gmina i Miasto", 3),
            ("miasta", "i", "gminy") => ("Miasto i Gmina", 3),
            ("gminy", ..) => ("Gmina", 1),
            ("miasta", ..) => ("Urząd Miasta", 1),
            ("powiatu", ..) => ("Starostwo Powiatu", 1),
            _ => return phrase.to_string(),
        };
        return std::iter::once(named)
            .chain(rest[skip..].iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
    }
    let Some(h) = words.iter().position(|w| head(w).is_some()) else {
        return phrase.to_string();
    };
    let (nom, gender) = head(words[h]).expect("found");
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in &words[..h] {
        out.push(adjective(w, gender).unwrap_or_else(|| w.to_string()));
    }
    out.push(
        if words[h].chars().all(|c| !c.is_lowercase()) && words[h].chars().count() > 1 {
            nom.to_uppercase()
        } else {
            nom.to_string()
        },
    );
    let mut agreeing = true;
    for w in &words[h + 1..] {
        // After the head only an adjective in an oblique case agrees with it
        // (`Szkoły Podstawowej`); `Pomocy`, `Kultury` are nouns.
        let oblique = ["ego", "emu", "ej", "ym", "im", "ą"]
            .iter()
            .any(|e| w.to_lowercase().ends_with(e));
        let capital = w.starts_with(char::is_uppercase) && oblique;
        match adjective(w, gender) {
            Some(a) if agreeing && capital => out.push(a),
            _ => {
                agreeing = false;
                out.push(w.to_string());
            }
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn institutions_in_the_nominative() {
        for (phrase, want) in [
            (
                "Gminnego Ośrodka Pomocy Społecznej w Zbójnie",
                "Gminny Ośrodek Pomocy Społecznej w Zbójnie",
            ),
            (
                "Gminnego Ośrodka Wsparcia Dziennego",
                "Gminny Ośrodek Wsparcia Dziennego",
            ),
            (
                "Miejskiego Ośrodka Pomocy Społecznej w Zawierciu",
                "Miejski Ośrodek Pomocy Społecznej w Zawierciu",
            ),
            (
                "Miejskiej Bibliotece Publicznej",
                "Miejska Biblioteka Publiczna",
            ),
            (
                "Szkoły Podstawowej im. bł. o. Rafała Chylińskiego w Łagowie",
                "Szkoła Podstawowa im. bł. o. Rafała Chylińskiego w Łagowie",
            ),
            (
                "Starostwa Powiatowego w Wąbrzeźnie",
                "Starostwo Powiatowe w Wąbrzeźnie",
            ),
            (
                "Powiatowym Centrum Pomocy Rodzinie w Słupsku",
                "Powiatowe Centrum Pomocy Rodzinie w Słupsku",
            ),
            (
                "Środowiskowego Domu Samopomocy we Wroniu",
                "Środowiskowy Dom Samopomocy we Wroniu",
            ),
            ("Gminnym Centrum Kultury", "Gminne Centrum Kultury"),
            (
                "Zespołu Szkolno-Przedszkolnego",
                "Zespół Szkolno-Przedszkolny",
            ),
            ("Urzędu Gminy w Lipnicy", "Urząd Gminy w Lipnicy"),
            ("Urzędzie Miejskim w Sianowie", "Urząd Miejski w Sianowie"),
            ("Gminy Zbójno", "Gmina Zbójno"),
            ("Wójt Gminy Legnickie Pole", "Gmina Legnickie Pole"),
            ("Prezydent Miasta Łodzi", "Urząd Miasta Łodzi"),
            (
                "Burmistrz Gminy i Miasta Krajenka",
                "Gmina i Miasto Krajenka",
            ),
            ("GOPS w Zbójnie", "GOPS w Zbójnie"),
            (
                "Gminny Ośrodek Pomocy Społecznej",
                "Gminny Ośrodek Pomocy Społecznej",
            ),
            (
                "Miejsko-Gminnego Ośrodka Pomocy Społecznej",
                "Miejsko-Gminny Ośrodek Pomocy Społecznej",
            ),
        ] {
            assert_eq!(nominative(phrase), want, "{phrase}");
        }
    }
}
