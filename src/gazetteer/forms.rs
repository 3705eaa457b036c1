//! The inflected forms of names (`geodata/inflections.tsv`, from SGJP) and the
//! prefix index for search as you type, both built for a fast start: the forms
//! are kept in one string with a table sorted by hash (no allocation per form),
//! and the prefix index is built on first use.

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::geodata::GazetteerError;

/// Grammatical cases as bits of a form's cases.
pub(crate) mod case {
    /// Genitive (dopełniacz): "Gminy Paradyż", "z Zawiercia".
    pub const GEN: u8 = 1;
    /// Dative.
    pub const DAT: u8 = 2;
    /// Accusative.
    pub const ACC: u8 = 4;
    /// Instrumental: "pod Krakowem", "Ośrodkiem".
    pub const INST: u8 = 8;
    /// Locative (miejscownik): "w Zawierciu".
    pub const LOC: u8 = 16;
    /// Vocative.
    pub const VOC: u8 = 32;
    /// The columns of `inflections.tsv`, in order.
    pub const COLUMNS: [u8; 6] = [GEN, DAT, ACC, INST, LOC, VOC];
}

/// What a name in `inflections.tsv` is a name of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormOf {
    /// A locality, district or gmina name.
    Place,
    /// A powiat's adjective ("zawierciański").
    Powiat,
    /// A voivodeship's adjective or noun ("śląskie", "Małopolska").
    Voivodeship,
}

/// A slice of [`Forms::text`].
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    len: u32,
}

/// One form of one name.
#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    form: Span,
    name: u32,
    cases: u8,
}

/// Every inflected form of every name SGJP declines, by key.
pub(crate) struct Forms {
    /// The file's text: every key below is a slice of it.
    text: String,
    /// Forms sorted by the hash of their key.
    entries: Vec<Entry>,
    /// The names: their key and what they name.
    names: Vec<(Span, FormOf)>,
    /// Hashes of the keys of the place names SGJP declines.
    declined: std::collections::HashSet<u64, foldhash::fast::FixedState>,
    hasher: foldhash::fast::FixedState,
}

impl Forms {
    /// Reads `inflections.tsv`: `key, of, gen, dat, acc, inst, loc, voc`, the
    /// forms already as keys, several in a cell separated by `|`.
    pub fn load(src: &str) -> Result<Forms, GazetteerError> {
        let text = src.to_string();
        let hasher = foldhash::fast::FixedState::default();
        let mut entries = Vec::with_capacity(120_000);
        let mut names = Vec::with_capacity(34_000);
        let mut declined =
            std::collections::HashSet::with_capacity_and_hasher(34_000, hasher.clone());
        let span = |s: &str| Span {
            start: (s.as_ptr() as usize - text.as_ptr() as usize) as u32,
            len: s.len() as u32,
        };
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 8 {
                return Err(GazetteerError {
                    file: "inflections.tsv",
                    line: i + 1,
                    problem: format!("{} columns, expected 8", f.len()),
                });
            }
            let of = match f[1] {
                "place" => FormOf::Place,
                "powiat" => FormOf::Powiat,
                "voivodeship" => FormOf::Voivodeship,
                other => {
                    return Err(GazetteerError {
                        file: "inflections.tsv",
                        line: i + 1,
                        problem: format!("unknown kind of name {other:?}"),
                    });
                }
            };
            let name = names.len() as u32;
            let first = entries.len();
            for (cell, bit) in f[2..].iter().zip(case::COLUMNS) {
                for form in cell.split('|').filter(|s| !s.is_empty()) {
                    match entries[first..].iter_mut().find(|e: &&mut Entry| {
                        &text[e.form.start as usize..][..e.form.len as usize] == form
                    }) {
                        Some(e) => e.cases |= bit,
                        None => entries.push(Entry {
                            hash: hasher.hash_one(form),
                            form: span(form),
                            name,
                            cases: bit,
                        }),
                    }
                }
            }
            if of == FormOf::Place {
                declined.insert(hasher.hash_one(f[0]));
            }
            names.push((span(f[0]), of));
        }
        entries.sort_unstable_by_key(|e| e.hash);
        Ok(Forms {
            text,
            entries,
            names,
            declined,
            hasher,
        })
    }

    fn str(&self, s: Span) -> &str {
        &self.text[s.start as usize..][..s.len as usize]
    }

    /// The names a key is a form of: their key, what they name, and the cases
    /// (bits of [`case`]) the form stands for.
    pub fn of<'a>(&'a self, key: &'a str) -> impl Iterator<Item = (&'a str, FormOf, u8)> + 'a {
        let h = self.hasher.hash_one(key);
        let from = self.entries.partition_point(|e| e.hash < h);
        self.entries[from..]
            .iter()
            .take_while(move |e| e.hash == h)
            .filter(move |e| self.str(e.form) == key)
            .map(move |e| {
                let (name, of) = self.names[e.name as usize];
                (self.str(name), of, e.cases)
            })
    }

    /// Whether SGJP declines the place name with this key (suffix rules are
    /// then not used for it).
    pub fn declines(&self, name_key: &str) -> bool {
        self.declined.contains(&self.hasher.hash_one(name_key))
    }
}

/// Prefix search: every locality key with its id in ranking order, bucketed by
/// the key's first one, two and three characters.
pub(crate) struct PrefixIndex {
    entries: Vec<(Box<str>, u32)>,
    buckets: HashMap<Box<str>, Vec<u32>>,
}

impl PrefixIndex {
    /// Builds the index over every key (own and alternate names) of the
    /// localities, ordered by the gazetteer's ranking.
    pub fn build(locality_by_key: &HashMap<String, Vec<u32>>, rank: &[u32]) -> PrefixIndex {
        let mut entries: Vec<(Box<str>, u32)> = locality_by_key
            .iter()
            .flat_map(|(k, ids)| ids.iter().map(move |&i| (Box::<str>::from(k.as_str()), i)))
            .collect();
        entries.sort_unstable_by(|a, b| {
            rank[a.1 as usize]
                .cmp(&rank[b.1 as usize])
                .then_with(|| a.0.cmp(&b.0))
        });
        let mut buckets: HashMap<Box<str>, Vec<u32>> = HashMap::with_capacity(8_000);
        for (i, (k, _)) in entries.iter().enumerate() {
            for (end, _) in k.char_indices().skip(1).chain([(k.len(), ' ')]).take(3) {
                match buckets.get_mut(&k[..end]) {
                    Some(v) => v.push(i as u32),
                    None => {
                        buckets.insert(k[..end].into(), vec![i as u32]);
                    }
                }
            }
        }
        PrefixIndex { entries, buckets }
    }

    /// The best-ranked localities whose key starts with `prefix`, at most
    /// `limit`: the walk through the bucket of the prefix's first three
    /// characters, which is in ranking order, stops at the `limit`-th match.
    pub fn best(&self, prefix: &str, limit: usize) -> Vec<u32> {
        let end = prefix
            .char_indices()
            .nth(3)
            .map_or(prefix.len(), |(i, _)| i);
        let mut ids = Vec::with_capacity(limit);
        let Some(bucket) = self.buckets.get(&prefix[..end]) else {
            return ids;
        };
        for &e in bucket {
            let (k, id) = &self.entries[e as usize];
            if k.starts_with(prefix) && !ids.contains(id) {
                ids.push(*id);
                if ids.len() == limit {
                    break;
                }
            }
        }
        ids
    }
}
