//! A dataset snapshot and the queries over it, independent of HTTP.
//!
//! A [`Snapshot`] is built once from a loaded dataset: the records, the R-tree of
//! their ids, the folded search text and the pre-serialised summary features.
//! It is never changed; when the dataset changes a new snapshot replaces it whole.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::gazetteer::fold;
use crate::geojson::PreparedFeature;
use crate::index::{Hit, PracticeIndex, sort_nearest_first};
use crate::practice::{Area, Practice};

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
    search_text: Vec<String>,
    prepared: Vec<PreparedFeature>,
    unplaced: Vec<u32>,
    version: u64,
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
    /// Builds a snapshot: bulk-loads the R-tree and prepares the features.
    pub fn new(practices: Vec<Practice>) -> Snapshot {
        let index = PracticeIndex::build(
            practices
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.location.map(|l| (i as u32, l.lon, l.lat))),
        );
        let unplaced = practices
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location.is_none())
            .map(|(i, _)| i as u32)
            .collect();
        let search_text = practices
            .iter()
            .map(|p| {
                let mut s = String::new();
                for part in [
                    Some(p.title.as_str()),
                    Some(p.summary.as_str()),
                    p.town.as_deref(),
                    p.unit.as_deref(),
                ]
                .into_iter()
                .flatten()
                {
                    s.push_str(&fold(part));
                    s.push(' ');
                }
                s
            })
            .collect();
        let prepared = practices.iter().map(PreparedFeature::new).collect();
        let mut h = DefaultHasher::new();
        for p in &practices {
            serde_json::to_string(p).unwrap_or_default().hash(&mut h);
        }
        Snapshot {
            practices,
            index,
            search_text,
            prepared,
            unplaced,
            version: h.finish(),
        }
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
        self.practices.iter().find(|p| p.id == id)
    }

    /// The pre-serialised summary feature of the practice at an index.
    pub fn prepared(&self, i: u32) -> &PreparedFeature {
        &self.prepared[i as usize]
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
            if !mp.intersects(&geo::Point::new(lon, lat)) {
                return false;
            }
        }
        let text = &self.search_text[i as usize];
        words.iter().all(|w| text.contains(w.as_str()))
    }

    /// Runs a query: the spatial part through the R-tree, the rest as filters.
    /// With a centre, results are nearest first (ties by dataset order); else in
    /// dataset order.
    pub fn query(&self, f: &Filter) -> Matches {
        let words: Vec<String> = f
            .text
            .as_deref()
            .map(|t| {
                fold(t)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect()
            })
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
            (self.index.in_polygon(mp), Space::WithinDone)
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
