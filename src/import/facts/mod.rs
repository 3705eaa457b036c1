//! Facts read from a page's prose, each with the words it came from: the area
//! ([`area`]), the period the project ran ([`period`]), its cost ([`cost`]), who
//! paid ([`funding`]), the implementing unit in the nominative ([`unit`]) and a
//! summary of the first meaningful sentences ([`summary`]).
//!
//! Every reader is a small set of rules over the text, written out in its
//! module, so that a wrong fact can be traced to the words and the rule that
//! gave it. [`Facts::evidence`] is what the record keeps in `facts_from`
//! (`obszar: «kanalizacji», «oczyszczalni»; rok: «w latach 2019–2021»; koszt:
//! «99 999,75 zł»`); [`Facts::doubts`] are listed in the importer's "check these".

pub mod area;
pub mod cost;
pub mod funding;
pub mod period;
pub mod summary;
pub mod unit;

use chrono::NaiveDate;

use crate::gazetteer::fold;
use crate::practice::{Area, Practice};

/// A fact and the words of the page it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact<T> {
    /// The value.
    pub value: T,
    /// The words of the page that gave it, as written.
    pub from: Vec<String>,
    /// Why a person should check it, when the rules were unsure.
    pub doubt: Option<String>,
}

impl<T> Fact<T> {
    /// A fact read without doubt.
    pub fn sure(value: T, from: Vec<String>) -> Fact<T> {
        Fact {
            value,
            from,
            doubt: None,
        }
    }
}

/// The project's period: its first and last day, where the text gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub start: Option<NaiveDate>,
    /// Last day.
    pub end: Option<NaiveDate>,
}

/// Everything read from a page's prose.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The area; [`Area::UslugiSpoleczne`] with a doubt when nothing points elsewhere.
    pub area: Fact<Area>,
    /// The period the project ran.
    pub period: Option<Fact<Period>>,
    /// The cost in złoty: the project's total value, else the grant.
    pub cost: Option<Fact<u64>>,
    /// Programmes and funders named (`Regionalny Program Operacyjny …;
    /// Europejski Fundusz Społeczny`), else the sentence that gave the cost.
    pub funding: Option<Fact<String>>,
    /// The implementing unit in the nominative, when the caller found one
    /// ([`Facts::with_unit`]).
    pub unit: Option<Fact<String>>,
    /// Why no year was found, when the page seems to be about a project.
    pub no_period: Option<String>,
}

impl Facts {
    /// Reads the facts of a page: `title`, its prose `paragraphs` (for the
    /// area) and its whole text `page` (for the figures: its lines that are
    /// not the site's chrome, since a sum or a date often stands on a short
    /// line of its own).
    pub fn read(title: &str, paragraphs: &[String], page: &str) -> Facts {
        let prose = if page.trim().is_empty() {
            paragraphs.join("\n\n")
        } else {
            page.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !super::title::is_chrome(l))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let period = period::period(&prose, page);
        let no_period = period
            .is_none()
            .then(|| "no year or period found".to_string());
        let cost = cost::cost(&prose);
        // Funders named in the article (not in the site's menus); without a
        // programme, the sentence of the cost says who paid, if anyone.
        let article = paragraphs.join("\n\n");
        let named = funding::funding(&article);
        let funding = named
            .clone()
            .filter(|f| f.value != funding::EUROPEAN_UNION)
            .or_else(|| {
                let c = cost.as_ref()?;
                let words = c.from.first()?.trim_end_matches('…');
                let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                let sentence =
                    super::text::sentences(&prose).find(|s| norm(s).contains(&norm(words)))?;
                Some(Fact::sure(sentence.to_string(), Vec::new()))
            })
            .or(named);
        Facts {
            area: area::classify(title, paragraphs),
            period,
            cost,
            funding,
            unit: None,
            no_period,
        }
    }

    /// The facts with the implementing unit named by `phrase` as the page
    /// writes it (`Gminnego Ośrodka Pomocy Społecznej w Zbójnie`), turned into
    /// the nominative.
    pub fn with_unit(mut self, phrase: &str) -> Facts {
        self.unit = Some(Fact::sure(
            unit::nominative(phrase),
            vec![phrase.to_string()],
        ));
        self
    }

