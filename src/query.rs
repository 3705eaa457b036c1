//! A dataset snapshot and the queries over it, independent of HTTP.
//!
//! A [`Snapshot`] is built once from a loaded dataset: the records, the R-tree of
//! their ids, the folded search text and the pre-serialised summary features.
//! It is never changed; when the dataset changes a new snapshot replaces it whole.

use chrono::NaiveDate;
use geo::MultiPolygon;

use std::sync::Arc;

use chrono::Datelike;

use crate::compact::{AdminLevel, AdminTable, Attrs, Blob, Column, ColumnBuilder};
use crate::gazetteer::fold;
use crate::geojson::PreparedFeature;
use crate::index::{Hit, PracticeIndex, sort_nearest_first};
use crate::practice::{Area, Practice, UnitType};

/// Which spatial test the candidate source already applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Check,
    BboxDone,
    WithinDone,
}

/// An immutable, queryable dataset, held compactly (see [`crate::compact`]):
/// the encoded records, decoded on demand; a fixed row per practice for the
/// filters; the prepared features; the folded search text; the id map; the
/// R-tree.
pub struct Snapshot {
    records: Column,
    attrs: Attrs,
    admins: AdminTable,
    index: Arc<PracticeIndex>,
    search_text: Column,
    prepared: Column,
    /// Indexes of the practices sorted by id (u32 LE): the id → practice map.
    by_id: Blob,
    unplaced: Vec<u32>,
    version: u64,
    grid: crate::cluster::Grid,
    extent: std::sync::OnceLock<Option<[f64; 4]>>,
}

/// The stored parts of a snapshot, as the snapshot file keeps them.
pub(crate) struct Parts {
    pub(crate) records: Column,
    pub(crate) attrs: Attrs,
    pub(crate) admins: AdminTable,
    pub(crate) search_text: Column,
    pub(crate) prepared: Column,
    pub(crate) by_id: Blob,
}

/// The text a text query searches, folded and stemmed as
/// [`crate::text_match`] does it (the page does the same): title, summary,
/// description, town and unit.
fn search_text(p: &Practice) -> String {
    crate::text_match::search_text(
        [
            Some(p.title.as_str()),
            Some(p.summary.as_str()),
            Some(p.body.as_str()),
            p.town.as_deref(),
            p.unit.as_deref(),
        ]
        .into_iter()
        .flatten(),
    )
}

/// Builds a [`Snapshot`] practice by practice: each is encoded into the
/// compact parts as it comes and can be dropped at once, so the records never
/// sit in memory all together.
pub struct SnapshotBuilder {
    records: ColumnBuilder,
    search_text: ColumnBuilder,
    prepared: ColumnBuilder,
    rows: Vec<u8>,
    admins: AdminTable,
    ids: ColumnBuilder,
}

impl SnapshotBuilder {
    /// A builder with room for about `n` practices, or for those of a CSV of
    /// `csv_bytes` bytes when `n` is 0 (room only reserved is not memory used).
    pub fn with_capacity(n: usize, csv_bytes: u64) -> SnapshotBuilder {
        let n = n.max((csv_bytes / 256) as usize);
        SnapshotBuilder {
            records: ColumnBuilder::with_capacity(n, n * 400),
            search_text: ColumnBuilder::with_capacity(n, n * 200),
            prepared: ColumnBuilder::with_capacity(n, n * 640),
            rows: Vec::with_capacity(n * crate::compact::ROW),
            admins: AdminTable::default(),
            ids: ColumnBuilder::with_capacity(n, n * 16),
        }
    }

    /// A builder like [`with_capacity`](Self::with_capacity) whose large
    /// columns (records, prepared features, search text) are written to
    /// unnamed temporary files in `dir` as they are encoded and mapped at the
    /// end, so that they never sit on the heap; the snapshot it builds is the
    /// same, byte for byte.
    pub fn spilling_to(dir: &std::path::Path, csv_bytes: u64) -> std::io::Result<SnapshotBuilder> {
        let file = || tempfile::tempfile_in(dir);
        Ok(SnapshotBuilder::spilling_into(
            [file()?, file()?, file()?],
            csv_bytes,
        ))
    }

