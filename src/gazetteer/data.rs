//! Loading the bundled gazetteer files into lookup structures.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use geo::{BoundingRect, MultiPolygon, Rect};

use super::forms::{Forms, PrefixIndex};
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
    /// `districts.tsv`: districts and estates of towns, from cities500.
    pub districts: &'a str,
    /// `altnames.tsv`: alternate and foreign names of towns, from cities500.
    pub altnames: &'a str,
    /// `inflections.tsv`: the inflected forms of every name SGJP can decline.
    pub inflections: &'a str,
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
        districts: include_str!("../../geodata/districts.tsv"),
        altnames: include_str!("../../geodata/altnames.tsv"),
        inflections: include_str!("../../geodata/inflections.tsv"),
    };
}

/// Maps keyed by postal-code number, hashed with foldhash (far cheaper than
/// the default SipHash on the geocoder's hot path). The keys come from the
/// bundled data, not from callers, so flooding is no concern.
pub(crate) type CodeMap<V> = HashMap<u32, V, foldhash::fast::FixedState>;

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
    /// For a district or estate, the town it lies in (a locality id).
    pub district_of: Option<u32>,
}

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

/// One (postal code, locality) row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PostalEntry {
    pub locality: u32,
    pub lat: f64,
    pub lon: f64,
}

/// A postal row in the reverse-geocoding grid: its unit vector and index.
#[derive(Debug, Clone, Copy)]
struct GridPoint {
    xyz: [f64; 3],
    id: u32,
}

/// A uniform longitude/latitude grid over the postal rows, for the nearest row
/// to a point. Cells are about 5 km on a side, so a point in Poland finds its
/// nearest row in the 3 × 3 cells around it; a search goes ring by ring until
/// no closer row can lie further out. Exact, and several times faster than a
/// general R-tree nearest-neighbour search on 73,000 points.
#[derive(Debug, Clone)]
pub(crate) struct RowGrid {
    lon0: f64,
    lat0: f64,
    nlon: usize,
    nlat: usize,
    /// Lower bound, in km, of the gap that one whole cell puts between points.
    cell_km: f64,
    /// `start[c]..start[c + 1]` are the points of cell `c` (row-major by latitude).
    start: Vec<u32>,
    points: Vec<GridPoint>,
}

impl RowGrid {
    const DLON: f64 = 0.08;
    const DLAT: f64 = 0.05;

    fn build(rows: &[(u32, PostalEntry)]) -> RowGrid {
        let (mut lon0, mut lat0, mut lon1, mut lat1) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
        for (_, e) in rows {
            lon0 = lon0.min(e.lon);
            lat0 = lat0.min(e.lat);
            lon1 = lon1.max(e.lon);
            lat1 = lat1.max(e.lat);
        }
        if rows.is_empty() {
            (lon0, lat0, lon1, lat1) = (0.0, 0.0, 0.0, 0.0);
        }
        let nlon = ((lon1 - lon0) / Self::DLON) as usize + 1;
        let nlat = ((lat1 - lat0) / Self::DLAT) as usize + 1;
        // Along a parallel a cell is narrowest at the grid's highest latitude.
        let max_lat = lat1.abs().max(lat0.abs()).min(89.0) + Self::DLAT;
        let km_per_deg = crate::geo_util::EARTH_RADIUS_KM.to_radians();
        let cell_km = (Self::DLAT * km_per_deg)
            .min(Self::DLON * km_per_deg * max_lat.to_radians().cos())
            * 0.99;
        let mut grid = RowGrid {
            lon0,
            lat0,
            nlon,
            nlat,
            cell_km,
            start: vec![0; nlon * nlat + 1],
            points: Vec::with_capacity(rows.len()),
        };
        let cells: Vec<usize> = rows
            .iter()
            .map(|(_, e)| {
                let (i, j) = grid.cell_of(e.lon, e.lat);
                j * nlon + i
            })
            .collect();
        for &c in &cells {
            grid.start[c + 1] += 1;
        }
        for c in 0..nlon * nlat {
            grid.start[c + 1] += grid.start[c];
        }
        let mut next: Vec<u32> = grid.start[..nlon * nlat].to_vec();
        grid.points.resize(
            rows.len(),
            GridPoint {
                xyz: [0.0; 3],
                id: 0,
            },
        );
        for (id, ((_, e), &c)) in rows.iter().zip(&cells).enumerate() {
            grid.points[next[c] as usize] = GridPoint {
                xyz: unit_vector(e.lon, e.lat),
                id: id as u32,
            };
            next[c] += 1;
        }
        grid
    }

