//! Server-side clustering for the map at any dataset size: the practices that
//! match a filter inside a viewport, grouped into cells of a Web Mercator grid
//! that follows the map's zoom, with exact counts. A viewport with few matches
//! is answered with the practices themselves.
//!
//! No HTTP here; [`crate::geojson::write_clusters`] shapes the output.

use crate::query::{Filter, Snapshot};

/// Up to this many matches in the viewport are answered one by one.
pub const SINGLES_MAX: usize = 500;
/// Grid cells per 256-pixel map tile side (a cell is 64 pixels wide).
pub const CELLS_PER_TILE: f64 = 4.0;
/// Deepest zoom with cells; beyond it cells stop shrinking.
pub const MAX_ZOOM: u8 = 22;

/// One cell's practices.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// How many matching practices the cell holds.
    pub count: usize,
    /// Their mean position (longitude).
    pub lon: f64,
    /// Their mean position (latitude).
    pub lat: f64,
    /// Their bounding box `[min_lon, min_lat, max_lon, max_lat]`, to zoom to.
    pub bbox: [f64; 4],
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

/// Web Mercator x, y in [0, 1] (y grows southwards).
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    (x, y)
}

/// Cells per side at the deepest zoom.
const FINE_CELLS: f64 = (1u64 << (MAX_ZOOM as u32 + 2)) as f64;
/// Zooms up to this one have their whole-dataset cells counted once and kept.
pub const PYRAMID_MAX_ZOOM: u8 = 12;

/// A practice's cell at the deepest zoom; a cell at zoom `z` is this shifted
/// right by `MAX_ZOOM - z` (cells halve exactly from zoom to zoom).
fn fine_cell(lon: f64, lat: f64) -> (u32, u32) {
    let (x, y) = mercator(lon, lat);
    let c = |v: f64| (v * FINE_CELLS).clamp(0.0, FINE_CELLS - 1.0) as u32;
    (c(x), c(y))
}

/// One cell being summed up.
#[derive(Debug, Clone)]
struct Acc {
    count: usize,
    sum_lon: f64,
    sum_lat: f64,
    bbox: [f64; 4],
    first: u32,
}

impl Acc {
    fn new(id: u32, lon: f64, lat: f64) -> Acc {
        Acc {
            count: 0,
            sum_lon: 0.0,
            sum_lat: 0.0,
            bbox: [lon, lat, lon, lat],
            first: id,
        }
    }

    fn add(&mut self, lon: f64, lat: f64) {
        self.count += 1;
        self.sum_lon += lon;
        self.sum_lat += lat;
        let b = &mut self.bbox;
        b[0] = b[0].min(lon);
        b[1] = b[1].min(lat);
        b[2] = b[2].max(lon);
        b[3] = b[3].max(lat);
    }

    fn cluster(&self) -> Cluster {
        Cluster {
            count: self.count,
            lon: self.sum_lon / self.count as f64,
            lat: self.sum_lat / self.count as f64,
            bbox: self.bbox,
            single: (self.count == 1).then_some(self.first),
        }
    }
}

type Key = (u32, u32);

/// Sums up practices by cell: `(key, id, lon, lat)` in dataset order.
fn sum_cells(points: impl Iterator<Item = (Key, u32, f64, f64)>) -> Vec<(Key, Acc)> {
    let mut grid: std::collections::HashMap<Key, Acc, foldhash::fast::RandomState> =
        Default::default();
    for (key, id, lon, lat) in points {
        grid.entry(key)
            .or_insert_with(|| Acc::new(id, lon, lat))
            .add(lon, lat);
    }
    let mut out: Vec<(Key, Acc)> = grid.into_iter().collect();
    // North to south, then west to east.
    out.sort_unstable_by_key(|(k, _)| (k.1, k.0));
    out
}

/// The clustering grid of a snapshot's placed practices: each one's cell at
/// the deepest zoom, and the whole-dataset cells of each zoom up to
/// [`PYRAMID_MAX_ZOOM`], each made on first use.
#[derive(Debug, Default)]
pub struct Grid {
    fine: std::sync::OnceLock<Vec<Key>>,
    levels: [std::sync::OnceLock<Vec<(Key, Acc)>>; PYRAMID_MAX_ZOOM as usize + 1],
}

impl Grid {
    fn fine(&self, s: &Snapshot) -> &[Key] {
        self.fine.get_or_init(|| {
            (0..s.len() as u32)
                .map(|i| {
                    s.lon_lat(i)
                        .map_or((0, 0), |(lon, lat)| fine_cell(lon, lat))
                })
                .collect()
        })
    }

