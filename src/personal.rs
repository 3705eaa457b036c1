//! People's phone numbers and e-mail addresses in prose: found, and withheld
//! unless the operator publishes personal data.
//!
//! A practice's page often ends with "koordynatorka Anna Nowak, tel. 601 234
//! 567, anna.nowak@…". Labelled contact persons are withheld field by field
//! (`Practice::public_view`, a floor above); this module does the same for
//! the free text. The rules are plain, in three steps, each written below as
//! a regex or a word list:
//!
//! 1. **Candidates.** [`may_hold`] is the quick test every text passes first
//!    (an `@` or an obfuscated one, or a run of at least seven digits); only
//!    then do the regexes run. A phone is a Polish number in its usual
//!    spellings (`601 234 567`, `601-234-567`, `+48 601 234 567`,
//!    `(32) 123 45 67`, `(0-32) 123-45-67`, `32 1234567`, a trailing `wew. 25`),
//!    nine digits after the country code and trunk `0` (seven after `tel.`).
//!    Amounts (`zł`, `%`, `osób` after it; a decimal comma), identifiers (NIP,
//!    REGON, KRS, PESEL, ISBN, account numbers before it), dates, postal codes
//!    and codes glued to letters are not phones. An e-mail is `local@domain.tld`,
//!    also spelt `[at]`, `(at)`, `(małpa)`, `[dot]`, `(kropka)`.
//! 2. **Whose.** The institution's own stay: a number or address equal to the
//!    one the record labels as the institution's; a mailbox named after a desk
//!    or an institution (`sekretariat@`, `mops@`, `biuro@`, `kontakt@`…); a
//!    free-phone number (`800…`). A person's go: equal to a labelled contact
//!    person's; a mailbox shaped like a name (`anna.nowak@`, `a.nowak@`,
//!    `anowak@`, `anna@`); else the nearest words decide. Strong words: a
//!    first name, `pani`/`pan`/`p.`, an initial and surname (`A. Nowak`) say
//!    person; a desk (`sekretariat`, `centrala`, `fax`, `biuro`, `infolinia`…)
//!    or an address (`ul. …`, `44-100`) say institution. Weak words: a role
//!    (`koordynator`, `pracownik`, `specjalistka`…) says person, an institution
//!    (`ośrodek`, `urząd`, `MOPS`…) says institution. The nearest strong word
//!    before the candidate (in its sentence, or the one before when only
//!    labels such as `tel.` lie between) decides, else the nearest weak one,
//!    else the same after it; words in parentheses right after it come first;
//!    a candidate joined to the previous one by labels only (`, e-mail:`)
//!    shares its owner. A mobile number goes with any person word near it
//!    unless a desk word is nearer. With no word at all, a phone stays and an
//!    address on a free-mail domain (`@gmail.com`, `@wp.pl`…) goes.
//! 3. **Withheld**: each of a person's numbers (with its extension) and
//!    addresses becomes [`MARKER`].
//!
//! A change of these rules changes [`RULES_VERSION`], so that text prepared
//! with the old ones is prepared again.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

mod words;
use words::*;

/// What a person's phone or e-mail in prose is replaced with.
pub const MARKER: &str = "[dane osobowe ukryte]";

/// The version of the rules; part of what identifies prepared public text.
pub const RULES_VERSION: u64 = 1;

/// What text prepared for publishing depends on, as a value mixed into the
/// version of what holds it (a snapshot and its file): 0 when people's
/// phones and e-mails are published (the text as written), else a hash of
/// [`RULES_VERSION`]. So a snapshot file prepared under the other setting or
/// older rules never passes for the current one.
pub fn version_key(publish_personal: bool) -> u64 {
    match publish_personal {
        true => 0,
        false => {
            xxhash_rust::xxh3::xxh3_64(format!("withheld by rules {RULES_VERSION}").as_bytes())
        }
    }
}

/// A phone: an optional country code, an optional area code in parentheses,
/// then seven to eleven digits with at most one separator (space, no-break
/// space, dot, hyphen or dash) between two; an optional extension after it.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: (?:\+|00)[\ \u{a0}]?48[\ \u{a0}.\-]? | \([\ ]?(?:\+|00)?48[\ ]?\)[\ \u{a0}]? )?
        (?: \([\ ]?0?[\ \-]?[0-9]{2}[\ ]?\)[\ \u{a0}]? )?
        [0-9] (?: [\ \u{a0}\u{2009}\u{202f}.\-\u{2010}\u{2011}\u{2013}]? [0-9] ){6,11}
        (?: [\ \u{a0}]?,?[\ \u{a0}]? (?i:wewn?\.?|w\.|ext\.?) [\ \u{a0}]? [0-9]{1,5} )?",
    )
    .expect("the phone regex compiles")
});