    /// [`spilling_to`](Self::spilling_to) these files (new and empty): the
    /// records, the search text and the prepared features.
    pub(crate) fn spilling_into(files: [std::fs::File; 3], csv_bytes: u64) -> SnapshotBuilder {
        let n = (csv_bytes / 256) as usize;
        let [records, search_text, prepared] = files.map(|f| ColumnBuilder::spilling_into(f, n));
        SnapshotBuilder {
            records,
            search_text,
            prepared,
            ..SnapshotBuilder::with_capacity(0, 0)
        }
    }

    /// Encodes the next practice.
    pub fn push(&mut self, p: &Practice) {
        crate::snapshot_file::encode_record(p, self.records.buf());
        self.records.end_item();
        self.search_text
            .buf()
            .extend_from_slice(search_text(p).as_bytes());
        self.search_text.end_item();
        crate::geojson::write_summary_open(self.prepared.buf(), p);
        self.prepared.end_item();
        Attrs::row(&mut self.rows, p, &mut self.admins);
        self.ids.buf().extend_from_slice(p.id.as_bytes());
        self.ids.end_item();
    }

    /// The snapshot of the practices pushed (the R-tree bulk-loaded on a
    /// second thread while the id map is sorted), and the practices whose id
    /// an earlier one has: (index, id), in index order. Fails only when
    /// writing or mapping a temporary file of a spilling builder fails.
    pub fn finish(self, version: u64) -> std::io::Result<(Snapshot, Vec<(u32, String)>)> {
        let n = self.rows.len() / crate::compact::ROW;
        let attrs = Attrs::new(Blob::owned(self.rows), n).expect("one row per practice");
        let ids = self.ids.finish()?;
        let (index, order) = std::thread::scope(|s| {
            let index = s.spawn(|| {
                Arc::new(PracticeIndex::build((0..n as u32).filter_map(|i| {
                    let (lon, lat) = attrs.get(i).lon_lat()?;
                    Some((i, lon, lat))
                })))
            });
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.sort_unstable_by(|&a, &b| ids.get(a).cmp(ids.get(b)).then(a.cmp(&b)));
            (
                index.join().expect("building the R-tree does not panic"),
                order,
            )
        });
        let mut duplicates: Vec<(u32, String)> = order
            .windows(2)
            .filter(|w| ids.get(w[0]) == ids.get(w[1]))
            .map(|w| (w[1], ids.text(w[1]).to_string()))
            .collect();
        duplicates.sort_unstable();
        let by_id: Vec<u8> = order.iter().flat_map(|i| i.to_le_bytes()).collect();
        let parts = Parts {
            records: self.records.finish()?,
            attrs,
            admins: self.admins,
            search_text: self.search_text.finish()?,
            prepared: self.prepared.finish()?,
            by_id: Blob::owned(by_id),
        };
        let snapshot =
            Snapshot::from_parts(parts, version, Some(index)).expect("parts built together fit");
        Ok((snapshot, duplicates))
    }
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
    /// Whether no predicate but space and text is set: no area, region, year,
    /// date or property.
    pub(crate) fn has_no_predicates(&self) -> bool {
        self.area.is_none()
            && self.voivodeship.is_none()
            && self.powiat.is_none()
            && self.gmina.is_none()
            && self.unit_type.is_none()
            && self.year_from.is_none()
            && self.year_to.is_none()
            && self.dates.is_none()
            && !self.has_property_predicates()
    }

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

/// One sort key's value of one practice.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Text(String),
    Year(Option<i32>),
}

