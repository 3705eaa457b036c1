//! Great-circle geometry shared by the geocoder and the practice index.
//!
//! Points are stored in R-trees as unit vectors on the sphere (x, y, z). The
//! Euclidean (chord) distance between two unit vectors is `2 sin(θ/2)` for the
//! central angle θ, which grows strictly with θ on `[0, π]`: ordering by chord
//! distance is ordering by great-circle distance, so the tree's own nearest-neighbour
//! order and radius pruning agree with haversine distances. Candidates are then
//! refined with [`haversine_km`] itself, so answers equal a brute-force scan.

use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

/// A point on the Earth as WGS84 degrees, longitude first (x, then y), with
/// named fields so that a swapped pair cannot compile unnoticed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

impl LonLat {
    /// A point from its longitude and latitude.
    pub const fn new(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }
}

impl From<LonLat> for Point<f64> {
    fn from(p: LonLat) -> Point<f64> {
        Point::new(p.lon, p.lat)
    }
}

/// A lon/lat bounding box, degrees, west-south to east-north: the one box type
/// of the project (parameters, filters, extents, clusters). Serialised as the
/// GeoJSON/OGC array `[min_lon, min_lat, max_lon, max_lat]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f64; 4]", into = "[f64; 4]")]
pub struct Bbox {
    /// West edge.
    pub min_lon: f64,
    /// South edge.
    pub min_lat: f64,
    /// East edge.
    pub max_lon: f64,
    /// North edge.
    pub max_lat: f64,
}

impl Bbox {
    /// A box from its west, south, east and north edges.
    pub const fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Bbox {
        Bbox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        }
    }

    /// The smallest box holding every point, `None` when there are none.
    pub fn around(points: impl IntoIterator<Item = LonLat>) -> Option<Bbox> {
        points.into_iter().fold(None, |b, p| {
            Some(match b {
                None => Bbox::new(p.lon, p.lat, p.lon, p.lat),
                Some(b) => b.including(p),
            })
        })
    }

    /// This box grown to hold `p`.
    pub fn including(self, p: LonLat) -> Bbox {
        Bbox::new(
            self.min_lon.min(p.lon),
            self.min_lat.min(p.lat),
            self.max_lon.max(p.lon),
            self.max_lat.max(p.lat),
        )
    }

    /// Whether a point lies in the box (edges included).
    pub fn contains(&self, p: LonLat) -> bool {
        (self.min_lon..=self.max_lon).contains(&p.lon)
            && (self.min_lat..=self.max_lat).contains(&p.lat)
    }

    /// Whether this box holds all of `other` (edges included).
    pub fn covers(&self, other: &Bbox) -> bool {
        self.min_lon <= other.min_lon
            && self.min_lat <= other.min_lat
            && self.max_lon >= other.max_lon
            && self.max_lat >= other.max_lat
    }

    /// `[min_lon, min_lat, max_lon, max_lat]`, the GeoJSON `bbox` order.
    pub const fn to_array(self) -> [f64; 4] {
        [self.min_lon, self.min_lat, self.max_lon, self.max_lat]
    }
}

impl From<[f64; 4]> for Bbox {
    fn from([min_lon, min_lat, max_lon, max_lat]: [f64; 4]) -> Bbox {
        Bbox::new(min_lon, min_lat, max_lon, max_lat)
    }
}

impl From<Bbox> for [f64; 4] {
    fn from(b: Bbox) -> [f64; 4] {
        b.to_array()
    }
}

/// Mean Earth radius (GRS80 / WGS84 mean), kilometres; the radius `geo`'s
/// `Haversine` uses.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in kilometres between two points (haversine on the
/// mean Earth radius).
///
/// ```
/// use mapa_praktyk::geo_util::{haversine_km, LonLat};
/// // Oświęcim to Kraków, about 51 km.
/// let d = haversine_km(LonLat::new(19.2343, 50.0352), LonLat::new(19.9366, 50.0614));
/// assert!((d - 50.2).abs() < 1.0, "{d}");
/// ```
pub fn haversine_km(a: LonLat, b: LonLat) -> f64 {
    Haversine.distance(Point::from(a), Point::from(b)) / 1000.0
}

