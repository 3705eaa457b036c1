//! The view every public answer reads: the base snapshot with the overlay of
//! published changes laid over it. Indexes name practices across both: below
//! the base's length a base row, above it an overlay row. Shadowed base rows
//! (replaced or removed) are never answered. Dataset order is the order a
//! snapshot rebuilt from the same records would have: the base's rows in
//! place, a replaced one where it stood, new ones after all of them.
//!
//! Each query runs on the base (its R-tree, rows and kept cells), the
//! shadowed rows are dropped from its answer, and the same query runs on the
//! overlay (a small snapshot of its own, built by the same builder, so every
//! predicate and the public view of its records are the same code); the two
//! answers are merged in answer order.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::geo_util::{Bbox, LonLat};
use crate::geojson::PreparedFeature;
use crate::practice::{Area, Practice};
use crate::query::{Filter, Match, Matches, Near, sort_matches};
use crate::snapshot::{CellSum, Key, PYRAMID_MAX_ZOOM, Snapshot, sum_cells};

/// The published changes over one base snapshot, as a whole: made anew (from
/// the previous one and the new changes) by every apply, never changed.
pub(crate) struct Overlay {
    /// Every changed practice by id.
    pub(crate) changed: HashMap<String, Entry>,
    /// The records put, in dataset order, as a snapshot of their own.
    pub(crate) records: Snapshot,
    /// The place in dataset order of each of `records`' rows (ascending).
    pub(crate) keys: Vec<u64>,
    /// One bit per base row: shadowed by a change.
    pub(crate) shadowed: Vec<u64>,
    /// The shadowed base rows, ascending.
    pub(crate) shadowed_ids: Vec<u32>,
    /// The place the next new practice takes.
    pub(crate) next_key: u64,
}

impl Overlay {
    #[inline]
    fn is_shadowed(&self, base_row: u32) -> bool {
        self.shadowed[(base_row / 64) as usize] & (1 << (base_row % 64)) != 0
    }
}

/// One changed practice.
#[derive(Clone)]
pub(crate) struct Entry {
    /// The base row it shadows (replaces or removes), if any.
    pub(crate) base: Option<u32>,
    /// Its place in dataset order (its base row's, or after every base row).
    pub(crate) key: u64,
    /// Its record as published; `None`: removed.
    pub(crate) put: Option<Arc<Practice>>,
}

/// What a view derives on first use and keeps (only with an overlay; a bare
/// view reads the base's).
#[derive(Default)]
struct Derived {
    extent: OnceLock<Option<Bbox>>,
    time_extent: OnceLock<Option<(NaiveDate, NaiveDate)>>,
    levels: [OnceLock<Vec<(Key, CellSum)>>; PYRAMID_MAX_ZOOM as usize + 1],
}

/// The dataset as answers see it now: a base snapshot and the published
/// changes over it. Made by [`Live`](super::Live); never changed.
pub struct View {
    base: Arc<Snapshot>,
    overlay: Option<Arc<Overlay>>,
    version: u64,
    derived: Derived,
}

impl From<Snapshot> for View {
    fn from(base: Snapshot) -> View {
        View::of(Arc::new(base))
    }
}

/// Which part holds a row of the view.
enum Side<'a> {
    Base(u32),
    Over(&'a Overlay, u32),
}

impl View {
    /// A view of a snapshot with no changes over it.
    pub fn of(base: Arc<Snapshot>) -> View {
        let version = base.version();
        View {
            base,
            overlay: None,
            version,
            derived: Derived::default(),
        }
    }

    pub(crate) fn with_overlay(
        base: Arc<Snapshot>,
        overlay: Option<Arc<Overlay>>,
        version: u64,
    ) -> View {
        View {
            base,
            overlay,
            version,
            derived: Derived::default(),
        }
    }

    /// The base snapshot (what the last full load or merge built).
    pub fn base(&self) -> &Arc<Snapshot> {
        &self.base
    }

    pub(crate) fn overlay(&self) -> Option<&Arc<Overlay>> {
        self.overlay.as_ref()
    }

    /// How many changed practices the overlay holds (0: the view is its base).
    pub fn overlay_len(&self) -> usize {
        self.overlay.as_ref().map_or(0, |o| o.changed.len())
    }

