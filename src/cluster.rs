//! Server-side clustering for the map at any dataset size: the practices that
//! match a filter inside a viewport, grouped into cells of a Web Mercator grid
//! that follows the map's zoom, with exact counts. A viewport with few matches
//! is answered with the practices themselves.
//!
//! The grid and its kept cell sums are the snapshot's ([`crate::snapshot`]);
//! this is the answer built from them. No HTTP here;
//! [`crate::geojson::write_clusters`] shapes the output.

use crate::geo_util::{Bbox, LonLat};
use crate::geojson::{ClusterItem, PreparedFeature};
use crate::live::View;
use crate::query::Filter;
pub use crate::snapshot::{CELLS_PER_TILE, MAX_ZOOM, PYRAMID_MAX_ZOOM};
use crate::snapshot::{CellSum, Key, sum_cells};

/// Up to this many matches in the viewport are answered one by one.
pub const SINGLES_MAX: usize = 500;

/// One cell's practices.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// How many matching practices the cell holds.
    pub count: usize,
    /// Their mean position (longitude).
    pub lon: f64,
    /// Their mean position (latitude).
    pub lat: f64,
    /// Their bounding box, to zoom to.
    pub bbox: Bbox,
    /// The practice, when the cell holds only one.
    pub single: Option<u32>,
}

/// The answer for a viewport.
#[derive(Debug, Clone, PartialEq)]
pub enum Clustered {
    /// Few matches: each practice, in dataset order.
    Practices(Vec<u32>),
    /// Many: the non-empty cells, west to east then north to south.
    Clusters(Vec<Cluster>),
}

/// What matched in the viewport and how it is grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterAnswer {
    /// Every match in the viewport (exact).
    pub number_matched: usize,
    /// The grouping.
    pub items: Clustered,
}

/// A cell's sum as the answer gives it.
fn cluster(a: &CellSum) -> Cluster {
    Cluster {
        count: a.count,
        lon: a.sum_lon / a.count as f64,
        lat: a.sum_lat / a.count as f64,
        bbox: a.bbox,
        single: (a.count == 1).then_some(a.first),
    }
}

/// Whether a filter is only a box, so the kept cells answer it.
fn only_bbox(f: &Filter) -> Option<Bbox> {
    let bare = f.near.is_none() && f.within.is_none() && f.text.is_none() && f.has_no_predicates();
    if bare { f.bbox } else { None }
}

/// The cells of a box with no other filter, from the kept cells: a cell
/// wholly inside the box as kept, one on its edge summed again from the
/// practices inside the box. `None` when the box holds few practices.
fn box_cells(s: &View, b: Bbox, zoom: u8) -> Option<(usize, Vec<(Key, CellSum)>)> {
    let mut out = Vec::new();
    let mut edge: Vec<Key> = Vec::new();
    let mut total = 0;
    for (key, acc) in s.cells(zoom) {
        let c = acc.bbox;
        if c.max_lon < b.min_lon
            || c.min_lon > b.max_lon
            || c.max_lat < b.min_lat
            || c.min_lat > b.max_lat
        {
            continue;
        }
        if b.covers(&c) {
            total += acc.count;
            out.push((*key, acc.clone()));
        } else {
            edge.push(*key);
        }
    }
    if !edge.is_empty() {
        edge.sort_unstable();
        let inside = s.in_bbox(b);
        let on_edge = inside.into_iter().filter_map(|i| {
            let key = s.cell_of(i, zoom);
            edge.binary_search(&key).ok()?;
            let (lon, lat) = s.lon_lat(i)?;
            Some((key, i, lon, lat))
        });
        for (key, acc) in sum_cells(on_edge) {
            total += acc.count;
            out.push((key, acc));
        }
    }
    if total <= SINGLES_MAX {
        return None;
    }
    out.sort_unstable_by_key(|(k, _)| (k.1, k.0));
    Some((total, out))
}

impl ClusterAnswer {
    /// The answer as GeoJSON (see [`crate::geojson::write_clusters`]), each
    /// practice as `feature` gives its prepared summary.
    pub fn to_geojson<'a>(&self, feature: impl Fn(u32) -> PreparedFeature<'a>) -> Vec<u8> {
        match &self.items {
            Clustered::Practices(ids) => crate::geojson::write_clusters(
                ids.iter().map(|&i| ClusterItem::Practice(feature(i))),
                self.number_matched,
                false,
            ),
            Clustered::Clusters(cs) => crate::geojson::write_clusters(
                cs.iter().map(|c| match c.single {
                    Some(i) => ClusterItem::Practice(feature(i)),
                    None => ClusterItem::Cell {
                        count: c.count,
                        at: LonLat::new(c.lon, c.lat),
                        bbox: c.bbox,
                    },
                }),
                self.number_matched,
                true,
            ),
        }
    }
}

/// Groups the practices matching `filter` (whose `bbox` is the viewport) for a
/// map at `zoom`. A filter with a centre (`near`) is answered as it is by
/// [`View::query`], then grouped.
pub fn clusters(snapshot: &View, filter: &Filter, zoom: u8) -> ClusterAnswer {
    clusters_with(snapshot, filter, zoom, true)
}

