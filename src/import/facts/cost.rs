//! The cost of a project in złoty from its prose: every sum of money
//! (`99 999,75 zł`, `1,2 mln zł`, `250 tys. zł`, `2 606 029 PLN`, `blisko 2,8
//! mln złotych`), each given a role by the nearest telling word before it in
//! its sentence (or, failing that, just after it):
//!
//! - the total: `wartość projektu`, `koszt`, `kosztuje`, `całkowita`, `łączna`,
//!   `za kwotę`, `opiewa`;
//! - the grant: `dofinansowanie`, `dotacja`, `grant`, `otrzymała`,
//!   `pozyskała`, `przyznano`, `środki z`;
//! - not the project's cost: the own share (`wkład własny`), a part (`w tym`),
//!   a sum per person or month, a wage, a benefit, a fine.
//!
//! The project's total wins (the largest one named), else the grant (the
//! largest), else a single sum whose role the text does not say, marked
//! doubtful. Sums are rounded to whole złoty.

use std::sync::LazyLock;

use regex::Regex;

use super::Fact;
use crate::gazetteer::fold;

/// A sum of money: the number, its decimals, a multiplier, the currency.
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\d{1,3}(?:[ \u{a0}\u{202f}.]\d{3})+|\d+)(?:,(\d{1,2}))?\s*(mln\.?|milion\p{L}*|mld\.?|miliard\p{L}*|tys\.?|tysi\p{L}*)?\s*(?:zł\b|zł|zl\b|złotych|złote|złoty|pln\b)",
    )
    .expect("regex")
});

/// A sum in words: `milion złotych`, `pół miliona zł`, `dwa miliony złotych`.
static MONEY_IN_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(pół|jeden|dwa|dwóch|trzy|cztery|pięć)?\s*(milion\p{L}*|miliard\p{L}*)\s+(?:zł\b|zł|złotych)")
        .expect("regex")
});

fn amount_in_words(count: Option<&str>, unit: &str) -> Option<u64> {
    let n = match count.map(fold).as_deref() {
        None | Some("jeden") => 1.0,
        Some("pol") => 0.5,
        Some("dwa" | "dwoch") => 2.0,
        Some("trzy") => 3.0,
        Some("cztery") => 4.0,
        Some("piec") => 5.0,
        Some(_) => return None,
    };
    let factor = if fold(unit).starts_with("miliard") {
        1e9
    } else {
        1e6
    };
    Some((n * factor) as u64)
}

/// The role a telling word gives the sum after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Total,
    Grant,
    /// The gmina's own money: the cost when nothing else is named.
    Own,
    NotTheCost,
}

/// Telling words (folded prefixes) and the role they give.
const ROLES: &[(&str, Role)] = &[
    ("wartosc", Role::Total),
    ("wartosci", Role::Total),
    ("koszt", Role::Total),
    ("kosztow", Role::Total),
    ("kosztuj", Role::Total),
    ("kosztowa", Role::Total),
    ("calkowit", Role::Total),
    ("laczn", Role::Total),
    ("ogolna kwot", Role::Total),
    ("za kwot", Role::Total),
    ("na kwot", Role::Total),
    ("opiewa", Role::Total),
    ("budzet projektu", Role::Total),
    ("budzet zadania", Role::Total),
    ("zainwestowa", Role::Total),
    ("naklad", Role::Total),
    ("dofinansowa", Role::Grant),
    ("sfinansowa", Role::Grant),
    ("finansowa", Role::Grant),
    ("dotacj", Role::Grant),
    ("grant", Role::Grant),
    ("otrzymal", Role::Grant),
    ("uzyskal", Role::Grant),
    ("pozyskal", Role::Grant),
    ("pozyska", Role::Grant),
    ("przyznan", Role::Grant),
    ("przyznal", Role::Grant),
    ("refundac", Role::Grant),
    ("wsparci", Role::Grant),
    ("wsparl", Role::Grant),
    ("srodk", Role::Grant),
    ("pomoc finansow", Role::Grant),
    ("subwencj", Role::Grant),
    ("kwota", Role::Grant),
    ("kwote", Role::Grant),
    ("wklad wlasn", Role::NotTheCost),
    ("wkladu wlasn", Role::NotTheCost),
    ("wkladem wlasn", Role::NotTheCost),
    ("srodki wlasne", Role::Own),
    ("srodkow wlasnych", Role::Own),
    ("z budzetu gminy", Role::Own),
    ("z budzetu miasta", Role::Own),
    ("przeznacz", Role::Total),
    ("przekaz", Role::Grant),
    ("w tym", Role::NotTheCost),
    ("wynagrodz", Role::NotTheCost),
    ("pensj", Role::NotTheCost),
    ("zasil", Role::NotTheCost),
    ("swiadczen", Role::NotTheCost),
    ("stypendi", Role::NotTheCost),
    ("kar", Role::NotTheCost),
    ("mandat", Role::NotTheCost),
    ("oplat", Role::NotTheCost),
    ("czynsz", Role::NotTheCost),
    ("bon", Role::NotTheCost),
];

