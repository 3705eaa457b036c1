//! The period a project ran, from phrases of its prose, in order of trust:
//!
//! 1. a range of dates: `od 01.05.2021 r. do 31.03.2022 r.`, `od stycznia 2020
//!    do czerwca 2021`, `01.03.2019 – 30.06.2019`, and one whose year is written
//!    only at its end (`od 25 marca do 15 grudnia 2022 roku`);
//! 2. a range of years: `w latach 2019–2021`, `w okresie 2016-2018`, `edycja
//!    2019 – 2020`, `Realizacja: 2019 - 2021`, `na lata 2022–2023` (not after a
//!    programme's name: `RPO na lata 2014-2020` is the programme's period, not
//!    the project's; but an edition's years are its own: `Program „Asystent
//!    osobisty” – edycja 2019 – 2020`);
//! 3. a start or an end: `od stycznia 2020 r.`, `rozpoczęto w marcu 2006`,
//!    `31 grudnia 2017r zakończyła się`, `zakończenie … na koniec czerwca 2015`,
//!    `w roku szkolnym 2019/2020`;
//! 4. a year beside a verb of doing: `realizowany w 2018 roku`, `w 2019 r.
//!    wybudowano`, `W grudniu 2008 roku uczestnicy zorganizowali`;
//!
//! and, when the prose states none of these, a year it names, each doubtful
//! but the first:
//!
//! 5. the date of an event the prose tells: `W niedzielę 26 kwietnia 2009 r.`;
//! 6. any other year named as `w 2018 r.` / `w roku 2018`, or with its month
//!    (`pod koniec września 2018 r.`); then a programme's range of years
//!    (`Program Rewitalizacji na lata 2016–2022`) when the page names no other;
//! 7. the date of the resolution or ordinance the page is (`Zarządzenie Nr
//!    17/2021 … z dnia 31 marca 2021`);
//! 8. a year the prose gives relative to the page's own date (`dwa lata temu`,
//!    `w ubiegłym roku`), then the page's own date line (`2018-12-14, 07:30`,
//!    or a stamp opening the text: `date 2025-03 Jeszcze niedawno …`), the last
//!    resort: a news item is mostly written while its project runs.
//!
//! A period with only an end takes its start from passes 5 to 7 when one lies
//! before the end. A year in a law's date (`ustawy z dnia 12 marca 2004 r.`,
//! `Dz. U. z 2020 r. poz. 1057`) is never the project's.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::{Fact, Period};
use crate::gazetteer::fold;

/// Years a project may have run in.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2035;

const MONTH_STEMS: [&str; 12] = [
    "stycz",
    "lut",
    "mar",
    "kwie",
    "maj",
    "czerw",
    "lip",
    "sierp",
    "wrze",
    "pazdziern",
    "listopad",
    "grud",
];

/// The month of a Polish month name in any case (`stycznia`, `styczeń`,
/// `styczniu`, `maja`, `marcu`).
fn month(word: &str) -> Option<u32> {
    let w = fold(word);
    if w.len() < 3 {
        return None;
    }
    // `maj`, `maja`, `maju` but not `majątek`; `marca`, `marzec`, `marcu`.
    let ok = |i: usize, w: &str| match i {
        4 => ["maj", "maja", "maju"].contains(&w),
        1 => ["luty", "lutego", "lutym"].contains(&w),
        2 => ["marzec", "marca", "marcu"].contains(&w),
        _ => true,
    };
    MONTH_STEMS
        .iter()
        .position(|s| w.starts_with(s))
        .filter(|&i| ok(i, &w))
        .map(|i| i as u32 + 1)
}

const MONTH: &str = r"(?:stycz\p{L}*|lut\p{L}*|mar\p{L}*|kwie\p{L}*|maj\p{L}*|czerw\p{L}*|lip\p{L}*|sierp\p{L}*|wrze\p{L}*|październik\p{L}*|pazdziernik\p{L}*|listopad\p{L}*|grud\p{L}*)";