/// The unit vector of a lon/lat point.
pub fn unit_vector(lon: f64, lat: f64) -> [f64; 3] {
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    let (sin_lon, cos_lon) = lon.to_radians().sin_cos();
    [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
}

/// The squared chord length between unit vectors that are `km` apart on the
/// great circle, slightly enlarged so that floating-point rounding never prunes a
/// point lying exactly on the boundary (callers refine with [`haversine_km`]).
pub fn chord_sq_for_km(km: f64) -> f64 {
    let theta = (km / EARTH_RADIUS_KM).min(std::f64::consts::PI);
    let chord = 2.0 * (theta / 2.0).sin();
    chord * chord * (1.0 + 1e-9) + 1e-15
}

/// Lower bound of the great-circle distance in km for a squared chord length.
pub fn km_for_chord_sq(chord_sq: f64) -> f64 {
    let half = (chord_sq.max(0.0).sqrt() / 2.0).min(1.0);
    2.0 * half.asin() * EARTH_RADIUS_KM
}

/// An axis-aligned box in unit-vector space that contains every point of the
/// lon/lat rectangle `[min_lon, max_lon] × [min_lat, max_lat]` (degrees,
/// `min_lon <= max_lon`). Used to prune an R-tree before an exact lon/lat test.
pub fn rect_envelope(
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
) -> ([f64; 3], [f64; 3]) {
    let (lo_lat, hi_lat) = (min_lat.to_radians(), max_lat.to_radians());
    let (lo_lon, hi_lon) = (min_lon.to_radians(), max_lon.to_radians());
    // Ranges of cos(lat) and sin(lat) over the latitude interval.
    let cos_lat = range_of(f64::cos, lo_lat, hi_lat, &[0.0]);
    let sin_lat = (lo_lat.sin(), hi_lat.sin());
    let pi = std::f64::consts::PI;
    let cos_lon = range_of(
        f64::cos,
        lo_lon,
        hi_lon,
        &[-2.0 * pi, 0.0, 2.0 * pi, -pi, pi],
    );
    let sin_lon = range_of(
        f64::sin,
        lo_lon,
        hi_lon,
        &[-1.5 * pi, -0.5 * pi, 0.5 * pi, 1.5 * pi],
    );
    let x = mul_range(cos_lat, cos_lon);
    let y = mul_range(cos_lat, sin_lon);
    let pad = 1e-12;
    (
        [x.0 - pad, y.0 - pad, sin_lat.0 - pad],
        [x.1 + pad, y.1 + pad, sin_lat.1 + pad],
    )
}

/// Range of `f` over `[lo, hi]`, given the points where `f` has its extrema.
fn range_of(f: fn(f64) -> f64, lo: f64, hi: f64, extrema: &[f64]) -> (f64, f64) {
    let mut min = f(lo).min(f(hi));
    let mut max = f(lo).max(f(hi));
    for &e in extrema {
        if e > lo && e < hi {
            min = min.min(f(e));
            max = max.max(f(e));
        }
    }
    (min, max)
}

fn mul_range(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let p = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
    (
        p.iter().copied().fold(f64::INFINITY, f64::min),
        p.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_holds_its_points_and_keeps_the_geojson_order() {
        let b = Bbox::around([LonLat::new(19.9, 50.0), LonLat::new(19.2, 50.1)]).unwrap();
        assert_eq!(b.to_array(), [19.2, 50.0, 19.9, 50.1]);
        assert!(b.contains(LonLat::new(19.5, 50.05)));
        assert!(!b.contains(LonLat::new(50.05, 19.5)));
        assert!(Bbox::new(14.0, 49.0, 24.2, 55.0).covers(&b));
        assert!(!b.covers(&Bbox::new(14.0, 49.0, 24.2, 55.0)));
        assert_eq!(serde_json::to_string(&b).unwrap(), "[19.2,50.0,19.9,50.1]");
        let back: Bbox = serde_json::from_str("[19.2,50.0,19.9,50.1]").unwrap();
        assert_eq!(back, b);
        assert_eq!(Bbox::around([]), None);
    }

    #[test]
    fn chord_order_matches_haversine_order() {
        let base = unit_vector(19.0, 50.0);
        let mut last = (0.0, 0.0);
        for i in 1..200 {
            let lon = 19.0 + i as f64 * 0.05;
            let v = unit_vector(lon, 50.0 + i as f64 * 0.01);
            let chord: f64 = (0..3).map(|k| (v[k] - base[k]).powi(2)).sum();
            let km = haversine_km(
                LonLat::new(19.0, 50.0),
                LonLat::new(lon, 50.0 + i as f64 * 0.01),
            );
            assert!(chord > last.0 && km > last.1);
            assert!(chord <= chord_sq_for_km(km));
            assert!((km_for_chord_sq(chord) - km).abs() < 1e-6);
            last = (chord, km);
        }
    }

    #[test]
    fn rect_envelope_contains_rectangle_samples() {
        for &(a, b, c, d) in &[
            (14.0, 49.0, 24.2, 55.0),
            (-10.0, -5.0, 10.0, 5.0),
            (-180.0, -90.0, 180.0, 90.0),
            (170.0, 60.0, 180.0, 80.0),
        ] {
            let (lo, hi) = rect_envelope(a, b, c, d);
            for i in 0..=20 {
                for j in 0..=20 {
                    let lon = a + (c - a) * i as f64 / 20.0;
                    let lat = b + (d - b) * j as f64 / 20.0;
                    let v = unit_vector(lon, lat);
                    for k in 0..3 {
                        assert!(v[k] >= lo[k] && v[k] <= hi[k], "{lon} {lat} axis {k}");
                    }
                }
            }
        }
    }
}
