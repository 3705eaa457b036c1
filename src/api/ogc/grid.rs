//! Boxes in EPSG:2180 and the `bbox` parameter of `/items`, parsed in the
//! CRS `bbox-crs` names: a CRS84 box as every `bbox` is, or a box of the
//! Polish grid, which the filter's CRS84 box holds and the matches are then
//! cut to.

use super::crs::Crs;
use crate::api::error::ApiError;
use crate::api::values::{BboxParam, ParamValue, number};
use crate::geo_util::{Bbox, LonLat};

/// A box of EPSG:2180, metres: northing and easting ranges, edges included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridBox {
    /// South edge.
    pub min_northing: f64,
    /// West edge.
    pub min_easting: f64,
    /// North edge.
    pub max_northing: f64,
    /// East edge.
    pub max_easting: f64,
}

/// The `bbox` of `/items` in `crs`: the CRS84 box to filter by, and the
/// EPSG:2180 box it holds when the box was given in the grid. A 3D box
/// (`minLon,minLat,minZ,maxLon,maxLat,maxZ`) has its heights ignored.
pub fn parse_bbox(v: &str, crs: Crs) -> Result<(Bbox, Option<GridBox>), ApiError> {
    let parts: Vec<&str> = v.split(',').collect();
    let b2 = if parts.len() == 6 {
        // Ignored, but still numbers.
        number("bbox", parts[2])?;
        number("bbox", parts[5])?;
        [parts[0], parts[1], parts[3], parts[4]].join(",")
    } else {
        v.to_string()
    };
    match crs {
        Crs::Crs84 => BboxParam::parse(&b2)
            .map(|b| (b.0, None))
            .map_err(|m| ApiError::invalid("bbox", m)),
        Crs::Poland1992 => {
            let g = GridBox::parse(&b2)?;
            Ok((g.envelope()?, Some(g)))
        }
    }
}

impl GridBox {
    /// Parses minNorthing,minEasting,maxNorthing,maxEasting, in metres,
    /// within the grid's area (Poland and its surroundings).
    pub fn parse(v: &str) -> Result<GridBox, ApiError> {
        let n: Vec<f64> = v
            .split(',')
            .map(|x| number("bbox", x))
            .collect::<Result<_, _>>()?;
        let [n0, e0, n1, e1] = n[..] else {
            return Err(ApiError::invalid(
                "bbox",
                "expected minNorthing,minEasting,maxNorthing,maxEasting (EPSG:2180)",
            ));
        };
        if n0 > n1 || e0 > e1 {
            return Err(ApiError::invalid(
                "bbox",
                "a minimum is greater than its maximum",
            ));
        }
        let inside = |x: f64| (-1_000_000.0..=2_000_000.0).contains(&x);
        if ![n0, e0, n1, e1].into_iter().all(inside) {
            return Err(ApiError::invalid(
                "bbox",
                "outside EPSG:2180's area (-1,000 km to 2,000 km on each axis)",
            ));
        }
        Ok(GridBox {
            min_northing: n0,
            min_easting: e0,
            max_northing: n1,
            max_easting: e1,
        })
    }

    /// The CRS84 box around this one: its edges, each taken at 32 points (a
    /// grid line is a slight curve in longitude and latitude), and a margin
    /// of 1e-6°.
    pub fn envelope(&self) -> Result<Bbox, ApiError> {
        const STEPS: usize = 32;
        let (n0, e0, n1, e1) = (
            self.min_northing,
            self.min_easting,
            self.max_northing,
            self.max_easting,
        );
        let mut env: Option<Bbox> = None;
        for i in 0..=STEPS {
            let t = i as f64 / STEPS as f64;
            let n = n0 + t * (n1 - n0);
            let e = e0 + t * (e1 - e0);
            for (a, c) in [(n, e0), (n, e1), (n0, e), (n1, e)] {
                let [lon, lat] = Crs::Poland1992.to_lon_lat(a, c)?;
                let p = LonLat::new(lon, lat);
                env = Some(env.map_or(Bbox::new(lon, lat, lon, lat), |b| b.including(p)));
            }
        }
        let b = env.expect("the edges have points");
        Ok(Bbox::new(
            b.min_lon - 1e-6,
            b.min_lat - 1e-6,
            b.max_lon + 1e-6,
            b.max_lat + 1e-6,
        ))
    }

    /// Whether a practice lies inside, edges included.
    pub fn contains(&self, lon_lat: Option<(f64, f64)>) -> bool {
        lon_lat
            .and_then(|(lon, lat)| Crs::Poland1992.from_lon_lat(lon, lat).ok())
            .is_some_and(|[n, e]| {
                n >= self.min_northing
                    && n <= self.max_northing
                    && e >= self.min_easting
                    && e <= self.max_easting
            })
    }
}