/// A date: `01.05.2021`, `2021-05-01`, `1 maja 2021`; groups d, m/mn, y.
fn date_pattern(n: usize) -> String {
    format!(
        r"(?:(?P<d{n}>\d{{1,2}})[./](?P<m{n}>\d{{1,2}})[./](?P<y{n}>\d{{4}})|(?P<iy{n}>\d{{4}})-(?P<im{n}>\d{{2}})-(?P<id{n}>\d{{2}})|(?P<wd{n}>\d{{1,2}})\s+(?P<wm{n}>{MONTH})\s+(?P<wy{n}>\d{{4}})|(?P<mm{n}>{MONTH})\s+(?P<my{n}>\d{{4}}))(?:\s*r\.?|\s+roku)?"
    )
}

/// Which end of a period a date without its day stands for.
#[derive(Clone, Copy)]
enum End {
    First,
    Last,
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

fn date_at(c: &regex::Captures<'_>, n: usize, end: End) -> Option<NaiveDate> {
    let g = |name: &str| c.name(&format!("{name}{n}")).map(|m| m.as_str());
    let num = |s: Option<&str>| s.and_then(|s| s.parse::<i64>().ok());
    let (y, m, d) = if let Some(y) = g("y") {
        (num(Some(y))?, num(g("m"))?, num(g("d")))
    } else if let Some(y) = g("iy") {
        (num(Some(y))?, num(g("im"))?, num(g("id")))
    } else if let Some(y) = g("wy") {
        (num(Some(y))?, i64::from(month(g("wm")?)?), num(g("wd")))
    } else {
        (num(g("my"))?, i64::from(month(g("mm")?)?), None)
    };
    let (y, m) = (i32::try_from(y).ok()?, u32::try_from(m).ok()?);
    if !YEARS.contains(&y) {
        return None;
    }
    match d {
        Some(d) => NaiveDate::from_ymd_opt(y, m, u32::try_from(d).ok()?),
        None => match end {
            End::First => NaiveDate::from_ymd_opt(y, m, 1),
            End::Last => last_day(y, m),
        },
    }
}

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\bod\s*:?\s*(?:dnia\s+)?)?{}\s*(?:[-–—]|\bdo\s*:?\s*(?:dnia\s+)?)\s*{}",
        date_pattern(1),
        date_pattern(2)
    ))
    .expect("regex")
});

static YEAR_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(w\s+latach|latach|w\s+okresie|na\s+lata|lata|od|edycj\p{L}*|realizacj\p{L}*\s*:?|okres\p{L}*\s*:?|termin\p{L}*\s*:?)\s+(\d{4})\s*(?:r\.|roku)?\s*(?:[-–—/]|do)\s*(\d{4})")
        .expect("regex")
});

static FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:od|rozpocz\p{{L}}*[^.;]{{0,60}}?\bw|start\p{{L}}*[^.;]{{0,40}}?\bw)\s+(?:dnia\s+)?{}",
        date_pattern(1)
    ))
    .expect("regex")
});

static FROM_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bod\s+(\d{4})\s*(?:r\.|roku)").expect("regex"));

static UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\b(?:do|zakończ\p{{L}}*[^.;]{{0,60}}?(?:\bna|\bw|\bdo)(?:\s+koniec)?)\s+(?:dnia\s+)?{}|{}\s*(?:r\b\.?)?\s*(?:zakończ\p{{L}}*|zakonczy\p{{L}}*))",
        date_pattern(1),
        date_pattern(2)
    ))
    .expect("regex")
});

static SCHOOL_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\broku?\s+szkoln\p{L}*\s+(\d{4})\s*/\s*(\d{4})").expect("regex")
});