/// Orders matches by the sort keys (a stable sort: ties keep dataset order).
/// Each practice's keys are read once.
fn sort_matches(snapshot: &Snapshot, items: &mut Vec<Match>, keys: &[SortKey]) {
    use std::cmp::Ordering;
    let none_last = |a: &Option<i32>, b: &Option<i32>| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let mut keyed: Vec<(Vec<Option<SortValue>>, Match)> = items
        .drain(..)
        .map(|m| {
            let p = snapshot.practice(m.id);
            let values = keys
                .iter()
                .map(|k| match k.field {
                    SortField::Id => Some(SortValue::Text(p.id.clone())),
                    SortField::Title => Some(SortValue::Text(fold(&p.title))),
                    SortField::Town => p.town.as_deref().map(|t| SortValue::Text(fold(t))),
                    SortField::Area => Some(SortValue::Text(p.area.slug().to_string())),
                    SortField::Year => Some(SortValue::Year(p.year())),
                })
                .collect();
            (values, m)
        })
        .collect();
    keyed.sort_by(|(x, _), (y, _)| {
        for (k, (a, b)) in keys.iter().zip(x.iter().zip(y)) {
            let o = match (a, b) {
                (Some(SortValue::Year(a)), Some(SortValue::Year(b))) => none_last(a, b),
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            let o = if k.descending { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    items.extend(keyed.into_iter().map(|(_, m)| m));
}

/// One matching practice: 16 bytes, as a query can match every practice.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    /// Index into the snapshot.
    pub id: u32,
    /// The distance hit's squared chord when the query had a centre, else NaN.
    chord_sq: f64,
}

impl Match {
    /// A match of a query without a centre.
    pub fn at(id: u32) -> Match {
        Match {
            id,
            chord_sq: f64::NAN,
        }
    }

    /// A match of a query with a centre.
    pub fn hit(h: Hit) -> Match {
        Match {
            id: h.id,
            chord_sq: h.chord_sq,
        }
    }

    /// Great-circle distance from the query's centre, km, when it had one.
    pub fn distance_km(&self) -> Option<f64> {
        let hit = Hit {
            id: self.id,
            chord_sq: self.chord_sq,
        };
        (!self.chord_sq.is_nan()).then(|| hit.distance_km())
    }
}

impl PartialEq for Match {
    fn eq(&self, other: &Match) -> bool {
        self.id == other.id && self.chord_sq.to_bits() == other.chord_sq.to_bits()
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
    /// fingerprint of the file the practices came from.
    pub fn with_version(practices: Vec<Practice>, version: u64) -> Snapshot {
        let mut b = SnapshotBuilder::with_capacity(practices.len(), 0);
        for p in &practices {
            b.push(p);
        }
        drop(practices);
        b.finish(version)
            .expect("a builder in memory does not fail")
            .0
    }

    /// A snapshot from its stored parts; the R-tree is built from the rows
    /// unless given. `None` when the parts do not fit each other.
    pub(crate) fn from_parts(
        parts: Parts,
        version: u64,
        index: Option<Arc<PracticeIndex>>,
    ) -> Option<Snapshot> {
        let n = parts.attrs.len();
        let fits = |c: &Column| Column::new(c.bytes.clone(), c.ends.clone(), n).is_some();
        if !fits(&parts.records)
            || !fits(&parts.search_text)
            || !fits(&parts.prepared)
            || parts.by_id.len() != n * 4
        {
            return None;
        }
        let mut unplaced = Vec::new();
        let mut points = Vec::with_capacity(if index.is_some() { 0 } else { n });
        for i in 0..n as u32 {
            match parts.attrs.get(i).lon_lat() {
                Some((lon, lat)) if index.is_none() => points.push((i, lon, lat)),
                Some(_) => {}
                None => unplaced.push(i),
            }
        }
        let index = index.unwrap_or_else(|| Arc::new(PracticeIndex::build(points)));
        if index.len() + unplaced.len() != n {
            return None;
        }
        let s = Snapshot {
            records: parts.records,
            attrs: parts.attrs,
            admins: parts.admins,
            index,
            search_text: parts.search_text,
            prepared: parts.prepared,
            by_id: parts.by_id,
            unplaced,
            version,
            grid: Default::default(),
            extent: Default::default(),
        };
        // Every index in the id map names a practice.
        (0..n).all(|k| (s.by_id_at(k) as usize) < n).then_some(s)
    }

    /// The stored parts, for the snapshot file.
    pub(crate) fn parts(&self) -> (&Column, &Attrs, &AdminTable, &Column, &Column, &Blob) {
        (
            &self.records,
            &self.attrs,
            &self.admins,
            &self.search_text,
            &self.prepared,
            &self.by_id,
        )
    }

    /// The same snapshot over other storage of the same parts (the mapped
    /// snapshot file instead of memory), keeping the R-tree.
    pub(crate) fn with_storage(&self, parts: Parts) -> Option<Snapshot> {
        if parts.attrs.len() != self.len() {
            return None;
        }
        Snapshot::from_parts(parts, self.version, Some(self.index.clone()))
    }

    /// Heap bytes of the compact parts (records, rows, prepared features,
    /// search text, id map; not the R-tree), for memory reports. Parts read
    /// in place from the mapped snapshot file count nothing.
    pub fn derived_bytes(&self) -> usize {
        crate::compact::heap_bytes(
            &[&self.records, &self.search_text, &self.prepared],
            &self.attrs,
        ) + if self.by_id.is_mapped() {
            0
        } else {
            self.by_id.len()
        } + self.unplaced.capacity() * 4
    }

    /// How many practices.
    pub fn len(&self) -> usize {
        self.attrs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The practice at an index, decoded from its compact record.
    pub fn practice(&self, i: u32) -> Practice {
        crate::snapshot_file::decode_record(self.records.get(i))
            .expect("records are checked when the snapshot is made")
    }

    /// Every practice, in dataset order, decoded (for exports and tests).
    pub fn practices(&self) -> impl ExactSizeIterator<Item = Practice> + '_ {
        (0..self.len() as u32).map(|i| self.practice(i))
    }

    /// The position of a practice, when placed.
    pub fn lon_lat(&self, i: u32) -> Option<(f64, f64)> {
        self.attrs.get(i).lon_lat()
    }

    /// The bounding box of the placed practices, `[min_lon, min_lat, max_lon,
    /// max_lat]` (found once).
    pub fn extent(&self) -> Option<[f64; 4]> {
        *self.extent.get_or_init(|| {
            (0..self.len() as u32)
                .filter_map(|i| self.lon_lat(i))
                .fold(None, |acc, (x, y)| {
                    Some(match acc {
                        None => [x, y, x, y],
                        Some([a, b, c, d]) => [a.min(x), b.min(y), c.max(x), d.max(y)],
                    })
                })
        })
    }

    /// The area of a practice.
    pub fn area(&self, i: u32) -> Area {
        self.attrs.get(i).area()
    }

    /// The unit type of a practice.
    pub fn unit_type(&self, i: u32) -> Option<crate::practice::UnitType> {
        self.attrs.get(i).unit_type()
    }

    /// How many of `ids` lie in each unit of a level, with the unit's TERYT code
    /// and name (read from the first practice in it), in no order.
    pub fn unit_counts(
        &self,
        ids: &[u32],
        level: crate::gazetteer::AdminLevel,
    ) -> Vec<(String, String, usize)> {
        use crate::gazetteer::AdminLevel as L;
        let at = match level {
            L::Gmina => AdminLevel::Gmina,
            L::Powiat => AdminLevel::Powiat,
            L::Voivodeship => AdminLevel::Voivodeship,
        };
        // Per unit id: the count and the first practice in it.
        let mut counts: Vec<(usize, u32)> = vec![(0, 0); self.admins.codes().len()];
        for &i in ids {
            if let Some(a) = self.attrs.get(i).admin(at) {
                let c = &mut counts[usize::from(a)];
                if c.0 == 0 {
                    c.1 = i;
                }
                c.0 += 1;
            }
        }
        counts
            .into_iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .filter_map(|(a, (n, first))| {
                let p = self.practice(first);
                let unit = match level {
                    L::Gmina => p.admin.gmina,
                    L::Powiat => p.admin.powiat,
                    L::Voivodeship => p.admin.voivodeship,
                }?;
                let code = self.admins.code(a as u16)?.to_string();
                Some((code, unit.name.to_string(), n))
            })
            .collect()
    }

    /// The time span of a practice, as [`Practice::time_span`].
    pub fn time_span(&self, i: u32) -> Option<(NaiveDate, NaiveDate)> {
        self.attrs.get(i).time_span()
    }

    /// The voivodeship TERYT code of a practice.
    pub fn voivodeship(&self, i: u32) -> Option<&str> {
        self.attrs
            .get(i)
            .admin(AdminLevel::Voivodeship)
            .and_then(|a| self.admins.code(a))
    }

    fn by_id_at(&self, k: usize) -> u32 {
        u32::from_le_bytes(self.by_id[k * 4..k * 4 + 4].try_into().expect("4 bytes"))
    }

    fn id_of(&self, i: u32) -> &str {
        crate::snapshot_file::record_id(self.records.get(i)).unwrap_or_default()
    }

    /// Finds a practice by its id.
    pub fn by_id(&self, id: &str) -> Option<Practice> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.id_of(self.by_id_at(mid)).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.practice(self.by_id_at(mid))),
            }
        }
        None
    }

    /// The pre-serialised summary feature of the practice at an index.
    pub fn prepared(&self, i: u32) -> PreparedFeature<'_> {
        PreparedFeature::from_open(self.prepared.get(i))
    }

    /// Indexes of the practices without coordinates.
    pub fn unplaced(&self) -> &[u32] {
        &self.unplaced
    }

    /// The spatial index.
    pub fn index(&self) -> &PracticeIndex {
        &self.index
    }

    /// Builds what the first requests would otherwise build (the clustering
    /// grid's kept levels).
    pub fn warm_up(&self) {
        self.grid.warm_up(self);
    }

    /// The clustering grid of every placed practice, built on first use.
    pub(crate) fn grid(&self) -> &crate::cluster::Grid {
        &self.grid
    }

    /// A hash of the whole dataset, for ETags.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The admin id a filter's TERYT code stands for: `Ok(None)` when the filter
    /// is not set, `Err` when no practice lies in that unit.
    fn admin_filter(&self, code: &Option<String>) -> Result<Option<u16>, ()> {
        code.as_deref()
            .map(|c| self.admins.find(c).ok_or(()))
            .transpose()
    }

    /// Prepares a filter for [`passes`](Self::passes); `None` when nothing can match.
    fn compile<'f>(&self, f: &'f Filter) -> Option<Compiled<'f>> {
        Some(Compiled {
            f,
            words: f
                .text
                .as_deref()
                .map(crate::text_match::query_stems)
                .unwrap_or_default(),
            admin: [
                self.admin_filter(&f.gmina).ok()?,
                self.admin_filter(&f.powiat).ok()?,
                self.admin_filter(&f.voivodeship).ok()?,
            ],
            dates: f.dates.map(|(a, b)| {
                (
                    a.map(|d| d.num_days_from_ce()),
                    b.map(|d| d.num_days_from_ce()),
                )
            }),
        })
    }

    fn passes(&self, i: u32, c: &Compiled, space: Space) -> bool {
        let f = c.f;
        let row = self.attrs.get(i);
        if let Some(a) = f.area {
            let have = row.area();
            if have != a && have.parent() != Some(a) {
                return false;
            }
        }
        for (level, want) in [
            AdminLevel::Gmina,
            AdminLevel::Powiat,
            AdminLevel::Voivodeship,
        ]
        .into_iter()
        .zip(c.admin)
        {
            if want.is_some() && row.admin(level) != want {
                return false;
            }
        }
        if f.unit_type.is_some() && row.unit_type() != f.unit_type {
            return false;
        }
        if f.year_from.is_some() || f.year_to.is_some() {
            let Some(y) = row.year() else { return false };
            if f.year_from.is_some_and(|a| y < a) || f.year_to.is_some_and(|b| y > b) {
                return false;
            }
        }
        if let Some((from, to)) = c.dates {
            let Some((start, end)) = row.span_days() else {
                return false;
            };
            if from.is_some_and(|a| end < a) || to.is_some_and(|b| start > b) {
                return false;
            }
        }
        if let Some(b) = f.bbox.filter(|_| space != Space::BboxDone) {
            let Some((lon, lat)) = row.lon_lat() else {
                return false;
            };
            if lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3] {
                return false;
            }
        }
        if let Some(mp) = f.within.as_ref().filter(|_| space != Space::WithinDone) {
            use geo::Intersects;
            let Some((lon, lat)) = row.lon_lat() else {
                return false;
            };
            if crate::index::passed(f.deadline) || !mp.intersects(&geo::Point::new(lon, lat)) {
                return false;
            }
        }
        if !c.words.is_empty() && !crate::text_match::matches(&c.words, self.search_text.text(i)) {
            return false;
        }
        !f.has_property_predicates() || f.passes_properties(&self.practice(i))
    }

    /// Runs a query: the spatial part through the R-tree, the rest as filters.
    /// With a centre, results are nearest first (ties by dataset order); else in
    /// dataset order.
    pub fn query(&self, f: &Filter) -> Matches {
        let Some(c) = self.compile(f) else {
            return Matches::default();
        };
        if let Some(n) = f.near {
            let plain = f.has_no_predicates()
                && f.bbox.is_none()
                && f.within.is_none()
                && c.words.is_empty();
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
                        hits.retain(|h| self.passes(h.id, &c, Space::Check));
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
                items: hits.into_iter().map(Match::hit).collect(),
            };
        }
        let mut items: Vec<Match> = self
            .candidates(f, |i, space| self.passes(i, &c, space))
            .into_iter()
            .map(Match::at)
            .collect();
        if !f.sort.is_empty() {
            sort_matches(self, &mut items, &f.sort);
        }
        Matches { items }
    }

    /// The practices passing `keep`, in dataset order, from the R-tree when the
    /// filter has a box (smaller than the dataset's extent) or polygon, else
    /// from every row.
    fn candidates(&self, f: &Filter, keep: impl Fn(u32, Space) -> bool) -> Vec<u32> {
        let covers_all = |b: [f64; 4]| {
            self.extent()
                .is_some_and(|e| b[0] <= e[0] && b[1] <= e[1] && b[2] >= e[2] && b[3] >= e[3])
        };
        if let Some(b) = f.bbox.filter(|&b| !covers_all(b)) {
            let mut ids = self.index.in_bbox(b[0], b[1], b[2], b[3]);
            ids.retain(|&i| keep(i, Space::BboxDone));
            ids
        } else if let Some(mp) = &f.within {
            let mut ids = self.index.in_polygon_until(mp, f.deadline);
            ids.retain(|&i| keep(i, Space::WithinDone));
            ids
        } else {
            (0..self.len() as u32)
                .filter(|&i| keep(i, Space::Check))
                .collect()
        }
    }

    /// The matches of a filter without a centre, as [`query`](Self::query)
    /// finds them but without sorting: for counting and clustering.
    pub(crate) fn matching(&self, f: &Filter) -> Vec<u32> {
        if f.near.is_some() || !f.sort.is_empty() {
            return self.query(f).items.iter().map(|m| m.id).collect();
        }
        let Some(c) = self.compile(f) else {
            return Vec::new();
        };
        self.candidates(f, |i, space| self.passes(i, &c, space))
    }
}

