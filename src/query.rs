//! A dataset snapshot and the queries over it, independent of HTTP.
//!
//! A [`Snapshot`] is built once from a loaded dataset: the records, the R-tree of
//! their ids, the folded search text and the pre-serialised summary features.
//! It is never changed; when the dataset changes a new snapshot replaces it whole.

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::gazetteer::fold;
use crate::geojson::{PreparedFeature, PreparedFeatures};
use crate::index::{Hit, PracticeIndex, sort_nearest_first};
use crate::practice::{Area, Practice, UnitType};

fn teryt(r: &Option<crate::gazetteer::AdminRef>) -> Option<&str> {
    r.as_ref().map(|r| &*r.teryt)
}

/// Which spatial test the candidate source already applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Check,
    BboxDone,
    WithinDone,
}

/// An immutable, queryable dataset.
pub struct Snapshot {
    practices: Vec<Practice>,
    index: PracticeIndex,
    search_text: TextColumn,
    prepared: PreparedFeatures,
    /// Indexes of the practices sorted by id: the id → practice map.
    by_id: Vec<u32>,
    unplaced: Vec<u32>,
    version: u64,
}

/// Many short strings in one buffer, without an allocation each.
#[derive(Debug, Default)]
pub(crate) struct TextColumn {
    pub(crate) text: String,
    pub(crate) ends: Vec<usize>,
}

impl TextColumn {
    /// `None` unless the offsets rise within the text, on character boundaries.
    pub(crate) fn from_parts(text: String, ends: Vec<usize>) -> Option<TextColumn> {
        let ok =
            ends.windows(2).all(|w| w[0] <= w[1]) && ends.iter().all(|&e| text.is_char_boundary(e));
        ok.then_some(TextColumn { text, ends })
    }

    fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * std::mem::size_of::<usize>()
    }
}

/// The text a text query searches, folded and stemmed as
/// [`crate::text_match`] does it (the page does the same): title, summary,
/// description, town and unit.
fn search_text(practices: &[Practice]) -> TextColumn {
    let mut col = TextColumn {
        text: String::with_capacity(practices.len() * 128),
        ends: Vec::with_capacity(practices.len()),
    };
    for p in practices {
        col.text.push_str(&crate::text_match::search_text(
            [
                Some(p.title.as_str()),
                Some(p.summary.as_str()),
                Some(p.body.as_str()),
                p.town.as_deref(),
                p.unit.as_deref(),
            ]
            .into_iter()
            .flatten(),
        ));
        col.ends.push(col.text.len());
    }
    col.text.shrink_to_fit();
    col
}

/// Indexes of the practices without coordinates.
fn unplaced(practices: &[Practice]) -> Vec<u32> {
    practices
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location.is_none())
        .map(|(i, _)| i as u32)
        .collect()
}

/// A content hash of practices, for ETags: their CSV form through xxh3.
fn content_hash(practices: &[Practice]) -> u64 {
    struct Hashing(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hashing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hashing(xxhash_rust::xxh3::Xxh3::new());
    // Writing to a hasher cannot fail; a record that cannot be written as CSV
    // would not have loaded.
    let _ = crate::store::write_csv(std::io::BufWriter::new(&mut h), practices);
    h.0.digest()
}

/// A distance query's centre and limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    /// Longitude of the centre.
    pub lon: f64,
    /// Latitude of the centre.
    pub lat: f64,
    /// Only practices within this great-circle distance.
    pub radius_km: Option<f64>,
    /// Only the k nearest (after the other filters).
    pub k: Option<usize>,
}

/// Every filter a query may combine; all that are set must hold.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `[min_lon, min_lat, max_lon, max_lat]`, edges included.
    pub bbox: Option<[f64; 4]>,
    /// Distance query: results are sorted by distance and carry it.
    pub near: Option<Near>,
    /// Inside this (multi)polygon, holes honoured.
    pub within: Option<MultiPolygon<f64>>,
    /// Words that must all occur (case- and diacritic-insensitive) in the title,
    /// summary, town or implementing unit.
    pub text: Option<String>,
    /// Area; a parent area also matches its subareas.
    pub area: Option<Area>,
    /// Voivodeship TERYT code (2 digits).
    pub voivodeship: Option<String>,
    /// Powiat TERYT code (4 digits).
    pub powiat: Option<String>,
    /// Gmina TERYT code (6 digits).
    pub gmina: Option<String>,
    /// Type of the unit that runs the practice (practices without one never match).
    pub unit_type: Option<UnitType>,
    /// First year (inclusive), by [`Practice::year`].
    pub year_from: Option<i32>,
    /// Last year (inclusive).
    pub year_to: Option<i32>,
    /// Practices whose time span (project period, else database dates) meets this
    /// interval; `None` ends are open.
    pub dates: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// Exactly this practice id.
    pub id: Option<String>,
    /// The whole title, case- and diacritic-insensitive.
    pub title: Option<String>,
    /// The whole town, case- and diacritic-insensitive.
    pub town: Option<String>,
    /// Exactly this area (not its subareas; for those use `area`).
    pub area_exact: Option<Area>,
    /// Order of the answer (after the filters; ignored with a centre, whose
    /// answer is nearest first); ties keep dataset order.
    pub sort: Vec<SortKey>,
    /// The polygon work (`within`) stops once this instant has passed; the
    /// answer is then incomplete and [`Filter::expired`] says so.
    pub deadline: Option<std::time::Instant>,
}

