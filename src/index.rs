//! The R-tree over practices and its queries.
//!
//! The tree (rstar, bulk-loaded once) holds, for each placed practice, its id (an
//! index into the dataset's `Vec<Practice>`), its lon/lat, and its position as a
//! unit vector on the sphere. Chord distance between unit vectors grows strictly
//! with great-circle distance (see [`crate::geo_util`]), so the tree's own
//! nearest-neighbour order is great-circle order and radius pruning by chord length
//! is exact; every candidate is then measured with the same haversine function a
//! brute-force scan uses, and ties are broken by id. Radius and k-nearest answers
//! therefore equal a brute-force scan, set and order.
//!
//! ```
//! use mapa_praktyk::index::PracticeIndex;
//! // Three practices: Oświęcim, Dąbrowa Górnicza, Gdańsk.
//! let idx = PracticeIndex::build([(0, 19.2343, 50.0352), (1, 19.2601, 50.344), (2, 18.6389, 54.3522)]);
//! let near = idx.within_radius(19.26, 50.34, 40.0);
//! assert_eq!(near.iter().map(|h| h.id).collect::<Vec<_>>(), vec![1, 0]);
//! assert!(near[0].distance_km() < 1.0);
//! assert_eq!(idx.nearest(18.6, 54.4, 1)[0].id, 2);
//! let pomorze = mapa_praktyk::geo_util::Bbox::new(18.0, 54.0, 19.0, 55.0);
//! assert_eq!(idx.in_bbox(pomorze), vec![2]);
//! ```

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::{
    AABB, ParentNode, PointDistance, RStarInsertionStrategy, RTree, RTreeNode, RTreeObject,
    RTreeParams,
};

use crate::geo_util::{
    Bbox, LonLat, chord_sq_for_km, haversine_km, km_for_chord_sq, rect_envelope, unit_vector,
};

/// Polygon candidates tested between two readings of the clock.
pub const DEADLINE_STRIDE: usize = 64;

/// The cost of visiting one candidate practice of a polygon query, in the
/// unit of [`PracticeIndex::polygon_work`] (one edge test): walking the tree
/// to it and checking its box cost about as much as ten edge tests.
pub const CANDIDATE_COST: u64 = 10;

/// Whether `deadline` is set and has passed.
pub fn passed(deadline: Option<std::time::Instant>) -> bool {
    deadline.is_some_and(|d| std::time::Instant::now() >= d)
}

/// Node sizes of the practice tree: wider nodes than rstar's default (6) make
/// bulk loading and queries over a million points faster (measured with
/// `cargo bench --bench index`).
#[derive(Debug, Clone, Copy)]
pub struct IndexParams;

impl RTreeParams for IndexParams {
    const MIN_SIZE: usize = 5;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// One placed practice in the tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexedPoint {
    xyz: [f64; 3],
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// The practice's index in the dataset.
    pub id: u32,
}

impl RTreeObject for IndexedPoint {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xyz)
    }
}

impl PointDistance for IndexedPoint {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        let d = [self.xyz[0] - p[0], self.xyz[1] - p[1], self.xyz[2] - p[2]];
        d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    }
}

/// A practice found by a distance query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// The practice's index in the dataset.
    pub id: u32,
    /// Squared chord length between the unit vectors of the query point and
    /// the practice (grows strictly with great-circle distance).
    pub chord_sq: f64,
}

impl Hit {
    /// Great-circle distance from the query point, kilometres (equal to the
    /// haversine distance to about 1e-12 km). Computed on demand, so that a
    /// large answer of which one page is shown costs no trigonometry.
    pub fn distance_km(&self) -> f64 {
        km_for_chord_sq(self.chord_sq)
    }
}

/// The spatial index over the placed practices.
#[derive(Debug)]
pub struct PracticeIndex {
    tree: RTree<IndexedPoint, IndexParams>,
    /// How many practices a box holds, at most, in constant time.
    counts: CountGrid,
}

