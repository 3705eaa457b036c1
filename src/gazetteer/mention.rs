//! Reading a query's text into mentions: postal codes, regions named with or
//! without their markers ("woj.", "powiat", "gmina"), locality phrases (as
//! written, inflected, after "w"/"we", in institution names, in any case), the
//! kind of institution named (MOPS, GOPS, PCPR, …) and an unfinished last word
//! for search as you type. Nothing here chooses between places: that is
//! [`super::rank`]'s work, and the geocoder's above it.

use super::normalize::fold;
use super::postal::PostalCode;
use super::rank::Institution;
use super::resolve::{MatchKind, Phrase};
use super::{Gazetteer, GeocodeError, MAX_QUERY_CHARS};

/// A locality phrase of the text and where it stood.
#[derive(Debug, Clone)]
pub(super) struct Mention {
    /// The phrase with the localities it may name.
    pub phrase: Phrase,
    /// Right after "w"/"we".
    pub after_w: bool,
    /// Index of the phrase's first word in the whole text (for positions).
    pub word: usize,
}

/// Everything read from a query or a passage of text.
#[derive(Debug, Default, Clone)]
pub(super) struct Mentions {
    /// The first postal code named.
    pub postal: Option<u32>,
    /// The voivodeship named.
    pub voivodeship: Option<u8>,
    /// Powiats the answer may lie in (one name may be several powiats: "bielski").
    pub powiat: Vec<u16>,
    /// Gminas the answer may lie in (a town's urban and rural gmina share a name).
    pub gmina: Vec<u16>,
    /// How many gminas were named (after a marker), the first one in `gmina`.
    pub gminas_named: usize,
    /// Locality phrases, in text order.
    pub places: Vec<Mention>,
    /// Towns named by their adjective ("szkołach wrzesińskich"), with the
    /// index of the adjective in the whole text.
    pub adjectives: Vec<(Vec<u32>, usize)>,
    /// The kind of institution named first, if any.
    pub institution: Option<Institution>,
    /// The key of the words at the very end of the text that named nothing
    /// (the start of a name being typed), up to three words.
    pub unfinished: Option<String>,
    /// Words read in all (positions of mentions count in these).
    pub words: usize,
}

/// How postal codes may be written in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PostalStyle {
    /// `NN-NNN`, and five digits alone (`41300`) read as `NN-NNN`: a query.
    Query,
    /// `NN-NNN` only (a page's amounts and years are five-digit numbers too).
    Dashed,
}

pub(super) const STREET: &[&str] = &[
    "ul", "ulica", "ulicy", "al", "aleja", "alei", "aleje", "pl", "plac", "placu", "os", "osiedle",
    "osiedlu", "rondo", "skwer",
];
pub(super) const VOIV_MARK: &[&str] = &[
    "woj",
    "wojewodztwo",
    "wojewodztwa",
    "wojewodztwie",
    "voivodeship",
    "province",
];
pub(super) const POWIAT_MARK: &[&str] = &["pow", "powiat", "powiatu", "powiecie", "county"];
pub(super) const GMINA_MARK: &[&str] = &["gm", "gmina", "gminy", "gminie", "commune"];
pub(super) const TOWN_MARK: &[&str] = &[
    "m", "miasto", "miasta", "miescie", "wies", "wsi", "city", "town",
];
pub(super) const LOCATIVE: &[&str] = &["w", "we", "in"];
/// Words of institution names and addresses that are never place names here,
/// though some are names of tiny villages.
pub(super) const STOP: &[&str] = &[
    "mops",
    "gops",
    "mgops",
    "ops",
    "mopr",
    "pcpr",
    "mosir",
    "osir",
    "miejski",
    "miejska",
    "miejskie",
    "miejskiego",
    "gminny",
    "gminna",
    "gminne",
    "gminnego",
    "powiatowy",
    "powiatowe",
    "powiatowa",
    "powiatowego",
    "osrodek",
    "osrodka",
    "pomocy",
    "pomoc",
    "spolecznej",
    "spoleczna",
    "rodzinie",
    "rodziny",
    "urzad",
    "urzedu",
    "urzedzie",
    "starostwo",
    "centrum",
    "dom",
    "domu",
    "dzienny",
    "zespol",
    "szkola",
    "szkoly",
    "przedszkole",
    "biblioteka",
    "publiczna",
    "fundacja",
    "stowarzyszenie",
    "i",
    "oraz",
    "na",
    "do",
    "z",
    "ze",
    "dla",
    "przy",
    "kolo",
    "k",
    "pod",
    "nad",
    "the",
    "of",
    "and",
    "poland",
    "polska",
    "pl",
    "nr",
    "lok",
    "m",
];

