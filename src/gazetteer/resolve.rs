//! Resolving a phrase of a query to the places it may name: own and alternate
//! names as written, inflected forms from SGJP (suffix rules only for the names
//! SGJP lacks), a prefix of the last word (search as you type) and small typos.
//! Region names (voivodeship, powiat, gmina) are resolved the same way.

use super::Gazetteer;
use super::forms::FormOf;
use super::normalize::{key, nominatives};

/// How a phrase matched a locality's name, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum MatchKind {
    /// The locality's own name as written ("Zawiercie").
    Exact,
    /// An alternate or foreign name ("Warsaw", "Cracow").
    Alternate,
    /// An inflected form SGJP gives for the name ("Zawierciu", "Piekarach Śląskich").
    Declined,
    /// A form reduced to a name by suffix rules, for names SGJP lacks.
    Rule,
    /// The text is the start of the name ("Oświę" → Oświęcim).
    Prefix,
    /// Within a small edit distance of a name ("Dabrowa Gorincza").
    Fuzzy,
}

/// A phrase of the query with the localities it may name.
#[derive(Debug, Clone)]
pub(super) struct Phrase {
    /// The localities, unordered.
    pub ids: Vec<u32>,
    /// How the phrase matched them.
    pub kind: MatchKind,
    /// For inflected matches, the grammatical cases the form stands for (bits
    /// of [`super::forms::case`]); 0 otherwise.
    pub cases: u8,
    /// Words of the query the phrase covers.
    pub words: usize,
    /// The phrase's key.
    pub text: String,
}

/// Cartesian product of per-word nominative candidates (suffix rules), joined
/// by spaces, capped at 256.
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

fn push_unique(ids: &mut Vec<u32>, more: &[u32]) {
    for &i in more {
        if !ids.contains(&i) {
            ids.push(i);
        }
    }
}

impl Gazetteer {
    /// The localities a phrase names as written: their own name, else an
    /// alternate one.
    pub(super) fn exact_phrase(&self, words: &[&str]) -> Option<Phrase> {
        let joined = words.join(" ");
        let ids = self.t.localities_named(&joined)?;
        let kind = if self.t.is_alternate(&joined) {
            MatchKind::Alternate
        } else {
            MatchKind::Exact
        };
        Some(Phrase {
            ids: ids.clone(),
            kind,
            cases: 0,
            words: words.len(),
            text: joined,
        })
    }

    /// The localities a phrase names as an inflected form: SGJP's forms, and
    /// suffix rules for the names SGJP cannot decline. Several names may share
    /// a form ("Bielsku" is Bielsko or Bielsk); all of them are returned.
    pub(super) fn inflected_phrase(&self, words: &[&str]) -> Option<Phrase> {
        let t = &self.t;
        let joined = words.join(" ");
        let mut ids: Vec<u32> = Vec::new();
        let mut cases = 0u8;
        for (name, of, c) in t.forms().of(&joined) {
            if of == FormOf::Place
                && let Some(found) = t.localities_named(name)
            {
                push_unique(&mut ids, found);
                cases |= c;
            }
        }
        let declined = !ids.is_empty();
        for k in nominative_keys(words) {
            // Suffix rules only for names SGJP cannot decline, except that a
            // name of several words is read whole by them too: SGJP may decline
            // it wrongly (it reads "Nowe Czaple" as two adjectives, so "w Nowych
            // Czaplach" is no form of it), and every word must agree.
            if k == joined || (words.len() < 2 && t.forms().declines(&k)) || t.is_alternate(&k) {
                continue;
            }
            if let Some(found) = t.localities_named(&k) {
                push_unique(&mut ids, found);
            }
        }
        (!ids.is_empty()).then_some(Phrase {
            ids,
            kind: if declined {
                MatchKind::Declined
            } else {
                MatchKind::Rule
            },
            cases,
            words: words.len(),
            text: joined,
        })
    }