/// Cells a side of [`CountGrid`] has, at most.
const GRID_SIDE: usize = 256;

/// The practices counted on a lon/lat grid over their extent, as a summed-area
/// table: the count of any box's cells, an upper bound of the practices in
/// the box, in four reads.
#[derive(Debug, Clone, Default)]
struct CountGrid {
    min_lon: f64,
    min_lat: f64,
    /// A cell's side, degrees.
    cell: f64,
    cols: usize,
    rows: usize,
    /// `sums[r * (cols + 1) + c]`: the practices in the cells left of column
    /// `c` and below row `r`.
    sums: Vec<u32>,
}

impl CountGrid {
    fn build(points: &[IndexedPoint]) -> CountGrid {
        let Some(first) = points.first() else {
            return CountGrid::default();
        };
        let (mut lo, mut hi) = ((first.lon, first.lat), (first.lon, first.lat));
        for p in points {
            lo = (lo.0.min(p.lon), lo.1.min(p.lat));
            hi = (hi.0.max(p.lon), hi.1.max(p.lat));
        }
        let cell = ((hi.0 - lo.0).max(hi.1 - lo.1) / GRID_SIDE as f64).max(1e-6);
        let mut g = CountGrid {
            min_lon: lo.0,
            min_lat: lo.1,
            cell,
            cols: ((hi.0 - lo.0) / cell) as usize + 1,
            rows: ((hi.1 - lo.1) / cell) as usize + 1,
            sums: Vec::new(),
        };
        let width = g.cols + 1;
        g.sums = vec![0; width * (g.rows + 1)];
        for p in points {
            let (c, r) = (g.col(p.lon), g.row(p.lat));
            g.sums[(r + 1) * width + c + 1] += 1;
        }
        for r in 1..=g.rows {
            for c in 1..=g.cols {
                let i = r * width + c;
                g.sums[i] += g.sums[i - 1] + g.sums[i - width] - g.sums[i - width - 1];
            }
        }
        g
    }

    fn col(&self, lon: f64) -> usize {
        (((lon - self.min_lon) / self.cell).max(0.0) as usize).min(self.cols - 1)
    }

    fn row(&self, lat: f64) -> usize {
        (((lat - self.min_lat) / self.cell).max(0.0) as usize).min(self.rows - 1)
    }

    /// At least the practices in the box: those of every cell it touches.
    fn at_most(&self, b: geo::Rect<f64>) -> u64 {
        if self.sums.is_empty()
            || b.max().x < self.min_lon
            || b.max().y < self.min_lat
            || b.min().x > self.min_lon + self.cols as f64 * self.cell
            || b.min().y > self.min_lat + self.rows as f64 * self.cell
        {
            return 0;
        }
        let (c0, c1) = (self.col(b.min().x), self.col(b.max().x) + 1);
        let (r0, r1) = (self.row(b.min().y), self.row(b.max().y) + 1);
        let w = self.cols + 1;
        let s = |r: usize, c: usize| u64::from(self.sums[r * w + c]);
        s(r1, c1) + s(r0, c0) - s(r0, c1) - s(r1, c0)
    }
}

impl Default for PracticeIndex {
    fn default() -> Self {
        PracticeIndex::build(std::iter::empty())
    }
}

/// Sorts hits nearest first: by chord length (great-circle order), ties by id.
pub fn sort_nearest_first(hits: &mut [Hit]) {
    hits.sort_unstable_by_key(hit_key);
}

/// The squared-chord band around a radius within which rounding could matter.
#[derive(Debug, Clone, Copy)]
struct Boundary {
    surely_in: f64,
    surely_out: f64,
    radius_km: f64,
}

impl Boundary {
    fn new(radius_km: f64) -> Boundary {
        let chord_sq = |km: f64| {
            let theta = (km / crate::geo_util::EARTH_RADIUS_KM).clamp(0.0, std::f64::consts::PI);
            let c = 2.0 * (theta / 2.0).sin();
            c * c
        };
        Boundary {
            surely_in: chord_sq(radius_km) * (1.0 - 1e-9) - 1e-15,
            surely_out: chord_sq_for_km(radius_km),
            radius_km,
        }
    }

