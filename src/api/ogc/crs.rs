//! The CRSs `/ogc` serves (Part 2): CRS84 (stored) and EPSG:2180, the
//! Polish national grid (ETRS89 / Poland CS92), in the axis order EPSG gives
//! it: northing, then easting. The projection is proj4rs's.

use std::sync::LazyLock;

use proj4rs::Proj;

use crate::api::error::ApiError;

/// OGC's URI of WGS 84 with longitude, latitude axis order.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// OGC's URI of EPSG:2180 (ETRS89 / Poland CS92).
pub const EPSG_2180: &str = "http://www.opengis.net/def/crs/EPSG/0/2180";
/// Every CRS served, the stored one first.
pub const SERVED: [&str; 2] = [CRS84, EPSG_2180];

/// EPSG:2180 as a PROJ string (ETRS89 and WGS 84 taken as equal, as PROJ does
/// without a grid).
const PROJ_2180: &str = "+proj=tmerc +lat_0=0 +lon_0=19 +k=0.9993 +x_0=500000 +y_0=-5300000 \
                         +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";
const PROJ_WGS84: &str = "+proj=longlat +datum=WGS84 +no_defs";

static WGS84: LazyLock<Proj> =
    LazyLock::new(|| Proj::from_proj_string(PROJ_WGS84).expect("the WGS 84 definition parses"));
static POLAND_CS92: LazyLock<Proj> =
    LazyLock::new(|| Proj::from_proj_string(PROJ_2180).expect("the EPSG:2180 definition parses"));

/// A CRS the service answers in or takes a bbox in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// Longitude, latitude (WGS 84).
    Crs84,
    /// EPSG:2180: northing, easting in metres.
    Poland1992,
}

impl Crs {
    /// Its URI.
    pub fn uri(self) -> &'static str {
        match self {
            Crs::Crs84 => CRS84,
            Crs::Poland1992 => EPSG_2180,
        }
    }

    /// A longitude and latitude in this CRS, in its axis order.
    pub fn from_lon_lat(self, lon: f64, lat: f64) -> Result<[f64; 2], ApiError> {
        match self {
            Crs::Crs84 => Ok([lon, lat]),
            Crs::Poland1992 => {
                let mut p = (lon.to_radians(), lat.to_radians());
                proj4rs::transform::transform(&WGS84, &POLAND_CS92, &mut p)
                    .map_err(|e| ApiError::Internal(format!("projecting to EPSG:2180: {e}")))?;
                // Northing first, as EPSG orders the axes; to the centimetre.
                Ok([round2(p.1), round2(p.0)])
            }
        }
    }

    /// A position in this CRS's axis order as longitude and latitude.
    pub fn to_lon_lat(self, a: f64, b: f64) -> Result<[f64; 2], ApiError> {
        match self {
            Crs::Crs84 => Ok([a, b]),
            Crs::Poland1992 => {
                let mut p = (b, a);
                proj4rs::transform::transform(&POLAND_CS92, &WGS84, &mut p).map_err(|e| {
                    ApiError::invalid("bbox", format!("not in EPSG:2180's area: {e}"))
                })?;
                Ok([p.0.to_degrees(), p.1.to_degrees()])
            }
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warsaw_in_the_national_grid() {
        // gdaltransform -s_srs EPSG:4326 -t_srs EPSG:2180 (GDAL 3.6.2):
        // 21.0122 52.2297 -> easting 637382.204, northing 486757.209.
        let [n, e] = Crs::Poland1992.from_lon_lat(21.0122, 52.2297).unwrap();
        assert!((n - 486_757.21).abs() < 0.05, "{n}");
        assert!((e - 637_382.20).abs() < 0.05, "{e}");
        let [lon, lat] = Crs::Poland1992.to_lon_lat(n, e).unwrap();
        assert!((lon - 21.0122).abs() < 1e-7 && (lat - 52.2297).abs() < 1e-7);
    }
}