/// A year beside a verb of doing, in either order, within one clause.
static DONE_IN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    let verb = r"(?:zrealizowan|realizowan|realizacj|wykonan|wykonał|przeprowadzon|przeprowadzi|zakończ|oddan|oddał|wybudowan|zbudowan|powstał|powstan|odbył|odbyw|trwał|otwart|otwarci|uruchomion|uruchomi|zorganizowan|zorganizował|rozpocz|ukończ|zmodernizowan|wyremontowan|zakupion|zakupil|zakupił|prowadzon|prowadził|funkcjonuj|działa|utworzon|ruszył|ruszy|startuj|zainaugurowan)\p{L}*";
    Regex::new(&format!(
        r"(?i)\b{verb}[^.;!?]{{0,80}}?\bw\s+(?:(?:{MONTH})\s+)?(?:roku\s+)?(\d{{4}})\s*(?:r\b\.?|roku)?|\bw\s+(?:(?:{MONTH})\s+)?(?:roku\s+)?(\d{{4}})\s*(?:r\b\.?|roku)?[^.;!?]{{0,80}}?\b{verb}"
    ))
    .expect("regex")
});

/// A full date inside a sentence: `26 kwietnia 2009 r.`, `21. grudnia 2018`,
/// `04.09.2023 r.`.
static EVENT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\b(?P<wd1>\d{{1,2}})\.?\s+(?P<wm1>{MONTH})\s+(?P<wy1>\d{{4}})|\b(?P<d1>\d{{1,2}})\.(?P<m1>\d{{1,2}})\.(?P<y1>\d{{4}}))"
    ))
    .expect("regex")
});

/// A page's own date line: `2018-12-14, 07:30`, `12.05.2021`, `Krajenka, dnia
/// 12 sierpnia 2022 r.`, `Dodano: 13 luty 2020`.
static PAGE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:\b(?P<iy1>\d{{4}})-(?P<im1>\d{{2}})-(?P<id1>\d{{2}})\b|\b(?P<d1>\d{{1,2}})[./-](?P<m1>\d{{1,2}})[./-](?P<y1>\d{{4}})\b|\b(?P<wd1>\d{{1,2}})\.?\s+(?P<wm1>{MONTH})\s+(?P<wy1>\d{{4}}))"
    ))
    .expect("regex")
});

/// A range of dates in one year written once, at its end: `od 25 marca do 15
/// grudnia 2022 roku`, `od marca do czerwca 2019 r.`.
static RANGE_ONE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\bod\s+(?:dnia\s+)?(?P<d1>\d{{1,2}}\s+)?(?P<m1>{MONTH})\s+do\s+(?:dnia\s+)?(?P<d2>\d{{1,2}}\s+)?(?P<m2>{MONTH})\s+(?P<y>\d{{4}})"
    ))
    .expect("regex")
});

/// A month and its year: `września 2018 r.`, `w marcu 2019`.
static MONTH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)\b{MONTH}\s+(\d{{4}})\b")).expect("regex"));

/// A page's date stamp opening a line of text: `date 2025-03 Jeszcze …`,
/// `2018-12-14 Na terenie …`, `Data: 2021-05-04 …`.
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:date|data|dodano|opublikowano)\s*:?\s*)?(\d{4})-\d{2}(?:-\d{2})?\b")
        .expect("regex")
});

/// A time before the page's date: `dwa lata temu`, `3 lata temu`, `rok temu`,
/// `w ubiegłym roku`, `w zeszłym roku`.
static AGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(\p{L}+|\d{1,2})\s+lat[a]?\s+temu|(rok)\s+temu|w\s+(?:ubieg\p{L}+|zesz\p{L}+)\s+(rok)u)\b")
        .expect("regex")
});