    /// Whether a candidate lies within the radius: decided by chord length
    /// except within rounding of the boundary, where the haversine distance
    /// (what a brute-force scan computes) decides.
    fn inside(&self, p: &IndexedPoint, chord_sq: f64, lon: f64, lat: f64) -> bool {
        if chord_sq <= self.surely_in {
            true
        } else if chord_sq > self.surely_out {
            false
        } else {
            haversine_km(LonLat::new(lon, lat), LonLat::new(p.lon, p.lat)) <= self.radius_km
        }
    }
}

/// Pushes every point of the subtree within the radius. The same pruning as
/// rstar's `locate_within_distance` (a child box farther than the radius is
/// skipped), walked by recursion over the node slices rather than through an
/// iterator's explicit stack: at a million points a 10 km radius, sorted
/// nearest first, went from 80–88 µs to 57–60 µs (`cargo bench --bench index`,
/// `radius_10km`).
fn collect_within(
    node: &ParentNode<IndexedPoint>,
    q: &[f64; 3],
    b: &Boundary,
    lon: f64,
    lat: f64,
    out: &mut Vec<Hit>,
) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(p) => {
                let chord_sq = p.distance_2(q);
                if b.inside(p, chord_sq, lon, lat) {
                    out.push(Hit { id: p.id, chord_sq });
                }
            }
            RTreeNode::Parent(inner) => {
                if inner.envelope().distance_2(q) <= b.surely_out {
                    collect_within(inner, q, b, lon, lat, out);
                }
            }
        }
    }
}

/// Children of one node the k-nearest search sorts on the stack.
const NEAREST_ON_STACK: usize = 2 * IndexParams::MAX_SIZE;

/// The order of answers: chord length, then id. Non-negative floats order
/// like their bit patterns, so the length compares as an integer.
fn hit_key(h: &Hit) -> (u64, u32) {
    (h.chord_sq.to_bits(), h.id)
}

/// Depth-first k-nearest search (branch and bound): children are visited
/// nearest box first, and a box farther than the current k-th best (or the
/// radius) is skipped. `best` stays sorted by [`hit_key`] and at most `k`
/// long, so the answer is the first k of a full sort, ties included. No heap
/// allocation per query for the usual node widths, unlike rstar's best-first
/// iterator: at a million points k = 10 took 3.9 µs instead of 5.0–5.2 µs
/// (`cargo bench --bench index`, `k10_nearest`).
fn nearest_in<const ON_STACK: usize>(
    node: &ParentNode<IndexedPoint>,
    q: &[f64; 3],
    k: usize,
    b: &Boundary,
    lon: f64,
    lat: f64,
    best: &mut Vec<Hit>,
) {
    let bound = |best: &Vec<Hit>| {
        if best.len() == k {
            best[k - 1].chord_sq
        } else {
            b.surely_out
        }
    };
    // Child boxes and their distances, on the stack for the usual node sizes
    // (bulk loading can make a node wider than `MAX_SIZE`; those use the heap).
    let mut stack: [(f64, Option<&ParentNode<IndexedPoint>>); ON_STACK] = [(0.0, None); ON_STACK];
    let mut heap = Vec::new();
    let inner: &mut [(f64, Option<&ParentNode<IndexedPoint>>)] =
        if node.children().len() <= ON_STACK {
            &mut stack
        } else {
            heap.resize(node.children().len(), (0.0, None));
            &mut heap
        };
    let mut len = 0;
    for child in node.children() {
        match child {
            RTreeNode::Leaf(p) => {
                let chord_sq = p.distance_2(q);
                if chord_sq > bound(best) || !b.inside(p, chord_sq, lon, lat) {
                    continue;
                }
                let hit = Hit { id: p.id, chord_sq };
                let at = best.partition_point(|h| hit_key(h) < hit_key(&hit));
                if at < k {
                    best.insert(at, hit);
                    best.truncate(k);
                }
            }
            RTreeNode::Parent(n) => {
                inner[len] = (n.envelope().distance_2(q), Some(n));
                len += 1;
            }
        }
    }
    let inner = &mut inner[..len];
    inner.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    for &(d, n) in inner.iter() {
        if d > bound(best) {
            break;
        }
        if let Some(n) = n {
            nearest_in::<ON_STACK>(n, q, k, b, lon, lat, best);
        }
    }
}