/// Words just after a sum that make it not the project's cost.
const PER: &[&str] = &[
    "na osob",
    "za osob",
    "od osob",
    "miesiecznie",
    "mies",
    "na miesiac",
    "za godzin",
    "brutto za",
    "netto za",
    "dziennie",
    "rocznie",
    "na dzien",
    "na uczestnik",
    "na ucznia",
    "za metr",
];

/// Words just after a sum that give it a role when nothing before does
/// (`1,8 mln zł dofinansowania`).
const AFTER: &[(&str, Role)] = &[
    ("dofinansowa", Role::Grant),
    ("dotacj", Role::Grant),
    ("wsparci", Role::Grant),
    ("grant", Role::Grant),
];

/// The whole złoty of a sum (rounded), from its parts.
fn amount(int: &str, decimals: Option<&str>, multiplier: Option<&str>) -> Option<u64> {
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let whole: u64 = digits.parse().ok()?;
    let frac = decimals.map_or(0.0, |d| {
        let v: f64 = d.parse().unwrap_or(0.0);
        if d.len() == 1 { v / 10.0 } else { v / 100.0 }
    });
    let value = whole as f64 + frac;
    let m = multiplier.map(fold).unwrap_or_default();
    let factor = if m.starts_with("mld") || m.starts_with("miliard") {
        1e9
    } else if m.starts_with("mln") || m.starts_with("milion") {
        1e6
    } else if m.starts_with("tys") {
        1e3
    } else {
        1.0
    };
    let v = (value * factor).round();
    (v.is_finite() && (1.0..1e13).contains(&v)).then_some(v as u64)
}

/// The sentence around `at`: from after the last `.`, `!`, `?` or newline
/// before it (a dot between digits or in `r.`/`tys.` does not end it) to `at`.
fn clause_before(text: &str, at: usize) -> (usize, &str) {
    let mut from = at.saturating_sub(160);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..at];
    let bytes = window.as_bytes();
    let mut start = 0;
    for (i, c) in window.char_indices() {
        let ends = match c {
            '!' | '?' | '\n' => true,
            '.' => {
                // A sentence ends at a dot followed by a space and a capital.
                let next = window[i + 1..].chars().nth(1);
                bytes.get(i + 1) == Some(&b' ') && next.is_some_and(char::is_uppercase)
            }
            _ => false,
        };
        if ends {
            start = i + 1;
        }
    }
    (from + start, &window[start..])
}

/// A sum found in the text and its role.
#[derive(Debug)]
struct Sum {
    value: u64,
    role: Option<Role>,
    /// From the telling word to the sum's end.
    evidence: std::ops::Range<usize>,
}

