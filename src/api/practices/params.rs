//! The parameter contract of the `/api` practice endpoints: each group a type
//! whose derived `IntoParams` is what the OpenAPI document lists and what the
//! handler accepts, and whose fields parse the values
//! ([`Query`](crate::api::extract::Query)); the one conversion of the filter
//! group to the query's [`Filter`]; and the schemas of answers that are
//! written as bytes rather than by a serde type (the practice pages of
//! [`crate::geojson`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::SchemaType;
use utoipa::{IntoParams, ToSchema};

use crate::api::error::ApiError;
use crate::api::extract::{And, Query, query_params};
use crate::api::filters::regions;
use crate::api::schema::{Feature, Flag, Geometry, param_schema, ranged, schema_of};
use crate::api::values::{
    BboxParam, Finite, Int, Lat, Lon, Offset, ParamValue, Text, UnitTypeLabel, Year, area,
    deserialize_by_parse,
};
use crate::csv_out::Dialect;
use crate::gazetteer::{Gazetteer, GeocodeQuery, Precision};
use crate::geo_util::Bbox;
use crate::geojson::round6;
use crate::practice::Area;
use crate::query::{Filter, Near};

/// Default page size of list responses.
pub const DEFAULT_LIMIT: usize = 1000;
/// Largest page size.
pub const MAX_LIMIT: usize = 10_000;
/// Largest k for k-nearest queries.
pub const MAX_K: usize = 1000;
/// Largest radius, km.
pub const MAX_RADIUS_KM: f64 = 1000.0;

param_schema!(
    /// A page size.
    Limit = ranged(SchemaType::Integer, 0.0, MAX_LIMIT as f64).default(Some(DEFAULT_LIMIT.into()))
);
param_schema!(
    /// A map zoom.
    Zoom = ranged(SchemaType::Integer, 0.0, f64::from(crate::cluster::MAX_ZOOM))
);
param_schema!(
    /// The unit to count by.
    CountUnit = crate::api::schema::one_of(["voivodeship", "powiat", "gmina"])
);

/// A great-circle radius, km, greater than 0 and at most [`MAX_RADIUS_KM`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RadiusKm(pub f64);

impl ParamValue for RadiusKm {
    fn parse(v: &str) -> Result<RadiusKm, String> {
        let r = Finite::parse(v)?.0;
        if r <= 0.0 || r > MAX_RADIUS_KM {
            return Err(format!("{r} is not within (0, {MAX_RADIUS_KM}] km"));
        }
        Ok(RadiusKm(r))
    }
}

schema_of!(RadiusKm = ranged(SchemaType::Number, 0.0, MAX_RADIUS_KM));

/// The CSV dialect: `1` (or `true`) for Excel's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExcelFlag(pub Dialect);

impl ParamValue for ExcelFlag {
    fn parse(v: &str) -> Result<ExcelFlag, String> {
        match v {
            "1" | "true" => Ok(ExcelFlag(Dialect::Excel)),
            "0" | "false" => Ok(ExcelFlag(Dialect::Plain)),
            _ => Err("must be 1 or 0".into()),
        }
    }
}

deserialize_by_parse!(RadiusKm, ExcelFlag);

/// How many nearest.
pub type K = Int<1, { MAX_K as i64 }>;

/// The filters of every practice endpoint but the box and the page.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct Filters {
    /// Latitude of the centre of a distance query
    #[param(inline)]
    pub lat: Option<Lat>,
    /// Longitude of the centre of a distance query
    #[param(inline)]
    pub lon: Option<Lon>,
    /// Free text or postal code geocoded server-side as the centre, instead of lat/lon
    #[param(example = "41-300")]
    pub near: Option<String>,
    /// Great-circle radius around the centre, km (greater than 0)
    #[param(inline)]
    pub radius_km: Option<RadiusKm>,
    /// Only the k nearest (after the other filters)
    #[param(inline)]
    pub k: Option<K>,
    /// Words that must all occur in title, summary, town or unit (case- and diacritic-insensitive)
    #[param(inline)]
    pub q: Option<Text>,
    /// Area slug; a parent area matches its subareas
    #[param(value_type = Option<crate::api::values::AreaSlug>, inline)]
    pub category: Option<String>,
    /// TERYT code (2 digits) or Polish name
    #[param(example = "24")]
    pub voivodeship: Option<String>,
    /// TERYT code (4 digits) or Polish name
    #[param(example = "1213")]
    pub powiat: Option<String>,
    /// TERYT code (6 digits) or name
    #[param(example = "121301")]
    pub gmina: Option<String>,
    /// Type of the unit that runs the practice (Polish label, any case)
    #[param(inline)]
    pub unit_type: Option<UnitTypeLabel>,
    /// First year (project start, else year added)
    #[param(inline)]
    pub year_from: Option<Year>,
    /// Last year
    #[param(inline)]
    pub year_to: Option<Year>,
}