/// Years in words, as `… lata temu` counts them.
fn years_ago(word: &str) -> Option<i32> {
    const WORDS: [&str; 10] = [
        "dwa",
        "trzy",
        "cztery",
        "piec",
        "szesc",
        "siedem",
        "osiem",
        "dziewiec",
        "dziesiec",
        "jedenascie",
    ];
    let w = fold(word);
    w.parse()
        .ok()
        .or_else(|| WORDS.iter().position(|x| *x == w).map(|i| i as i32 + 2))
        .filter(|n| (1..=30).contains(n))
}

/// The page's own date: a short line that is a date, or a stamp opening a
/// line; its year and the words it came from.
fn page_year(page: &str) -> Option<(i32, String)> {
    page.lines().map(str::trim).find_map(|line| {
        if line.split_whitespace().count() <= 8
            && let Some(c) = PAGE_DATE.captures(line)
            && let Some(y) = year_of_date(&c)
        {
            return Some((y, super::excerpt(line, 80)));
        }
        let c = STAMP.captures(line)?;
        Some((year(&c[1])?, c[0].to_string()))
    })
}

static ANY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bw\s+(?:roku\s+(\d{4})|(\d{4})\s*(?:r\b\.?|roku))").expect("regex")
});

/// Words just before a year that make it a law's or a document's date.
const LEGAL: &[&str] = &["dz. u", "dz.u", "ustaw", "rozporz", "poz.", "nr ", "kodeks"];

/// Words before a range of years that make it a programme's period.
const PROGRAMME: &[&str] = &[
    "program",
    "operacyjn",
    "rpo",
    "prow",
    "perspektyw",
    "strategi",
    "plan",
    "lsr",
    "fundusz",
    "po wer",
    "power",
    "polityk",
    "finansow",
];

fn before(text: &str, at: usize, bytes: usize) -> String {
    let mut from = at.saturating_sub(bytes);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    fold(&text[from..at])
}

fn legal(text: &str, at: usize) -> bool {
    static SENTENCE_END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:\p{Ll}{2}|\d)[.!?]\s+\p{Lu}").expect("regex"));
    let mut from = at.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..at];
    // Only within the sentence and the clause of the date.
    let sentence = SENTENCE_END.find_iter(window).last().map_or(window, |m| {
        let capital = m.as_str().chars().next_back().map_or(1, char::len_utf8);
        &window[m.end() - capital..]
    });
    let b = fold(sentence);
    let clause = b.rsplit([',', ';', '(']).next().unwrap_or(&b);
    LEGAL.iter().any(|l| clause.contains(l))
}

/// Whether the date at `at` is a resolution's or an ordinance's (`Zarządzenie
/// Nr 17/2021 … z dnia 31 marca 2021`).
fn document(text: &str, at: usize) -> bool {
    let b = before(text, at, 60);
    ["z dnia", "uchwal", "zarzadzeni", "decyzj", "obwieszcz"]
        .iter()
        .any(|w| b.contains(w))
}

fn year(s: &str) -> Option<i32> {
    s.parse().ok().filter(|y| YEARS.contains(y))
}

fn whole_year(y: i32) -> Period {
    Period {
        start: NaiveDate::from_ymd_opt(y, 1, 1),
        end: NaiveDate::from_ymd_opt(y, 12, 31),
    }
}

fn fact(period: Period, m: regex::Match<'_>, doubt: Option<String>) -> Fact<Period> {
    Fact {
        value: period,
        from: vec![super::excerpt(m.as_str(), 120)],
        doubt,
    }
}

/// A year the later passes may fall back on: a date in the prose, a
/// resolution's date, the page's own date.
fn year_of_date(c: &regex::Captures<'_>) -> Option<i32> {
    date_at(c, 1, End::First).map(|d| d.year())
}