/// [`clusters`], from the kept cells when `use_kept` allows it.
fn clusters_with(snapshot: &View, filter: &Filter, zoom: u8, use_kept: bool) -> ClusterAnswer {
    let zoom = zoom.min(MAX_ZOOM);
    let kept = only_bbox(filter)
        .filter(|_| use_kept && zoom <= PYRAMID_MAX_ZOOM)
        .and_then(|b| box_cells(snapshot, b, zoom));
    let (number_matched, cells) = match kept {
        Some(k) => k,
        None => {
            let ids = snapshot.matching(filter);
            let number_matched = ids.len();
            if number_matched <= SINGLES_MAX {
                let placed = ids.into_iter().filter(|&i| snapshot.lon_lat(i).is_some());
                return ClusterAnswer {
                    number_matched,
                    items: Clustered::Practices(placed.collect()),
                };
            }
            let points = ids.into_iter().filter_map(|i| {
                let (lon, lat) = snapshot.lon_lat(i)?;
                Some((snapshot.cell_of(i, zoom), i, lon, lat))
            });
            (number_matched, sum_cells(points))
        }
    };
    ClusterAnswer {
        number_matched,
        items: Clustered::Clusters(cells.iter().map(|(_, a)| cluster(a)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use crate::practice::Area;

    fn snapshot() -> View {
        View::from(crate::snapshot::Snapshot::new(crate::synthetic::practices(
            Gazetteer::bundled(),
            5000,
            4,
        )))
    }

    const POLAND: Bbox = Bbox::new(14.0, 49.0, 24.2, 55.0);

    #[test]
    fn counts_are_exact_and_add_up_to_the_matches() {
        let s = snapshot();
        for (zoom, area) in [(5, None), (8, None), (6, Some(Area::Kultura))] {
            let f = Filter {
                bbox: Some(POLAND),
                area,
                ..Filter::default()
            };
            let a = clusters(&s, &f, zoom);
            let expected = s.query(&f).len();
            assert_eq!(a.number_matched, expected);
            let cs = match &a.items {
                Clustered::Clusters(cs) => cs,
                Clustered::Practices(ids) => {
                    assert!(area.is_some(), "{expected} matches were not clustered");
                    assert_eq!(ids.len(), expected);
                    continue;
                }
            };
            assert_eq!(cs.iter().map(|c| c.count).sum::<usize>(), expected);
            for c in cs {
                let e = 1e-9;
                assert!(
                    c.bbox.min_lon - e <= c.lon && c.lon <= c.bbox.max_lon + e,
                    "{c:?}"
                );
                assert!(
                    c.bbox.min_lat - e <= c.lat && c.lat <= c.bbox.max_lat + e,
                    "{c:?}"
                );
                assert_eq!(c.single.is_some(), c.count == 1);
            }
        }
    }

    #[test]
    fn kept_cells_answer_as_the_practices_do() {
        let s = snapshot();
        let boxes = [
            POLAND,
            Bbox::new(18.5, 49.5, 20.5, 50.7),
            Bbox::new(16.9, 51.0, 17.2, 51.2),
            Bbox::new(19.0, 50.0, 19.0001, 50.0001),
            Bbox::new(-10.0, 30.0, 40.0, 70.0),
        ];
        for b in boxes {
            for zoom in [0, 3, 5, 6, 8, 10, 12] {
                let f = Filter {
                    bbox: Some(b),
                    ..Filter::default()
                };
                let kept = clusters_with(&s, &f, zoom, true);
                let scanned = clusters_with(&s, &f, zoom, false);
                assert_eq!(kept.number_matched, scanned.number_matched, "{b:?} {zoom}");
                match (&kept.items, &scanned.items) {
                    (Clustered::Clusters(a), Clustered::Clusters(b)) => {
                        assert_eq!(a.len(), b.len());
                        for (x, y) in a.iter().zip(b) {
                            assert_eq!((x.count, x.bbox, x.single), (y.count, y.bbox, y.single));
                            assert!((x.lon - y.lon).abs() < 1e-9 && (x.lat - y.lat).abs() < 1e-9);
                        }
                    }
                    (a, b) => assert_eq!(a, b),
                }
            }
        }
    }

    #[test]
    fn deeper_zoom_gives_more_and_smaller_cells() {
        let s = snapshot();
        let f = Filter {
            bbox: Some(POLAND),
            ..Filter::default()
        };
        let n = |z| match clusters(&s, &f, z).items {
            Clustered::Clusters(c) => c.len(),
            Clustered::Practices(_) => usize::MAX,
        };
        assert!(n(4) < n(7), "{} vs {}", n(4), n(7));
    }

    #[test]
    fn few_matches_come_one_by_one() {
        let s = snapshot();
        let f = Filter {
            bbox: Some(Bbox::new(19.8, 49.9, 20.2, 50.2)),
            ..Filter::default()
        };
        let a = clusters(&s, &f, 12);
        assert!(a.number_matched <= SINGLES_MAX && a.number_matched > 0);
        assert_eq!(
            a.items,
            Clustered::Practices(s.query(&f).items.iter().map(|m| m.id).collect())
        );
    }
}