    #[inline]
    fn side(&self, i: u32) -> Side<'_> {
        let n = self.base.len() as u32;
        match &self.overlay {
            Some(o) if i >= n => Side::Over(o, i - n),
            _ => Side::Base(i),
        }
    }

    /// A row's place in dataset order.
    #[inline]
    fn key(&self, i: u32) -> u64 {
        match self.side(i) {
            Side::Base(b) => u64::from(b),
            Side::Over(o, j) => o.keys[j as usize],
        }
    }

    /// A hash of what the view holds, for ETags: the base's version while no
    /// change is laid over it, else new with every apply.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many practices are public.
    pub fn len(&self) -> usize {
        match &self.overlay {
            None => self.base.len(),
            Some(o) => self.base.len() - o.shadowed_ids.len() + o.records.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many public practices are placed (on the map).
    pub fn placed(&self) -> usize {
        let base = self.base.index().len();
        match &self.overlay {
            None => base,
            Some(o) => {
                let gone = o.shadowed_ids.iter();
                base - gone.filter(|&&b| self.base.lon_lat(b).is_some()).count()
                    + o.records.index().len()
            }
        }
    }

    /// Every public row, in dataset order.
    pub fn ids(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        match &self.overlay {
            None => Box::new(0..self.base.len() as u32),
            Some(o) => {
                let base = (0..self.base.len() as u32).filter(|&b| !o.is_shadowed(b));
                let n = self.base.len() as u32;
                let over = (0..o.records.len() as u32).map(move |j| n + j);
                Box::new(merge_by(base, over, move |i| self.key(i)))
            }
        }
    }

    /// Every public practice, in dataset order, decoded.
    pub fn practices(&self) -> impl Iterator<Item = Practice> + '_ {
        self.ids().map(|i| self.practice(i))
    }

    /// The practice at a row.
    pub fn practice(&self, i: u32) -> Practice {
        match self.side(i) {
            Side::Base(b) => self.base.practice(b),
            Side::Over(o, j) => o.records.practice(j),
        }
    }

    /// The pre-serialised summary feature of the practice at a row.
    pub fn prepared(&self, i: u32) -> PreparedFeature<'_> {
        match self.side(i) {
            Side::Base(b) => self.base.prepared(b),
            Side::Over(o, j) => o.records.prepared(j),
        }
    }

    /// The position of a practice, when placed.
    pub fn lon_lat(&self, i: u32) -> Option<(f64, f64)> {
        match self.side(i) {
            Side::Base(b) => self.base.lon_lat(b),
            Side::Over(o, j) => o.records.lon_lat(j),
        }
    }

    /// The area of a practice.
    pub fn area(&self, i: u32) -> Area {
        match self.side(i) {
            Side::Base(b) => self.base.area(b),
            Side::Over(o, j) => o.records.area(j),
        }
    }

    /// The year of a practice ([`Practice::year`]), read without decoding it.
    pub fn year(&self, i: u32) -> Option<i32> {
        match self.side(i) {
            Side::Base(b) => self.base.year(b),
            Side::Over(o, j) => o.records.year(j),
        }
    }

    /// The voivodeship TERYT code of a practice.
    pub fn voivodeship(&self, i: u32) -> Option<&str> {
        match self.side(i) {
            Side::Base(b) => self.base.voivodeship(b),
            Side::Over(o, j) => o.records.voivodeship(j),
        }
    }

    /// Finds a public practice by its id.
    pub fn by_id(&self, id: &str) -> Option<Practice> {
        match self.overlay.as_ref().and_then(|o| o.changed.get(id)) {
            Some(e) => e.put.as_deref().cloned(),
            None => self.base.by_id(id),
        }
    }

    /// The bounding box of the placed practices.
    pub fn extent(&self) -> Option<Bbox> {
        if self.overlay.is_none() {
            return self.base.extent();
        }
        *self.derived.extent.get_or_init(|| {
            Bbox::around(
                self.ids()
                    .filter_map(|i| self.lon_lat(i))
                    .map(|(lon, lat)| LonLat::new(lon, lat)),
            )
        })
    }

    /// The first and last date of the practices' time spans.
    pub fn time_extent(&self) -> Option<(NaiveDate, NaiveDate)> {
        let Some(o) = &self.overlay else {
            return self.base.time_extent();
        };
        *self.derived.time_extent.get_or_init(|| {
            let n = self.base.len() as u32;
            (0..n)
                .filter(|&b| !o.is_shadowed(b))
                .filter_map(|b| self.base.time_span(b))
                .chain((0..o.records.len() as u32).filter_map(|j| o.records.time_span(j)))
                .reduce(|(a, b), (s, e)| (a.min(s), b.max(e)))
        })
    }

    /// The steps a polygon query would take (see
    /// [`PracticeIndex::polygon_work`](crate::index::PracticeIndex::polygon_work)).
    pub fn polygon_work(&self, area: &MultiPolygon<f64>) -> u64 {
        self.base.index().polygon_work(area)
            + self
                .overlay
                .as_ref()
                .map_or(0, |o| o.records.index().polygon_work(area))
    }

    /// Builds what the first requests would otherwise build.
    pub fn warm_up(&self) {
        self.base.warm_up();
    }

    /// Runs a query (see [`Snapshot::query`]) over the base and the overlay.
    pub fn query(&self, f: &Filter) -> Matches {
        let Some(o) = &self.overlay else {
            return self.base.query(f);
        };
        let n = self.base.len() as u32;
        if let Some(near) = f.near {
            // The base's k nearest may include shadowed rows: ask for as
            // many more as there are.
            let wider = near.k.map(|k| Filter {
                near: Some(Near {
                    k: Some(k + o.shadowed_ids.len()),
                    ..near
                }),
                ..f.clone()
            });
            let base = self.base.query(wider.as_ref().unwrap_or(f));
            let over = o.records.query(f);
            let mut items: Vec<Match> = base
                .items
                .into_iter()
                .filter(|m| !o.is_shadowed(m.id))
                .chain(over.items.into_iter().map(|m| m.moved_to(n + m.id)))
                .collect();
            items.sort_unstable_by_key(|m| (m.chord_bits(), self.key(m.id)));
            if let Some(k) = near.k {
                items.truncate(k);
            }
            return Matches { items };
        }
        let mut items: Vec<Match> = self.unsorted(f, o).into_iter().map(Match::at).collect();
        if !f.sort.is_empty() {
            sort_matches(&mut items, &f.sort, |i| self.practice(i));
        }
        Matches { items }
    }

    /// The rows matching a filter without a centre, in dataset order,
    /// ignoring its sort.
    fn unsorted(&self, f: &Filter, o: &Overlay) -> Vec<u32> {
        let plain;
        let f = if f.sort.is_empty() {
            f
        } else {
            plain = Filter {
                sort: Vec::new(),
                ..f.clone()
            };
            &plain
        };
        let n = self.base.len() as u32;
        let mut base = self.base.matching(f);
        base.retain(|&b| !o.is_shadowed(b));
        let over = o.records.matching(f).into_iter().map(|j| n + j);
        merge_by(base.into_iter(), over, |i| self.key(i)).collect()
    }

    /// The matches of a filter as rows, as [`query`](Self::query) finds
    /// them but without sorting: for counting and clustering.
    pub fn matching(&self, f: &Filter) -> Vec<u32> {
        match &self.overlay {
            None => self.base.matching(f),
            Some(_) if f.near.is_some() || !f.sort.is_empty() => {
                self.query(f).items.iter().map(|m| m.id).collect()
            }
            Some(o) => self.unsorted(f, o),
        }
    }

    /// How many of `rows` lie in each unit of a level, with the unit's TERYT
    /// code and name, in no order (see [`Snapshot::unit_counts`]).
    pub fn unit_counts(
        &self,
        rows: &[u32],
        level: crate::gazetteer::AdminLevel,
    ) -> Vec<(String, String, usize)> {
        let Some(o) = &self.overlay else {
            return self.base.unit_counts(rows, level);
        };
        let n = self.base.len() as u32;
        let (base, over): (Vec<u32>, Vec<u32>) = rows.iter().partition(|&&i| i < n);
        let over: Vec<u32> = over.into_iter().map(|i| i - n).collect();
        let mut out = self.base.unit_counts(&base, level);
        let mut at: HashMap<String, usize> = out
            .iter()
            .enumerate()
            .map(|(k, (code, _, _))| (code.clone(), k))
            .collect();
        for (code, name, count) in o.records.unit_counts(&over, level) {
            match at.get(&code) {
                Some(&k) => out[k].2 += count,
                None => {
                    at.insert(code.clone(), out.len());
                    out.push((code, name, count));
                }
            }
        }
        out
    }

    /// Every public row inside the box, in dataset order.
    pub(crate) fn in_bbox(&self, b: Bbox) -> Vec<u32> {
        let mut base = self.base.index().in_bbox(b);
        let Some(o) = &self.overlay else {
            return base;
        };
        base.retain(|&i| !o.is_shadowed(i));
        let n = self.base.len() as u32;
        let over = o.records.index().in_bbox(b).into_iter().map(|j| n + j);
        merge_by(base.into_iter(), over, |i| self.key(i)).collect()
    }

    /// The cell of a practice at a zoom.
    #[inline]
    pub(crate) fn cell_of(&self, i: u32, zoom: u8) -> Key {
        match self.side(i) {
            Side::Base(b) => self.base.cell_of(b, zoom),
            Side::Over(o, j) => o.records.cell_of(j, zoom),
        }
    }

    /// The whole view's cells at a zoom up to [`PYRAMID_MAX_ZOOM`]: the
    /// base's kept cells with the changes counted in (made on first use).
    pub(crate) fn cells(&self, zoom: u8) -> &[(Key, CellSum)] {
        match &self.overlay {
            None => self.base.cells(zoom),
            Some(o) => {
                self.derived.levels[usize::from(zoom)].get_or_init(|| self.adjusted(o, zoom))
            }
        }
    }

    /// The base's cells at a zoom with the shadowed rows taken out and the
    /// overlay's put in: a sum is adjusted by subtraction, and summed again
    /// from the R-tree when subtraction cannot tell it (see
    /// [`CellSum::remove`]).
    fn adjusted(&self, o: &Overlay, zoom: u8) -> Vec<(Key, CellSum)> {
        let order = |k: &Key| (k.1, k.0);
        let mut cells: Vec<(Key, CellSum)> = self.base.cells(zoom).to_vec();
        let find = |cells: &[(Key, CellSum)], k: Key| {
            cells.binary_search_by_key(&order(&k), |(c, _)| order(c))
        };
        let mut again: Vec<usize> = Vec::new();
        for &b in &o.shadowed_ids {
            let Some((lon, lat)) = self.base.lon_lat(b) else {
                continue;
            };
            let Ok(at) = find(&cells, self.base.cell_of(b, zoom)) else {
                continue;
            };
            if !again.contains(&at) && !cells[at].1.remove(lon, lat) {
                again.push(at);
            }
        }
        for &at in &again {
            let (key, bbox) = (cells[at].0, cells[at].1.bbox);
            let key = &key;
            let sum_bbox = bbox;
            let rows = self.base.index().in_bbox(sum_bbox).into_iter();
            let points = rows.filter(|&b| !o.is_shadowed(b)).filter_map(|b| {
                let (lon, lat) = self.base.lon_lat(b)?;
                (self.base.cell_of(b, zoom) == *key).then_some((*key, b, lon, lat))
            });
            cells[at].1.count = 0;
            if let Some((_, s)) = sum_cells(points).pop() {
                cells[at].1 = s;
            }
        }
        cells.retain(|(_, s)| s.count > 0);
        let n = self.base.len() as u32;
        let mut new: HashMap<Key, CellSum> = HashMap::new();
        for j in 0..o.records.len() as u32 {
            let Some((lon, lat)) = o.records.lon_lat(j) else {
                continue;
            };
            let key = o.records.cell_of(j, zoom);
            match find(&cells, key) {
                Ok(at) => cells[at].1.add(lon, lat),
                Err(_) => new
                    .entry(key)
                    .or_insert_with(|| CellSum::new(n + j, lon, lat))
                    .add(lon, lat),
            }
        }
        cells.extend(new);
        cells.sort_unstable_by_key(|(k, _)| order(k));
        cells
    }
}

/// Two ascending sequences (by `key`) merged into one.
fn merge_by<'a>(
    a: impl Iterator<Item = u32> + 'a,
    b: impl Iterator<Item = u32> + 'a,
    key: impl Fn(u32) -> u64 + 'a,
) -> impl Iterator<Item = u32> + 'a {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(&x), Some(&y)) if key(y) < key(x) => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}