/// The period of a project from its prose (see the module's documentation).
/// `page` is the page's whole text, read for the page's own date when the
/// prose states no year.
pub fn period(text: &str, page: &str) -> Option<Fact<Period>> {
    let found = stated(text).or_else(|| fallback(text, page))?;
    // Only an end: a start the prose names before it, if any.
    // (The words that gave the end are left out: they are not a start.)
    let rest = found.from.first().map_or_else(
        || text.to_string(),
        |f| text.replacen(f.trim_end_matches('…'), "", 1),
    );
    if found.value.start.is_none()
        && let Some(end) = found.value.end
        && let Some(earlier) = fallback(&rest, "")
        && let Some(s) = earlier.value.start
        && s <= end
    {
        let mut from = found.from.clone();
        from.extend(earlier.from);
        return Some(Fact {
            value: Period {
                start: Some(s),
                end: Some(end),
            },
            from,
            doubt: found.doubt,
        });
    }
    Some(found)
}

/// Passes 1 to 4: a period the prose states as the project's.
fn stated(text: &str) -> Option<Fact<Period>> {
    // 1. A range of dates.
    for c in RANGE.captures_iter(text) {
        let m = c.get(0).expect("match");
        if legal(text, m.start()) {
            continue;
        }
        if let (Some(a), Some(b)) = (date_at(&c, 1, End::First), date_at(&c, 2, End::Last))
            && a <= b
            && (b - a).num_days() <= 366 * 12
        {
            let period = Period {
                start: Some(a),
                end: Some(b),
            };
            return Some(fact(period, m, None));
        }
    }
    // 1b. A range of dates in one year, the year written at its end.
    for c in RANGE_ONE_YEAR.captures_iter(text) {
        let m = c.get(0).expect("match");
        let Some(y) = year(&c["y"]) else { continue };
        if legal(text, m.start()) {
            continue;
        }
        let day = |g: &str| {
            c.name(g)
                .and_then(|d| d.as_str().trim().parse::<u32>().ok())
        };
        let (Some(m1), Some(m2)) = (month(&c["m1"]), month(&c["m2"])) else {
            continue;
        };
        let a = NaiveDate::from_ymd_opt(y, m1, day("d1").unwrap_or(1));
        let b = day("d2").map_or_else(|| last_day(y, m2), |d| NaiveDate::from_ymd_opt(y, m2, d));
        if let (Some(a), Some(b)) = (a, b)
            && a <= b
        {
            let period = Period {
                start: Some(a),
                end: Some(b),
            };
            return Some(fact(period, m, None));
        }
    }
    // 2. A range of years, not a programme's.
    for c in YEAR_RANGE.captures_iter(text) {
        let m = c.get(0).expect("match");
        let lead = fold(&c[1]);
        let (Some(a), Some(b)) = (year(&c[2]), year(&c[3])) else {
            continue;
        };
        if a > b || b - a > 12 || legal(text, m.start()) {
            continue;
        }
        let ctx = before(text, m.start(), 120);
        let clause = ctx.rsplit(['.', ';', '\n']).next().unwrap_or(&ctx);
        if !lead.starts_with("w latach")
            && !lead.starts_with("edycj")
            && PROGRAMME.iter().any(|p| clause.contains(p))
        {
            continue;
        }
        let period = Period {
            start: NaiveDate::from_ymd_opt(a, 1, 1),
            end: NaiveDate::from_ymd_opt(b, 12, 31),
        };
        return Some(fact(period, m, None));
    }
    // 3. A start, an end, a school year.
    if let Some(c) = SCHOOL_YEAR.captures(text)
        && let (Some(a), Some(b)) = (year(&c[1]), year(&c[2]))
        && b == a + 1
    {
        let period = Period {
            start: NaiveDate::from_ymd_opt(a, 9, 1),
            end: NaiveDate::from_ymd_opt(b, 6, 30),
        };
        return Some(fact(period, c.get(0).expect("match"), None));
    }
    let start = FROM
        .captures_iter(text)
        .filter(|c| !legal(text, c.get(0).expect("match").start()))
        .find_map(|c| Some((date_at(&c, 1, End::First)?, c.get(0).expect("match"))))
        .or_else(|| {
            FROM_YEAR
                .captures_iter(text)
                .filter(|c| !legal(text, c.get(0).expect("match").start()))
                .find_map(|c| {
                    let y = year(&c[1])?;
                    Some((NaiveDate::from_ymd_opt(y, 1, 1)?, c.get(0).expect("match")))
                })
        });
    let end = UNTIL
        .captures_iter(text)
        .filter(|c| !legal(text, c.get(0).expect("match").start()))
        .find_map(|c| {
            let d = date_at(&c, 1, End::Last).or_else(|| date_at(&c, 2, End::Last))?;
            Some((d, c.get(0).expect("match")))
        });
    match (start, end) {
        (Some((a, ma)), Some((b, mb))) if a <= b => {
            return Some(Fact::sure(
                Period {
                    start: Some(a),
                    end: Some(b),
                },
                vec![
                    super::excerpt(ma.as_str(), 120),
                    super::excerpt(mb.as_str(), 120),
                ],
            ));
        }
        (Some((a, m)), _) => {
            let period = Period {
                start: Some(a),
                end: None,
            };
            return Some(fact(period, m, None));
        }
        (None, Some((b, m))) => {
            let period = Period {
                start: None,
                end: Some(b),
            };
            return Some(fact(period, m, None));
        }
        _ => {}
    }
    // 4. A year beside a verb of doing.
    for c in DONE_IN_YEAR.captures_iter(text) {
        let m = c.get(0).expect("match");
        let y = c.get(1).or(c.get(2)).expect("one of the two");
        if legal(text, y.start()) {
            continue;
        }
        if let Some(y) = year(y.as_str()) {
            return Some(fact(whole_year(y), m, None));
        }
    }
    None
}

