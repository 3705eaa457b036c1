//! One reader per gazetteer file: each turns one file of `geodata/` into the
//! records it holds, checking every row and naming the line of a bad one.
//! The tables and indexes over the records are built in `data`.

use std::collections::HashMap;

use geo::{BoundingRect, MultiPolygon};

use super::geodata::{GazetteerError, count, group, num, rows};
use super::normalize::key;
use super::postal::PostalCode;
use super::records::{Admin, CodeMap, Locality, PostalEntry, Voivodeship};
use crate::geo_util::Bbox;

/// Localities are looked up while loading by their name and [`group`].
pub(super) type LocalityIndex<'a> = HashMap<(&'a str, &'a str), u32>;

/// `voivodeships.geojson`: the outline of each voivodeship, by TERYT code.
pub(super) fn outlines(text: &str) -> Result<HashMap<String, MultiPolygon<f64>>, GazetteerError> {
    let outlines: geojson::FeatureCollection = text
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
    Ok(outline_by_teryt)
}

fn multi_polygon(geometry: &geojson::Geometry) -> Option<MultiPolygon<f64>> {
    match geo::Geometry::<f64>::try_from(geometry.value.clone()).ok()? {
        geo::Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(mp) => Some(mp),
        _ => None,
    }
}

/// `voivodeships.tsv`: the 16 voivodeships in TERYT order, each with its
/// outline (taken from `outline_by_teryt`), and every key a voivodeship is
/// named by (TERYT code, Polish and English names, aliases, each also after
/// "województwo").
pub(super) fn voivodeships(
    text: &str,
    mut outline_by_teryt: HashMap<String, MultiPolygon<f64>>,
) -> Result<(Vec<Voivodeship>, HashMap<String, u8>), GazetteerError> {
    let mut voivodeships = Vec::new();
    let mut voivodeship_by_key = HashMap::new();
    for r in rows("voivodeships.tsv", text, 6) {
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
            bbox: Bbox::new(bbox.min().x, bbox.min().y, bbox.max().x, bbox.max().y),
        });
    }
    if voivodeships.len() != 16 {
        return Err(GazetteerError {
            file: "voivodeships.tsv",
            line: 0,
            problem: format!("{} voivodeships, expected 16", voivodeships.len()),
        });
    }
    Ok((voivodeships, voivodeship_by_key))
}

/// `powiats.tsv` or `gminas.tsv`: TERYT code, name and centre of each unit.
pub(super) fn admins(file: &'static str, text: &str) -> Result<Vec<Admin>, GazetteerError> {
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

/// What `postal.tsv` holds: the localities it names and their postal rows.
pub(super) struct Postal<'a> {
    /// Every distinct (name, gmina) pair, centred on the mean of its rows.
    pub localities: Vec<Locality>,
    /// The localities by name and [`group`].
    pub locality_idx: LocalityIndex<'a>,
    /// The rows of each postal code, in file order.
    pub postal: CodeMap<Vec<PostalEntry>>,
    /// Every (postal code, locality) row, in file order.
    pub rows: Vec<(u32, PostalEntry)>,
}

/// The units a postal row refers to by TERYT code.
pub(super) struct Units<'u> {
    /// Voivodeship index by TERYT code.
    pub voivodeship: &'u HashMap<&'u str, u8>,
    /// Gmina index by TERYT code.
    pub gmina: &'u HashMap<String, u16>,
    /// Powiat index by TERYT code.
    pub powiat: &'u HashMap<String, u16>,
    /// The gminas, for the powiat part (the first four digits) of their code.
    pub gminas: &'u [Admin],
}