    /// Whether a point lies within the grid's extent widened by `margin_deg`.
    pub fn covers(&self, lon: f64, lat: f64, margin_deg: f64) -> bool {
        let lon1 = self.lon0 + self.nlon as f64 * Self::DLON;
        let lat1 = self.lat0 + self.nlat as f64 * Self::DLAT;
        (self.lon0 - margin_deg..=lon1 + margin_deg).contains(&lon)
            && (self.lat0 - margin_deg..=lat1 + margin_deg).contains(&lat)
    }

    /// The cell of a point, clamped to the grid.
    fn cell_of(&self, lon: f64, lat: f64) -> (usize, usize) {
        let i = ((lon - self.lon0) / Self::DLON).floor();
        let j = ((lat - self.lat0) / Self::DLAT).floor();
        (
            i.clamp(0.0, (self.nlon - 1) as f64) as usize,
            j.clamp(0.0, (self.nlat - 1) as f64) as usize,
        )
    }

    /// The row nearest to a point (great-circle distance; ties to the lower
    /// row id), or `None` when there are no rows.
    pub fn nearest(&self, lon: f64, lat: f64) -> Option<u32> {
        if self.points.is_empty() {
            return None;
        }
        let p = unit_vector(lon, lat);
        let (ci, cj) = self.cell_of(lon, lat);
        let (ci, cj) = (ci as isize, cj as isize);
        let (nlon, nlat) = (self.nlon as isize, self.nlat as isize);
        let mut best = (f64::INFINITY, u32::MAX);
        let scan = |i: isize, j: isize, best: &mut (f64, u32)| {
            if i < 0 || j < 0 || i >= nlon || j >= nlat {
                return;
            }
            let c = j as usize * self.nlon + i as usize;
            for q in &self.points[self.start[c] as usize..self.start[c + 1] as usize] {
                let d = (q.xyz[0] - p[0]).powi(2)
                    + (q.xyz[1] - p[1]).powi(2)
                    + (q.xyz[2] - p[2]).powi(2);
                if d < best.0 || (d == best.0 && q.id < best.1) {
                    *best = (d, q.id);
                }
            }
        };
        for r in 0isize.. {
            if r >= 2 {
                // Every point of ring r is at least r - 1 whole cells away, in
                // longitude or in latitude (also when the point lies off the
                // grid and was clamped to it: that only adds distance).
                let theta = (r - 1) as f64 * self.cell_km / crate::geo_util::EARTH_RADIUS_KM;
                let chord = 2.0 * (theta.min(std::f64::consts::PI) / 2.0).sin();
                if chord * chord * (1.0 - 1e-9) > best.0 {
                    break;
                }
            }
            if ci - r < 0 && cj - r < 0 && ci + r >= nlon && cj + r >= nlat {
                break;
            }
            if r == 0 {
                scan(ci, cj, &mut best);
                continue;
            }
            for i in ci - r..=ci + r {
                scan(i, cj - r, &mut best);
                scan(i, cj + r, &mut best);
            }
            for j in cj - r + 1..cj + r {
                scan(ci - r, j, &mut best);
                scan(ci + r, j, &mut best);
            }
        }
        (best.1 != u32::MAX).then_some(best.1)
    }
}