/// An optional box.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct InBox {
    /// minLon,minLat,maxLon,maxLat (WGS84 degrees)
    #[param(value_type = Option<String>, example = "18.4,54.3,18.8,54.45")]
    pub bbox: Option<BboxParam>,
}

/// A page of the matches.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Page size
    #[param(value_type = Option<Limit>, inline)]
    pub limit: Option<Int<0, { MAX_LIMIT as i64 }>>,
    /// Page start
    #[param(value_type = Option<u64>, minimum = 0, default = 0)]
    pub offset: Option<Offset>,
}

/// The map's view of `/api/clusters`.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct View {
    /// The map's viewport minLon,minLat,maxLon,maxLat
    #[param(value_type = String, example = "14,49,24.2,54.9")]
    pub bbox: Option<BboxParam>,
    /// The map's zoom, 0 to 22
    #[param(value_type = Zoom, inline)]
    pub zoom: Option<Int<0, { crate::cluster::MAX_ZOOM as i64 }>>,
}

/// The unit of `/api/counts`.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct CountBy {
    /// The unit to count by
    #[param(value_type = CountUnit, inline)]
    pub by: Option<String>,
}

/// The dialect of `/api/practices.csv`.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct Excel {
    /// 1: the CSV for Excel (UTF-8 with a byte-order mark, ';' between cells)
    #[param(value_type = Option<Flag>, inline)]
    pub excel: Option<ExcelFlag>,
}

query_params!(Filters, InBox, Page, View, CountBy, Excel);

/// `/api/practices`, its GeoJSON download and `within`.
pub type ListParams = Query<And<And<InBox, Filters>, Page>>;
/// `/api/practices.csv`.
pub type CsvParams = Query<And<And<And<InBox, Filters>, Page>, Excel>>;
/// `/api/clusters`.
pub type ClusterParams = Query<And<Filters, View>>;
/// `/api/counts`.
pub type CountParams = Query<And<And<InBox, Filters>, CountBy>>;

/// The centre a `near=` query was geocoded to, echoed as the answer's `near`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NearEcho {
    /// The text as given.
    pub query: String,
    /// The place found.
    pub name: String,
    /// Its latitude.
    pub lat: f64,
    /// Its longitude.
    pub lon: f64,
    /// How precisely the text was placed.
    #[schema(value_type = String)]
    pub precision: Precision,
    /// The geocoder's confidence.
    pub score: f64,
    /// The radius asked for, km.
    pub radius_km: Option<f64>,
}

impl Filters {
    /// The query's filter inside `bbox`, and the centre `near` was geocoded
    /// to: the one conversion of these parameters.
    pub fn to_filter(
        self,
        g: &Gazetteer,
        bbox: Option<Bbox>,
    ) -> Result<(Filter, Option<NearEcho>), ApiError> {
        let radius_km = self.radius_km.map(|r| r.0);
        let k = self.k.map(K::get);
        let mut near_echo = None;
        let centre = match (self.lat, self.lon, self.near.as_deref()) {
            (Some(_), Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "near",
                    "give either near or lat and lon, not both",
                ));
            }
            (Some(lat), Some(lon), None) => Some((lon.0, lat.0)),
            (Some(_), None, _) => return Err(ApiError::invalid("lon", "lat is given without lon")),
            (None, Some(_), _) => return Err(ApiError::invalid("lat", "lon is given without lat")),
            (None, None, Some(text)) => {
                let r = g
                    .geocode(&GeocodeQuery::text(text))
                    .map_err(|e| ApiError::geocode("near", e))?;
                near_echo = Some(NearEcho {
                    query: text.to_string(),
                    name: r.best.name.to_string(),
                    lat: round6(r.best.lat),
                    lon: round6(r.best.lon),
                    precision: r.best.precision,
                    score: r.best.score,
                    radius_km,
                });
                Some((r.best.lon, r.best.lat))
            }
            (None, None, None) => None,
        };
        let near = match centre {
            Some((lon, lat)) => Some(Near {
                lon,
                lat,
                radius_km,
                k,
            }),
            None if radius_km.is_some() => {
                return Err(ApiError::invalid(
                    "radius_km",
                    "needs a centre: lat and lon, or near",
                ));
            }
            None if k.is_some() => {
                return Err(ApiError::invalid(
                    "k",
                    "needs a centre: lat and lon, or near",
                ));
            }
            None => None,
        };
        let area = self.category.as_deref().map(category).transpose()?;
        let [voivodeship, powiat, gmina] = regions(
            g,
            [
                self.voivodeship.as_deref(),
                self.powiat.as_deref(),
                self.gmina.as_deref(),
            ],
        )?;
        let (year_from, year_to) = (
            self.year_from.map(|y| y.0 as i32),
            self.year_to.map(|y| y.0 as i32),
        );
        if let (Some(a), Some(b)) = (year_from, year_to)
            && a > b
        {
            return Err(ApiError::invalid(
                "year_from",
                format!("{a} is after year_to {b}"),
            ));
        }
        let filter = Filter {
            bbox,
            near,
            text: self.q.map(|q| q.0),
            area,
            voivodeship,
            powiat,
            gmina,
            unit_type: self.unit_type.map(|u| u.0),
            year_from,
            year_to,
            ..Filter::default()
        };
        Ok((filter, near_echo))
    }
}

