//! Loading the bundled gazetteer files into lookup structures.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use geo::{BoundingRect, MultiPolygon, Rect};
use rstar::{AABB, PointDistance, RTree, RTreeObject};

use super::normalize::key;
use crate::geo_util::unit_vector;

/// The gazetteer's files as text, as `scripts/build_geodata.py` writes them.
#[derive(Debug, Clone, Copy)]
pub struct GeodataText<'a> {
    /// `postal.tsv`: one row per (postal code, locality).
    pub postal: &'a str,
    /// `population.tsv`: populations and centres of localities from cities500.
    pub population: &'a str,
    /// `gminas.tsv`.
    pub gminas: &'a str,
    /// `powiats.tsv`.
    pub powiats: &'a str,
    /// `voivodeships.tsv`.
    pub voivodeships: &'a str,
    /// `voivodeships.geojson`: the 16 outlines.
    pub outlines: &'a str,
}

impl GeodataText<'static> {
    /// The files embedded in the binary at build time.
    pub const EMBEDDED: GeodataText<'static> = GeodataText {
        postal: include_str!("../../geodata/postal.tsv"),
        population: include_str!("../../geodata/population.tsv"),
        gminas: include_str!("../../geodata/gminas.tsv"),
        powiats: include_str!("../../geodata/powiats.tsv"),
        voivodeships: include_str!("../../geodata/voivodeships.tsv"),
        outlines: include_str!("../../geodata/voivodeships.geojson"),
    };
}

/// A problem in the gazetteer files.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("geodata/{file}:{line}: {problem}")]
pub struct GazetteerError {
    /// The file, e.g. `postal.tsv`.
    pub file: &'static str,
    /// 1-based line number (0 for whole-file problems).
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

/// An administrative unit (gmina or powiat) with its centre.
#[derive(Debug, Clone)]
pub(crate) struct Admin {
    pub teryt: Arc<str>,
    pub name: Arc<str>,
    pub lat: f64,
    pub lon: f64,
}

/// A voivodeship with its names and outline.
#[derive(Debug, Clone)]
pub(crate) struct Voivodeship {
    pub admin: Admin,
    pub name_en: String,
    pub outline: MultiPolygon<f64>,
    pub bbox: Rect<f64>,
}

/// A locality: a distinct (name, gmina) pair of the postal data.
#[derive(Debug, Clone)]
pub(crate) struct Locality {
    pub name: Arc<str>,
    pub gmina: Option<u16>,
    pub powiat: Option<u16>,
    pub voivodeship: u8,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
    /// Postal codes as numbers (`32-600` → 32600), ascending.
    pub postal: Vec<u32>,
}

/// One (postal code, locality) row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PostalEntry {
    pub locality: u32,
    pub lat: f64,
    pub lon: f64,
}

/// A postal row in the reverse-geocoding R-tree: its unit vector and index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreePoint {
    pub xyz: [f64; 3],
    pub id: u32,
}

impl RTreeObject for TreePoint {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xyz)
    }
}

impl PointDistance for TreePoint {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        (0..3).map(|k| (self.xyz[k] - p[k]).powi(2)).sum()
    }
}

/// The loaded gazetteer: every table and index the geocoder uses.
pub(crate) struct Tables {
    pub voivodeships: Vec<Voivodeship>,
    pub powiats: Vec<Admin>,
    pub gminas: Vec<Admin>,
    pub localities: Vec<Locality>,
    pub postal: HashMap<u32, Vec<PostalEntry>>,
    /// Every postal code in the data, ascending.
    pub postal_codes: Vec<u32>,
    /// The `NN-NNN` text of every postal code, shared by the answers.
    pub postal_text: HashMap<u32, Arc<str>>,
    pub locality_by_key: HashMap<String, Vec<u32>>,
    pub voivodeship_by_key: HashMap<String, u8>,
    pub powiat_by_key: HashMap<String, Vec<u16>>,
    pub gmina_by_key: HashMap<String, Vec<u16>>,
    pub powiat_by_teryt: HashMap<String, u16>,
    pub gmina_by_teryt: HashMap<String, u16>,
    /// Every (postal code, locality) row; the tree's ids index it.
    pub rows: Vec<(u32, PostalEntry)>,
    /// R-tree of the rows' unit vectors, for reverse geocoding.
    pub tree: RTree<TreePoint>,
    /// Most words in any locality key, bounding n-gram searches.
    pub max_words: usize,
    /// Single-deletion variants of locality keys for typo tolerance, built on
    /// first use so that start-up stays fast.
    pub fuzzy: OnceLock<HashMap<String, Vec<u32>>>,
}