impl PracticeIndex {
    /// Bulk-loads the tree from `(id, lon, lat)` triples.
    pub fn build(points: impl IntoIterator<Item = (u32, f64, f64)>) -> PracticeIndex {
        let pts: Vec<IndexedPoint> = points
            .into_iter()
            .map(|(id, lon, lat)| IndexedPoint {
                xyz: unit_vector(lon, lat),
                lon,
                lat,
                id,
            })
            .collect();
        PracticeIndex {
            counts: CountGrid::build(&pts),
            tree: RTree::bulk_load_with_params(pts),
        }
    }

    /// Number of placed practices.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether no practice is placed.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Every practice within `radius_km` (great-circle) of the point, nearest
    /// first, ties by id. Distances are great-circle kilometres computed from
    /// the chord (equal to haversine's to about 1e-12 km).
    pub fn within_radius(&self, lon: f64, lat: f64, radius_km: f64) -> Vec<Hit> {
        let mut hits = self.within_radius_unordered(lon, lat, radius_km);
        sort_nearest_first(&mut hits);
        hits
    }

    /// The same set as [`PracticeIndex::within_radius`] in the tree's order,
    /// for callers that filter before sorting ([`sort_nearest_first`]).
    pub fn within_radius_unordered(&self, lon: f64, lat: f64, radius_km: f64) -> Vec<Hit> {
        let q = unit_vector(lon, lat);
        let b = Boundary::new(radius_km);
        // Room for a typical "near me" answer without regrowing from empty.
        let mut hits: Vec<Hit> = Vec::with_capacity(256);
        collect_within(self.tree.root(), &q, &b, lon, lat, &mut hits);
        hits
    }

    /// The `k` practices nearest the point (great-circle), nearest first, ties
    /// by id.
    pub fn nearest(&self, lon: f64, lat: f64, k: usize) -> Vec<Hit> {
        self.nearest_within(lon, lat, k, f64::INFINITY)
    }

    /// The `k` nearest practices no farther than `max_km`.
    pub fn nearest_within(&self, lon: f64, lat: f64, k: usize, max_km: f64) -> Vec<Hit> {
        if k == 0 {
            return Vec::new();
        }
        let q = unit_vector(lon, lat);
        let b = Boundary::new(max_km);
        let mut best: Vec<Hit> = Vec::with_capacity(k.min(1024) + 1);
        nearest_in::<NEAREST_ON_STACK>(self.tree.root(), &q, k, &b, lon, lat, &mut best);
        best
    }