/// Abbreviations inside place names: "Gorzów Wlkp.", "Ruda Śl.", "Piotrków Tryb.".
fn expand_abbreviation(w: &str) -> &str {
    match w {
        "wlkp" | "wielkop" => "wielkopolski",
        "maz" => "mazowiecki",
        "sl" | "slask" => "slaski",
        "kuj" => "kujawski",
        "pom" => "pomorski",
        "lub" | "lubel" => "lubelski",
        "podl" => "podlaski",
        "tryb" => "trybunalski",
        "zdr" => "zdroj",
        "gd" => "gdanski",
        "sw" => "swiety",
        w => w,
    }
}

pub(super) fn validate(s: &str) -> Result<(), GeocodeError> {
    let chars = s.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(GeocodeError::TooLong { chars });
    }
    if let Some((position, c)) = s
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && *c != '\t')
    {
        return Err(GeocodeError::ControlCharacter {
            code: c as u32,
            position,
        });
    }
    Ok(())
}

/// Takes the postal codes out of folded text, leaving spaces, and checks every
/// number that looks like an attempt at one (`99-9999`, `3-600`; on a page such
/// numbers are left alone, not errors).
pub(super) fn take_postal_codes(
    text: &mut String,
    style: PostalStyle,
) -> Result<Vec<u32>, GeocodeError> {
    let mut codes = Vec::new();
    let bytes = text.as_bytes().to_vec();
    let mut i = 0;
    let mut blank = Vec::new();
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let first = i - start;
            // A dash (or en dash written as '-' after folding) then digits.
            if i < bytes.len() && bytes[i] == b'-' {
                let dash = i;
                let mut j = dash + 1;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                let second = j - dash - 1;
                let tail_ok =
                    j == bytes.len() || !bytes[j].is_ascii_alphanumeric() && bytes[j] != b'-';
                if second > 0 && tail_ok {
                    let tok = &text[start..j];
                    if first == 2 && second == 3 {
                        codes.push(PostalCode::parse(tok).expect("checked shape").number());
                        blank.push((start, j));
                    } else if (1..=3).contains(&first)
                        && (2..=4).contains(&second)
                        && style == PostalStyle::Query
                    {
                        return Err(GeocodeError::MalformedPostalCode(tok.to_string()));
                    }
                }
                i = j;
            } else if first == 5
                && style == PostalStyle::Query
                && (i == bytes.len() || !bytes[i].is_ascii_alphanumeric())
            {
                // "41300": a postal code written without its dash.
                let tok = format!("{}-{}", &text[start..start + 2], &text[start + 2..i]);
                codes.push(PostalCode::parse(&tok).expect("checked shape").number());
                blank.push((start, i));
            }
        } else {
            i += 1;
        }
    }
    for (a, b) in blank.into_iter().rev() {
        text.replace_range(a..b, &" ".repeat(b - a));
    }
    Ok(codes)
}

/// A stretch of words in which nothing was recognised, with the index of its
/// first word in the whole text.
type Run<'a> = (usize, Vec<&'a str>);

impl Gazetteer {
    /// Looks for a region of one level in `words[..n]`, longest first; records
    /// it and returns the number of words used (0 when none).
    fn region_at(&self, words: &[&str], level: super::AdminLevel, m: &mut Mentions) -> usize {
        use super::AdminLevel;
        for n in (1..=words.len().min(4)).rev() {
            let k = words[..n].join(" ");
            match level {
                AdminLevel::Voivodeship => {
                    if let Some(v) = self.voivodeship_named(&k) {
                        m.voivodeship.get_or_insert(v);
                        return n;
                    }
                }
                AdminLevel::Powiat => {
                    let v = self.powiats_named(&k);
                    if !v.is_empty() {
                        if m.powiat.is_empty() {
                            m.powiat = v;
                        }
                        return n;
                    }
                }
                AdminLevel::Gmina => {
                    let mut v = self.gminas_named(&k);
                    if v.is_empty() && n == 1 {
                        // "Gminy Oświęcimskiej": the gminas of the town the
                        // adjective names.
                        for &town in self.adjective_towns(&k) {
                            let name = super::key(&self.t.locality(town).name);
                            v.extend(self.t.gminas_keyed(&name).into_iter().flatten());
                        }
                    }
                    if !v.is_empty() {
                        m.gminas_named += 1;
                        if m.gmina.is_empty() {
                            m.gmina = v;
                        }
                        return n;
                    }
                }
            }
        }
        0
    }