/// A property the answer may be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    /// Practice id.
    Id,
    /// Title, folded.
    Title,
    /// Town, folded (practices without one last).
    Town,
    /// Area slug.
    Area,
    /// Year (practices without one last).
    Year,
}

/// One ordering key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// The property.
    pub field: SortField,
    /// Largest first.
    pub descending: bool,
}

impl Filter {
    /// Whether the deadline has passed: an answer computed under this filter
    /// may then be incomplete and must not be served.
    pub fn expired(&self) -> bool {
        crate::index::passed(self.deadline)
    }

    /// Whether any property predicate (beyond space and text) is set.
    fn has_property_predicates(&self) -> bool {
        self.id.is_some()
            || self.title.is_some()
            || self.town.is_some()
            || self.area_exact.is_some()
    }

    /// Whether a practice passes the id, title, town and exact-area predicates.
    fn passes_properties(&self, p: &Practice) -> bool {
        let same = |want: &Option<String>, have: Option<&str>| {
            want.as_deref()
                .is_none_or(|w| have.is_some_and(|h| fold(h).trim() == fold(w).trim()))
        };
        self.id.as_deref().is_none_or(|id| p.id == id)
            && same(&self.title, Some(&p.title))
            && same(&self.town, p.town.as_deref())
            && self.area_exact.is_none_or(|a| p.area == a)
    }
}