/// An e-mail address, `@` or an obfuscation of it (`[at]`, `(małpa)`, ` at `),
/// its domain's dots possibly spelt `[dot]` or `(kropka)`.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        [\p{L}0-9](?:[\p{L}0-9._%+\-]*[\p{L}0-9])?
        (?: [\ ]?@[\ ]? | [\ ]?[\[({][\ ]?(?i:at|małpa|malpa)[\ ]?[\])}][\ ]? | [\ ](?i:at|małpa|malpa)[\ ] )
        [\p{L}0-9](?:[\p{L}0-9\-]*[\p{L}0-9])?
        (?: (?: \. | [\ ]?[\[({][\ ]?(?i:dot|kropka)[\ ]?[\])}][\ ]? | [\ ](?i:dot|kropka)[\ ] )
            [\p{L}0-9](?:[\p{L}0-9\-]*[\p{L}0-9])? )+",
    )
    .expect("the e-mail regex compiles")
});

/// What [`may_hold`] looks for besides digits: an `@` or its spellings, as
/// plain literals so that the search is a fast scan.
static AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"@|at[\])}]|AT[\])}]| at |ałpa|alpa|AŁPA").expect("the at regex compiles")
});

/// The words of a text with their byte offsets (runs of letters).
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// The extension after a number (`wew. 25`, `w. 3`, `ext. 12`).
static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[ \u{a0}]?,?[ \u{a0}]?(?:wewn?\.?|w\.|ext\.?)[ \u{a0}]?[0-9]{1,5}$")
        .expect("the extension regex compiles")
});

/// Whether a text may hold a phone number or an e-mail address: the cheap
/// test before any regex runs. A run of at least seven digits (single
/// separators allowed between them), or an `@` or one of its spellings.
pub fn may_hold(text: &str) -> bool {
    may_hold_phone(text) || may_hold_email(text)
}

/// A run of at least seven digits, at most three other bytes between two
/// (a dash of three bytes, or `) `); no letter, comma or line break.
fn may_hold_phone(text: &str) -> bool {
    let (mut run, mut gap) = (0, 0);
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            gap = 0;
            if run >= 7 {
                return true;
            }
        } else if run > 0 && gap < 3 && !b.is_ascii_alphabetic() && !matches!(b, b',' | b'\n') {
            gap += 1;
        } else {
            (run, gap) = (0, 0);
        }
    }
    false
}

/// An `@` or one of its spellings.
fn may_hold_email(text: &str) -> bool {
    text.contains('@') || AT.is_match(text)
}

/// What a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A phone number (with its extension).
    Phone,
    /// An e-mail address.
    Email,
}

/// A phone number or e-mail address found in a text, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Where, in bytes.
    pub span: Range<usize>,
    /// Phone or e-mail.
    pub kind: Kind,
    /// Whether it is a person's (withheld) rather than the institution's.
    pub personal: bool,
    /// The rule that decided, for reading and for tests.
    pub why: &'static str,
}

/// The contacts a record labels: the institution's own (which stay in prose)
/// and its named persons' (which never do).
#[derive(Debug, Clone, Default)]
pub struct Labelled {
    institution_phones: Vec<String>,
    institution_emails: Vec<String>,
    people_phones: Vec<String>,
    people_emails: Vec<String>,
}

impl Labelled {
    /// Adds the institution's labelled phone field and e-mail.
    pub fn institution(mut self, phone: Option<&str>, email: Option<&str>) -> Labelled {
        self.institution_phones
            .extend(phone.into_iter().flat_map(numbers_in));
        self.institution_emails.extend(email.map(str::to_lowercase));
        self
    }

    /// Adds a contact person's labelled phone field and e-mail.
    pub fn person(mut self, phone: Option<&str>, email: Option<&str>) -> Labelled {
        self.people_phones
            .extend(phone.into_iter().flat_map(numbers_in));
        self.people_emails.extend(email.map(str::to_lowercase));
        self
    }
}

/// The national numbers (digits only) of the phones in a labelled field.
fn numbers_in(field: &str) -> Vec<String> {
    PHONE
        .find_iter(field)
        .filter_map(|m| phone_number(field, m.range(), true))
        .map(|(n, _)| n)
        .collect()
}

