//! The query parameters of `/api/geocode`, `/api/reverse`, `/photon` and
//! `/nominatim`: each group a type whose derived `IntoParams` is both what
//! `/api/openapi.json` lists and what the handler accepts
//! ([`Params::accept`](crate::api::extract::Params::accept)).

use utoipa::IntoParams;

use crate::api::extract::{And, Query};
use crate::api::openapi::{Flag, one_of, param_schema};

param_schema!(
    /// Nominatim's output formats served.
    Format = one_of(["json", "jsonv2", "geojson", "geocodejson"])
);
param_schema!(
    /// `/nominatim/status`'s formats.
    StatusFormat = one_of(["text", "json"])
);

/// A point: both required.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct At {
    /// Latitude
    #[param(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Longitude
    #[param(minimum = -180, maximum = 180)]
    pub lon: f64,
}

/// `/api/geocode`: free text or structured fields (at least one).
#[derive(IntoParams)]
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
    #[param(minimum = 1, maximum = 10, default = 10)]
    pub limit: Option<u8>,
}

/// What both Photon endpoints take.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotonCommon {
    /// Most results (at most 10 are returned)
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u16>,
    /// Language of the country name
    pub lang: Option<String>,
    /// Filter key[:value], ! to negate; repeatable
    pub osm_tag: Option<String>,
    /// city, county or state; repeatable
    pub layer: Option<String>,
    /// Ignored (accepted for clients)
    pub debug: Option<String>,
    /// Ignored (accepted for clients)
    pub dedupe: Option<String>,
}

/// `/photon/api`'s own.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotonSearch {
    /// The search text
    #[param(min_length = 1, max_length = 500)]
    pub q: String,
    /// Location bias latitude (with lon)
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    /// Location bias longitude (with lat)
    #[param(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
    /// minLon,minLat,maxLon,maxLat
    pub bbox: Option<String>,
    /// Ignored (accepted for clients)
    #[param(minimum = 0, maximum = 30)]
    pub zoom: Option<u8>,
    /// Ignored (accepted for clients)
    #[param(minimum = 0, maximum = 1)]
    pub location_bias_scale: Option<f64>,
}

/// `/photon/reverse`'s own besides the point.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotonReverse {
    /// Largest distance, km (greater than 0)
    #[param(minimum = 0)]
    pub radius: Option<f64>,
    /// Ignored (accepted for clients)
    pub query_string_filter: Option<String>,
    /// Ignored (accepted for clients)
    pub distance_sort: Option<String>,
}

/// What both Nominatim lookups take (most are accepted for clients and
/// change nothing here: no OSM tags, names or other outline formats are held).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NominatimCommon {
    /// Output format
    #[param(value_type = Option<Format>, inline)]
    pub format: Option<String>,
    /// Include the address
    #[param(value_type = Option<Flag>, inline)]
    pub addressdetails: Option<String>,
    /// Language of the country name
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
    pub polygon_geojson: Option<String>,
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
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NominatimSearch {
    /// Free text
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// Most results (at most 10)
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u16>,
    /// Comma-separated ISO codes
    pub countrycodes: Option<String>,
    /// x1,y1,x2,y2
    pub viewbox: Option<String>,
    /// Only inside viewbox
    #[param(value_type = Option<Flag>, inline)]
    pub bounded: Option<String>,
    /// Comma-separated place ids
    pub exclude_place_ids: Option<String>,
    /// country, state, city or settlement
    #[param(rename = "featureType")]
    pub feature_type: Option<String>,
    /// The same as featureType
    pub featuretype: Option<String>,
    /// Ignored (accepted for clients)
    #[param(value_type = Option<Flag>, inline)]
    pub dedupe: Option<String>,
    /// Refused: JSONP is not served (400)
    pub json_callback: Option<String>,
}

/// The structured query of `/nominatim/search` (not with `q`).
#[derive(IntoParams)]
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

/// `/nominatim/reverse`'s own besides the point.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NominatimReverse {
    /// Below 10 a powiat, below 8 a voivodeship
    #[param(minimum = 0, maximum = 18)]
    pub zoom: Option<u8>,
}

/// `/nominatim/status`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NominatimStatusFormat {
    /// json for a JSON answer
    #[param(value_type = Option<StatusFormat>, inline)]
    pub format: Option<String>,
}

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
