//! The parameter contract of `/api/geocode`, `/api/reverse`, `/photon` and
//! `/nominatim`: each group a type whose derived `IntoParams` is both what
//! `/api/openapi.json` lists and what the handler accepts, and whose fields
//! parse the values ([`Query`]).

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::SchemaType;
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};

use crate::api::extract::{And, Query, query_params};
use crate::api::schema::{Flag, one_of, param_schema, ranged};
use crate::api::values::{BboxParam, Finite, Int32, Lat, Lon, ParamValue, deserialize_by_parse};

/// Most candidates `/api/geocode` answers.
pub const MAX_CANDIDATES: i64 = 10;
/// Largest `limit` the Photon and Nominatim endpoints take (at most
/// [`crate::places::MAX_RESULTS`] are answered).
pub const MAX_ASKED: i64 = 1000;
/// Nominatim's finest `zoom`.
pub const MAX_NOMINATIM_ZOOM: i64 = 18;
/// Photon's finest `zoom` (ignored).
pub const MAX_PHOTON_ZOOM: i64 = 30;

param_schema!(
    /// A number of candidates.
    CandidateLimit = ranged(SchemaType::Integer, 1.0, MAX_CANDIDATES as f64)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .default(Some(MAX_CANDIDATES.into()))
);

/// Nominatim's output formats served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// `json`.
    Json,
    /// `jsonv2`, the default.
    #[default]
    JsonV2,
    /// `geojson`.
    GeoJson,
    /// `geocodejson`.
    GeocodeJson,
}

impl ParamValue for OutputFormat {
    fn parse(v: &str) -> Result<OutputFormat, String> {
        match v {
            "jsonv2" => Ok(OutputFormat::JsonV2),
            "json" => Ok(OutputFormat::Json),
            "geojson" => Ok(OutputFormat::GeoJson),
            "geocodejson" => Ok(OutputFormat::GeocodeJson),
            f => Err(format!(
                "{f:?} is not served; use json, jsonv2, geojson or geocodejson"
            )),
        }
    }
}

/// A 0/1 flag (Nominatim also takes `true`/`false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZeroOne(pub bool);

impl ParamValue for ZeroOne {
    fn parse(v: &str) -> Result<ZeroOne, String> {
        match v {
            "1" | "true" | "True" => Ok(ZeroOne(true)),
            "0" | "false" | "False" => Ok(ZeroOne(false)),
            v => Err(format!("{v:?} is not 0 or 1")),
        }
    }
}

deserialize_by_parse!(OutputFormat, ZeroOne);

param_schema!(
    /// Nominatim's output formats served.
    Format = one_of(["json", "jsonv2", "geojson", "geocodejson"])
);
param_schema!(
    /// `/nominatim/status`'s formats.
    StatusFormat = one_of(["text", "json"])
);

/// A point: both required.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct At {
    /// Latitude
    #[param(value_type = Lat, inline)]
    pub lat: Option<Lat>,
    /// Longitude
    #[param(value_type = Lon, inline)]
    pub lon: Option<Lon>,
}

/// `/api/geocode`: free text or structured fields (at least one).
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct Geocode {
    /// Free text: "32-600 Oświęcim", "MOPS w Zawierciu", "Dabrowa Gornicza, śląskie"
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// NN-NNN
    #[param(pattern = "^[0-9]{2}-[0-9]{3}$")]
    pub postal_code: Option<String>,
    /// Locality name
    pub town: Option<String>,
    /// Gmina name or TERYT
    pub gmina: Option<String>,
    /// Powiat name or TERYT
    pub powiat: Option<String>,
    /// Voivodeship name or TERYT
    pub voivodeship: Option<String>,
    /// Most candidates
    #[param(value_type = Option<CandidateLimit>, inline)]
    pub limit: Option<Int32<1, MAX_CANDIDATES>>,
}

/// What both Photon endpoints take.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct PhotonCommon {
    /// Most results (at most 10 are returned)
    #[param(inline)]
    pub limit: Option<Int32<1, MAX_ASKED>>,
    /// Language of the country name
    pub lang: Option<String>,
    /// Filter key[:value], ! to negate; repeatable
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub osm_tag: Vec<String>,
    /// city, county or state; repeatable
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub layer: Vec<String>,
    /// Ignored (accepted for clients)
    pub debug: Option<String>,
    /// Ignored (accepted for clients)
    pub dedupe: Option<String>,
}

/// `/photon/api`'s own.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct PhotonSearch {
    /// The search text
    #[param(value_type = String, min_length = 1, max_length = 500)]
    pub q: Option<String>,
    /// Location bias latitude (with lon)
    #[param(inline)]
    pub lat: Option<Lat>,
    /// Location bias longitude (with lat)
    #[param(inline)]
    pub lon: Option<Lon>,
    /// minLon,minLat,maxLon,maxLat
    #[param(value_type = Option<String>)]
    pub bbox: Option<BboxParam>,
    /// Ignored (accepted for clients)
    #[param(inline)]
    pub zoom: Option<Int32<0, MAX_PHOTON_ZOOM>>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<f64>, minimum = 0, maximum = 1)]
    pub location_bias_scale: Option<Finite>,
}