/// Whether two national numbers are the same line (a seven-digit local
/// number matches the last seven of a nine-digit one).
fn same_number(a: &str, b: &str) -> bool {
    let n = a.len().min(b.len());
    n >= 7 && a[a.len() - n..] == b[b.len() - n..]
}

/// The number a phone candidate spells: its national digits (nine, or seven
/// after a phone label), and the span without a trailing extension. `None`
/// when it is not a phone: a wrong count or grouping, glued to letters or
/// other digits, a decimal, an amount or an identifier. `labelled` skips the
/// checks of the words around it (a labelled phone field is a phone).
fn phone_number(text: &str, span: Range<usize>, labelled: bool) -> Option<(String, Range<usize>)> {
    let m = &text[span.clone()];
    let before = &text[..span.start];
    let after = &text[span.end..];
    // Glued to a word or a code: "POKL.07.01.01-24", "AB123456789", "1234567,89".
    let prev = before.chars().next_back();
    if prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '/')
        || (matches!(prev, Some('.' | '-' | ','))
            && before[..before.len() - 1]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric))
    {
        return None;
    }
    let mut next = after.chars();
    match (next.next(), next.next()) {
        (Some(c), _) if c.is_alphanumeric() || c == '/' => return None,
        (Some(',' | '.' | '-' | '/'), Some(d)) if d.is_ascii_digit() => return None,
        _ => {}
    }
    // The extension is not counted.
    let body_end = EXTENSION.find(m).map_or(m.len(), |e| e.start());
    let body = &m[..body_end];
    // Country code, then the digit groups (an area code in parentheses is one).
    let national = body
        .trim_start_matches(['(', ' ', '\u{a0}'])
        .strip_prefix("+48")
        .or_else(|| body.trim_start_matches(['(', ' ']).strip_prefix("0048"))
        .or_else(|| body.strip_prefix("(48)"))
        .map(|r| r.trim_start_matches([')', ' ', '\u{a0}', '.', '-']))
        .unwrap_or(body);
    let mut groups: Vec<String> = national
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    let digits: usize = groups.iter().map(String::len).sum();
    if digits == 10 && groups[0].starts_with('0') {
        groups[0].remove(0);
        if groups[0].is_empty() {
            groups.remove(0);
        }
    } else if digits != 9 && digits != 7 {
        return None;
    }
    let number: String = groups.concat();
    let sizes: Vec<usize> = groups.iter().map(String::len).collect();
    let grouped = match number.len() {
        9 => sizes.iter().all(|s| (2..=4).contains(s)) || sizes == [9] || sizes == [2, 7],
        7 => sizes == [3, 2, 2] || sizes == [7] || sizes == [3, 4],
        _ => false,
    };
    if !grouped || number.starts_with('0') {
        return None;
    }
    if !labelled {
        // The words right before it, back to a digit, comma or semicolon.
        let near_before = lower_tail(before, 32);
        let clause = near_before
            .rfind(|c: char| c.is_ascii_digit() || matches!(c, ',' | ';'))
            .map_or(near_before.as_str(), |i| &near_before[i + 1..]);
        let before_words: Vec<&str> = words(clause).into_iter().map(|(_, w)| w).collect();
        // A seven-digit number only right after a phone label.
        if number.len() == 7
            && !before_words
                .last()
                .is_some_and(|w| w.starts_with("tel") || matches!(*w, "fax" | "faks" | "kom"))
        {
            return None;
        }
        if before_words
            .iter()
            .any(|w| listed(NOT_PHONE_BEFORE, w) || begins(NOT_PHONE_BEFORE_STEM, w))
        {
            return None;
        }
        let unit: String = after
            .trim_start()
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ';' | ')' | '.' | ':'))
            .flat_map(char::to_lowercase)
            .collect();
        if listed(NOT_PHONE_AFTER, &unit) || begins(NOT_PHONE_AFTER_STEM, &unit) {
            return None;
        }
    }
    Some((number, span))
}

/// The last `n` bytes (or fewer, at a character boundary) of a text, lower case.
fn lower_tail(text: &str, n: usize) -> String {
    let mut at = text.len().saturating_sub(n);
    while !text.is_char_boundary(at) {
        at += 1;
    }
    text[at..].to_lowercase()
}