/// The loaded gazetteer: every table and index the geocoder uses.
pub(crate) struct Tables {
    voivodeships: Vec<Voivodeship>,
    powiats: Vec<Admin>,
    gminas: Vec<Admin>,
    localities: Vec<Locality>,
    postal: CodeMap<Vec<PostalEntry>>,
    /// Every postal code in the data, ascending.
    postal_codes: Vec<u32>,
    /// Each locality's place in the ranking of all localities (population, then
    /// being its gmina's seat, then number of postal codes, then id): 0 is first.
    /// The rows of each postal code are kept in this order.
    rank: Vec<u32>,
    /// The `NN-NNN` text of every postal code, shared by the answers.
    postal_text: CodeMap<Arc<str>>,
    locality_by_key: HashMap<String, Vec<u32>>,
    voivodeship_by_key: HashMap<String, u8>,
    powiat_by_key: HashMap<String, Vec<u16>>,
    gmina_by_key: HashMap<String, Vec<u16>>,
    powiat_by_teryt: HashMap<String, u16>,
    gmina_by_teryt: HashMap<String, u16>,
    /// Every (postal code, locality) row; the reverse grid's ids index it.
    rows: Vec<(u32, PostalEntry)>,
    /// Grid of the rows, for reverse geocoding.
    grid: RowGrid,
    /// Most words in any locality key, bounding n-gram searches.
    max_words: usize,
    /// Single-deletion variants of locality keys for typo tolerance, built on
    /// first use so that start-up stays fast.
    fuzzy: OnceLock<HashMap<String, Vec<u32>>>,
    /// Inflected forms of names, from SGJP.
    forms: Forms,
    /// Keys that are alternate or foreign names ("warsaw"), not a place's own.
    alternate: std::collections::HashSet<String>,
    /// The seat of each powiat: its most populous locality (not a district).
    powiat_seat: Vec<Option<u32>>,
    /// Prefix search (search as you type), built on first use.
    prefix: OnceLock<PrefixIndex>,
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

/// Districts and estates (`districts.tsv`) become localities inside their town:
/// its gmina, powiat and voivodeship, their own centre and population.
fn load_districts(
    text: &str,
    locality_idx: &HashMap<(&str, &str), u32>,
    localities: &mut Vec<Locality>,
) -> Result<(), GazetteerError> {
    for r in rows("districts.tsv", text, 7) {
        let (line, f) = r?;
        let group = if f[2].is_empty() { f[3] } else { f[2] };
        let Some(&town) = locality_idx.get(&(f[1], group)) else {
            return Err(GazetteerError {
                file: "districts.tsv",
                line,
                problem: format!("unknown town {:?} in {:?}", f[1], group),
            });
        };
        let t = &localities[town as usize];
        let district = Locality {
            name: f[0].into(),
            gmina: t.gmina,
            powiat: t.powiat,
            voivodeship: t.voivodeship,
            lat: num("districts.tsv", line, "lat", f[5])?,
            lon: num("districts.tsv", line, "lon", f[6])?,
            population: f[4].parse().map_err(|_| GazetteerError {
                file: "districts.tsv",
                line,
                problem: format!("population: not a number: {:?}", f[4]),
            })?,
            postal: Vec::new(),
            district_of: Some(town),
        };
        localities.push(district);
    }
    Ok(())
}

/// The place of every locality in the ranking used to order candidates: more
/// populous first, then the seat of its gmina, then more postal codes (a proxy
/// for size), then the lower id.
fn ranking(localities: &[Locality], gminas: &[Admin]) -> Vec<u32> {
    let seat = |l: &Locality| l.gmina.is_some_and(|g| gminas[g as usize].name == l.name);
    let mut order: Vec<u32> = (0..localities.len() as u32).collect();
    order.sort_by_cached_key(|&i| {
        let l = &localities[i as usize];
        (
            std::cmp::Reverse(l.population),
            !seat(l),
            std::cmp::Reverse(l.postal.len()),
            i,
        )
    });
    let mut rank = vec![0u32; localities.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
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
        let mut postal: CodeMap<Vec<PostalEntry>> =
            CodeMap::with_capacity_and_hasher(21_000, Default::default());
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
                    district_of: None,
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

        load_districts(src.districts, &locality_idx, &mut localities)?;

        let mut locality_by_key: HashMap<String, Vec<u32>> = HashMap::with_capacity(36_000);
        let mut max_words = 1;
        for (i, l) in localities.iter().enumerate() {
            let k = key(&l.name);
            max_words = max_words.max(k.split(' ').count());
            locality_by_key.entry(k).or_default().push(i as u32);
        }
        let mut alternate = std::collections::HashSet::new();
        for r in rows("altnames.tsv", src.altnames, 4) {
            let (line, f) = r?;
            let group = if f[2].is_empty() { f[3] } else { f[2] };
            let Some(&id) = locality_idx.get(&(f[1], group)) else {
                return Err(GazetteerError {
                    file: "altnames.tsv",
                    line,
                    problem: format!("unknown locality {:?} in {:?}", f[1], group),
                });
            };
            let k = key(f[0]);
            max_words = max_words.max(k.split(' ').count());
            let ids = locality_by_key.entry(k.clone()).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
            alternate.insert(k);
        }
        let forms = Forms::load(src.inflections)?;
        let mut postal_codes: Vec<u32> = postal.keys().copied().collect();
        postal_codes.sort_unstable();
        let rank = ranking(&localities, &gminas);
        for entries in postal.values_mut() {
            entries.sort_by_key(|e| rank[e.locality as usize]);
        }
        let grid = RowGrid::build(&all_rows);
        let mut powiat_seat: Vec<Option<u32>> = vec![None; powiats.len()];
        for (i, l) in localities.iter().enumerate() {
            if let (Some(p), None) = (l.powiat, l.district_of) {
                let seat = &mut powiat_seat[p as usize];
                if seat.is_none_or(|s| rank[i] < rank[s as usize]) {
                    *seat = Some(i as u32);
                }
            }
        }
        Ok(Tables {
            powiat_seat,
            forms,
            alternate,
            prefix: OnceLock::new(),
            voivodeships,
            powiats,
            gminas,
            localities,
            postal,
            postal_text: postal_codes
                .iter()
                .map(|&c| (c, postal_string(c).into()))
                .collect(),
            postal_codes,
            rows: all_rows,
            locality_by_key,
            voivodeship_by_key,
            powiat_by_key,
            gmina_by_key,
            powiat_by_teryt,
            gmina_by_teryt,
            grid,
            max_words,
            fuzzy: OnceLock::new(),
            rank,
        })
    }

    /// Locality `id`.
    pub fn locality(&self, id: u32) -> &Locality {
        &self.localities[id as usize]
    }

    /// Every locality, in id order.
    pub fn localities(&self) -> &[Locality] {
        &self.localities
    }

    /// Voivodeship `i` (TERYT order).
    pub fn voivodeship(&self, i: u8) -> &Voivodeship {
        &self.voivodeships[i as usize]
    }

    /// The 16 voivodeships, in TERYT order.
    pub fn voivodeships(&self) -> &[Voivodeship] {
        &self.voivodeships
    }

    /// Powiat `i`.
    pub fn powiat(&self, i: u16) -> &Admin {
        &self.powiats[i as usize]
    }

    /// Gmina `i`.
    pub fn gmina(&self, i: u16) -> &Admin {
        &self.gminas[i as usize]
    }

    /// The rows of a postal code, in ranking order, if the gazetteer has it.
    pub fn postal_entries(&self, code: u32) -> Option<&[PostalEntry]> {
        self.postal.get(&code).map(Vec::as_slice)
    }

    /// Every postal code, ascending.
    pub fn postal_codes(&self) -> &[u32] {
        &self.postal_codes
    }

    /// Locality `id`'s place in the fixed ranking of all localities (0 first).
    pub fn rank_of(&self, id: u32) -> u32 {
        self.rank[id as usize]
    }

    /// The localities whose own or alternate name has this key.
    pub fn localities_named(&self, key: &str) -> Option<&Vec<u32>> {
        self.locality_by_key.get(key)
    }

    /// Whether a key is an alternate or foreign name, not a place's own.
    pub fn is_alternate(&self, key: &str) -> bool {
        self.alternate.contains(key)
    }

    /// The voivodeship whose name, English name, alias or TERYT code is this key.
    pub fn voivodeship_key(&self, key: &str) -> Option<u8> {
        self.voivodeship_by_key.get(key).copied()
    }

    /// The powiats whose name has this key.
    pub fn powiats_keyed(&self, key: &str) -> Option<&Vec<u16>> {
        self.powiat_by_key.get(key)
    }

    /// The gminas whose name has this key.
    pub fn gminas_keyed(&self, key: &str) -> Option<&Vec<u16>> {
        self.gmina_by_key.get(key)
    }

    /// The powiat with this TERYT code.
    pub fn powiat_teryt(&self, code: &str) -> Option<u16> {
        self.powiat_by_teryt.get(code).copied()
    }

    /// The gmina with this TERYT code.
    pub fn gmina_teryt(&self, code: &str) -> Option<u16> {
        self.gmina_by_teryt.get(code).copied()
    }

    /// Postal row `i` (the reverse grid's ids index the rows).
    pub fn row(&self, i: u32) -> (u32, PostalEntry) {
        self.rows[i as usize]
    }

    /// The grid of the postal rows, for reverse geocoding.
    pub fn grid(&self) -> &RowGrid {
        &self.grid
    }

    /// Most words in any locality key.
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// The inflected forms of names, from SGJP.
    pub fn forms(&self) -> &Forms {
        &self.forms
    }

    /// The seat of powiat `p`: its most populous locality.
    pub fn powiat_seat(&self, p: u16) -> Option<u32> {
        self.powiat_seat[p as usize]
    }

    /// The `NN-NNN` text of a postal code, shared when the code is known.
    pub fn postal_text(&self, code: u32) -> Arc<str> {
        self.postal_text
            .get(&code)
            .cloned()
            .unwrap_or_else(|| postal_string(code).into())
    }

    /// The prefix index (built once, on first use).
    pub fn prefix_index(&self) -> &PrefixIndex {
        self.prefix
            .get_or_init(|| PrefixIndex::build(&self.locality_by_key, &self.rank))
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    fn brute_nearest(rows: &[(u32, PostalEntry)], lon: f64, lat: f64) -> u32 {
        let p = unit_vector(lon, lat);
        let mut best = (f64::INFINITY, u32::MAX);
        for (id, (_, e)) in rows.iter().enumerate() {
            let q = unit_vector(e.lon, e.lat);
            let d = (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2) + (q[2] - p[2]).powi(2);
            if d < best.0 {
                best = (d, id as u32);
            }
        }
        best.1
    }

    #[test]
    fn the_grid_finds_the_same_nearest_row_as_brute_force() {
        let t = Tables::load(&GeodataText::EMBEDDED).expect("loads");
        let mut rng = SmallRng::seed_from_u64(11);
        // Around Poland and well outside it (the grid clamps such points).
        for k in 0..3000 {
            let (lon, lat) = if k % 10 == 0 {
                (rng.random_range(5.0..35.0), rng.random_range(44.0..60.0))
            } else {
                (rng.random_range(14.0..24.2), rng.random_range(49.0..54.9))
            };
            let got = t.grid.nearest(lon, lat).expect("rows exist");
            let want = brute_nearest(&t.rows, lon, lat);
            let (g, w) = (t.rows[got as usize].1, t.rows[want as usize].1);
            // Coincident rows may tie: compare distances, not ids.
            let dg = crate::geo_util::haversine_km(
                crate::geo_util::LonLat::new(lon, lat),
                crate::geo_util::LonLat::new(g.lon, g.lat),
            );
            let dw = crate::geo_util::haversine_km(
                crate::geo_util::LonLat::new(lon, lat),
                crate::geo_util::LonLat::new(w.lon, w.lat),
            );
            assert!(
                (dg - dw).abs() < 1e-9,
                "({lat}, {lon}): grid {got} at {dg} km, brute force {want} at {dw} km"
            );
        }
    }

    #[test]
    fn rows_of_a_postal_code_are_in_ranking_order() {
        let t = Tables::load(&GeodataText::EMBEDDED).expect("loads");
        for entries in t.postal.values() {
            assert!(
                entries
                    .windows(2)
                    .all(|w| t.rank[w[0].locality as usize] <= t.rank[w[1].locality as usize])
            );
        }
        // 32-600: Oświęcim, the town, before the villages the code also covers.
        let main = t.postal[&32600][0].locality;
        assert_eq!(&*t.localities[main as usize].name, "Oświęcim");
    }
}