    fn key(&self, s: &Snapshot, i: u32, zoom: u8) -> Key {
        let (x, y) = self.fine(s)[i as usize];
        let shift = MAX_ZOOM - zoom.min(MAX_ZOOM);
        (x >> shift, y >> shift)
    }

    /// Makes every kept level now rather than on the first request.
    pub fn warm_up(&self, s: &Snapshot) {
        for zoom in 0..=PYRAMID_MAX_ZOOM {
            self.level(s, zoom);
        }
    }

    fn level(&self, s: &Snapshot, zoom: u8) -> &[(Key, Acc)] {
        self.levels[usize::from(zoom)].get_or_init(|| {
            self.fine(s);
            sum_cells((0..s.len() as u32).filter_map(|i| {
                s.lon_lat(i)
                    .map(|(lon, lat)| (self.key(s, i, zoom), i, lon, lat))
            }))
        })
    }
}

/// Whether a filter is only a box, so the kept cells answer it.
fn only_bbox(f: &Filter) -> Option<[f64; 4]> {
    let bare = f.near.is_none() && f.within.is_none() && f.text.is_none() && f.has_no_predicates();
    if bare { f.bbox } else { None }
}

/// The cells of a box with no other filter, from the kept cells: a cell
/// wholly inside the box as kept, one on its edge summed again from the
/// practices inside the box. `None` when the box holds few practices.
fn box_cells(s: &Snapshot, b: [f64; 4], zoom: u8) -> Option<(usize, Vec<(Key, Acc)>)> {
    let grid = s.grid();
    let mut out = Vec::new();
    let mut edge: Vec<Key> = Vec::new();
    let mut total = 0;
    for (key, acc) in grid.level(s, zoom) {
        let c = acc.bbox;
        if c[2] < b[0] || c[0] > b[2] || c[3] < b[1] || c[1] > b[3] {
            continue;
        }
        if c[0] >= b[0] && c[2] <= b[2] && c[1] >= b[1] && c[3] <= b[3] {
            total += acc.count;
            out.push((*key, acc.clone()));
        } else {
            edge.push(*key);
        }
    }
    if !edge.is_empty() {
        edge.sort_unstable();
        let inside = s.index().in_bbox(b[0], b[1], b[2], b[3]);
        let on_edge = inside.into_iter().filter_map(|i| {
            let key = grid.key(s, i, zoom);
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

/// Groups the practices matching `filter` (whose `bbox` is the viewport) for a
/// map at `zoom`. A filter with a centre (`near`) is answered as it is by
/// [`Snapshot::query`], then grouped.
pub fn clusters(snapshot: &Snapshot, filter: &Filter, zoom: u8) -> ClusterAnswer {
    clusters_with(snapshot, filter, zoom, true)
}

/// [`clusters`], from the kept cells when `use_kept` allows it.
fn clusters_with(snapshot: &Snapshot, filter: &Filter, zoom: u8, use_kept: bool) -> ClusterAnswer {
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
            let grid = snapshot.grid();
            let points = ids.into_iter().filter_map(|i| {
                let (lon, lat) = snapshot.lon_lat(i)?;
                Some((grid.key(snapshot, i, zoom), i, lon, lat))
            });
            (number_matched, sum_cells(points))
        }
    };
    ClusterAnswer {
        number_matched,
        items: Clustered::Clusters(cells.iter().map(|(_, a)| a.cluster()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use crate::practice::Area;

    fn snapshot() -> Snapshot {
        Snapshot::new(crate::synthetic::practices(Gazetteer::bundled(), 5000, 4))
    }

    const POLAND: [f64; 4] = [14.0, 49.0, 24.2, 55.0];

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
                assert!(c.bbox[0] - e <= c.lon && c.lon <= c.bbox[2] + e, "{c:?}");
                assert!(c.bbox[1] - e <= c.lat && c.lat <= c.bbox[3] + e, "{c:?}");
                assert_eq!(c.single.is_some(), c.count == 1);
            }
        }
    }

    #[test]
    fn kept_cells_answer_as_the_practices_do() {
        let s = snapshot();
        let boxes = [
            POLAND,
            [18.5, 49.5, 20.5, 50.7],
            [16.9, 51.0, 17.2, 51.2],
            [19.0, 50.0, 19.0001, 50.0001],
            [-10.0, 30.0, 40.0, 70.0],
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
            bbox: Some([19.8, 49.9, 20.2, 50.2]),
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