/// The `category` parameter: an area slug.
fn category(c: &str) -> Result<Area, ApiError> {
    area(c).map_err(|known| {
        ApiError::bad(
            "unknown_category",
            format!("category: unknown category {c:?}; known: {known}"),
        )
    })
}

impl Page {
    /// The page size (`default` when not given) and start.
    pub fn limit_offset(&self, default: Option<usize>) -> (usize, usize) {
        let limit = match self.limit {
            Some(l) => l.get(),
            None => default.unwrap_or(usize::MAX),
        };
        (limit, self.offset.map_or(0, |o| o.get()))
    }
}

/// A page of practices as `crate::geojson` writes it.
#[derive(ToSchema)]
pub struct PracticeCollection {
    /// `FeatureCollection`.
    pub r#type: String,
    /// The practices (or clusters).
    pub features: Vec<Feature>,
    /// Every match of the filters.
    #[schema(rename = "numberMatched")]
    pub number_matched: usize,
    /// The features of this page.
    #[schema(rename = "numberReturned")]
    pub number_returned: usize,
    /// The geocoded centre of a near= query.
    pub near: Option<NearEcho>,
}

/// The body of `POST /api/practices/within`: a GeoJSON Polygon, MultiPolygon
/// or a Feature holding one.
#[derive(ToSchema)]
pub struct Polygon {
    /// Polygon, MultiPolygon or Feature.
    pub r#type: String,
    /// Rings of positions (Polygon, MultiPolygon).
    pub coordinates: Option<Vec<Value>>,
    /// The polygon of a Feature.
    pub geometry: Option<Geometry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal of a `/api/practices` query.
    fn refusal(raw: &str) -> (&'static str, String) {
        let g = Gazetteer::bundled();
        let parsed = ListParams::parse(Some(raw)).and_then(|q| {
            let And(And(inbox, filters), _) = q.params;
            filters.to_filter(g, inbox.bbox.map(|b| b.0))
        });
        match parsed {
            Err(ApiError::BadRequest { code, message }) => (code, message),
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn refusals_name_the_parameter() {
        let invalid = |m: &str| ("invalid_parameter", m.to_string());
        assert_eq!(
            refusal("lat=50&lon=19&radius_km=0"),
            invalid("radius_km: 0 is not within (0, 1000] km")
        );
        assert_eq!(
            refusal("k=3"),
            invalid("k: needs a centre: lat and lon, or near")
        );
        assert_eq!(
            refusal("year_from=2020&year_to=2010"),
            invalid("year_from: 2020 is after year_to 2010")
        );
        assert_eq!(
            refusal("year_to=1800"),
            invalid("year_to: 1800 is out of range 1900..=2100")
        );
        assert_eq!(
            refusal("bbox=1,2,3"),
            invalid("bbox: expected minLon,minLat,maxLon,maxLat, got 3 values")
        );
        assert_eq!(refusal("category=nope").0, "unknown_category");
        assert_eq!(refusal("voivodeship=nope").0, "unknown_region");
    }

    #[test]
    fn empty_values_are_absent_and_values_reach_the_filter() {
        let q =
            ListParams::parse(Some("q=&bbox=14,49,24,55&year_from=2010&unit_type=powiat")).unwrap();
        let And(And(inbox, filters), page) = q.params;
        let (f, near) = filters
            .to_filter(Gazetteer::bundled(), inbox.bbox.map(|b| b.0))
            .unwrap();
        assert!(near.is_none() && f.text.is_none());
        assert_eq!(f.bbox, Some(Bbox::new(14.0, 49.0, 24.0, 55.0)));
        assert_eq!(f.year_from, Some(2010));
        assert!(f.unit_type.is_some());
        assert_eq!(page.limit_offset(Some(DEFAULT_LIMIT)), (DEFAULT_LIMIT, 0));
    }
}
