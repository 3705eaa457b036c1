//! The forward geocoder: parsing a query and resolving it, most precise first.
//!
//! Resolution order: postal code + locality; locality within the named
//! gmina/powiat/voivodeship; postal code alone; a valid postal code missing from
//! the gazetteer, placed from its neighbouring codes; gmina, powiat or voivodeship
//! centre. When the query names a region or a postal code, the answer lies inside
//! it or the geocoder reports that nothing matched there.

use super::data::{PostalEntry, postal_number, postal_string};
use super::normalize::{fold, key, nominatives};
use super::types::*;
use super::{Gazetteer, GeocodeError, MAX_QUERY_CHARS};
use crate::geo_util::LonLat;
use std::sync::Arc;

/// How a locality phrase was found, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MatchKind {
    /// Exactly as a locality's name.
    Exact,
    /// A locative or genitive form reduced to a name ("w Zawierciu").
    Inflected,
    /// Within a small edit distance of a name.
    Fuzzy,
}

#[derive(Debug, Clone)]
struct Phrase {
    ids: Vec<u32>,
    kind: MatchKind,
    words: usize,
    text: String,
}

#[derive(Debug, Default)]
struct Parsed {
    postal: Option<u32>,
    voivodeship: Option<u8>,
    /// Powiats the answer may lie in (one name may be several powiats: "bielski").
    powiat: Vec<u16>,
    /// Gminas the answer may lie in (a town's urban and rural gmina share a name).
    gmina: Vec<u16>,
    phrases: Vec<Phrase>,
}