fn sums(text: &str) -> Vec<Sum> {
    let mut out = Vec::new();
    let numbers = MONEY.captures_iter(text).map(|c| {
        let m = c.get(0).expect("match");
        (
            m,
            amount(
                &c[1],
                c.get(2).map(|x| x.as_str()),
                c.get(3).map(|x| x.as_str()),
            ),
        )
    });
    let words = MONEY_IN_WORDS.captures_iter(text).map(|c| {
        let m = c.get(0).expect("match");
        (m, amount_in_words(c.get(1).map(|x| x.as_str()), &c[2]))
    });
    for (m, value) in numbers.chain(words) {
        let Some(value) = value else {
            continue;
        };
        // `2020 zł` glued to a year-like number before it (`… 2 020 zł`) reads fine;
        // a sum inside a longer number (`12345 000 zł`) is not a sum.
        if text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
        {
            continue;
        }
        let (clause_start, clause) = clause_before(text, m.start());
        let folded = fold(clause);
        // The nearest telling word before the sum.
        let mut best: Option<(usize, Role, usize)> = None;
        for (word, role) in ROLES {
            let mut from = 0;
            while let Some(i) = folded[from..].find(word) {
                let at = from + i;
                from = at + word.len();
                let starts_word = folded[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                if !starts_word {
                    continue;
                }
                // `w tym czasie`, `w tym roku` are times, not a part of a sum.
                if *word == "w tym"
                    && [
                        "czas", "rok", "okres", "miesi", "dni", "tygodni", "cel", "zakres",
                        "samym", "moment",
                    ]
                    .iter()
                    .any(|w| folded[from..].trim_start().starts_with(w))
                {
                    continue;
                }
                if best.is_none_or(|(b, _, len)| at > b || at == b && word.len() > len) {
                    best = Some((at, *role, word.len()));
                }
            }
        }
        let mut after_end = (m.end() + 40).min(text.len());
        while !text.is_char_boundary(after_end) {
            after_end += 1;
        }
        let after = fold(&text[m.end()..after_end]);
        let after = after.trim_start_matches([' ', ')', '(']);
        if PER.iter().any(|p| after.starts_with(p)) || after.starts_with('/') {
            out.push(Sum {
                value,
                role: Some(Role::NotTheCost),
                evidence: m.range(),
            });
            continue;
        }
        let after_role = AFTER
            .iter()
            .find(|(w, _)| {
                after
                    .split_whitespace()
                    .next()
                    .is_some_and(|a| a.starts_with(w))
            })
            .map(|(_, r)| *r);
        let (role, evidence) = match best {
            // Folding keeps byte offsets only for ASCII; find the word's
            // start in the original by counting characters.
            Some((at, role, _)) => {
                let chars = folded[..at].chars().count();
                let start = clause.char_indices().nth(chars).map_or(0, |(i, _)| i);
                (Some(role), clause_start + start..m.end())
            }
            None => (after_role, m.range()),
        };
        // A word after the sum (`2,8 mln zł dofinansowania`) beats a vaguer one before.
        let role = match (role, after_role) {
            (Some(Role::Total), Some(r)) if folded.trim_end().ends_with("kwota") => Some(r),
            (r, _) => r,
        };
        out.push(Sum {
            value,
            role,
            evidence,
        });
    }
    out
}

/// The cost of a project from its prose (see the module's documentation).
pub fn cost(text: &str) -> Option<Fact<u64>> {
    let all = sums(text);
    let evidence = |s: &Sum| vec![super::excerpt(&text[s.evidence.clone()], 120)];
    let largest = |role: Role| {
        all.iter()
            .filter(|s| s.role == Some(role))
            .max_by_key(|s| s.value)
    };
    if let Some(s) = largest(Role::Total)
        .or_else(|| largest(Role::Grant))
        .or_else(|| largest(Role::Own))
    {
        return Some(Fact::sure(s.value, evidence(s)));
    }
    let unknown: Vec<&Sum> = all.iter().filter(|s| s.role.is_none()).collect();
    match unknown.as_slice() {
        [] => None,
        [s] => Some(Fact {
            value: s.value,
            from: evidence(s),
            doubt: Some("the only sum the page names; the text does not say it is the cost".into()),
        }),
        [s, ..] => Some(Fact {
            value: unknown.iter().map(|s| s.value).max().unwrap_or(s.value),
            from: evidence(unknown.iter().max_by_key(|s| s.value).unwrap_or(s)),
            doubt: Some(format!(
                "{} sums named, none said to be the cost; the largest taken",
                unknown.len()
            )),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> Option<u64> {
        cost(text).map(|f| f.value)
    }

    #[test]
    fn sums_in_every_form() {
        assert_eq!(c("Wartość projektu: 99 999,75 zł."), Some(100_000));
        assert_eq!(c("Koszt inwestycji to 1,2 mln zł."), Some(1_200_000));
        assert_eq!(
            c("Gmina otrzymała dotację w wysokości 250 tys. zł."),
            Some(250_000)
        );
        assert_eq!(
            c("Kwota dofinansowania wyniosła 48.500,00 PLN."),
            Some(48_500)
        );
        assert_eq!(
            c("Całkowita wartość zadania to 2 606 029 złotych."),
            Some(2_606_029)
        );
        assert_eq!(c("Projekt kosztował 12000 zł"), Some(12_000));
        assert_eq!(
            c(
                "Koszt przedsięwzięć podjętych w tym czasie to 2\u{a0}606\u{a0}029 zł (w tym środki UE 2 228 426 zł)."
            ),
            Some(2_606_029)
        );
        assert_eq!(
            c("Gmina przeznaczy milion złotych przyznany jej w konkursie."),
            Some(1_000_000)
        );
        assert_eq!(
            c("Łączny koszt tegorocznego projektu to 160 tys. zł."),
            Some(160_000)
        );
        assert_eq!(
            c("Na ten cel przeznaczono środki własne z budżetu gminy w wysokości 495 017,57 zł."),
            Some(495_018)
        );
    }

    #[test]
    fn the_total_beats_the_grant_and_the_own_share() {
        let t = "Gmina otrzymała dofinansowanie (1,8 mln zł). Projekt kosztuje blisko 2,8 mln zł, a wkład własny to 1 mln zł.";
        let f = cost(t).unwrap();
        assert_eq!(f.value, 2_800_000);
        assert_eq!(f.from, ["kosztuje blisko 2,8 mln zł"]);
        assert_eq!(f.doubt, None);
        // Only a grant named: the grant.
        assert_eq!(
            c(
                "Na realizację zadania pozyskano 7 600 zł z funduszu sołeckiego, a uczestnicy płacą 10 zł miesięcznie."
            ),
            Some(7_600)
        );
        // A part of the total is not the total.
        assert_eq!(
            c("Koszt wszystkich przedsięwzięć to 2 606 029 zł (w tym środki UE 2 228 426 zł)."),
            Some(2_606_029)
        );
    }

    #[test]
    fn sums_that_are_not_the_cost() {
        assert_eq!(c("Zasiłek wynosi 500 zł na osobę."), None);
        assert_eq!(c("Opłata za posiłek to 5 zł dziennie."), None);
        assert_eq!(c("Nikt nie mówi tu o pieniądzach."), None);
        let f = cost("Wydano 5 zł na kawę.").unwrap();
        assert!(f.doubt.is_some());
    }
}