    /// Reads text into mentions. `style` says how postal codes may be written.
    pub(super) fn read_mentions(
        &self,
        text: &str,
        style: PostalStyle,
        m: &mut Mentions,
    ) -> Result<(), GeocodeError> {
        use super::AdminLevel;
        let mut folded = fold(text);
        let codes = take_postal_codes(&mut folded, style)?;
        if let Some(&c) = codes.first() {
            m.postal.get_or_insert(c);
        }
        let t = &self.t;
        let ends_open = text.chars().last().is_some_and(char::is_alphanumeric);
        let mut leftovers: Vec<Run> = Vec::new();
        let mut base = 0usize;
        let mut last_words: Option<String> = None;
        for segment in folded.split([',', ';', '\n', '(', ')', '/']) {
            let words: Vec<&str> = segment
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(expand_abbreviation)
                .collect();
            let mut run: Run = (base, Vec::new());
            let mut i = 0;
            last_words = None;
            while i < words.len() {
                let w = words[i];
                if m.institution.is_none() {
                    m.institution = Institution::of_word(w);
                }
                if STREET.contains(&w) && i + 1 < words.len() {
                    // Skip the street name up to its house number (and a letter
                    // after it); without a number, only the word after the marker.
                    let mut j = i + 1;
                    while j < words.len() && !words[j].chars().any(|c| c.is_ascii_digit()) {
                        j += 1;
                    }
                    if j < words.len() {
                        j += 1;
                        if j < words.len() && words[j].len() == 1 && !LOCATIVE.contains(&words[j]) {
                            j += 1;
                        }
                    } else {
                        j = i + 2;
                    }
                    i = j;
                    continue;
                }
                if VOIV_MARK.contains(&w) {
                    i += 1 + self.region_at(&words[i + 1..], AdminLevel::Voivodeship, m);
                    continue;
                }
                if POWIAT_MARK.contains(&w) {
                    i += 1 + self.region_at(&words[i + 1..], AdminLevel::Powiat, m);
                    continue;
                }
                if GMINA_MARK.contains(&w) {
                    i += 1 + self.region_at(&words[i + 1..], AdminLevel::Gmina, m);
                    continue;
                }
                if LOCATIVE.contains(&w) && i + 1 < words.len() {
                    let rest = &words[i + 1..];
                    let marker_next = [VOIV_MARK, POWIAT_MARK, GMINA_MARK]
                        .iter()
                        .any(|mk| mk.contains(&rest[0]));
                    if !marker_next {
                        let found = (1..=rest.len().min(t.max_words()).min(4))
                            .rev()
                            .map(|n| (n, self.phrases_at(&rest[..n], true)))
                            .find(|(_, ph)| !ph.is_empty());
                        if let Some((n, phrases)) = found {
                            for phrase in phrases {
                                m.places.push(Mention {
                                    phrase,
                                    after_w: true,
                                    word: base + i + 1,
                                });
                            }
                            i += 1 + n;
                            continue;
                        }
                        // "w śląskim": a region adjective after "w".
                        let used = self.region_at(rest, AdminLevel::Voivodeship, m);
                        if used > 0 {
                            i += 1 + used;
                            continue;
                        }
                    }
                    i += 1;
                    continue;
                }
                // "koło" is "near" before a name ("Wola k. Krakowa") and the
                // town Koło on its own.
                let near_marker = w == "kolo" && i + 1 < words.len();
                if TOWN_MARK.contains(&w)
                    || (STOP.contains(&w) && (w != "kolo" || near_marker))
                    || w.chars().any(|c| c.is_ascii_digit())
                {
                    if !run.1.is_empty() {
                        leftovers.push(std::mem::replace(&mut run, (base + i + 1, Vec::new())));
                    } else {
                        run.0 = base + i + 1;
                    }
                    i += 1;
                    continue;
                }
                // Longest n-gram first: voivodeship, locality (as written or in
                // a form SGJP gives), powiat adjective.
                let mut used = 0;
                let max_n = (words.len() - i).min(t.max_words().max(3));
                for n in (1..=max_n).rev() {
                    let slice = &words[i..i + n];
                    let k = slice.join(" ");
                    // Institution words and "w" join no name ("Ośrodek Pomocy"),
                    // unless a locality is so named ("Nowe Miasto nad Pilicą").
                    if n > 1
                        && slice
                            .iter()
                            .any(|s| STOP.contains(s) || LOCATIVE.contains(s))
                        && t.localities_named(&k).is_none()
                    {
                        continue;
                    }
                    if let Some(v) = t.voivodeship_key(&k) {
                        m.voivodeship.get_or_insert(v);
                        used = n;
                        break;
                    }
                    let mut phrases = self.phrases_at(slice, false);
                    // Suffix rules read a single word too freely; several
                    // words that all agree name a place ("Nowych Czapli").
                    phrases.retain(|p| p.kind != MatchKind::Rule || n > 1);
                    if phrases.iter().any(|p| p.kind <= MatchKind::Alternate) {
                        // "Dabrowa Gorincza": a misspelt longer name beats the
                        // exact shorter one ("Dąbrowa") it starts with.
                        let next = words.get(i + n).copied().filter(|w| {
                            w.len() >= 4
                                && w.chars().all(|c| c.is_alphabetic())
                                && !STOP.contains(w)
                                && ![VOIV_MARK, POWIAT_MARK, GMINA_MARK, TOWN_MARK]
                                    .iter()
                                    .any(|mk| mk.contains(w))
                                && t.voivodeship_key(w).is_none()
                        });
                        let longer = next.and_then(|_| {
                            let k = words[i..=i + n].join(" ");
                            if self.prefix_phrase(&k, 1).is_some() {
                                // The start of a longer name: not a typo.
                                return None;
                            }
                            self.fuzzy_phrase(&k).filter(|f| f.words == n + 1)
                        });
                        if let Some(f) = longer {
                            used = n + 1;
                            m.places.push(Mention {
                                phrase: f,
                                after_w: false,
                                word: base + i,
                            });
                            break;
                        }
                    }
                    if !phrases.is_empty() {
                        used = n;
                        for phrase in phrases {
                            m.places.push(Mention {
                                phrase,
                                after_w: false,
                                word: base + i,
                            });
                        }
                        break;
                    }
                    if let Some(v) = t.powiats_keyed(&k) {
                        let pw = t.powiat(v[0]);
                        if pw.name.chars().next().is_some_and(char::is_lowercase) {
                            if m.powiat.is_empty() {
                                m.powiat = v.clone();
                            }
                            let towns = self.adjective_towns(&k);
                            if !towns.is_empty() {
                                m.adjectives.push((towns.to_vec(), base + i));
                            }
                            used = n;
                            break;
                        }
                    }
                    if n == 1 {
                        let towns = self.adjective_towns(w);
                        if !towns.is_empty() {
                            m.adjectives.push((towns.to_vec(), base + i));
                            used = 1;
                        }
                    }
                }
                if used == 0 {
                    if run.1.is_empty() {
                        run.0 = base + i;
                    }
                    run.1.push(w);
                    i += 1;
                } else {
                    if !run.1.is_empty() {
                        leftovers.push(std::mem::replace(&mut run, (base + i + used, Vec::new())));
                    } else {
                        run.0 = base + i + used;
                    }
                    i += used;
                }
            }
            if !run.1.is_empty() {
                if run.0 + run.1.len() == base + words.len() {
                    // The text ends in words that named nothing: perhaps a name
                    // being typed, with up to two words before it ("Dąbrowa G").
                    let from = words.len().saturating_sub(3);
                    last_words = Some(words[from..].join(" "));
                }
                leftovers.push(run);
            }
            base += words.len();
        }
        if ends_open {
            m.unfinished = last_words;
        }
        m.words = base;
        if m.places.is_empty() {
            // Inflected names without "w" before them ("Gliwicach"), suffix rules too.
            'inflected: for (at, run) in &leftovers {
                for n in (1..=run.len().min(3)).rev() {
                    for s in 0..=run.len() - n {
                        if let Some(phrase) = self.inflected_phrase(&run[s..s + n]) {
                            m.places.push(Mention {
                                phrase,
                                after_w: false,
                                word: at + s,
                            });
                            break 'inflected;
                        }
                    }
                }
            }
        }
        if m.places.is_empty() {
            // Typo tolerance: the longest unmatched word runs, then single words.
            'outer: for (at, run) in &leftovers {
                for n in (1..=run.len().min(3)).rev() {
                    for s in 0..=run.len() - n {
                        if let Some(phrase) = self.fuzzy_phrase(&run[s..s + n].join(" ")) {
                            m.places.push(Mention {
                                phrase,
                                after_w: false,
                                word: at + s,
                            });
                            break 'outer;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