fn rows<'a>(
    file: &'static str,
    text: &'a str,
    columns: usize,
) -> impl Iterator<Item = Result<(usize, Vec<&'a str>), GazetteerError>> + 'a {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.is_empty())
        .map(move |(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() != columns {
                return Err(GazetteerError {
                    file,
                    line: i + 1,
                    problem: format!("{} columns, expected {columns}", f.len()),
                });
            }
            Ok((i + 1, f))
        })
}

fn num(file: &'static str, line: usize, what: &str, s: &str) -> Result<f64, GazetteerError> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| GazetteerError {
            file,
            line,
            problem: format!("{what}: not a number: {s:?}"),
        })
}

/// `"32-600"` → `Some(32600)`; anything not of the form `NN-NNN` → `None`.
pub(crate) fn postal_number(code: &str) -> Option<u32> {
    let b = code.as_bytes();
    if b.len() != 6 || b[2] != b'-' {
        return None;
    }
    let mut n = 0u32;
    for (i, &c) in b.iter().enumerate() {
        if i == 2 {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as u32;
    }
    Some(n)
}

/// `32600` → `"32-600"`.
pub(crate) fn postal_string(n: u32) -> String {
    format!("{:02}-{:03}", n / 1000, n % 1000)
}

fn admin_table(file: &'static str, text: &str) -> Result<Vec<Admin>, GazetteerError> {
    rows(file, text, 4)
        .map(|r| {
            let (line, f) = r?;
            Ok(Admin {
                teryt: f[0].into(),
                name: f[1].into(),
                lat: num(file, line, "lat", f[2])?,
                lon: num(file, line, "lon", f[3])?,
            })
        })
        .collect()
}

fn multi_polygon(geometry: &geojson::Geometry) -> Option<MultiPolygon<f64>> {
    match geo::Geometry::<f64>::try_from(geometry.value.clone()).ok()? {
        geo::Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(mp) => Some(mp),
        _ => None,
    }
}

impl Tables {
    pub fn load(src: &GeodataText<'_>) -> Result<Tables, GazetteerError> {
        // Voivodeships and their outlines.
        let outlines: geojson::FeatureCollection = src
            .outlines
            .parse::<geojson::GeoJson>()
            .ok()
            .and_then(|g| g.try_into().ok())
            .ok_or_else(|| GazetteerError {
                file: "voivodeships.geojson",
                line: 0,
                problem: "not a GeoJSON FeatureCollection".into(),
            })?;
        let mut outline_by_teryt = HashMap::new();
        for f in &outlines.features {
            let teryt = f
                .property("teryt")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            let mp = f.geometry.as_ref().and_then(multi_polygon);
            match (teryt, mp) {
                (Some(t), Some(mp)) => {
                    outline_by_teryt.insert(t, mp);
                }
                _ => {
                    return Err(GazetteerError {
                        file: "voivodeships.geojson",
                        line: 0,
                        problem: "a feature without a teryt property or a polygon".into(),
                    });
                }
            }
        }
        let mut voivodeships = Vec::new();
        let mut voivodeship_by_key = HashMap::new();
        for r in rows("voivodeships.tsv", src.voivodeships, 6) {
            let (line, f) = r?;
            let outline = outline_by_teryt
                .remove(f[0])
                .ok_or_else(|| GazetteerError {
                    file: "voivodeships.geojson",
                    line: 0,
                    problem: format!("no outline for voivodeship {}", f[0]),
                })?;
            let bbox = outline.bounding_rect().ok_or_else(|| GazetteerError {
                file: "voivodeships.geojson",
                line: 0,
                problem: format!("empty outline for voivodeship {}", f[0]),
            })?;
            let aliases: Vec<String> = f[3]
                .split('|')
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect();
            let idx = voivodeships.len() as u8;
            for name in [f[0], f[1], f[2]]
                .into_iter()
                .chain(aliases.iter().map(String::as_str))
            {
                voivodeship_by_key.insert(key(name), idx);
                voivodeship_by_key.insert(key(&format!("województwo {name}")), idx);
            }
            voivodeships.push(Voivodeship {
                admin: Admin {
                    teryt: f[0].into(),
                    name: f[1].into(),
                    lat: num("voivodeships.tsv", line, "lat", f[4])?,
                    lon: num("voivodeships.tsv", line, "lon", f[5])?,
                },
                name_en: f[2].to_string(),
                outline,
                bbox,
            });
        }
        if voivodeships.len() != 16 {
            return Err(GazetteerError {
                file: "voivodeships.tsv",
                line: 0,
                problem: format!("{} voivodeships, expected 16", voivodeships.len()),
            });
        }
        let voiv_idx: HashMap<&str, u8> = voivodeships
            .iter()
            .enumerate()
            .map(|(i, v)| (&*v.admin.teryt, i as u8))
            .collect();

        let powiats = admin_table("powiats.tsv", src.powiats)?;
        let gminas = admin_table("gminas.tsv", src.gminas)?;
        let powiat_by_teryt: HashMap<String, u16> = powiats
            .iter()
            .enumerate()
            .map(|(i, a)| (a.teryt.to_string(), i as u16))
            .collect();
        let gmina_by_teryt: HashMap<String, u16> = gminas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.teryt.to_string(), i as u16))
            .collect();
        let mut powiat_by_key: HashMap<String, Vec<u16>> = HashMap::new();
        for (i, p) in powiats.iter().enumerate() {
            powiat_by_key
                .entry(key(&p.name))
                .or_default()
                .push(i as u16);
        }
        let mut gmina_by_key: HashMap<String, Vec<u16>> = HashMap::new();
        for (i, g) in gminas.iter().enumerate() {
            gmina_by_key.entry(key(&g.name)).or_default().push(i as u16);
        }

        // Localities and postal codes.
        let mut localities: Vec<Locality> = Vec::with_capacity(53_000);
        let mut sums: Vec<(f64, f64, u32)> = Vec::with_capacity(53_000);
        let mut locality_idx: HashMap<(&str, &str), u32> = HashMap::with_capacity(53_000);
        let mut postal: HashMap<u32, Vec<PostalEntry>> = HashMap::with_capacity(21_000);
        let mut all_rows: Vec<(u32, PostalEntry)> = Vec::with_capacity(73_000);
        for r in rows("postal.tsv", src.postal, 6) {
            let (line, f) = r?;
            let bad = |problem: String| GazetteerError {
                file: "postal.tsv",
                line,
                problem,
            };
            let code =
                postal_number(f[0]).ok_or_else(|| bad(format!("bad postal code {:?}", f[0])))?;
            let voivodeship = *voiv_idx
                .get(f[3])
                .ok_or_else(|| bad(format!("unknown voivodeship {:?}", f[3])))?;
            let gmina = if f[2].is_empty() {
                None
            } else {
                Some(
                    *gmina_by_teryt
                        .get(f[2])
                        .ok_or_else(|| bad(format!("unknown gmina {:?}", f[2])))?,
                )
            };
            let lat = num("postal.tsv", line, "lat", f[4])?;
            let lon = num("postal.tsv", line, "lon", f[5])?;
            let group = if f[2].is_empty() { f[3] } else { f[2] };
            let id = *locality_idx.entry((f[1], group)).or_insert_with(|| {
                localities.push(Locality {
                    name: f[1].into(),
                    gmina,
                    powiat: gmina
                        .and_then(|g| powiat_by_teryt.get(&gminas[g as usize].teryt[..4]).copied()),
                    voivodeship,
                    lat: 0.0,
                    lon: 0.0,
                    population: 0,
                    postal: Vec::new(),
                });
                sums.push((0.0, 0.0, 0));
                (localities.len() - 1) as u32
            });
            let loc = &mut localities[id as usize];
            if loc.postal.last() != Some(&code) {
                loc.postal.push(code);
            }
            let s = &mut sums[id as usize];
            *s = (s.0 + lat, s.1 + lon, s.2 + 1);
            let entry = PostalEntry {
                locality: id,
                lat,
                lon,
            };
            postal.entry(code).or_default().push(entry);
            all_rows.push((code, entry));
        }
        for (loc, s) in localities.iter_mut().zip(&sums) {
            loc.lat = s.0 / s.2 as f64;
            loc.lon = s.1 / s.2 as f64;
            loc.postal.sort_unstable();
            loc.postal.dedup();
        }
        for r in rows("population.tsv", src.population, 6) {
            let (line, f) = r?;
            let group = if f[1].is_empty() { f[2] } else { f[1] };
            let Some(&id) = locality_idx.get(&(f[0], group)) else {
                return Err(GazetteerError {
                    file: "population.tsv",
                    line,
                    problem: format!("unknown locality {:?} in {:?}", f[0], group),
                });
            };
            let loc = &mut localities[id as usize];
            loc.population = f[3].parse().map_err(|_| GazetteerError {
                file: "population.tsv",
                line,
                problem: format!("population: not a number: {:?}", f[3]),
            })?;
            loc.lat = num("population.tsv", line, "lat", f[4])?;
            loc.lon = num("population.tsv", line, "lon", f[5])?;
        }

        let mut locality_by_key: HashMap<String, Vec<u32>> = HashMap::with_capacity(36_000);
        let mut max_words = 1;
        for (i, l) in localities.iter().enumerate() {
            let k = key(&l.name);
            max_words = max_words.max(k.split(' ').count());
            locality_by_key.entry(k).or_default().push(i as u32);
        }
        let mut postal_codes: Vec<u32> = postal.keys().copied().collect();
        postal_codes.sort_unstable();
        let tree = RTree::bulk_load(
            all_rows
                .iter()
                .enumerate()
                .map(|(i, (_, e))| TreePoint {
                    xyz: unit_vector(e.lon, e.lat),
                    id: i as u32,
                })
                .collect(),
        );
        Ok(Tables {
            voivodeships,
            powiats,
            gminas,
            localities,
            postal,
            postal_text: postal_codes.iter().map(|&c| (c, postal_string(c).into())).collect(),
            postal_codes,
            rows: all_rows,
            locality_by_key,
            voivodeship_by_key,
            powiat_by_key,
            gmina_by_key,
            powiat_by_teryt,
            gmina_by_teryt,
            tree,
            max_words,
            fuzzy: OnceLock::new(),
        })
    }

    /// The `NN-NNN` text of a postal code, shared when the code is known.
    pub fn postal_text(&self, code: u32) -> Arc<str> {
        self.postal_text
            .get(&code)
            .cloned()
            .unwrap_or_else(|| postal_string(code).into())
    }

    /// Deletion-variant index for typo tolerance (built once, on first use).
    pub fn fuzzy_index(&self) -> &HashMap<String, Vec<u32>> {
        self.fuzzy.get_or_init(|| {
            let mut m: HashMap<String, Vec<u32>> = HashMap::new();
            for (k, ids) in &self.locality_by_key {
                if k.len() < 5 {
                    continue;
                }
                let first = ids[0];
                for (i, c) in k.char_indices() {
                    let mut v = String::with_capacity(k.len());
                    v.push_str(&k[..i]);
                    v.push_str(&k[i + c.len_utf8()..]);
                    let e = m.entry(v).or_default();
                    if !e.contains(&first) {
                        e.push(first);
                    }
                }
            }
            m
        })
    }
}