/// Orders matches by the sort keys (a stable sort: ties keep dataset order).
fn sort_matches(practices: &[Practice], items: &mut [Match], keys: &[SortKey]) {
    use std::cmp::Ordering;
    let cmp_opt = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    items.sort_by(|x, y| {
        let (a, b) = (&practices[x.id as usize], &practices[y.id as usize]);
        for k in keys {
            let o = match k.field {
                SortField::Id => a.id.cmp(&b.id),
                SortField::Title => fold(&a.title).cmp(&fold(&b.title)),
                SortField::Town => {
                    cmp_opt(a.town.as_deref().map(fold), b.town.as_deref().map(fold))
                }
                SortField::Area => a.area.slug().cmp(b.area.slug()),
                SortField::Year => match (a.year(), b.year()) {
                    (Some(a), Some(b)) => a.cmp(&b),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                },
            };
            let o = if k.descending { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}

/// One matching practice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// Index into the snapshot.
    pub id: u32,
    /// The distance hit, when the query had a centre.
    pub hit: Option<Hit>,
}

impl Match {
    /// Great-circle distance from the query's centre, km, when it had one.
    pub fn distance_km(&self) -> Option<f64> {
        self.hit.map(|h| h.distance_km())
    }
}

/// The matching practices in answer order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matches {
    /// The matches, nearest first for a query with a centre, else in dataset order.
    pub items: Vec<Match>,
}

impl Matches {
    /// How many matched.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing matched.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Snapshot {
    /// Builds a snapshot: bulk-loads the R-tree and prepares the features. Its
    /// [`version`](Snapshot::version) is a hash of the practices' content.
    pub fn new(practices: Vec<Practice>) -> Snapshot {
        let version = content_hash(&practices);
        Snapshot::with_version(practices, version)
    }

    /// Builds a snapshot whose version is already known, such as the content
    /// fingerprint of the file the practices came from. The R-tree, the
    /// prepared features, the search text and the id map are built side by side.
    pub fn with_version(practices: Vec<Practice>, version: u64) -> Snapshot {
        let ps = &practices;
        let t = std::time::Instant::now();
        let ms = move || t.elapsed().as_millis() as u64;
        let ((index, by_id), (prepared, search_text)) = std::thread::scope(|s| {
            let features = s.spawn(|| {
                let f = PreparedFeatures::new(ps);
                tracing::debug!(ms = ms(), "features prepared");
                f
            });
            let text = s.spawn(|| {
                let t = search_text(ps);
                tracing::debug!(ms = ms(), "search text folded");
                t
            });
            let index = PracticeIndex::build(
                ps.iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.location.map(|l| (i as u32, l.lon, l.lat))),
            );
            tracing::debug!(ms = ms(), "R-tree built");
            let mut by_id: Vec<u32> = (0..ps.len() as u32).collect();
            by_id.sort_unstable_by(|&a, &b| ps[a as usize].id.cmp(&ps[b as usize].id));
            tracing::debug!(ms = ms(), "id map sorted");
            (
                (index, by_id),
                (
                    features.join().expect("preparing features does not panic"),
                    text.join().expect("folding text does not panic"),
                ),
            )
        });
        let unplaced = unplaced(&practices);
        Snapshot {
            practices,
            index,
            search_text,
            prepared,
            by_id,
            unplaced,
            version,
        }
    }

    /// The parts the snapshot file keeps besides the records.
    pub(crate) fn derived_parts(&self) -> (&PreparedFeatures, &TextColumn, &[u32]) {
        (&self.prepared, &self.search_text, &self.by_id)
    }

    /// A snapshot from records and the derived parts a snapshot file kept; the
    /// R-tree comes from `points` (index, lon, lat of the placed practices).
    /// `None` when the parts do not fit the records.
    pub(crate) fn from_parts(
        practices: Vec<Practice>,
        index: PracticeIndex,
        prepared: PreparedFeatures,
        search_text: TextColumn,
        by_id: Vec<u32>,
        version: u64,
    ) -> Option<Snapshot> {
        let n = practices.len();
        if prepared.raw_parts().1.len() != n
            || search_text.ends.len() != n
            || by_id.len() != n
            || by_id.iter().any(|&i| i as usize >= n)
        {
            return None;
        }
        let unplaced = unplaced(&practices);
        Some(Snapshot {
            practices,
            index,
            search_text,
            prepared,
            by_id,
            unplaced,
            version,
        })
    }

    /// Heap bytes of the derived structures (prepared features, search text, id
    /// map), for memory reports; the records and the R-tree are not counted.
    pub fn derived_bytes(&self) -> usize {
        self.prepared.heap_bytes()
            + self.search_text.heap_bytes()
            + self.by_id.capacity() * 4
            + self.unplaced.capacity() * 4
    }

    /// Every practice, in dataset order.
    pub fn practices(&self) -> &[Practice] {
        &self.practices
    }

    /// The practice at an index.
    pub fn practice(&self, i: u32) -> &Practice {
        &self.practices[i as usize]
    }

    /// Finds a practice by its id.
    pub fn by_id(&self, id: &str) -> Option<&Practice> {
        self.by_id
            .binary_search_by(|&i| self.practices[i as usize].id.as_str().cmp(id))
            .ok()
            .map(|k| &self.practices[self.by_id[k] as usize])
    }

    /// The pre-serialised summary feature of the practice at an index.
    pub fn prepared(&self, i: u32) -> PreparedFeature<'_> {
        self.prepared.get(i)
    }

    /// Indexes of the practices without coordinates.
    pub fn unplaced(&self) -> &[u32] {
        &self.unplaced
    }

    /// The spatial index.
    pub fn index(&self) -> &PracticeIndex {
        &self.index
    }

    /// A hash of the whole dataset, for ETags.
    pub fn version(&self) -> u64 {
        self.version
    }

    fn passes(&self, i: u32, f: &Filter, words: &[String], space: Space) -> bool {
        let p = &self.practices[i as usize];
        if f.has_property_predicates() && !f.passes_properties(p) {
            return false;
        }
        if let Some(a) = f.area
            && p.area != a
            && p.area.parent() != Some(a)
        {
            return false;
        }
        if f.voivodeship
            .as_deref()
            .is_some_and(|v| teryt(&p.admin.voivodeship) != Some(v))
            || f.powiat
                .as_deref()
                .is_some_and(|v| teryt(&p.admin.powiat) != Some(v))
            || f.gmina
                .as_deref()
                .is_some_and(|v| teryt(&p.admin.gmina) != Some(v))
        {
            return false;
        }
        if f.unit_type.is_some() && p.unit_type != f.unit_type {
            return false;
        }
        if f.year_from.is_some() || f.year_to.is_some() {
            let Some(y) = p.year() else { return false };
            if f.year_from.is_some_and(|a| y < a) || f.year_to.is_some_and(|b| y > b) {
                return false;
            }
        }
        if let Some((from, to)) = f.dates {
            let Some((start, end)) = p.time_span() else {
                return false;
            };
            if from.is_some_and(|a| end < a) || to.is_some_and(|b| start > b) {
                return false;
            }
        }
        if let Some(b) = f.bbox.filter(|_| space != Space::BboxDone) {
            let Some((lon, lat)) = p.lon_lat() else {
                return false;
            };
            if lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3] {
                return false;
            }
        }
        if let Some(mp) = f.within.as_ref().filter(|_| space != Space::WithinDone) {
            use geo::Intersects;
            let Some((lon, lat)) = p.lon_lat() else {
                return false;
            };
            if crate::index::passed(f.deadline) || !mp.intersects(&geo::Point::new(lon, lat)) {
                return false;
            }
        }
        crate::text_match::matches(words, self.search_text.get(i))
    }

    /// Runs a query: the spatial part through the R-tree, the rest as filters.
    /// With a centre, results are nearest first (ties by dataset order); else in
    /// dataset order.
    pub fn query(&self, f: &Filter) -> Matches {
        let words: Vec<String> = f
            .text
            .as_deref()
            .map(crate::text_match::query_stems)
            .unwrap_or_default();
        if let Some(n) = f.near {
            let plain = f.area.is_none()
                && f.voivodeship.is_none()
                && f.powiat.is_none()
                && f.gmina.is_none()
                && f.year_from.is_none()
                && f.year_to.is_none()
                && f.dates.is_none()
                && f.bbox.is_none()
                && f.within.is_none()
                && !f.has_property_predicates()
                && words.is_empty();
            let hits: Vec<Hit> = match (n.k, plain) {
                // No other filter: the tree's k-nearest search is the answer.
                (Some(k), true) => {
                    self.index
                        .nearest_within(n.lon, n.lat, k, n.radius_km.unwrap_or(f64::INFINITY))
                }
                _ => {
                    let mut hits: Vec<Hit> = self.index.within_radius_unordered(
                        n.lon,
                        n.lat,
                        n.radius_km.unwrap_or(f64::INFINITY),
                    );
                    if !plain {
                        hits.retain(|h| self.passes(h.id, f, &words, Space::Check));
                    }
                    // Filter first, then sort what is left.
                    sort_nearest_first(&mut hits);
                    if let Some(k) = n.k {
                        hits.truncate(k);
                    }
                    hits
                }
            };
            return Matches {
                items: hits
                    .into_iter()
                    .map(|h| Match {
                        id: h.id,
                        hit: Some(h),
                    })
                    .collect(),
            };
        }
        let (candidates, space): (Vec<u32>, Space) = if let Some(b) = f.bbox {
            (self.index.in_bbox(b[0], b[1], b[2], b[3]), Space::BboxDone)
        } else if let Some(mp) = &f.within {
            (
                self.index.in_polygon_until(mp, f.deadline),
                Space::WithinDone,
            )
        } else {
            ((0..self.practices.len() as u32).collect(), Space::Check)
        };
        let mut items: Vec<Match> = candidates
            .into_iter()
            .filter(|&i| self.passes(i, f, &words, space))
            .map(|id| Match { id, hit: None })
            .collect();
        if !f.sort.is_empty() {
            sort_matches(&self.practices, &mut items, &f.sort);
        }
        Matches { items }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    fn sample(n: usize) -> Vec<Practice> {
        crate::synthetic::practices(Gazetteer::bundled(), n, 3)
    }

    #[test]
    fn by_id_finds_every_practice_and_nothing_else() {
        let mut ps = sample(300);
        ps.reverse(); // ids out of order in the dataset
        let s = Snapshot::new(ps.clone());
        for p in &ps {
            assert_eq!(s.by_id(&p.id).map(|q| &q.title), Some(&p.title));
        }
        assert!(s.by_id("synth-3-9999999").is_none());
        assert!(s.by_id("").is_none());
    }

    #[test]
    fn version_follows_content() {
        let ps = sample(20);
        let a = Snapshot::new(ps.clone()).version();
        assert_eq!(a, Snapshot::new(ps.clone()).version());
        let mut changed = ps;
        changed[7].body = "Nowy opis".into();
        assert_ne!(a, Snapshot::new(changed).version());
    }

    #[test]
    fn text_query_reads_each_practice_own_text() {
        let mut ps = sample(50);
        ps[10].summary = "Żółta łódź".into();
        ps[40].unit = Some("Urząd Qwęzłęki".into());
        let s = Snapshot::new(ps);
        let ids = |q: &str| {
            s.query(&Filter {
                text: Some(q.into()),
                ..Filter::default()
            })
            .items
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>()
        };
        assert_eq!(ids("zolta lodz"), vec![10]);
        assert_eq!(ids("QWEZLEKI"), vec![40]);
    }
}