/// A filter with its text split into stems and its units and dates as the
/// rows hold them.
struct Compiled<'f> {
    f: &'f Filter,
    words: Vec<String>,
    admin: [Option<u16>; 3],
    dates: Option<(Option<i32>, Option<i32>)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    fn sample(n: usize) -> Vec<Practice> {
        crate::synthetic::practices(Gazetteer::bundled(), n, 3)
    }

    #[test]
    fn a_match_is_16_bytes_and_keeps_its_distance() {
        // A download or a count can hold a match for every practice.
        assert_eq!(std::mem::size_of::<Match>(), 16);
        let h = Hit {
            id: 7,
            chord_sq: 1e-6,
        };
        assert_eq!(Match::hit(h).distance_km(), Some(h.distance_km()));
        assert_eq!(Match::at(7).distance_km(), None);
        assert_eq!(Match::at(7), Match::at(7));
        assert_ne!(Match::at(7), Match::hit(h));
    }

    #[test]
    fn by_id_finds_every_practice_and_nothing_else() {
        let mut ps = sample(300);
        ps.reverse(); // ids out of order in the dataset
        let s = Snapshot::new(ps.clone());
        for p in &ps {
            assert_eq!(s.by_id(&p.id).map(|q| q.title), Some(p.title.clone()));
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
    fn nearest_k_honours_the_unit_type() {
        let ps = sample(400);
        let s = Snapshot::new(ps.clone());
        let want = Some(crate::practice::UnitType::Powiat);
        let f = Filter {
            near: Some(Near {
                lon: 19.9,
                lat: 50.0,
                radius_km: None,
                k: Some(5),
            }),
            unit_type: want,
            ..Filter::default()
        };
        let got = s.query(&f);
        assert_eq!(got.len(), 5);
        assert!(
            got.items
                .iter()
                .all(|m| ps[m.id as usize].unit_type == want)
        );
        let f = Filter {
            unit_type: want,
            ..Filter::default()
        };
        let n = ps.iter().filter(|p| p.unit_type == want).count();
        assert_eq!(s.query(&f).len(), n);
        assert!(n < ps.len());
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
