//! The queries over a snapshot, independent of HTTP: a [`Filter`] of every
//! predicate a request may combine, planned onto the snapshot's R-tree and
//! rows ([`Snapshot::query`]), answered as [`Matches`] in answer order.
//!
//! `Snapshot::query` is a method defined here, over the snapshot's public
//! and crate-visible readers, so the snapshot itself knows nothing of queries.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Datelike, NaiveDate};
use geo::MultiPolygon;

use crate::gazetteer::fold;
use crate::geo_util::{Bbox, LonLat};
use crate::index::{Hit, sort_nearest_first};
use crate::practice::{Area, Practice, UnitType};
use crate::snapshot::columns::AdminLevel;

use crate::snapshot::Snapshot;

/// Which spatial test the candidate source already applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Check,
    BboxDone,
    WithinDone,
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
    /// Inside this box, edges included.
    pub bbox: Option<Bbox>,
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
    /// The polygon work stops too once this is set (the client has gone);
    /// [`Filter::expired`] then says so.
    pub abandoned: Option<Arc<AtomicBool>>,
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

    /// Whether the deadline has passed or the query was abandoned: an answer
    /// computed under this filter may then be incomplete and must not be served.
    pub fn expired(&self) -> bool {
        crate::index::passed(self.deadline)
            || self
                .abandoned
                .as_ref()
                .is_some_and(|a| a.load(Ordering::Relaxed))
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

/// Orders matches by the sort keys (a stable sort: ties keep the order they
/// come in, dataset order); `practice` reads the practice a match names. Each
/// practice's keys are read once.
pub(crate) fn sort_matches(
    items: &mut Vec<Match>,
    keys: &[SortKey],
    practice: impl Fn(u32) -> Practice,
) {
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
            let p = practice(m.id);
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

    /// The same match naming another index (a practice's place in a
    /// combined view).
    pub(crate) fn moved_to(self, id: u32) -> Match {
        Match { id, ..self }
    }

    /// The order of a distance answer: the squared chord's bits (NaN for a
    /// match without a centre).
    pub(crate) fn chord_bits(&self) -> u64 {
        self.chord_sq.to_bits()
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
    /// The admin id a filter's TERYT code stands for: `Ok(None)` when the filter
    /// is not set, `Err` when no practice lies in that unit.
    fn admin_filter(&self, code: &Option<String>) -> Result<Option<u16>, ()> {
        code.as_deref()
            .map(|c| self.admin_id(c).ok_or(()))
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
            inside: f
                .within
                .as_ref()
                .map(|mp| self.index().in_polygon_while(mp, || !f.expired())),
        })
    }

    fn passes(&self, i: u32, c: &Compiled, space: Space) -> bool {
        let f = c.f;
        let row = self.row(i);
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
            if !b.contains(LonLat::new(lon, lat)) {
                return false;
            }
        }
        if let Some(inside) = c.inside.as_ref().filter(|_| space != Space::WithinDone)
            && inside.binary_search(&i).is_err()
        {
            return false;
        }
        if !c.words.is_empty() && !crate::text_match::matches(&c.words, self.search_text(i)) {
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
                (Some(k), true) => self.index().nearest_within(
                    n.lon,
                    n.lat,
                    k,
                    n.radius_km.unwrap_or(f64::INFINITY),
                ),
                _ => {
                    let mut hits: Vec<Hit> = self.index().within_radius_unordered(
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
        let mut items: Vec<Match> = self.candidates(&c).into_iter().map(Match::at).collect();
        if !f.sort.is_empty() {
            sort_matches(&mut items, &f.sort, |i| self.practice(i));
        }
        Matches { items }
    }

    /// The practices passing the filter, in dataset order, from the R-tree
    /// when the filter has a polygon (found once, in `compile`) or a box
    /// (smaller than the dataset's extent), else from every row.
    fn candidates(&self, c: &Compiled) -> Vec<u32> {
        let f = c.f;
        let keep = |i, space| self.passes(i, c, space);
        let covers_all = |b: Bbox| self.extent().is_some_and(|e| b.covers(&e));
        if let Some(inside) = &c.inside {
            let mut ids = inside.clone();
            ids.retain(|&i| keep(i, Space::WithinDone));
            ids
        } else if let Some(b) = f.bbox.filter(|&b| !covers_all(b)) {
            let mut ids = self.index().in_bbox(b);
            ids.retain(|&i| keep(i, Space::BboxDone));
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
        self.candidates(&c)
    }
}

/// A filter with its text split into stems and its units and dates as the
/// rows hold them.
struct Compiled<'f> {
    f: &'f Filter,
    words: Vec<String>,
    admin: [Option<u16>; 3],
    dates: Option<(Option<i32>, Option<i32>)>,
    /// The practices inside the polygon, by id (sorted).
    inside: Option<Vec<u32>>,
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
