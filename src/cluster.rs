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

/// Groups the practices matching `filter` (whose `bbox` is the viewport) for a
/// map at `zoom`. A filter with a centre (`near`) is answered as it is by
/// [`Snapshot::query`], then grouped.
pub fn clusters(snapshot: &Snapshot, filter: &Filter, zoom: u8) -> ClusterAnswer {
    let matches = snapshot.query(filter);
    let number_matched = matches.len();
    let placed = matches
        .items
        .iter()
        .filter_map(|m| snapshot.practice(m.id).lon_lat().map(|p| (m.id, p)));
    if number_matched <= SINGLES_MAX {
        return ClusterAnswer {
            number_matched,
            items: Clustered::Practices(placed.map(|(id, _)| id).collect()),
        };
    }
    let cells = 2f64.powi(i32::from(zoom.min(MAX_ZOOM))) * CELLS_PER_TILE;
    let mut grid: std::collections::HashMap<
        (u32, u32),
        (Cluster, f64, f64),
        foldhash::fast::RandomState,
    > = Default::default();
    for (id, (lon, lat)) in placed {
        let (x, y) = mercator(lon, lat);
        let key = (
            (x * cells).clamp(0.0, cells - 1.0) as u32,
            (y * cells).clamp(0.0, cells - 1.0) as u32,
        );
        let e = grid.entry(key).or_insert_with(|| {
            (
                Cluster {
                    count: 0,
                    lon,
                    lat,
                    bbox: [lon, lat, lon, lat],
                    single: Some(id),
                },
                0.0,
                0.0,
            )
        });
        e.0.count += 1;
        e.1 += lon;
        e.2 += lat;
        let b = &mut e.0.bbox;
        b[0] = b[0].min(lon);
        b[1] = b[1].min(lat);
        b[2] = b[2].max(lon);
        b[3] = b[3].max(lat);
    }
    let mut out: Vec<((u32, u32), Cluster)> = grid
        .into_iter()
        .map(|(k, (mut c, sx, sy))| {
            c.lon = sx / c.count as f64;
            c.lat = sy / c.count as f64;
            if c.count > 1 {
                c.single = None;
            }
            (k, c)
        })
        .collect();
    out.sort_unstable_by_key(|(k, _)| (k.1, k.0));
    ClusterAnswer {
        number_matched,
        items: Clustered::Clusters(out.into_iter().map(|(_, c)| c).collect()),
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
