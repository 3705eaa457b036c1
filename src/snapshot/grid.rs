//! The clustering grid of a snapshot's placed practices: a Web Mercator grid
//! that follows the map's zoom, each practice's cell at the deepest zoom, and
//! the whole-dataset cell sums of the shallower zooms (a pyramid), each made
//! on first use. The answer for a viewport is built from them elsewhere.

use std::sync::OnceLock;

use super::columns::Attrs;
use crate::geo_util::{Bbox, LonLat};

/// Grid cells per 256-pixel map tile side (a cell is 64 pixels wide).
pub const CELLS_PER_TILE: f64 = 4.0;
/// Deepest zoom with cells; beyond it cells stop shrinking.
pub const MAX_ZOOM: u8 = 22;
/// Zooms up to this one have their whole-dataset cells counted once and kept.
pub const PYRAMID_MAX_ZOOM: u8 = 12;

/// Web Mercator x, y in [0, 1] (y grows southwards).
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    (x, y)
}

/// Cells per side at the deepest zoom ([`CELLS_PER_TILE`] is 2²).
const FINE_CELLS: f64 = (1u64 << (MAX_ZOOM as u32 + 2)) as f64;

/// A practice's cell at the deepest zoom; a cell at zoom `z` is this shifted
/// right by `MAX_ZOOM - z` (cells halve exactly from zoom to zoom).
fn fine_cell(lon: f64, lat: f64) -> (u32, u32) {
    let (x, y) = mercator(lon, lat);
    let c = |v: f64| (v * FINE_CELLS).clamp(0.0, FINE_CELLS - 1.0) as u32;
    (c(x), c(y))
}

/// A cell: x (west to east) and y (north to south) at its zoom.
pub(crate) type Key = (u32, u32);

/// One cell's practices summed up.
#[derive(Debug, Clone)]
pub(crate) struct CellSum {
    /// How many.
    pub(crate) count: usize,
    /// Sum of their longitudes.
    pub(crate) sum_lon: f64,
    /// Sum of their latitudes.
    pub(crate) sum_lat: f64,
    /// Their bounding box.
    pub(crate) bbox: Bbox,
    /// The first of them in dataset order.
    pub(crate) first: u32,
}

impl CellSum {
    /// An empty sum whose first practice is `id`, at the given position.
    pub(crate) fn new(id: u32, lon: f64, lat: f64) -> CellSum {
        CellSum {
            count: 0,
            sum_lon: 0.0,
            sum_lat: 0.0,
            bbox: Bbox::new(lon, lat, lon, lat),
            first: id,
        }
    }

    /// Counts one more practice at this position.
    pub(crate) fn add(&mut self, lon: f64, lat: f64) {
        self.count += 1;
        self.sum_lon += lon;
        self.sum_lat += lat;
        self.bbox = self.bbox.including(LonLat::new(lon, lat));
    }

    /// Takes out a practice at this position that was counted; `false` when
    /// the sum can no longer be told by subtraction (the position lies on
    /// the box's edge, which may shrink, or at most one practice would stay,
    /// whose id the sum does not know): the cell must then be summed again.
    pub(crate) fn remove(&mut self, lon: f64, lat: f64) -> bool {
        let b = self.bbox;
        let on_edge = lon == b.min_lon || lon == b.max_lon || lat == b.min_lat || lat == b.max_lat;
        if on_edge || self.count <= 2 {
            return false;
        }
        self.count -= 1;
        self.sum_lon -= lon;
        self.sum_lat -= lat;
        true
    }
}

/// Sums up practices by cell: `(key, id, lon, lat)` in dataset order; the
/// cells north to south, then west to east.
pub(crate) fn sum_cells(points: impl Iterator<Item = (Key, u32, f64, f64)>) -> Vec<(Key, CellSum)> {
    let mut grid: std::collections::HashMap<Key, CellSum, foldhash::fast::RandomState> =
        Default::default();
    for (key, id, lon, lat) in points {
        grid.entry(key)
            .or_insert_with(|| CellSum::new(id, lon, lat))
            .add(lon, lat);
    }
    let mut out: Vec<(Key, CellSum)> = grid.into_iter().collect();
    // North to south, then west to east.
    out.sort_unstable_by_key(|(k, _)| (k.1, k.0));
    out
}

/// Each placed practice's cell at the deepest zoom, and the whole-dataset
/// cells of each zoom up to [`PYRAMID_MAX_ZOOM`], each made on first use.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    fine: OnceLock<Vec<Key>>,
    levels: [OnceLock<Vec<(Key, CellSum)>>; PYRAMID_MAX_ZOOM as usize + 1],
}

impl Grid {
    fn fine(&self, rows: &Attrs) -> &[Key] {
        self.fine.get_or_init(|| {
            (0..rows.len() as u32)
                .map(|i| {
                    rows.get(i)
                        .lon_lat()
                        .map_or((0, 0), |(lon, lat)| fine_cell(lon, lat))
                })
                .collect()
        })
    }

    /// The cell of practice `i` at a zoom.
    pub(crate) fn key(&self, rows: &Attrs, i: u32, zoom: u8) -> Key {
        let (x, y) = self.fine(rows)[i as usize];
        let shift = MAX_ZOOM - zoom.min(MAX_ZOOM);
        (x >> shift, y >> shift)
    }

    /// Makes every kept level now rather than on the first request.
    pub(crate) fn warm_up(&self, rows: &Attrs) {
        for zoom in 0..=PYRAMID_MAX_ZOOM {
            self.level(rows, zoom);
        }
    }

    /// The whole dataset's cells at a zoom up to [`PYRAMID_MAX_ZOOM`].
    pub(crate) fn level(&self, rows: &Attrs, zoom: u8) -> &[(Key, CellSum)] {
        self.levels[usize::from(zoom)].get_or_init(|| {
            self.fine(rows);
            sum_cells((0..rows.len() as u32).filter_map(|i| {
                rows.get(i)
                    .lon_lat()
                    .map(|(lon, lat)| (self.key(rows, i, zoom), i, lon, lat))
            }))
        })
    }
}
