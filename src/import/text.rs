//! Shared helpers of the page readers: HTML to text, Polish numbers, dates
//! and money.

use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

/// Text of an HTML page with block elements on their own lines; scripts,
/// styles and other non-content elements are left out.
pub fn html_to_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let mut out = String::new();
    walk(doc.root_element(), &mut out);
    out
}

fn walk(el: scraper::ElementRef<'_>, out: &mut String) {
    const SKIP: &[&str] = &["script", "style", "noscript", "template", "head", "svg"];
    const BLOCK: &[&str] = &[
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "table",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "dt",
        "dd",
        "dl",
        "blockquote",
        "pre",
        "hr",
        "form",
        "main",
        "aside",
    ];
    let name = el.value().name();
    if SKIP.contains(&name) {
        return;
    }
    let block = BLOCK.contains(&name);
    if block && !out.ends_with('\n') && !out.is_empty() {
        out.push('\n');
    }
    for child in el.children() {
        if let Some(t) = child.value().as_text() {
            out.push_str(&t.replace(['\n', '\r'], " "));
        } else if let Some(e) = scraper::ElementRef::wrap(child) {
            walk(e, out);
        }
    }
    if block && !out.ends_with('\n') {
        out.push('\n');
    }
    if name == "p" || name.starts_with('h') && name.len() == 2 {
        out.push('\n');
    }
}

/// Parses a Polish-formatted whole number: `40.419`, `203 609`, `2 606 029`
/// (dots, spaces and non-breaking spaces as thousands separators).
pub fn polish_int(s: &str) -> Option<u64> {
    let digits: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

const MONTHS_GENITIVE: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];
const MONTHS_LOCATIVE: [&str; 12] = [
    "styczniu",
    "lutym",
    "marcu",
    "kwietniu",
    "maju",
    "czerwcu",
    "lipcu",
    "sierpniu",
    "wrześniu",
    "październiku",
    "listopadzie",
    "grudniu",
];

fn month_of(word: &str, table: &[&str; 12]) -> Option<u32> {
    let w = word.to_lowercase();
    table.iter().position(|m| *m == w).map(|i| i as u32 + 1)
}

/// Cost, funding notes and project period read from a practice's body text.
pub fn read_figures(p: &mut crate::practice::Practice) {
    if let Some((amount, sentence)) = cost(&p.body) {
        p.cost_pln = Some(amount);
        p.funding = Some(sentence);
    }
    (p.period_start, p.period_end) = period(&p.body);
}

/// Money in złoty: the amount of the first sentence that speaks of cost
/// (`Koszt`, `koszty`, `kosztował`) and names an amount in zł; else `None`.
/// Returns the amount and that sentence (as funding notes).
pub fn cost(text: &str) -> Option<(u64, String)> {
    static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d{1,3}(?:[ \u{a0}.]\d{3})+|\d+)(?:,\d{1,2})?\s*(?:zł|zl|PLN)")
            .expect("regex")
    });
    for sentence in sentences(text) {
        if !sentence.to_lowercase().contains("koszt") {
            continue;
        }
        if let Some(c) = AMOUNT.captures(sentence) {
            if let Some(v) = polish_int(&c[1]) {
                return Some((v, sentence.trim().to_string()));
            }
        }
    }
    None
}

/// Splits prose into sentences at `.`, `!`, `?` followed by a space or the end,
/// keeping abbreviations such as `m.in.` and numbers together well enough for
/// finding facts.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    static END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[.!?](\s+[A-ZĄĆĘŁŃÓŚŹŻ„“]|\s*\n|\s*$)").expect("regex"));
    let mut out = Vec::new();
    let mut start = 0;
    for m in END.find_iter(text) {
        let end = m.start() + 1;
        out.push(&text[start..end]);
        start = end;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter().map(str::trim).filter(|s| !s.is_empty())
}

/// A project period from phrases in the text: `w latach 2006-2008`,
/// `rozpoczęto w marcu 2006`, `31 grudnia 2017r zakończyła się realizacja`.
pub fn period(text: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
    static YEARS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)w latach\s+(\d{4})\s*[-–—]\s*(\d{4})").expect("regex"));
    static ENDED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(\d{1,2})\s+(\p{L}+)\s+(\d{4})\s*r?\.?\s+(?:zakończył|zakończyła|zakończyło|zakończono)")
            .expect("regex")
    });
    static STARTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:rozpoczęt\p{L}*|rozpoczął|rozpoczęła|rozpoczęło|zainicjowan\p{L}*)[^.]{0,60}?\bw\s+(\p{L}+)\s+(\d{4})")
            .expect("regex")
    });
    let mut start = None;
    let mut end = None;
    if let Some(c) = YEARS.captures(text) {
        let (a, b): (i32, i32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        if (1990..=2100).contains(&a) && a <= b && b <= 2100 {
            start = NaiveDate::from_ymd_opt(a, 1, 1);
            end = NaiveDate::from_ymd_opt(b, 12, 31);
        }
    }
    if let Some(c) = STARTED.captures(text)
        && let Some(m) = month_of(&c[1], &MONTHS_LOCATIVE)
    {
        let y: i32 = c[2].parse().unwrap_or(0);
        if let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) {
            start = Some(start.map_or(d, |s| s.min(d)));
        }
    }
    if let Some(c) = ENDED.captures(text)
        && let Some(m) = month_of(&c[2], &MONTHS_GENITIVE)
    {
        let (d, y): (u32, i32) = (c[1].parse().unwrap_or(0), c[3].parse().unwrap_or(0));
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            end = Some(date);
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_numbers() {
        assert_eq!(polish_int("40.419"), Some(40_419));
        assert_eq!(polish_int("2 606 029"), Some(2_606_029));
        assert_eq!(polish_int("203\u{a0}609"), Some(203_609));
        assert_eq!(polish_int("12a"), None);
        assert_eq!(polish_int(""), None);
    }

    #[test]
    fn cost_takes_the_first_cost_sentence() {
        let t = "Wydano 5 zł na kawę. Koszt wszystkich przedsięwzięć to 2 606 029 zł (w tym środki UE 2 228 426 zł). Inne.";
        let (v, s) = cost(t).unwrap();
        assert_eq!(v, 2_606_029);
        assert!(s.starts_with("Koszt wszystkich"));
        assert_eq!(cost("Bez kosztów podanych."), None);
    }

    #[test]
    fn periods_from_prose() {
        let (s, e) = period("W latach 2006-2008 252 osoby zawarły kontrakty.");
        assert_eq!(s, NaiveDate::from_ymd_opt(2006, 1, 1));
        assert_eq!(e, NaiveDate::from_ymd_opt(2008, 12, 31));
        let (_, e) = period("31 grudnia 2017r zakończyła się realizacja projektu");
        assert_eq!(e, NaiveDate::from_ymd_opt(2017, 12, 31));
        let (s, _) = period("Realizację programu rozpoczęto w marcu 2006 roku od podwyższenia");
        assert_eq!(s, NaiveDate::from_ymd_opt(2006, 3, 1));
    }

    #[test]
    fn html_blocks_become_lines() {
        let t = html_to_text(
            "<html><head><title>x</title><script>var a=1;</script></head><body><p>Jeden <b>dwa</b></p><div>Trzy</div></body></html>",
        );
        assert!(t.contains("Jeden dwa\n"));
        assert!(t.contains("Trzy"));
        assert!(!t.contains("var a"));
    }
}
