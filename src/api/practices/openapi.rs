//! The query parameters of the `/api` endpoints, each group a type whose
//! derived `IntoParams` is both what the OpenAPI document lists and what the
//! handler accepts ([`Params::accept`](crate::api::extract::Params::accept)),
//! and the schemas of answers that are written as bytes rather than by a
//! serde type (the practice pages of [`crate::geojson`]).

use serde_json::Value;
use utoipa::openapi::SchemaType;
use utoipa::{IntoParams, ToSchema};

use super::{DEFAULT_LIMIT, MAX_K, MAX_LIMIT, MAX_RADIUS_KM, NearEcho};
use crate::api::extract::{And, Query};
use crate::api::openapi::{Feature, Geometry, one_of, param_schema, ranged};
use crate::practice::{Area, UnitType};

param_schema!(
    /// Great-circle radius, km.
    RadiusKm = ranged(SchemaType::Number, 0.0, MAX_RADIUS_KM)
);
param_schema!(
    /// How many nearest.
    K = ranged(SchemaType::Integer, 1.0, MAX_K as f64)
);
param_schema!(
    /// An area slug.
    AreaSlug = one_of(Area::ALL.map(|a| a.slug()))
);
param_schema!(
    /// A unit type's Polish label.
    UnitTypeLabel = one_of(UnitType::ALL.map(|u| u.label()))
);
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
    CountUnit = one_of(["voivodeship", "powiat", "gmina"])
);

/// The filters of every practice endpoint but the box and the page.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filters {
    /// Latitude of the centre of a distance query
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    /// Longitude of the centre of a distance query
    #[param(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
    /// Free text or postal code geocoded server-side as the centre, instead of lat/lon
    #[param(example = "41-300")]
    pub near: Option<String>,
    /// Great-circle radius around the centre, km (greater than 0)
    #[param(value_type = Option<RadiusKm>, inline)]
    pub radius_km: Option<f64>,
    /// Only the k nearest (after the other filters)
    #[param(value_type = Option<K>, inline)]
    pub k: Option<u32>,
    /// Words that must all occur in title, summary, town or unit (case- and diacritic-insensitive)
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Area slug; a parent area matches its subareas
    #[param(value_type = Option<AreaSlug>, inline)]
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
    #[param(value_type = Option<UnitTypeLabel>, inline)]
    pub unit_type: Option<String>,
    /// First year (project start, else year added)
    #[param(minimum = 1900, maximum = 2100)]
    pub year_from: Option<u16>,
    /// Last year
    #[param(minimum = 1900, maximum = 2100)]
    pub year_to: Option<u16>,
}

/// An optional box.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InBox {
    /// minLon,minLat,maxLon,maxLat (WGS84 degrees)
    #[param(example = "18.4,54.3,18.8,54.45")]
    pub bbox: Option<String>,
}

/// A page of the matches.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Page size
    #[param(value_type = Option<Limit>, inline)]
    pub limit: Option<u32>,
    /// Page start
    #[param(minimum = 0, default = 0)]
    pub offset: Option<u64>,
}

/// The map's view of `/api/clusters`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct View {
    /// The map's viewport minLon,minLat,maxLon,maxLat
    #[param(example = "14,49,24.2,54.9")]
    pub bbox: String,
    /// The map's zoom, 0 to 22
    #[param(value_type = Zoom, inline)]
    pub zoom: u8,
}

/// The unit of `/api/counts`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountBy {
    /// The unit to count by
    #[param(value_type = CountUnit, inline)]
    pub by: String,
}

/// The dialect of `/api/practices.csv`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Excel {
    /// 1: the CSV for Excel (UTF-8 with a byte-order mark, ';' between cells)
    #[param(value_type = Option<crate::api::openapi::Flag>, inline)]
    pub excel: Option<String>,
}

/// `/api/practices`, its GeoJSON download and `within`.
pub type ListParams = Query<And<And<InBox, Filters>, Page>>;
/// `/api/practices.csv`.
pub type CsvParams = Query<And<And<And<InBox, Filters>, Page>, Excel>>;
/// `/api/clusters`.
pub type ClusterParams = Query<And<Filters, View>>;
/// `/api/counts`.
pub type CountParams = Query<And<And<InBox, Filters>, CountBy>>;

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