    /// Every phrase the words may be: as written and, after "w"/"we" (where a
    /// locative is expected) or when no place bears the words as its name,
    /// inflected. "Stanisławów" is Stanisławów, not the genitive of
    /// Stanisławy; "w Jaśle" may be the locative of Jasło.
    pub(super) fn phrases_at(&self, words: &[&str], after_w: bool) -> Vec<Phrase> {
        let exact = self.exact_phrase(words);
        if exact.is_some() && !after_w {
            return exact.into_iter().collect();
        }
        exact
            .into_iter()
            .chain(self.inflected_phrase(words))
            .collect()
    }

    /// The best-ranked localities whose key starts with `prefix` (at most
    /// `limit`), for search as you type. Each key's bucket of its first three
    /// characters is kept in ranking order, so the walk stops at the first
    /// `limit` matches.
    pub(super) fn prefix_phrase(&self, prefix: &str, limit: usize) -> Option<Phrase> {
        let ids = self.t.prefix_index().best(prefix, limit);
        (!ids.is_empty()).then_some(Phrase {
            ids,
            kind: MatchKind::Prefix,
            cases: 0,
            words: prefix.split(' ').count(),
            text: prefix.to_string(),
        })
    }

    /// The localities within a small edit distance of a key (one edit for
    /// names of five to eight letters, two from nine), the nearest only.
    pub(super) fn fuzzy_phrase(&self, k: &str) -> Option<Phrase> {
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
                let kk = key(&t.locality(i).name);
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
            if let Some(ids) = t.localities_named(&d) {
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
            ids.extend_from_slice(t.localities_named(kk).expect("a key found above"));
        }
        Some(Phrase {
            ids,
            kind: MatchKind::Fuzzy,
            cases: 0,
            words: k.split(' ').count(),
            text: k.to_string(),
        })
    }

    /// The keys of the names of one level that a key is a form of (SGJP).
    fn region_forms<'a>(&'a self, k: &'a str, level: FormOf) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for (name, of, _) in self.t.forms().of(k) {
            if of == level && !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    /// The voivodeship a key names (its name, an alias, or a form of either).
    pub(super) fn voivodeship_named(&self, k: &str) -> Option<u8> {
        let t = &self.t;
        if let Some(v) = t.voivodeship_key(k) {
            return Some(v);
        }
        self.region_forms(k, FormOf::Voivodeship)
            .into_iter()
            .find_map(|n| t.voivodeship_key(n))
            .or_else(|| {
                nominative_keys(&k.split(' ').collect::<Vec<_>>())
                    .iter()
                    .find_map(|c| t.voivodeship_key(c))
            })
    }

    /// The units of one level that a key names: as written, else as a form SGJP
    /// gives for their name, else (for names SGJP does not decline) by suffix
    /// rules. `keyed` looks a name's key up among the units.
    fn units_named<'a>(
        &'a self,
        k: &str,
        level: FormOf,
        keyed: impl Fn(&str) -> Option<&'a Vec<u16>>,
    ) -> Vec<u16> {
        if let Some(v) = keyed(k) {
            return v.clone();
        }
        let mut out: Vec<u16> = Vec::new();
        let mut add = |v: &Vec<u16>| {
            for &i in v {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        };
        let mut found = false;
        for n in self.region_forms(k, level) {
            if let Some(v) = keyed(n) {
                add(v);
                found = true;
            }
        }
        if !found {
            for cand in nominative_keys(&k.split(' ').collect::<Vec<_>>()) {
                if level == FormOf::Place && self.t.forms().declines(&cand) {
                    continue;
                }
                if let Some(v) = keyed(&cand) {
                    add(v);
                }
            }
        }
        out
    }

    /// The powiats a key names ("zawierciański", "zawierciańskiego", "bielski"
    /// is two).
    pub(super) fn powiats_named(&self, k: &str) -> Vec<u16> {
        self.units_named(k, FormOf::Powiat, |n| self.t.powiats_keyed(n))
    }

    /// The gminas a key names, as written or inflected ("Paradyż", "Gminy
    /// Paradyż" → after the marker, "Paradyż"; "Tułowicach" → Tułowice).
    pub(super) fn gminas_named(&self, k: &str) -> Vec<u16> {
        self.units_named(k, FormOf::Place, |n| self.t.gminas_keyed(n))
    }
}
