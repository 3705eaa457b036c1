//! The loaded gazetteer: the tables of records read from each file (see
//! `load`) and the indexes the geocoder looks them up by.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use super::forms::{Forms, PrefixIndex};
use super::geodata::{GazetteerError, GeodataText};
use super::grid::RowGrid;
use super::load;
use super::normalize::key;
use super::postal::PostalCode;
use super::records::{Admin, CodeMap, Locality, PostalEntry, Voivodeship};

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
    alternate: HashSet<String>,
    /// The seat of each powiat: its most populous locality (not a district).
    powiat_seat: Vec<Option<u32>>,
    /// Prefix search (search as you type), built on first use.
    prefix: OnceLock<PrefixIndex>,
}

impl Tables {
    /// Reads every file (one reader each, in a fixed order, so that the first
    /// bad file named is always the same) and builds the indexes over them.
    pub fn load(src: &GeodataText<'_>) -> Result<Tables, GazetteerError> {
        let outlines = load::outlines(src.outlines)?;
        let (voivodeships, voivodeship_by_key) = load::voivodeships(src.voivodeships, outlines)?;
        let powiats = load::admins("powiats.tsv", src.powiats)?;
        let gminas = load::admins("gminas.tsv", src.gminas)?;
        let voivodeship_by_teryt: HashMap<&str, u8> = voivodeships
            .iter()
            .enumerate()
            .map(|(i, v)| (&*v.admin.teryt, i as u8))
            .collect();
        let powiat_by_teryt = by_teryt(&powiats);
        let gmina_by_teryt = by_teryt(&gminas);
        let load::Postal {
            mut localities,
            locality_idx,
            mut postal,
            rows,
        } = load::postal(
            src.postal,
            &load::Units {
                voivodeship: &voivodeship_by_teryt,
                gmina: &gmina_by_teryt,
                powiat: &powiat_by_teryt,
                gminas: &gminas,
            },
        )?;
        load::population(src.population, &locality_idx, &mut localities)?;
        load::districts(src.districts, &locality_idx, &mut localities)?;
        let altnames = load::altnames(src.altnames, &locality_idx)?;
        let forms = Forms::load(src.inflections)?;

        let mut locality_by_key: HashMap<String, Vec<u32>> = HashMap::with_capacity(36_000);
        let mut max_words = 1;
        for (i, l) in localities.iter().enumerate() {
            let k = key(&l.name);
            max_words = max_words.max(k.split(' ').count());
            locality_by_key.entry(k).or_default().push(i as u32);
        }
        let mut alternate = HashSet::new();
        for (k, id) in altnames {
            max_words = max_words.max(k.split(' ').count());
            let ids = locality_by_key.entry(k.clone()).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
            alternate.insert(k);
        }
        let mut postal_codes: Vec<u32> = postal.keys().copied().collect();
        postal_codes.sort_unstable();
        let rank = ranking(&localities, &gminas);
        for entries in postal.values_mut() {
            entries.sort_by_key(|e| rank[e.locality as usize]);
        }
        let grid = RowGrid::build(rows.iter().map(|(_, e)| e.at()));
        let powiat_seat = powiat_seats(powiats.len(), &localities, &rank);
        Ok(Tables {
            powiat_seat,
            forms,
            alternate,
            prefix: OnceLock::new(),
            powiat_by_key: by_key(&powiats),
            gmina_by_key: by_key(&gminas),
            voivodeships,
            powiats,
            gminas,
            localities,
            postal,
            postal_text: postal_codes
                .iter()
                .map(|&c| (c, PostalCode::from_number(c).to_string().into()))
                .collect(),
            postal_codes,
            rows,
            locality_by_key,
            voivodeship_by_key,
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

    /// Every powiat, in id order.
    pub fn powiats(&self) -> &[Admin] {
        &self.powiats
    }

    /// Gmina `i`.
    pub fn gmina(&self, i: u16) -> &Admin {
        &self.gminas[i as usize]
    }

    /// The rows of a postal code, in ranking order, if the gazetteer has it.
    pub fn postal_entries(&self, code: u32) -> Option<&[PostalEntry]> {
        self.postal.get(&code).map(Vec::as_slice)
    }

    /// Where a postal code the gazetteer lacks lies inside locality `id` (for a
    /// district, its town), placed by the town's own known codes around it
    /// ([`super::postal::estimate_within_town`]); `None` when the town has no code.
    pub fn postal_estimate_in(&self, code: u32, id: u32) -> Option<(f64, f64)> {
        let town = self.locality(id).district_of.unwrap_or(id);
        let known: Vec<(u32, f64, f64)> = self
            .locality(town)
            .postal
            .iter()
            .filter_map(|&c| {
                let e = self
                    .postal_entries(c)?
                    .iter()
                    .find(|e| e.locality == town)?;
                Some((c, e.lon, e.lat))
            })
            .collect();
        super::postal::estimate_within_town(code, &known)
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
            .unwrap_or_else(|| PostalCode::from_number(code).to_string().into())
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

/// Units (powiats or gminas) by TERYT code.
fn by_teryt(units: &[Admin]) -> HashMap<String, u16> {
    units
        .iter()
        .enumerate()
        .map(|(i, a)| (a.teryt.to_string(), i as u16))
        .collect()
}

/// Units (powiats or gminas) by the key of their name; several may share one.
fn by_key(units: &[Admin]) -> HashMap<String, Vec<u16>> {
    let mut m: HashMap<String, Vec<u16>> = HashMap::new();
    for (i, a) in units.iter().enumerate() {
        m.entry(key(&a.name)).or_default().push(i as u16);
    }
    m
}

/// The place of every locality in the ranking used to order candidates: more
/// populous first, then the seat of its gmina, then more postal codes (a proxy
/// for size), then the lower id.
pub(super) fn ranking(localities: &[Locality], gminas: &[Admin]) -> Vec<u32> {
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

/// The seat of each powiat: its best-ranked locality that is not a district.
fn powiat_seats(powiats: usize, localities: &[Locality], rank: &[u32]) -> Vec<Option<u32>> {
    let mut powiat_seat: Vec<Option<u32>> = vec![None; powiats];
    for (i, l) in localities.iter().enumerate() {
        if let (Some(p), None) = (l.powiat, l.district_of) {
            let seat = &mut powiat_seat[p as usize];
            if seat.is_none_or(|s| rank[i] < rank[s as usize]) {
                *seat = Some(i as u32);
            }
        }
    }
    powiat_seat
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo_util::{LonLat, haversine_km, unit_vector};
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    fn brute_nearest(rows: &[(u32, PostalEntry)], at: LonLat) -> u32 {
        let p = unit_vector(at.lon, at.lat);
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
            let at = LonLat::new(lon, lat);
            let got = t.grid.nearest(at).expect("rows exist");
            let want = brute_nearest(&t.rows, at);
            let (g, w) = (t.rows[got as usize].1, t.rows[want as usize].1);
            // Coincident rows may tie: compare distances, not ids.
            let dg = haversine_km(at, g.at());
            let dw = haversine_km(at, w.at());
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