/// Who a cue says the candidate belongs to, and how strongly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// A first name, a title, an initial and surname.
    Person,
    /// A role word.
    Role,
    /// A desk word.
    Desk,
    /// An address (street or postal code).
    Address,
    /// An institution word.
    Institution,
}

impl Cue {
    fn strong(self) -> bool {
        matches!(self, Cue::Person | Cue::Desk | Cue::Address)
    }
    fn personal(self) -> bool {
        matches!(self, Cue::Person | Cue::Role)
    }
    fn why(self) -> &'static str {
        match self {
            Cue::Person => "a person's name or title near it",
            Cue::Role => "a person's role near it",
            Cue::Desk => "a desk (secretariat, switchboard, fax) near it",
            Cue::Address => "the institution's address near it",
            Cue::Institution => "the institution's name near it",
        }
    }
}

static POSTAL_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[0-9]{2}-[0-9]{3}\b").expect("the postal code regex compiles"));

/// The cues in a piece of text, in order: (position, cue).
fn cues(text: &str) -> Vec<(usize, Cue)> {
    let mut out: Vec<(usize, Cue)> = POSTAL_CODE
        .find_iter(text)
        .map(|m| (m.start(), Cue::Address))
        .collect();
    let words = words(text);
    // Capitalised words after a street or patron word are names of those.
    let mut naming = 0;
    for (i, &(at, w)) in words.iter().enumerate() {
        let lower = w.to_lowercase();
        let dot = text[at + w.len()..].starts_with('.');
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        if listed(ADDRESS, &lower) && (dot || lower.len() > 2) {
            out.push((at, Cue::Address));
            naming = 4;
            continue;
        }
        if listed(PATRON, &lower) {
            naming = 4;
            continue;
        }
        if naming > 0 && capital {
            naming -= 1;
            continue;
        }
        naming = 0;
        // An initial before a capitalised word: "A. Nowak".
        let initial = capital
            && w.chars().count() == 1
            && dot
            && words.get(i + 1).is_some_and(|(_, n)| {
                n.chars().count() >= 3 && n.chars().next().is_some_and(char::is_uppercase)
            });
        let cue = if begins(DESK, &lower) {
            Some(Cue::Desk)
        } else if listed(TITLE, &lower)
            || (lower == "p" && dot)
            || (capital && NAME_FORMS.contains(&ascii_lower(w)))
            || initial
        {
            Some(Cue::Person)
        } else if begins(ROLE, &lower) || listed(ROLE_WORDS, &lower) {
            Some(Cue::Role)
        } else if INSTITUTION
            .iter()
            .any(|r| lower == *r || (r.chars().count() > 3 && lower.starts_with(r)))
        {
            Some(Cue::Institution)
        } else {
            None
        };
        if let Some(c) = cue {
            out.push((at, c));
        }
    }
    out.sort_by_key(|&(at, _)| at);
    out
}

/// Whether a piece of text holds only contact labels and punctuation.
fn only_labels(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .all(|w| listed(LABEL, &w.to_lowercase()))
}

/// Where the sentence holding `at` starts (after `.`, `!`, `?` and a space
/// before a capital, or a blank line), at most `limit` bytes back.
fn sentence_start(text: &str, at: usize, limit: usize) -> usize {
    let mut floor = at.saturating_sub(limit);
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    let window = &text[floor..at];
    if let Some(p) = window.rfind("\n\n") {
        floor += p + 2;
    }
    let window = &text[floor..at];
    let mut best = floor;
    for (i, c) in window.char_indices() {
        if !matches!(c, '.' | '!' | '?' | '\n') {
            continue;
        }
        let rest = &window[i + c.len_utf8()..];
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() || !trimmed.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        let word = window[..i]
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_lowercase();
        if c == '.' && listed(ABBREVIATIONS, &word) {
            continue;
        }
        best = floor + i + c.len_utf8();
    }
    best
}

/// The owner the cues say, nearest first (`cues` ordered nearest first).
fn decide(cues: &[Cue], mobile: bool) -> Option<Cue> {
    if mobile && let Some(&c) = cues.iter().find(|c| c.personal() || **c == Cue::Desk) {
        return Some(c);
    }
    cues.iter().find(|c| c.strong()).or(cues.first()).copied()
}