    /// The words each fact came from, as the record's `facts_from` keeps them;
    /// `None` when nothing was read.
    pub fn evidence(&self) -> Option<String> {
        let mut parts = Vec::new();
        let quoted = |words: &[String]| {
            words
                .iter()
                .map(|w| format!("«{}»", w.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.area.from.is_empty() {
            parts.push(format!("obszar: {}", quoted(&self.area.from)));
        }
        if let Some(p) = &self.period {
            parts.push(format!("rok: {}", quoted(&p.from)));
        }
        if let Some(c) = &self.cost {
            parts.push(format!("koszt: {}", quoted(&c.from)));
        }
        if let Some(f) = self.funding.as_ref().filter(|f| !f.from.is_empty()) {
            parts.push(format!("finansowanie: {}", quoted(&f.from)));
        }
        if let Some(u) = &self.unit {
            parts.push(format!("jednostka: {}", quoted(&u.from)));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// The facts a person should check, each with its reason.
    pub fn doubts(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(d) = &self.area.doubt {
            out.push(format!("area: {d}"));
        }
        if let Some(d) = self.cost.as_ref().and_then(|c| c.doubt.as_ref()) {
            out.push(format!("cost: {d}"));
        }
        if let Some(d) = self.period.as_ref().and_then(|c| c.doubt.as_ref()) {
            out.push(format!("year: {d}"));
        }
        if let Some(d) = &self.no_period {
            out.push(format!("year: {d}"));
        }
        out
    }

    /// Writes the period, cost and funding into a record (the area and unit
    /// are the caller's: a metryka's win over the prose).
    pub fn apply_figures(&self, p: &mut Practice) {
        if let Some(period) = &self.period {
            p.period_start = period.value.start;
            p.period_end = period.value.end;
        }
        if let Some(c) = &self.cost {
            p.cost_pln = Some(c.value);
        }
        if let Some(f) = &self.funding {
            p.funding = Some(f.value.clone());
        }
    }
}

/// A word of a text: where it is and its folded form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
    /// Lower case without diacritics (`Oczyszczalni` → `oczyszczalni`).
    pub folded: String,
}

/// The words of a text: runs of letters and digits (a hyphen splits
/// `wodno-ściekowej` into two words; `Senior+` keeps its plus).
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    let close = |s: usize, e: usize, out: &mut Vec<Word>| {
        out.push(Word {
            start: s,
            end: e,
            folded: fold(&text[s..e]),
        })
    };
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || (c == '+' && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                close(s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        close(s, text.len(), &mut out);
    }
    out
}

/// Cuts `s` to at most `max` characters at a word, for evidence.
pub fn excerpt(s: &str, max: usize) -> String {
    super::title::shorten(
        s.split_whitespace().collect::<Vec<_>>().join(" ").as_str(),
        max,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_and_split_at_hyphens() {
        let w = words("Gospodarka wodno-ściekowa, Senior+ 2021!");
        let f: Vec<&str> = w.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(f, ["gospodarka", "wodno", "sciekowa", "senior+", "2021"]);
        assert_eq!(
            &"Gospodarka wodno-ściekowa"[w[1].start..w[2].end],
            "wodno-ściekowa"
        );
    }

    #[test]
    fn evidence_lists_each_fact_with_its_words() {
        let paragraphs = vec![
            "Gmina zakończyła budowę kanalizacji i oczyszczalni ścieków w latach 2019–2021. Wartość projektu wyniosła 99 999,75 zł, a dofinansowanie pochodziło z Regionalnego Programu Operacyjnego Województwa Opolskiego.".to_string(),
        ];
        let f = Facts::read("Kanalizacja w Lipnicy", &paragraphs, "");
        assert_eq!(f.area.value, Area::UslugiTechniczne);
        let e = f.evidence().unwrap();
        assert!(e.starts_with("obszar: «"), "{e}");
        assert!(
            e.contains("«Kanalizacja»") && e.contains("«oczyszczalni»"),
            "{e}"
        );
        assert!(e.contains("rok: «w latach 2019–2021»"), "{e}");
        assert!(
            e.contains("koszt: «Wartość projektu wyniosła 99 999,75 zł»"),
            "{e}"
        );
        assert!(
            e.contains("finansowanie: «Regionalnego Programu Operacyjnego"),
            "{e}"
        );
        assert!(f.doubts().is_empty(), "{:?}", f.doubts());
    }

    #[test]
    fn the_cost_sentence_tells_who_paid_when_no_funder_is_named() {
        let t = "Wydano 5 zł na kawę. Koszt wszystkich przedsięwzięć to 2 606 029 zł (w tym środki UE 2 228 426 zł). Inne.";
        let f = Facts::read("Tytuł", &[t.to_string()], "");
        assert_eq!(f.cost.as_ref().map(|c| c.value), Some(2_606_029));
        // The Union alone is less telling than the sentence naming it.
        assert!(f.funding.unwrap().value.starts_with("Koszt wszystkich"));
        let t = "Koszty projektu, całkowicie sfinansowanego przez UM, to 203 609 zł. Inne.";
        let f = Facts::read("Tytuł", &[t.to_string()], "");
        assert_eq!(f.cost.as_ref().map(|c| c.value), Some(203_609));
        assert_eq!(
            f.funding.unwrap().value,
            "Koszty projektu, całkowicie sfinansowanego przez UM, to 203 609 zł."
        );
        let f = Facts::read("Tytuł", &["Bez kosztów podanych.".to_string()], "");
        assert_eq!(f.cost, None);
        assert_eq!(f.funding, None);
    }

    #[test]
    fn a_page_about_nothing_in_particular_is_doubtful() {
        let f = Facts::read(
            "Piękny dzień",
            &["W sobotę mieszkańcy spotkali się na wspólnym sprzątaniu lasu.".to_string()],
            "",
        );
        assert_eq!(f.area.value, Area::UslugiSpoleczne);
        let d = f.doubts();
        assert!(d.iter().any(|d| d.starts_with("area: ")), "{d:?}");
        assert!(d.iter().any(|d| d.starts_with("year: ")), "{d:?}");
    }
}
