//! A dataset snapshot and the queries over it, independent of HTTP.
//!
//! A [`Snapshot`] is built once from a loaded dataset: the records, the R-tree of
//! their ids, the folded search text and the pre-serialised summary features.
//! It is never changed; when the dataset changes a new snapshot replaces it whole.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use geo::MultiPolygon;

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
        crate::text_match::matches(words, &self.search_text[i as usize])
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
        Matches {
            items: candidates
                .into_iter()
                .filter(|&i| self.passes(i, f, &words, space))
                .map(|id| Match { id, hit: None })
                .collect(),
        }
    }
}