/// A candidate before its owner is decided.
struct Candidate {
    span: Range<usize>,
    kind: Kind,
    /// Decided by the candidate alone (labelled, mailbox shape, service number).
    fixed: Option<(bool, &'static str)>,
    mobile: bool,
    free_mail: bool,
}

/// Every phone number and e-mail address in a text, with whose it is.
pub fn find(text: &str, labelled: &Labelled) -> Vec<Found> {
    if !may_hold(text) {
        return Vec::new();
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    if may_hold_email(text) {
        for m in EMAIL.find_iter(text) {
            candidates.push(email_candidate(m.as_str(), m.range(), labelled));
        }
    }
    let phones = match may_hold_phone(text) {
        true => PHONE.find_iter(text),
        false => PHONE.find_iter(""),
    };
    for m in phones {
        if candidates
            .iter()
            .any(|c| c.span.start < m.end() && m.start() < c.span.end)
        {
            continue;
        }
        if let Some((number, span)) = phone_number(text, m.range(), false) {
            candidates.push(phone_candidate(&number, span, labelled));
        }
    }
    candidates.sort_by_key(|c| c.span.start);
    let mut out: Vec<Found> = Vec::with_capacity(candidates.len());
    for (i, c) in candidates.iter().enumerate() {
        let (personal, why) = c.fixed.unwrap_or_else(|| {
            let prev_end = i.checked_sub(1).map(|j| out[j].span.end);
            by_context(
                text,
                c,
                prev_end,
                out.last(),
                candidates.get(i + 1).map(|n| n.span.start),
            )
        });
        out.push(Found {
            span: c.span.clone(),
            kind: c.kind,
            personal,
            why,
        });
    }
    out
}

/// An e-mail candidate, decided by itself when its mailbox says whose it is.
fn email_candidate(address: &str, span: Range<usize>, labelled: &Labelled) -> Candidate {
    let plain = EMAIL_SPELLING.replace_all(
        address,
        |c: &regex::Captures| {
            if c.name("at").is_some() { "@" } else { "." }
        },
    );
    let plain = plain.replace(' ', "").to_lowercase();
    let (local, domain) = plain.split_once('@').unwrap_or((&plain, ""));
    let tokens: Vec<String> = local
        .split(['.', '_', '-', '+'])
        .map(|t| ascii_lower(t.trim_matches(|c: char| c.is_ascii_digit())))
        .filter(|t| !t.is_empty())
        .collect();
    let institutional = tokens.iter().any(|t| listed(INSTITUTION_MAILBOX, t))
        || begins(INSTITUTION_MAILBOX_PREFIX, &ascii_lower(local));
    let fixed = if labelled.institution_emails.contains(&plain) {
        Some((false, "the institution's labelled e-mail"))
    } else if institutional {
        Some((false, "a desk's or an institution's mailbox"))
    } else if labelled.people_emails.contains(&plain) {
        Some((true, "a contact person's labelled e-mail"))
    } else if personal_mailbox(&tokens) {
        Some((true, "a mailbox shaped like a person's name"))
    } else {
        None
    };
    Candidate {
        span,
        kind: Kind::Email,
        fixed,
        mobile: false,
        free_mail: listed(FREE_MAIL, domain),
    }
}

/// The obfuscated spellings of `@` and `.` in an address.
static EMAIL_SPELLING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<at>\s?[\[({]\s?(?:at|małpa|malpa)\s?[\])}]\s?|\s(?:at|małpa|malpa)\s|\s?@\s?)|\s?[\[({]\s?(?:dot|kropka)\s?[\])}]\s?|\s(?:dot|kropka)\s")
        .expect("the spelling regex compiles")
});

fn surname_like(t: &str) -> bool {
    t.len() >= 5 && SURNAME_ENDINGS.iter().any(|e| t.ends_with(e))
}

/// Whether a mailbox's tokens look like a person's name: a first name in it
/// (`anna`, `anna.nowak`, `nowak.anna`), an initial and a surname
/// (`a.nowak`, `anowakowska`), or a surname (`kowalska`).
fn personal_mailbox(tokens: &[String]) -> bool {
    let name = |t: &String| FIRST_NAMES.split_whitespace().any(|n| n == t);
    match tokens {
        [] => false,
        [one] => name(one) || surname_like(one) || (one.len() >= 6 && surname_like(&one[1..])),
        more => {
            more.iter().any(name)
                || (more.iter().any(|t| t.len() == 1) && more.iter().any(|t| t.len() >= 4))
                || more.iter().any(|t| surname_like(t))
        }
    }
}