const STREET: &[&str] = &[
    "ul", "ulica", "ulicy", "al", "aleja", "alei", "aleje", "pl", "plac", "placu", "os", "osiedle",
    "osiedlu", "rondo", "skwer",
];
const VOIV_MARK: &[&str] = &[
    "woj",
    "wojewodztwo",
    "wojewodztwa",
    "wojewodztwie",
    "voivodeship",
    "province",
];
const POWIAT_MARK: &[&str] = &["pow", "powiat", "powiatu", "powiecie", "county"];
const GMINA_MARK: &[&str] = &["gm", "gmina", "gminy", "gminie", "commune"];
const TOWN_MARK: &[&str] = &[
    "m", "miasto", "miasta", "miescie", "wies", "wsi", "city", "town",
];
const LOCATIVE: &[&str] = &["w", "we", "in"];
/// Words of institution names and addresses that are never place names here,
/// though some are names of tiny villages.
const STOP: &[&str] = &[
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

fn validate(s: &str) -> Result<(), GeocodeError> {
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
/// number that looks like an attempt at one (`99-9999`, `3-600`).
fn take_postal_codes(text: &mut String) -> Result<Vec<u32>, GeocodeError> {
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
                        codes.push(postal_number(tok).expect("checked shape"));
                        blank.push((start, j));
                    } else if (1..=3).contains(&first) && (2..=4).contains(&second) {
                        return Err(GeocodeError::MalformedPostalCode(tok.to_string()));
                    }
                }
                i = j;
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

/// Cartesian product of per-word nominative candidates, joined by spaces, capped.
pub(super) fn nominative_keys(words: &[&str]) -> Vec<String> {
    let mut out = vec![String::new()];
    for w in words {
        let cands = nominatives(w);
        let mut next = Vec::with_capacity(out.len() * cands.len());
        for prefix in &out {
            for c in &cands {
                let mut s = prefix.clone();
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(c);
                next.push(s);
            }
        }
        next.truncate(256);
        out = next;
    }
    out
}

impl Gazetteer {
    fn locality_phrase(&self, words: &[&str], kind: MatchKind) -> Option<Phrase> {
        let t = &self.t;
        let joined = words.join(" ");
        if kind == MatchKind::Exact {
            return t.locality_by_key.get(&joined).map(|ids| Phrase {
                ids: ids.clone(),
                kind,
                words: words.len(),
                text: joined,
            });
        }
        // Inflected: every combination of nominative candidates; the union of
        // all that name a locality (several may: "Bielsku" is Bielsko or Bielsk).
        let mut ids: Vec<u32> = Vec::new();
        for k in nominative_keys(words) {
            if let Some(found) = t.locality_by_key.get(&k) {
                for &i in found {
                    if !ids.contains(&i) {
                        ids.push(i);
                    }
                }
            }
        }
        (!ids.is_empty()).then_some(Phrase {
            ids,
            kind,
            words: words.len(),
            text: joined,
        })
    }

    fn fuzzy_phrase(&self, k: &str) -> Option<Phrase> {
        let n = k.chars().count();
        if n < 5 {
            return None;
        }
        let max = if n >= 9 { 2 } else { 1 };
        let t = &self.t;
        let idx = t.fuzzy_index();
        let mut keys: Vec<String> = Vec::new();
        let consider = |ids: &[u32], keys: &mut Vec<String>| {
            for &i in ids {
                let kk = key(&t.localities[i as usize].name);
                if !keys.contains(&kk) && strsim::damerau_levenshtein(k, &kk) <= max {
                    keys.push(kk);
                }
            }
        };
        if let Some(ids) = idx.get(k) {
            consider(ids, &mut keys);
        }
        for (i, c) in k.char_indices() {
            let d = format!("{}{}", &k[..i], &k[i + c.len_utf8()..]);
            if let Some(ids) = t.locality_by_key.get(&d) {
                consider(ids, &mut keys);
            }
            if let Some(ids) = idx.get(&d) {
                consider(ids, &mut keys);
            }
        }
        keys.sort_by_key(|kk| strsim::damerau_levenshtein(k, kk));
        let best = keys.first()?;
        let best_d = strsim::damerau_levenshtein(k, best);
        let mut ids = Vec::new();
        for kk in keys
            .iter()
            .filter(|kk| strsim::damerau_levenshtein(k, kk) == best_d)
        {
            ids.extend_from_slice(&t.locality_by_key[kk]);
        }
        Some(Phrase {
            ids,
            kind: MatchKind::Fuzzy,
            words: k.split(' ').count(),
            text: k.to_string(),
        })
    }

    /// Looks for a region name in `words[..n]`, longest first; returns words used.
    fn region_at(&self, words: &[&str], level: AdminLevel, p: &mut Parsed) -> usize {
        let t = &self.t;
        for n in (1..=words.len().min(4)).rev() {
            for k in nominative_keys(&words[..n]) {
                match level {
                    AdminLevel::Voivodeship => {
                        if let Some(&v) = t.voivodeship_by_key.get(&k) {
                            p.voivodeship.get_or_insert(v);
                            return n;
                        }
                    }
                    AdminLevel::Powiat => {
                        if let Some(v) = t.powiat_by_key.get(&k) {
                            if p.powiat.is_empty() {
                                p.powiat = v.clone();
                            }
                            return n;
                        }
                    }
                    AdminLevel::Gmina => {
                        if let Some(v) = t.gmina_by_key.get(&k) {
                            if p.gmina.is_empty() {
                                p.gmina = v.clone();
                            }
                            return n;
                        }
                    }
                }
            }
        }
        0
    }

    /// Parses free text into postal code, regions and locality phrases.
    fn parse_text(&self, text: &str, p: &mut Parsed) -> Result<(), GeocodeError> {
        let mut folded = fold(text);
        let codes = take_postal_codes(&mut folded)?;
        if let Some(&c) = codes.first() {
            p.postal.get_or_insert(c);
        }
        let t = &self.t;
        let mut leftovers: Vec<Vec<&str>> = Vec::new();
        for segment in folded.split([',', ';', '\n', '(', ')', '/']) {
            let words: Vec<&str> = segment
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(expand_abbreviation)
                .collect();
            let mut run: Vec<&str> = Vec::new();
            let mut i = 0;
            while i < words.len() {
                let w = words[i];
                if STREET.contains(&w) && i + 1 < words.len() {
                    // Skip the street name up to its house number (and a letter after it).
                    let mut j = i + 1;
                    while j < words.len() && !words[j].chars().any(|c| c.is_ascii_digit()) {
                        j += 1;
                    }
                    if j < words.len() {
                        j += 1;
                        if j < words.len() && words[j].len() == 1 && !LOCATIVE.contains(&words[j]) {
                            j += 1;
                        }
                    }
                    i = j;
                    continue;
                }
                if VOIV_MARK.contains(&w) {
                    i += 1 + self.region_at(&words[i + 1..], AdminLevel::Voivodeship, p);
                    continue;
                }
                if POWIAT_MARK.contains(&w) {
                    i += 1 + self.region_at(&words[i + 1..], AdminLevel::Powiat, p);
                    continue;
                }
                if GMINA_MARK.contains(&w) {
                    i += 1 + self.region_at(&words[i + 1..], AdminLevel::Gmina, p);
                    continue;
                }
                if LOCATIVE.contains(&w) && i + 1 < words.len() {
                    let rest = &words[i + 1..];
                    let marker_next = [VOIV_MARK, POWIAT_MARK, GMINA_MARK]
                        .iter()
                        .any(|m| m.contains(&rest[0]));
                    if !marker_next {
                        let found = (1..=rest.len().min(t.max_words).min(4))
                            .rev()
                            .find_map(|n| self.locality_phrase(&rest[..n], MatchKind::Inflected));
                        if let Some(ph) = found {
                            i += 1 + ph.words;
                            p.phrases.push(ph);
                            continue;
                        }
                        // "w śląskim", "w województwie ..." handled by markers; a
                        // region adjective after "w" may still name a voivodeship.
                        let used = self.region_at(rest, AdminLevel::Voivodeship, p);
                        if used > 0 {
                            i += 1 + used;
                            continue;
                        }
                    }
                    i += 1;
                    continue;
                }
                if TOWN_MARK.contains(&w)
                    || STOP.contains(&w)
                    || w.chars().any(|c| c.is_ascii_digit())
                {
                    if !run.is_empty() {
                        leftovers.push(std::mem::take(&mut run));
                    }
                    i += 1;
                    continue;
                }
                // Longest n-gram first: voivodeship, locality, powiat adjective.
                let mut used = 0;
                let max_n = (words.len() - i).min(t.max_words.max(3));
                for n in (1..=max_n).rev() {
                    let slice = &words[i..i + n];
                    if slice
                        .iter()
                        .any(|s| STOP.contains(s) || LOCATIVE.contains(s))
                        && n > 1
                    {
                        continue;
                    }
                    let k = slice.join(" ");
                    if let Some(&v) = t.voivodeship_by_key.get(&k) {
                        p.voivodeship.get_or_insert(v);
                        used = n;
                        break;
                    }
                    if let Some(ph) = self.locality_phrase(slice, MatchKind::Exact) {
                        // "Dabrowa Gorincza": a misspelt longer name beats the
                        // exact shorter one ("Dąbrowa") it starts with.
                        let next = words.get(i + n).copied().filter(|w| {
                            w.len() >= 4
                                && w.chars().all(|c| c.is_alphabetic())
                                && !STOP.contains(w)
                                && ![VOIV_MARK, POWIAT_MARK, GMINA_MARK, TOWN_MARK]
                                    .iter()
                                    .any(|m| m.contains(w))
                                && !t.voivodeship_by_key.contains_key(*w)
                        });
                        let longer = next.and_then(|_| {
                            let k = words[i..=i + n].join(" ");
                            self.fuzzy_phrase(&k).filter(|f| f.words == n + 1)
                        });
                        match longer {
                            Some(f) => {
                                used = n + 1;
                                p.phrases.push(f);
                            }
                            None => {
                                used = n;
                                p.phrases.push(ph);
                            }
                        }
                        break;
                    }
                    if let Some(v) = t.powiat_by_key.get(&k) {
                        let pw = &t.powiats[v[0] as usize];
                        if pw.name.chars().next().is_some_and(char::is_lowercase) {
                            if p.powiat.is_empty() {
                                p.powiat = v.clone();
                            }
                            used = n;
                            break;
                        }
                    }
                }
                if used == 0 {
                    run.push(w);
                    i += 1;
                } else {
                    if !run.is_empty() {
                        leftovers.push(std::mem::take(&mut run));
                    }
                    i += used;
                }
            }
            if !run.is_empty() {
                leftovers.push(run);
            }
        }
        if p.phrases.is_empty() {
            // Inflected names without "w" before them ("Gliwicach").
            'inflected: for run in &leftovers {
                for n in (1..=run.len().min(3)).rev() {
                    for s in 0..=run.len() - n {
                        if let Some(ph) = self.locality_phrase(&run[s..s + n], MatchKind::Inflected)
                        {
                            p.phrases.push(ph);
                            break 'inflected;
                        }
                    }
                }
            }
        }
        if p.phrases.is_empty() {
            // Typo tolerance: the longest unmatched word runs, then single words.
            'outer: for run in &leftovers {
                for n in (1..=run.len().min(3)).rev() {
                    for s in 0..=run.len() - n {
                        if let Some(ph) = self.fuzzy_phrase(&run[s..s + n].join(" ")) {
                            p.phrases.push(ph);
                            break 'outer;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn in_regions(&self, id: u32, p: &Parsed) -> bool {
        let l = &self.t.localities[id as usize];
        p.voivodeship.is_none_or(|v| l.voivodeship == v)
            && (p.powiat.is_empty() || l.powiat.is_some_and(|v| p.powiat.contains(&v)))
            && (p.gmina.is_empty() || l.gmina.is_some_and(|v| p.gmina.contains(&v)))
    }

    fn region_description(&self, p: &Parsed) -> String {
        let t = &self.t;
        let mut parts = Vec::new();
        if let Some(&g) = p.gmina.first() {
            parts.push(format!("gmina {}", t.gminas[g as usize].name));
        }
        if let Some(&pw) = p.powiat.first() {
            parts.push(format!("powiat {}", t.powiats[pw as usize].name));
        }
        if let Some(v) = p.voivodeship {
            parts.push(format!(
                "województwo {}",
                t.voivodeships[v as usize].admin.name
            ));
        }
        if let Some(c) = p.postal {
            parts.push(format!("postal code {}", postal_string(c)));
        }
        parts.join(", ")
    }

    /// Ranks locality ids: population, then being the gmina's seat, then the
    /// number of postal codes (a proxy for size), then id for determinism (the
    /// order is computed once, at load).
    fn rank(&self, ids: &mut [u32]) {
        ids.sort_unstable_by_key(|&i| self.t.rank[i as usize]);
    }

    fn locality_candidate(
        &self,
        id: u32,
        precision: Precision,
        score: f64,
        postal: Option<(&Arc<str>, &PostalEntry)>,
    ) -> Candidate {
        let l = &self.t.localities[id as usize];
        let (lat, lon) = postal.map_or((l.lat, l.lon), |(_, e)| (e.lat, e.lon));
        Candidate {
            lat,
            lon,
            precision,
            score,
            name: l.name.clone(),
            postal_code: postal
                .map(|(c, _)| c.clone())
                .or_else(|| (l.postal.len() == 1).then(|| self.t.postal_text(l.postal[0]))),
            admin: self.admin_chain(l),
            population: (l.population > 0).then_some(l.population),
        }
    }

    fn admin_candidate(&self, level: AdminLevel, idx: usize, score: f64) -> Candidate {
        let t = &self.t;
        let (a, precision, chain) = match level {
            AdminLevel::Gmina => {
                let g = &t.gminas[idx];
                let pw = t
                    .powiat_by_teryt
                    .get(&g.teryt[..4])
                    .map(|&i| self.admin_ref(&t.powiats[i as usize]));
                let v = t
                    .voivodeships
                    .iter()
                    .find(|v| *v.admin.teryt == g.teryt[..2]);
                (
                    g,
                    Precision::Gmina,
                    AdminChain {
                        gmina: Some(self.admin_ref(g)),
                        powiat: pw,
                        voivodeship: v.map(|v| self.admin_ref(&v.admin)),
                    },
                )
            }
            AdminLevel::Powiat => {
                let p = &t.powiats[idx];
                let v = t
                    .voivodeships
                    .iter()
                    .find(|v| *v.admin.teryt == p.teryt[..2]);
                (
                    p,
                    Precision::Powiat,
                    AdminChain {
                        gmina: None,
                        powiat: Some(self.admin_ref(p)),
                        voivodeship: v.map(|v| self.admin_ref(&v.admin)),
                    },
                )
            }
            AdminLevel::Voivodeship => {
                let v = &t.voivodeships[idx].admin;
                (
                    v,
                    Precision::Voivodeship,
                    AdminChain {
                        voivodeship: Some(self.admin_ref(v)),
                        ..Default::default()
                    },
                )
            }
        };
        Candidate {
            lat: a.lat,
            lon: a.lon,
            precision,
            score,
            name: a.name.clone(),
            postal_code: None,
            admin: chain,
            population: None,
        }
    }

    /// A valid postal code missing from the gazetteer: placed at the nearer of
    /// its numeric neighbours within the same three-digit (else two-digit) area (both, averaged,
    /// when equally near), with the admin chain the neighbours share.
    fn postal_area(&self, code: u32) -> Result<Candidate, GeocodeError> {
        let t = &self.t;
        let pos = t.postal_codes.partition_point(|&c| c < code);
        let below_any = pos.checked_sub(1).map(|i| t.postal_codes[i]);
        let above_any = t.postal_codes.get(pos).copied();
        // Neighbours sharing the first three digits if there are any, else two.
        let same = |c: &u32, div: u32| c / div == code / div;
        let (below, above) = if below_any.is_some_and(|c| same(&c, 100))
            || above_any.is_some_and(|c| same(&c, 100))
        {
            (
                below_any.filter(|c| same(c, 100)),
                above_any.filter(|c| same(c, 100)),
            )
        } else {
            (
                below_any.filter(|c| same(c, 1000)),
                above_any.filter(|c| same(c, 1000)),
            )
        };
        let neighbours: Vec<u32> = match (below, above) {
            (Some(b), Some(a)) if code - b == a - code => vec![b, a],
            (Some(b), Some(a)) => vec![if code - b < a - code { b } else { a }],
            (Some(b), None) => vec![b],
            (None, Some(a)) => vec![a],
            (None, None) => return Err(GeocodeError::UnknownPostalCode(postal_string(code))),
        };
        let mut main: Vec<Candidate> = neighbours
            .iter()
            .map(|&c| {
                let e = self.main_entry(c);
                let text = self.t.postal_text(c);
                self.locality_candidate(e.locality, Precision::PostalArea, 0.55, Some((&text, e)))
            })
            .collect();
        let mut best = main.remove(0);
        if let Some(other) = main.pop() {
            best.lat = (best.lat + other.lat) / 2.0;
            best.lon = (best.lon + other.lon) / 2.0;
            if best.admin.gmina != other.admin.gmina {
                best.admin.gmina = None;
            }
            if best.admin.powiat != other.admin.powiat {
                best.admin.powiat = None;
            }
            if best.admin.voivodeship != other.admin.voivodeship {
                best.admin.voivodeship = None;
            }
        }
        best.postal_code = Some(self.t.postal_text(code));
        Ok(best)
    }

    /// The main locality of a postal code: the most populous, else the gmina seat
    /// (a code's rows are kept in ranking order).
    fn main_entry(&self, code: u32) -> &PostalEntry {
        &self.t.postal[&code][0]
    }
}

/// Geocodes a query; see the module docs for the resolution order.
pub(super) fn geocode(g: &Gazetteer, q: &GeocodeQuery) -> Result<GeocodeResult, GeocodeError> {
    let t = &g.t;
    let mut p = Parsed::default();
    let mut any = false;
    for s in [
        &q.text,
        &q.postal_code,
        &q.town,
        &q.gmina,
        &q.powiat,
        &q.voivodeship,
    ]
    .into_iter()
    .flatten()
    {
        validate(s)?;
        any |= !s.trim().is_empty();
    }
    if !any {
        return Err(GeocodeError::Empty);
    }
    // Structured fields first: they are what the caller is sure of.
    if let Some(pc) = q
        .postal_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let n =
            postal_number(pc).ok_or_else(|| GeocodeError::MalformedPostalCode(pc.to_string()))?;
        p.postal = Some(n);
    }
    if let Some(v) = q.voivodeship.as_deref().filter(|s| !s.trim().is_empty()) {
        p.voivodeship = Some(
            g.find_voivodeship(v)
                .ok_or_else(|| GeocodeError::UnknownRegion {
                    level: "voivodeship",
                    name: v.to_string(),
                })?,
        );
    }
    if let Some(v) = q.powiat.as_deref().filter(|s| !s.trim().is_empty()) {
        p.powiat = g.find_powiats(v);
        if p.powiat.is_empty() {
            return Err(GeocodeError::UnknownRegion {
                level: "powiat",
                name: v.to_string(),
            });
        }
    }
    if let Some(v) = q.gmina.as_deref().filter(|s| !s.trim().is_empty()) {
        p.gmina = g.find_gminas(v);
        if p.gmina.is_empty() {
            return Err(GeocodeError::UnknownRegion {
                level: "gmina",
                name: v.to_string(),
            });
        }
    }
    if let Some(town) = q.town.as_deref().filter(|s| !s.trim().is_empty()) {
        let k = key(town);
        let words: Vec<&str> = k.split(' ').collect();
        let ph = g
            .locality_phrase(&words, MatchKind::Exact)
            .or_else(|| g.locality_phrase(&words, MatchKind::Inflected))
            .or_else(|| g.fuzzy_phrase(&k));
        match ph {
            Some(ph) => p.phrases.push(ph),
            None => return Err(GeocodeError::NotFound(town.to_string())),
        }
    }
    if let Some(text) = q.text.as_deref() {
        g.parse_text(text, &mut p)?;
    }

    // The best phrase: exact before inflected before fuzzy, longer first.
    let mut phrases = std::mem::take(&mut p.phrases);
    phrases.sort_by(|a, b| a.kind.cmp(&b.kind).then(b.words.cmp(&a.words)));
    let named_place = phrases.first().map(|ph| ph.text.clone());
    let mut localities: Vec<(u32, MatchKind)> = Vec::new();
    for ph in &phrases {
        for &id in &ph.ids {
            if g.in_regions(id, &p) && !localities.iter().any(|(i, _)| *i == id) {
                localities.push((id, ph.kind));
            }
        }
        if !localities.is_empty() {
            break;
        }
    }

    // 1. Postal code + locality.
    if let Some(code) = p.postal {
        if let Some(entries) = t.postal.get(&code) {
            let code_text = t.postal_text(code);
            let mut hits: Vec<u32> = localities
                .iter()
                .map(|(i, _)| *i)
                .filter(|i| entries.iter().any(|e| e.locality == *i))
                .collect();
            if !hits.is_empty() {
                g.rank(&mut hits);
                let kind = localities.iter().find(|(i, _)| *i == hits[0]).map(|x| x.1);
                let score = if kind == Some(MatchKind::Fuzzy) {
                    0.9
                } else {
                    0.98
                };
                let cands: Vec<Candidate> = hits
                    .iter()
                    .take(10)
                    .enumerate()
                    .map(|(r, &id)| {
                        let e = entries.iter().find(|e| e.locality == id).expect("hit");
                        g.locality_candidate(
                            id,
                            Precision::PostalLocality,
                            score - 0.05 * r as f64,
                            Some((&code_text, e)),
                        )
                    })
                    .collect();
                return Ok(result(cands));
            }
            // 3. Postal code alone (the named locality, if any, is not in it).
            // The code's rows are in ranking order, a locality's rows together;
            // each locality answers with its first row.
            let score = if named_place.is_some() { 0.6 } else { 0.8 };
            let mut cands: Vec<Candidate> = Vec::with_capacity(entries.len().min(10));
            let mut last = None;
            for e in entries {
                if cands.len() == 10 {
                    break;
                }
                if last == Some(e.locality) || !g.in_regions(e.locality, &p) {
                    continue;
                }
                last = Some(e.locality);
                let r = cands.len();
                cands.push(g.locality_candidate(
                    e.locality,
                    Precision::PostalCode,
                    score - 0.05 * r as f64,
                    Some((&code_text, e)),
                ));
            }
            if cands.is_empty() {
                return Err(GeocodeError::NoMatchInRegion {
                    place: postal_string(code),
                    region: g.region_description(&Parsed { postal: None, ..p }),
                });
            }
            return Ok(result(cands));
        }
        // 4. A valid code the gazetteer lacks: a named locality nearby wins,
        // else the code's approximate area.
        let area = g.postal_area(code)?;
        let near = localities.iter().map(|(i, _)| *i).find(|&i| {
            let l = &t.localities[i as usize];
            crate::geo_util::haversine_km(
                LonLat::new(l.lon, l.lat),
                LonLat::new(area.lon, area.lat),
            ) < 30.0
        });
        if let Some(id) = near {
            let mut c = g.locality_candidate(id, Precision::Locality, 0.9, None);
            c.postal_code = Some(t.postal_text(code));
            return Ok(result(vec![c, area]));
        }
        if !region_ok(&area, &p, g) {
            return Err(GeocodeError::NoMatchInRegion {
                place: postal_string(code),
                region: g.region_description(&Parsed { postal: None, ..p }),
            });
        }
        return Ok(result(vec![area]));
    }

    // 2. Locality within the named regions.
    if !localities.is_empty() {
        let kind = localities[0].1;
        let mut ids: Vec<u32> = localities.iter().map(|(i, _)| *i).collect();
        g.rank(&mut ids);
        let base = match kind {
            MatchKind::Exact => 0.95,
            MatchKind::Inflected => 0.9,
            MatchKind::Fuzzy => 0.8,
        };
        // Several places of that name: the answer is a guess unless the first is
        // a real town ten times the size of the next (Kraków the city, not the village).
        let ambiguous = ids.len() > 1 && {
            let a = t.localities[ids[0] as usize].population;
            let b = t.localities[ids[1] as usize].population;
            a < 20_000 || a < b.saturating_mul(10)
        };
        let score = if ambiguous { base * 0.7 } else { base };
        let cands: Vec<Candidate> = ids
            .iter()
            .take(10)
            .enumerate()
            .map(|(r, &id)| {
                let s = if r == 0 {
                    score
                } else {
                    (score * 0.8 - 0.02 * r as f64).max(0.1)
                };
                g.locality_candidate(id, Precision::Locality, s, None)
            })
            .collect();
        return Ok(result(cands));
    }
    if let Some(place) = named_place {
        // A place was named but none of that name lies in the named region.
        return Err(GeocodeError::NoMatchInRegion {
            place,
            region: g.region_description(&p),
        });
    }
    // 5. Region centres.
    // Within the named voivodeship when one is named too.
    let voiv_teryt = p
        .voivodeship
        .map(|v| &*t.voivodeships[v as usize].admin.teryt);
    let fits = |teryt: &str| voiv_teryt.is_none_or(|v| teryt.starts_with(v));
    if !p.gmina.is_empty() {
        let gm = p
            .gmina
            .iter()
            .copied()
            .find(|&i| fits(&t.gminas[i as usize].teryt));
        let Some(gm) = gm else {
            return Err(GeocodeError::NoMatchInRegion {
                place: format!("gmina {}", t.gminas[p.gmina[0] as usize].name),
                region: g.region_description(&Parsed {
                    gmina: Vec::new(),
                    ..p
                }),
            });
        };
        return Ok(result(vec![g.admin_candidate(
            AdminLevel::Gmina,
            gm as usize,
            0.5,
        )]));
    }
    if !p.powiat.is_empty() {
        let pw = p
            .powiat
            .iter()
            .copied()
            .find(|&i| fits(&t.powiats[i as usize].teryt))
            .unwrap_or(p.powiat[0]);
        if let Some(v) = p.voivodeship
            && t.powiats[pw as usize].teryt[..2] != *t.voivodeships[v as usize].admin.teryt
        {
            return Err(GeocodeError::NoMatchInRegion {
                place: format!("powiat {}", t.powiats[pw as usize].name),
                region: format!("województwo {}", t.voivodeships[v as usize].admin.name),
            });
        }
        return Ok(result(vec![g.admin_candidate(
            AdminLevel::Powiat,
            pw as usize,
            0.4,
        )]));
    }
    if let Some(v) = p.voivodeship {
        return Ok(result(vec![g.admin_candidate(
            AdminLevel::Voivodeship,
            v as usize,
            0.3,
        )]));
    }
    Err(GeocodeError::NotFound(q.describe()))
}

fn region_ok(c: &Candidate, p: &Parsed, g: &Gazetteer) -> bool {
    let t = &g.t;
    let is = |r: &Option<AdminRef>, teryt: &str| r.as_ref().is_some_and(|r| &*r.teryt == teryt);
    p.voivodeship.is_none_or(|v| {
        is(
            &c.admin.voivodeship,
            &t.voivodeships[v as usize].admin.teryt,
        )
    }) && (p.powiat.is_empty()
        || p.powiat
            .iter()
            .any(|&v| is(&c.admin.powiat, &t.powiats[v as usize].teryt)))
        && (p.gmina.is_empty()
            || p.gmina
                .iter()
                .any(|&v| is(&c.admin.gmina, &t.gminas[v as usize].teryt)))
}

fn result(candidates: Vec<Candidate>) -> GeocodeResult {
    GeocodeResult {
        best: candidates[0].clone(),
        candidates,
    }
}