/// Passes 5 to 8: a year the page names without saying it is the project's.
fn fallback(text: &str, page: &str) -> Option<Fact<Period>> {
    // 5. The date of an event the prose tells (`W niedzielę 26 kwietnia 2009 r.`).
    for c in EVENT_DATE.captures_iter(text) {
        let m = c.get(0).expect("match");
        if legal(text, m.start()) || document(text, m.start()) {
            continue;
        }
        if let Some(y) = year_of_date(&c) {
            return Some(fact(whole_year(y), m, None));
        }
    }
    // 6. Any year the prose names as `w 2018 r.`.
    for c in ANY_YEAR.captures_iter(text) {
        let m = c.get(0).expect("match");
        if legal(text, m.start()) {
            continue;
        }
        if let Some(y) = c.get(1).or(c.get(2)).and_then(|y| year(y.as_str())) {
            return Some(fact(
                whole_year(y),
                m,
                Some("a year the page names, not said to be the project's".into()),
            ));
        }
    }
    // 6b. A month and its year (`pod koniec września 2018 r.`) in a sentence,
    // not a calendar's heading (`Styczeń 2026` on a line of its own).
    for c in MONTH_YEAR.captures_iter(text) {
        let m = c.get(0).expect("match");
        let line_start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[m.end()..]
            .find('\n')
            .map_or(text.len(), |i| m.end() + i);
        if legal(text, m.start())
            || document(text, m.start())
            || text[line_start..line_end].split_whitespace().count() < 6
        {
            continue;
        }
        if let Some(y) = year(&c[1]) {
            return Some(fact(
                whole_year(y),
                m,
                Some("a year the page names, not said to be the project's".into()),
            ));
        }
    }
    // 6c. A programme's range of years, when the page names no other.
    for c in YEAR_RANGE.captures_iter(text) {
        let m = c.get(0).expect("match");
        if let (Some(a), Some(b)) = (year(&c[2]), year(&c[3]))
            && a <= b
            && b - a <= 12
            && !legal(text, m.start())
        {
            let period = Period {
                start: NaiveDate::from_ymd_opt(a, 1, 1),
                end: NaiveDate::from_ymd_opt(b, 12, 31),
            };
            return Some(fact(
                period,
                m,
                Some("the period of a programme the page names".into()),
            ));
        }
    }
    // 7. The date of the resolution or ordinance the page is.
    for c in EVENT_DATE.captures_iter(text) {
        let m = c.get(0).expect("match");
        if !document(text, m.start()) || legal(text, m.start()) {
            continue;
        }
        if let Some(y) = year_of_date(&c) {
            return Some(fact(
                whole_year(y),
                m,
                Some("the date of the resolution or ordinance".into()),
            ));
        }
    }
    // 8. A year relative to the page's own date, then that date.
    // Counted back only in sentences (lines of eight words or more) of the
    // whole page, the stamp's own line included; a comment's `2 lata temu`
    // stands on a short line.
    let (page_y, stamp) = page_year(page)?;
    let sentences = page.lines().filter(|l| l.split_whitespace().count() >= 8);
    for c in sentences.flat_map(|l| AGO.captures_iter(l)) {
        let n = match c.get(1) {
            Some(w) => years_ago(w.as_str()),
            None => Some(1),
        };
        if let Some(y) = n.map(|n| page_y - n).filter(|y| YEARS.contains(y)) {
            return Some(Fact {
                value: whole_year(y),
                from: vec![stamp, super::excerpt(&c[0], 80)],
                doubt: Some("a year counted back from the page's own date".into()),
            });
        }
    }
    Some(Fact {
        value: whole_year(page_y),
        from: vec![stamp],
        doubt: Some("only the page's own date names a year".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn p(text: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
        period(text, "").map_or((None, None), |f| (f.value.start, f.value.end))
    }

    #[test]
    fn a_range_with_its_year_at_the_end() {
        assert_eq!(
            p("Termin realizacji zadania od 25 marca do 15 grudnia 2022 roku."),
            (d(2022, 3, 25), d(2022, 12, 15))
        );
        assert_eq!(
            p("Zajęcia trwały od marca do czerwca 2019 r."),
            (d(2019, 3, 1), d(2019, 6, 30))
        );
    }

    #[test]
    fn an_edition_is_not_a_programme_period() {
        assert_eq!(
            p(
                "GOPS realizuje Program „Asystent osobisty osoby niepełnosprawnej” – edycja 2019 – 2020."
            ),
            (d(2019, 1, 1), d(2020, 12, 31))
        );
    }

    #[test]
    fn a_month_and_year_and_a_programme_period_are_late_and_doubtful() {
        let f = period(
            "Część siłowni oddano pod koniec września 2018 r., reszta wiosną.",
            "",
        )
        .unwrap();
        assert_eq!(f.value.start, d(2018, 1, 1));
        assert!(f.doubt.is_some());
        let f = period(
            "Lokalny Program Rewitalizacji Miasta na lata 2016–2022 jest dokumentem.",
            "",
        )
        .unwrap();
        assert_eq!(
            (f.value.start, f.value.end),
            (d(2016, 1, 1), d(2022, 12, 31))
        );
        assert!(f.doubt.is_some());
        // A project's own year still wins over the programme's period.
        assert_eq!(
            p("Projekt z RPO na lata 2014-2020 zrealizowano w 2018 roku."),
            (d(2018, 1, 1), d(2018, 12, 31))
        );
    }

    #[test]
    fn the_page_stamp_and_years_counted_back_from_it() {
        let page = " date 2022-11 Dwa lata temu mieszkańcy wybrali projekt wybiegów.";
        let f = period(page, page).unwrap();
        assert_eq!(f.value.start, d(2020, 1, 1));
        assert!(f.from.iter().any(|w| w.contains("Dwa lata temu")));
        let page = "2021-03-04 W ubiegłym roku gmina kupiła nowy autobus dla uczniów.";
        assert_eq!(period(page, page).unwrap().value.start, d(2020, 1, 1));
        // The stamp's line may be the site's chrome, left out of the prose.
        let page = " date 2022-11 Teraz mają wątpliwość. Dwa lata temu mieszkańcy Strzeszyna wybrali projekt.";
        assert_eq!(
            period("Jeden projekt pochłonął całą kasę.", page)
                .unwrap()
                .value
                .start,
            d(2020, 1, 1)
        );
        // A calendar's month is not a year the prose names.
        assert_eq!(
            p("Pogoda\nStyczeń 2026\nPn Wt Śr Cz Pt So Nd"),
            (None, None)
        );
        let page = "date 2026-01-15 Na terenie gminy ruszyła komunikacja autobusowa.";
        let f = period(page, page).unwrap();
        assert_eq!(f.value.start, d(2026, 1, 1));
        assert!(f.doubt.is_some());
        // Without a page date, nothing is counted back.
        assert_eq!(p("Dwa lata temu mieszkańcy wybrali projekt."), (None, None));
    }

    #[test]
    fn periods_from_prose() {
        assert_eq!(
            p("W latach 2006-2008 252 osoby zawarły kontrakty."),
            (d(2006, 1, 1), d(2008, 12, 31))
        );
        assert_eq!(
            p("31 grudnia 2017r zakończyła się realizacja projektu").1,
            d(2017, 12, 31)
        );
        assert_eq!(
            p("Realizację programu rozpoczęto w marcu 2006 roku od podwyższenia").0,
            d(2006, 3, 1)
        );
        assert_eq!(
            p("Projekt realizowany jest w okresie od: 01.05.2021 r. do: 31.03.2022 r."),
            (d(2021, 5, 1), d(2022, 3, 31))
        );
        assert_eq!(
            p("Zajęcia trwają od stycznia 2020 r. do czerwca 2021 r."),
            (d(2020, 1, 1), d(2021, 6, 30))
        );
        assert_eq!(
            p("Świetlica działa od stycznia 2020 r."),
            (d(2020, 1, 1), None)
        );
        assert_eq!(
            p("Projekt realizowany w 2018 roku objął 40 osób."),
            (d(2018, 1, 1), d(2018, 12, 31))
        );
        assert_eq!(
            p("w latach 2019–2021 gmina budowała kanalizację"),
            (d(2019, 1, 1), d(2021, 12, 31))
        );
        assert_eq!(
            p("Zakończenia realizacji przedsięwzięcia planuje się na koniec czerwca 2015 r.").1,
            d(2015, 6, 30)
        );
        assert_eq!(
            p("Zajęcia w roku szkolnym 2019/2020 prowadzili nauczyciele."),
            (d(2019, 9, 1), d(2020, 6, 30))
        );
    }

    #[test]
    fn programmes_and_laws_are_not_the_projects_period() {
        assert_eq!(
            p(
                "Dofinansowanie z Regionalnego Programu Operacyjnego na lata 2014-2020. Projekt realizowany w 2019 roku."
            ),
            (d(2019, 1, 1), d(2019, 12, 31))
        );
        assert_eq!(
            p(
                "Zgodnie z ustawą z dnia 12 marca 2004 r. o pomocy społecznej gmina wypłaca zasiłki."
            ),
            (None, None)
        );
        let f = period(
            "Dz. U. z 2020 r. poz. 1057. Spotkanie było w 2021 r. w remizie.",
            "",
        )
        .unwrap();
        assert_eq!(f.value.start, d(2021, 1, 1));
        assert!(f.doubt.is_some());
        assert_eq!(f.from, ["w 2021 r."]);
    }

    #[test]
    fn months_in_every_case() {
        assert_eq!(month("stycznia"), Some(1));
        assert_eq!(month("Marcu"), Some(3));
        assert_eq!(month("maja"), Some(5));
        assert_eq!(month("majątek"), None);
        assert_eq!(month("października"), Some(10));
        assert_eq!(month("marka"), None);
    }
}