/// `postal.tsv`: postal code, locality, gmina and voivodeship TERYT, point.
pub(super) fn postal<'a>(text: &'a str, units: &Units<'_>) -> Result<Postal<'a>, GazetteerError> {
    let mut localities: Vec<Locality> = Vec::with_capacity(53_000);
    let mut sums: Vec<(f64, f64, u32)> = Vec::with_capacity(53_000);
    let mut locality_idx: LocalityIndex<'a> = HashMap::with_capacity(53_000);
    let mut postal: CodeMap<Vec<PostalEntry>> =
        CodeMap::with_capacity_and_hasher(21_000, Default::default());
    let mut all_rows: Vec<(u32, PostalEntry)> = Vec::with_capacity(73_000);
    for r in rows("postal.tsv", text, 6) {
        let (line, f) = r?;
        let bad = |problem: String| GazetteerError {
            file: "postal.tsv",
            line,
            problem,
        };
        let code = PostalCode::parse(f[0])
            .ok_or_else(|| bad(format!("bad postal code {:?}", f[0])))?
            .number();
        let voivodeship = *units
            .voivodeship
            .get(f[3])
            .ok_or_else(|| bad(format!("unknown voivodeship {:?}", f[3])))?;
        let gmina = if f[2].is_empty() {
            None
        } else {
            Some(
                *units
                    .gmina
                    .get(f[2])
                    .ok_or_else(|| bad(format!("unknown gmina {:?}", f[2])))?,
            )
        };
        let lat = num("postal.tsv", line, "lat", f[4])?;
        let lon = num("postal.tsv", line, "lon", f[5])?;
        let id = *locality_idx
            .entry((f[1], group(f[2], f[3])))
            .or_insert_with(|| {
                localities.push(Locality {
                    name: f[1].into(),
                    gmina,
                    powiat: gmina.and_then(|g| {
                        let teryt = &units.gminas[g as usize].teryt;
                        units.powiat.get(&teryt[..4]).copied()
                    }),
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
    Ok(Postal {
        localities,
        locality_idx,
        postal,
        rows: all_rows,
    })
}

/// The locality a row of `file` names, or an error naming the line.
fn named_locality(
    idx: &LocalityIndex<'_>,
    file: &'static str,
    line: usize,
    what: &str,
    name: &str,
    group: &str,
) -> Result<u32, GazetteerError> {
    idx.get(&(name, group))
        .copied()
        .ok_or_else(|| GazetteerError {
            file,
            line,
            problem: format!("unknown {what} {name:?} in {group:?}"),
        })
}

/// `population.tsv`: the population and the centre (from cities500) of the
/// localities it names, replacing the mean of their postal rows.
pub(super) fn population(
    text: &str,
    idx: &LocalityIndex<'_>,
    localities: &mut [Locality],
) -> Result<(), GazetteerError> {
    const FILE: &str = "population.tsv";
    for r in rows(FILE, text, 6) {
        let (line, f) = r?;
        let id = named_locality(idx, FILE, line, "locality", f[0], group(f[1], f[2]))?;
        let loc = &mut localities[id as usize];
        loc.population = count(FILE, line, "population", f[3])?;
        loc.lat = num(FILE, line, "lat", f[4])?;
        loc.lon = num(FILE, line, "lon", f[5])?;
    }
    Ok(())
}

/// `districts.tsv`: districts and estates become localities inside their
/// town (its gmina, powiat and voivodeship), with their own centre and
/// population.
pub(super) fn districts(
    text: &str,
    idx: &LocalityIndex<'_>,
    localities: &mut Vec<Locality>,
) -> Result<(), GazetteerError> {
    const FILE: &str = "districts.tsv";
    for r in rows(FILE, text, 7) {
        let (line, f) = r?;
        let town = named_locality(idx, FILE, line, "town", f[1], group(f[2], f[3]))?;
        let t = &localities[town as usize];
        let district = Locality {
            name: f[0].into(),
            gmina: t.gmina,
            powiat: t.powiat,
            voivodeship: t.voivodeship,
            lat: num(FILE, line, "lat", f[5])?,
            lon: num(FILE, line, "lon", f[6])?,
            population: count(FILE, line, "population", f[4])?,
            postal: Vec::new(),
            district_of: Some(town),
        };
        localities.push(district);
    }
    Ok(())
}

/// `altnames.tsv`: alternate and foreign names of towns ("Warsaw"), each as a
/// key with the locality it names.
pub(super) fn altnames(
    text: &str,
    idx: &LocalityIndex<'_>,
) -> Result<Vec<(String, u32)>, GazetteerError> {
    const FILE: &str = "altnames.tsv";
    rows(FILE, text, 4)
        .map(|r| {
            let (line, f) = r?;
            let id = named_locality(idx, FILE, line, "locality", f[1], group(f[2], f[3]))?;
            Ok((key(f[0]), id))
        })
        .collect()
}