    /// Every practice inside the lon/lat box (edges included), by id.
    /// `min_lon <= max_lon` and `min_lat <= max_lat` are the caller's to check.
    pub fn in_bbox(&self, b: Bbox) -> Vec<u32> {
        let (lo, hi) = rect_envelope(b.min_lon, b.min_lat, b.max_lon, b.max_lat);
        let mut ids: Vec<u32> = self
            .tree
            .locate_in_envelope(&AABB::from_corners(lo, hi))
            .filter(|p| b.contains(LonLat::new(p.lon, p.lat)))
            .map(|p| p.id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Every practice inside (or on the boundary of) the multipolygon, by id.
    /// Holes are honoured.
    pub fn in_polygon(&self, area: &MultiPolygon<f64>) -> Vec<u32> {
        self.in_polygon_while(area, || true)
    }

    /// [`PracticeIndex::in_polygon`] that gives up once `deadline` has passed (the
    /// clock is read every [`DEADLINE_STRIDE`] candidates): what it returns
    /// then is incomplete, and the caller, who set the deadline, discards it.
    pub fn in_polygon_until(
        &self,
        area: &MultiPolygon<f64>,
        deadline: Option<std::time::Instant>,
    ) -> Vec<u32> {
        self.in_polygon_while(area, || !passed(deadline))
    }

    /// [`PracticeIndex::in_polygon`] that gives up once `go_on` (asked every
    /// [`DEADLINE_STRIDE`] candidates) says no; what it returns then is
    /// incomplete. Each polygon of the area is tested only on the practices
    /// in its own box, so the work is [`PracticeIndex::polygon_work`].
    pub fn in_polygon_while(&self, area: &MultiPolygon<f64>, go_on: impl Fn() -> bool) -> Vec<u32> {
        let mut ids = Vec::new();
        let mut tested = 0usize;
        for part in &area.0 {
            let Some(b) = part.bounding_rect() else {
                continue;
            };
            for p in self.in_rect(b) {
                if tested % DEADLINE_STRIDE == 0 && !go_on() {
                    ids.sort_unstable();
                    ids.dedup();
                    return ids;
                }
                tested += 1;
                if part.intersects(&Point::new(p.lon, p.lat)) {
                    ids.push(p.id);
                }
            }
        }
        ids.sort_unstable();
        // Polygons of one area may overlap.
        ids.dedup();
        ids
    }

    /// The work of [`PracticeIndex::in_polygon`] on `area`, estimated from
    /// above before doing it, in constant time per polygon: for each polygon,
    /// the practices in its box (counted on a grid, so a few more near its
    /// edges) times its positions plus [`CANDIDATE_COST`] (the edge tests its
    /// exact test makes, and the cost of visiting the practice).
    pub fn polygon_work(&self, area: &MultiPolygon<f64>) -> u64 {
        use geo::CoordsIter;
        area.0
            .iter()
            .filter_map(|part| {
                let b = part.bounding_rect()?;
                let positions = part.coords_count() as u64;
                Some(
                    self.counts
                        .at_most(b)
                        .saturating_mul(positions + CANDIDATE_COST),
                )
            })
            .fold(0u64, u64::saturating_add)
    }

    /// The practices inside a lon/lat rectangle (edges included), in the
    /// tree's order.
    fn in_rect(&self, b: geo::Rect<f64>) -> impl Iterator<Item = &IndexedPoint> {
        let (lo, hi) = rect_envelope(b.min().x, b.min().y, b.max().x, b.max().y);
        self.tree
            .locate_in_envelope(&AABB::from_corners(lo, hi))
            .filter(move |p| {
                p.lon >= b.min().x && p.lon <= b.max().x && p.lat >= b.min().y && p.lat <= b.max().y
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};
    use proptest::prelude::*;

    /// Brute force: (id, haversine km) of every point, sorted by distance then id.
    fn brute(points: &[(u32, f64, f64)], lon: f64, lat: f64) -> Vec<(u32, f64)> {
        let mut all: Vec<(u32, f64)> = points
            .iter()
            .map(|&(id, plon, plat)| {
                (
                    id,
                    haversine_km(LonLat::new(lon, lat), LonLat::new(plon, plat)),
                )
            })
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        all
    }

    /// Same ids in the same order, distances equal to haversine's within 1e-9 km.
    fn same(got: &[Hit], want: &[(u32, f64)]) -> Result<(), TestCaseError> {
        let g: Vec<u32> = got.iter().map(|h| h.id).collect();
        let w: Vec<u32> = want.iter().map(|h| h.0).collect();
        prop_assert_eq!(g, w);
        for (a, b) in got.iter().zip(want) {
            prop_assert!(
                (a.distance_km() - b.1).abs() < 1e-9,
                "{} vs {}",
                a.distance_km(),
                b.1
            );
        }
        Ok(())
    }

    fn points_strategy() -> impl Strategy<Value = Vec<(u32, f64, f64)>> {
        // Poland and around it, a quarter snapped to a 0.2° grid (so that
        // equal distances, ties, occur), up to a few thousand points (trees
        // several levels deep), plus three far-away points.
        prop::collection::vec((13.0f64..25.0, 48.0f64..56.0, 0u8..4), 0..3000).prop_map(|v| {
            let snap = |x: f64| (x * 5.0).round() / 5.0;
            v.into_iter()
                .map(|(lon, lat, s)| {
                    if s == 0 {
                        (snap(lon), snap(lat))
                    } else {
                        (lon, lat)
                    }
                })
                .chain([(-74.0, 40.7), (151.2, -33.9), (179.9, 0.0)])
                .enumerate()
                .map(|(i, (lon, lat))| (i as u32, lon, lat))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn radius_equals_brute_force(points in points_strategy(), lon in 13.0f64..25.0, lat in 48.0f64..56.0, r in 0.5f64..400.0) {
            let idx = PracticeIndex::build(points.clone());
            let got = idx.within_radius(lon, lat, r);
            let want: Vec<(u32, f64)> = brute(&points, lon, lat).into_iter().filter(|h| h.1 <= r).collect();
            same(&got, &want)?;
        }

        #[test]
        fn nearest_equals_brute_force(points in points_strategy(), lon in 13.0f64..25.0, lat in 48.0f64..56.0, k in 1usize..50) {
            let idx = PracticeIndex::build(points.clone());
            let got = idx.nearest(lon, lat, k);
            let mut want = brute(&points, lon, lat);
            want.truncate(k);
            same(&got, &want)?;
        }

        #[test]
        fn nearest_within_equals_brute_force(points in points_strategy(), lon in 13.0f64..25.0, lat in 48.0f64..56.0, k in 1usize..50, r in 1.0f64..300.0) {
            let idx = PracticeIndex::build(points.clone());
            let got = idx.nearest_within(lon, lat, k, r);
            let mut want: Vec<(u32, f64)> = brute(&points, lon, lat).into_iter().filter(|h| h.1 <= r).collect();
            want.truncate(k);
            same(&got, &want)?;
        }

        #[test]
        fn bbox_equals_brute_force(points in points_strategy(), a in 13.0f64..25.0, b in 48.0f64..56.0, w in 0.0f64..6.0, h in 0.0f64..4.0) {
            let idx = PracticeIndex::build(points.clone());
            let got = idx.in_bbox(Bbox::new(a, b, a + w, b + h));
            let want: Vec<u32> = points.iter().filter(|p| p.1 >= a && p.1 <= a + w && p.2 >= b && p.2 <= b + h).map(|p| p.0).collect();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn a_deep_tree_with_wide_nodes_agrees_with_brute_force() {
        // 200,000 points: enough levels that bulk loading makes nodes wider
        // than MAX_SIZE.
        use rand::{Rng, SeedableRng, rngs::SmallRng};
        let mut rng = SmallRng::seed_from_u64(7);
        let points: Vec<(u32, f64, f64)> = (0..200_000)
            .map(|i| {
                (
                    i,
                    rng.random_range(14.0..24.2),
                    rng.random_range(49.0..54.9),
                )
            })
            .collect();
        let idx = PracticeIndex::build(points.clone());
        fn widest(n: &ParentNode<IndexedPoint>) -> usize {
            n.children()
                .iter()
                .map(|c| match c {
                    RTreeNode::Parent(p) => widest(p),
                    RTreeNode::Leaf(_) => 0,
                })
                .fold(n.children().len(), usize::max)
        }
        let w = widest(idx.tree.root());
        assert!(
            w > IndexParams::MAX_SIZE,
            "the widest node has {w} children; the test should cover one wider than MAX_SIZE"
        );
        for _ in 0..5 {
            let (lon, lat) = (rng.random_range(14.0..24.0), rng.random_range(49.0..55.0));
            let want = brute(&points, lon, lat);
            same(&idx.nearest(lon, lat, 25), &want[..25]).unwrap();
            // With a buffer of 4 children every node takes the heap path.
            let b = Boundary::new(f64::INFINITY);
            let q = unit_vector(lon, lat);
            let mut heap_path = Vec::new();
            nearest_in::<4>(idx.tree.root(), &q, 25, &b, lon, lat, &mut heap_path);
            same(&heap_path, &want[..25]).unwrap();
            let r = 8.0;
            let inside: Vec<(u32, f64)> = want.iter().copied().filter(|h| h.1 <= r).collect();
            same(&idx.within_radius(lon, lat, r), &inside).unwrap();
        }
    }

    #[test]
    fn ties_are_broken_by_id() {
        let idx = PracticeIndex::build([(5, 19.0, 50.0), (2, 19.0, 50.0), (9, 19.0, 50.0)]);
        let ids: Vec<u32> = idx.nearest(19.1, 50.1, 2).iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![2, 5]);
    }

    #[test]
    fn polygon_with_hole_excludes_the_hole() {
        let outer = LineString::from(vec![
            (18.0, 49.0),
            (20.0, 49.0),
            (20.0, 51.0),
            (18.0, 51.0),
            (18.0, 49.0),
        ]);
        let hole = LineString::from(vec![
            (18.5, 49.5),
            (19.5, 49.5),
            (19.5, 50.5),
            (18.5, 50.5),
            (18.5, 49.5),
        ]);
        let mp = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
        let idx = PracticeIndex::build([
            (0, 19.0, 50.0),
            (1, 18.2, 49.2),
            (2, 21.0, 50.0),
            (3, 20.0, 50.0),
        ]);
        assert_eq!(idx.in_polygon(&mp), vec![1, 3]);
    }

    #[test]
    fn polygon_work_counts_each_polygon_on_its_own_box() {
        let square = |x: f64, y: f64, side: f64| {
            Polygon::new(
                LineString::from(vec![
                    (x, y),
                    (x + side, y),
                    (x + side, y + side),
                    (x, y + side),
                    (x, y),
                ]),
                vec![],
            )
        };
        // A 10 × 10 grid of practices, one a degree apart.
        let idx = PracticeIndex::build(
            (0..100u32).map(|i| (i, 14.0 + f64::from(i % 10), 49.0 + f64::from(i / 10))),
        );
        // Two overlapping squares of 5 positions over 4 and 9 practices: at
        // least that work, and not much more (the grid's cells on the edges).
        let mp = MultiPolygon(vec![square(13.5, 48.5, 2.0), square(13.5, 48.5, 3.0)]);
        let exact = (5 + CANDIDATE_COST) * (4 + 9);
        let work = idx.polygon_work(&mp);
        assert!(work >= exact && work <= 2 * exact, "{work} for {exact}");
        // A box between the practices holds none; the whole grid, all.
        assert_eq!(
            idx.polygon_work(&MultiPolygon(vec![square(14.2, 49.2, 0.5)])),
            0
        );
        assert_eq!(
            idx.polygon_work(&MultiPolygon(vec![square(0.0, 0.0, 90.0)])),
            100 * (5 + CANDIDATE_COST)
        );
        // Overlapping polygons name each practice once.
        assert_eq!(idx.in_polygon(&mp), vec![0, 1, 2, 10, 11, 12, 20, 21, 22]);
    }

    #[test]
    fn empty_index_answers_empty() {
        let idx = PracticeIndex::build(std::iter::empty());
        assert!(idx.nearest(19.0, 50.0, 10).is_empty());
        assert!(idx.within_radius(19.0, 50.0, 10.0).is_empty());
        assert!(idx.in_bbox(Bbox::new(0.0, 0.0, 1.0, 1.0)).is_empty());
    }
}