/// `/photon/reverse`'s own besides the point.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct PhotonReverse {
    /// Largest distance, km (greater than 0)
    #[param(value_type = Option<f64>, minimum = 0)]
    pub radius: Option<Finite>,
    /// Ignored (accepted for clients)
    pub query_string_filter: Option<String>,
    /// Ignored (accepted for clients)
    pub distance_sort: Option<String>,
}

/// What both Nominatim lookups take (most are accepted for clients and
/// change nothing here: no OSM tags, names or other outline formats are held).
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct NominatimCommon {
    /// Output format
    #[param(value_type = Option<Format>, inline)]
    pub format: Option<OutputFormat>,
    /// Include the address
    #[param(value_type = Option<Flag>, inline)]
    pub addressdetails: Option<ZeroOne>,
    /// Language of the country name
    #[serde(rename = "accept-language")]
    #[param(rename = "accept-language")]
    pub accept_language: Option<String>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub namedetails: Option<String>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub extratags: Option<String>,
    /// Ignored (accepted for clients)
    pub layer: Option<String>,
    /// Include a voivodeship's outline
    #[param(value_type = Option<Flag>, inline)]
    pub polygon_geojson: Option<ZeroOne>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub polygon_kml: Option<String>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub polygon_svg: Option<String>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub polygon_text: Option<String>,
    /// Ignored (accepted for clients)
    pub polygon_threshold: Option<String>,
    /// Ignored (accepted for clients)
    pub email: Option<String>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub debug: Option<String>,
    /// Ignored (accepted for clients)
    pub entrances: Option<String>,
}

/// `/nominatim/search`'s own: free text or the structured parts.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct NominatimSearch {
    /// Free text
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// Most results (at most 10)
    #[param(inline)]
    pub limit: Option<Int32<1, MAX_ASKED>>,
    /// Comma-separated ISO codes
    pub countrycodes: Option<String>,
    /// x1,y1,x2,y2
    pub viewbox: Option<String>,
    /// Only inside viewbox
    #[param(value_type = Option<Flag>, inline)]
    pub bounded: Option<ZeroOne>,
    /// Comma-separated place ids
    pub exclude_place_ids: Option<String>,
    /// country, state, city or settlement
    #[serde(rename = "featureType")]
    #[param(rename = "featureType")]
    pub feature_type: Option<String>,
    /// The same as featureType
    pub featuretype: Option<String>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub dedupe: Option<ZeroOne>,
    /// Refused: JSONP is not served (400)
    pub json_callback: Option<String>,
}

/// The structured query of `/nominatim/search` (not with `q`).
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct NominatimStructured {
    /// Not in the gazetteer: ignored
    pub amenity: Option<String>,
    /// A street that is not in the gazetteer falls back to the town
    pub street: Option<String>,
    /// Locality
    pub city: Option<String>,
    /// Powiat
    pub county: Option<String>,
    /// Voivodeship
    pub state: Option<String>,
    /// Only Poland has answers
    pub country: Option<String>,
    /// NN-NNN
    pub postalcode: Option<String>,
}

impl NominatimStructured {
    /// Whether any part of a structured query is given.
    pub fn any(&self) -> bool {
        [
            &self.amenity,
            &self.street,
            &self.city,
            &self.county,
            &self.state,
            &self.country,
            &self.postalcode,
        ]
        .iter()
        .any(|v| v.is_some())
    }
}

/// `/nominatim/reverse`'s own besides the point.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct NominatimReverse {
    /// Below 10 a powiat, below 8 a voivodeship
    #[param(inline)]
    pub zoom: Option<Int32<0, MAX_NOMINATIM_ZOOM>>,
}

/// `/nominatim/status`.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct NominatimStatusFormat {
    /// json for a JSON answer
    #[param(value_type = Option<StatusFormat>, inline)]
    pub format: Option<String>,
}

query_params!(
    At,
    Geocode,
    PhotonCommon repeating ["osm_tag", "layer"],
    PhotonSearch,
    PhotonReverse,
    NominatimCommon,
    NominatimSearch,
    NominatimStructured,
    NominatimReverse,
    NominatimStatusFormat,
);

/// `/photon/api`.
pub type PhotonSearchParams = Query<And<PhotonSearch, PhotonCommon>>;
/// `/photon/reverse`.
pub type PhotonReverseParams = Query<And<And<At, PhotonReverse>, PhotonCommon>>;
/// `/nominatim/search`.
pub type NominatimSearchParams =
    Query<And<And<NominatimSearch, NominatimStructured>, NominatimCommon>>;
/// `/nominatim/reverse`.
pub type NominatimReverseParams = Query<And<And<At, NominatimReverse>, NominatimCommon>>;
/// `/api/geocode`.
pub type GeocodeParams = Query<Geocode>;
/// `/api/reverse`.
pub type ReverseParams = Query<At>;
/// `/nominatim/status`.
pub type StatusParams = Query<NominatimStatusFormat>;