/// A phone candidate, decided by itself when it is a labelled or a service number.
fn phone_candidate(number: &str, span: Range<usize>, labelled: &Labelled) -> Candidate {
    let fixed = if labelled
        .institution_phones
        .iter()
        .any(|n| same_number(n, number))
    {
        Some((false, "the institution's labelled phone"))
    } else if labelled
        .people_phones
        .iter()
        .any(|n| same_number(n, number))
    {
        Some((true, "a contact person's labelled phone"))
    } else if number.len() == 9 && begins(SERVICE, number) {
        Some((false, "a free-phone or hotline number"))
    } else {
        None
    };
    Candidate {
        span,
        kind: Kind::Phone,
        fixed,
        mobile: number.len() == 9 && begins(MOBILE, number),
        free_mail: false,
    }
}

/// Whose a candidate is by the words around it (see the module's rules).
fn by_context(
    text: &str,
    c: &Candidate,
    prev_end: Option<usize>,
    prev: Option<&Found>,
    next_start: Option<usize>,
) -> (bool, &'static str) {
    let (s, e) = (c.span.start, c.span.end);
    // Words in parentheses or after a dash right after it: "601 234 567 (Anna Nowak)".
    let after = &text[e..next_start.unwrap_or(text.len()).min(text.len())];
    let trimmed = after.trim_start();
    if let Some(inner) = trimmed.strip_prefix(['(', '–', '—', '-']) {
        let inner = &inner[..inner
            .find([')', ',', ';', '\n'])
            .unwrap_or(inner.len())
            .min(60)];
        let inner = &inner[..floor_char(inner, inner.len())];
        let found: Vec<Cue> = cues(inner).into_iter().map(|(_, c)| c).collect();
        if let Some(cue) = decide(&found, c.mobile) {
            return (cue.personal(), cue.why());
        }
    }
    // Joined to the previous candidate by labels only: the same owner.
    if let (Some(pe), Some(p)) = (prev_end, prev)
        && pe <= s
        && only_labels(&text[pe..s])
    {
        return (p.personal, "joined to the previous contact");
    }
    // Before it, in its sentence (the sentence before when only labels lie between).
    let from = prev_end.unwrap_or(0).max(sentence_start(text, s, 160));
    let mut back: Vec<Cue> = cues(&text[from..s])
        .into_iter()
        .rev()
        .map(|(_, c)| c)
        .collect();
    if back.is_empty() && only_labels(&text[from..s]) && from > prev_end.unwrap_or(0) {
        let earlier = prev_end.unwrap_or(0).max(sentence_start(
            text,
            floor_char(text, from.saturating_sub(1)),
            160,
        ));
        back = cues(&text[earlier..from])
            .into_iter()
            .rev()
            .map(|(_, c)| c)
            .collect();
    }
    if let Some(cue) = decide(&back, c.mobile) {
        return (cue.personal(), cue.why());
    }
    // After it, to the sentence's end or the next candidate.
    let end = next_start.unwrap_or(text.len()).min(e + 80);
    let after = &text[e..floor_char(text, end)];
    let after = &after[..sentence_end(after)];
    let fwd: Vec<Cue> = cues(after).into_iter().map(|(_, c)| c).collect();
    if let Some(cue) = decide(&fwd, c.mobile) {
        return (cue.personal(), cue.why());
    }
    if c.free_mail {
        return (true, "an address at a free-mail provider");
    }
    (false, "no person named near it")
}

/// The largest character boundary of `text` at or before `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where the first sentence of `text` ends (its length when it does not).
fn sentence_end(text: &str) -> usize {
    text.char_indices()
        .find(|&(i, c)| {
            matches!(c, '!' | '?' | '\n')
                || (c == '.'
                    && text[i + 1..].starts_with(char::is_whitespace)
                    && !listed(
                        ABBREVIATIONS,
                        &text[..i]
                            .rsplit(|c: char| !c.is_alphanumeric())
                            .next()
                            .unwrap_or("")
                            .to_lowercase(),
                    ))
        })
        .map_or(text.len(), |(i, _)| i)
}

/// The text with every person's phone and e-mail replaced by [`MARKER`];
/// borrowed unchanged when there is none.
pub fn withhold<'t>(text: &'t str, labelled: &Labelled) -> Cow<'t, str> {
    let personal: Vec<Found> = find(text, labelled)
        .into_iter()
        .filter(|f| f.personal)
        .collect();
    if personal.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in personal {
        out.push_str(&text[at..f.span.start]);
        out.push_str(MARKER);
        at = f.span.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;
