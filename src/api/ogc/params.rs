//! The parameter contract of `/ogc`: each group a type whose derived
//! `IntoParams` is what `/ogc/api` lists and what the handler accepts, and
//! whose fields parse the values ([`super::values`]); the queryables'
//! parameters come from the same list `/queryables` serves.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::SchemaFormat;
use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Required, SchemaType};

use super::crs::{self, Crs};
use super::shared::COLLECTION_ID;
use super::values::{
    Boolean, DEFAULT_LIMIT, DateTime, ITEM_PROPERTIES, ItemLimit, MAX_LIMIT, Properties, SORTABLES,
    SortBy, Town,
};
use crate::api::error::ApiError;
use crate::api::extract::{And, Query, QueryParams, query_params};
use crate::api::response::content_type::{GEOJSON, JSON};
use crate::api::schema::{one_of, param_schema, ranged};
use crate::api::values::{AreaSlug, Offset, Text, UnitTypeLabel, YEAR_MAX, YEAR_MIN, Year};
use crate::practice::{Area, UnitType};

param_schema!(
    /// The only format served.
    OnlyJson = one_of(["json"])
);
param_schema!(
    /// A CRS served, by its URI.
    CrsUri = one_of(crs::SERVED).format(Some(SchemaFormat::Custom("uri".into())))
);
param_schema!(
    /// A page size.
    ItemLimitSchema = ranged(SchemaType::Integer, 1.0, MAX_LIMIT as f64)
        .default(Some(DEFAULT_LIMIT.into()))
);
param_schema!(
    /// The numbers of a box.
    BboxNumbers = ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(SchemaType::Number))
        .min_items(Some(4))
        .max_items(Some(6))
);
param_schema!(
    /// Property names served.
    PropertyNames = ArrayBuilder::new().items(one_of(ITEM_PROPERTIES))
);
param_schema!(
    /// Sort keys: a sortable property with an optional sign.
    SortKeys = ArrayBuilder::new().items(
        ObjectBuilder::new()
            .schema_type(SchemaType::String)
            .pattern(Some(format!("^[+-]?({})$", SORTABLES.join("|"))))
    )
);
param_schema!(
    /// The collection's id.
    CollectionIdValue = one_of([COLLECTION_ID])
);

/// The output format, on every resource.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct Format {
    /// Output format; only JSON is served
    #[param(value_type = Option<OnlyJson>, inline, style = Form, explode = false)]
    pub f: Option<String>,
}

/// The CRS of an answer's coordinates.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct AnswerCrs {
    /// CRS of the coordinates: CRS84 (the default) or EPSG:2180 (northing, easting in metres)
    #[param(value_type = Option<CrsUri>, inline)]
    pub crs: Option<Crs>,
}

/// The filters and page of `/items` besides the queryables.
#[derive(Debug, IntoParams, Deserialize)]
#[into_params(parameter_in = Query)]
pub struct Items {
    /// minLon,minLat,maxLon,maxLat in CRS84 (edges included); with bbox-crs EPSG:2180 minNorthing,minEasting,maxNorthing,maxEasting
    #[param(value_type = Option<BboxNumbers>, inline, style = Form, explode = false)]
    pub bbox: Option<String>,
    /// CRS of bbox: CRS84 (the default) or EPSG:2180 (northing, easting in metres)
    #[serde(rename = "bbox-crs")]
    #[param(rename = "bbox-crs", value_type = Option<CrsUri>, inline)]
    pub bbox_crs: Option<Crs>,
    /// Page size; larger values are clamped to the maximum
    #[param(value_type = Option<ItemLimitSchema>, inline, style = Form, explode = false)]
    pub limit: Option<ItemLimit>,
    /// Index of the first feature of the page (the next links use it)
    #[param(value_type = Option<u64>, minimum = 0, default = 0)]
    pub offset: Option<Offset>,
    /// Instant (2012-05-01) or interval (2010-01-01/.., ../2012-12-31) that the practice's time span meets
    #[param(value_type = Option<String>, style = Form, explode = false)]
    pub datetime: Option<DateTime>,
    /// Words that must all occur in the title, summary, town or unit
    #[param(inline)]
    pub q: Option<Text>,
    /// true: features without geometry
    #[serde(rename = "skipGeometry")]
    #[param(rename = "skipGeometry", value_type = Option<bool>, default = false)]
    pub skip_geometry: Option<Boolean>,
    /// Only these properties, comma-separated
    #[param(value_type = Option<PropertyNames>, inline, style = Form, explode = false)]
    pub properties: Option<Properties>,
    /// Order: property names, each with + (ascending, the default) or - (descending)
    #[param(value_type = Option<SortKeys>, inline, style = Form, explode = false)]
    pub sortby: Option<SortBy>,
}

/// The queryables as `name=value` parameters: the list and schemas that
/// `/queryables` serves ([`queryable_schemas`], in whose order the fields
/// are parsed).
#[derive(Debug, Deserialize)]
pub struct Queryables {
    /// Practice id.
    pub id: Option<String>,
    /// Whole title.
    pub title: Option<String>,
    /// Exactly this area.
    pub area: Option<AreaSlug>,
    /// This area or its subareas.
    pub area_group: Option<AreaSlug>,
    /// Year the practice is filed under.
    pub year: Option<Year>,
    /// Type of the unit.
    pub unit_type: Option<UnitTypeLabel>,
    /// Voivodeship by name.
    pub voivodeship: Option<String>,
    /// Voivodeship by TERYT code.
    pub voivodeship_teryt: Option<String>,
    /// Powiat by name.
    pub powiat: Option<String>,
    /// Powiat by TERYT code.
    pub powiat_teryt: Option<String>,
    /// Gmina by name.
    pub gmina: Option<String>,
    /// Gmina by TERYT code.
    pub gmina_teryt: Option<String>,
    /// Whole town.
    pub town: Option<Town>,
}

impl IntoParams for Queryables {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        queryable_schemas()
            .into_iter()
            .map(|(name, s)| {
                let t = match s.r#type {
                    Some("integer") => SchemaType::Integer,
                    _ => SchemaType::String,
                };
                let schema = ObjectBuilder::new()
                    .schema_type(t)
                    .enum_values(s.one_of)
                    .minimum(s.minimum.map(f64::from))
                    .maximum(s.maximum.map(f64::from));
                ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(s.title))
                    .style(Some(ParameterStyle::Form))
                    .explode(Some(false))
                    .schema(Some(schema))
                    .build()
            })
            .collect()
    }
}

query_params!(Format, AnswerCrs, Items, Queryables);

/// The collection in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CollectionId {
    /// The collection's id
    #[param(rename = "collectionId", value_type = CollectionIdValue, inline)]
    pub collection_id: String,
}

/// The feature in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FeatureId {
    /// The practice's id
    #[param(rename = "featureId")]
    pub feature_id: String,
}

/// A path parameter: documented with the query's, taken by `PathParam`.
impl QueryParams for CollectionId {
    fn from_pairs(_: &[(String, String)]) -> Result<Self, ApiError> {
        Ok(CollectionId {
            collection_id: String::new(),
        })
    }
}

/// A path parameter: documented with the query's, taken by `PathParam`.
impl QueryParams for FeatureId {
    fn from_pairs(_: &[(String, String)]) -> Result<Self, ApiError> {
        Ok(FeatureId {
            feature_id: String::new(),
        })
    }
}

/// A resource that takes only `f`.
pub type FormatParams = Query<Format>;
/// `/collections/{collectionId}`.
pub type CollectionParams = Query<And<CollectionId, Format>>;
/// `/items`.
pub type ItemsParams = Query<And<And<Items, And<Format, AnswerCrs>>, Queryables>>;
/// `/items/{featureId}`.
pub type ItemParams = Query<And<FeatureId, And<Format, AnswerCrs>>>;

/// A resource that takes only `f`, and only JSON.
pub struct JsonOnly;

impl<S: Send + Sync> FromRequestParts<S> for JsonOnly {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<JsonOnly, ApiError> {
        let q = Query::<Format>::from_request_parts(parts, state).await?;
        check_format(q.params.f.as_deref())?;
        Ok(JsonOnly)
    }
}

/// `f` names JSON, in any case: `json`, `geojson`, `geo+json` or a media type.
pub fn check_format(f: Option<&str>) -> Result<(), ApiError> {
    match f {
        None => Ok(()),
        Some(f)
            if ["json", "geojson", "geo+json", JSON, GEOJSON]
                .iter()
                .any(|ok| ok.eq_ignore_ascii_case(f)) =>
        {
            Ok(())
        }
        Some(f) => Err(ApiError::bad(
            "unsupported_format",
            format!("f: format {f:?} is not served; use f=json"),
        )),
    }
}
/// The JSON Schema of one queryable.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PropertySchema {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) r#type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) format: Option<&'static str>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) title: String,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    pub(crate) one_of: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) minimum: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) maximum: Option<i32>,
}

impl PropertySchema {
    pub(crate) fn typed(t: &'static str, title: &str) -> PropertySchema {
        PropertySchema {
            r#type: Some(t),
            title: title.to_string(),
            ..PropertySchema::default()
        }
    }
}

/// The queryables as JSON Schema properties: each typed as the property is
/// served, with the equality `name=value` applies.
pub fn queryable_schemas() -> Vec<(String, PropertySchema)> {
    fn s(t: &'static str, title: &str) -> PropertySchema {
        PropertySchema::typed(t, title)
    }
    let areas = |title: &str| PropertySchema {
        one_of: Some(Area::ALL.map(|a| a.slug()).to_vec()),
        ..s("string", title)
    };
    let mut m = vec![
        ("id".to_string(), s("string", "Practice id (exact)")),
        (
            "title".into(),
            s("string", "Title (whole, case- and diacritic-insensitive)"),
        ),
        ("area".into(), areas("Area slug (exact)")),
        (
            "area_group".into(),
            areas("Area slug; a parent area also matches its subareas (not a property)"),
        ),
        (
            "year".into(),
            PropertySchema {
                minimum: Some(YEAR_MIN as i32),
                maximum: Some(YEAR_MAX as i32),
                ..s("integer", "Year the practice is filed under")
            },
        ),
        (
            "unit_type".into(),
            PropertySchema {
                one_of: Some(UnitType::ALL.map(|u| u.label()).to_vec()),
                ..s(
                    "string",
                    "Type of the unit that runs the practice (Polish label, any case)",
                )
            },
        ),
    ];
    for (unit, pl) in [
        ("voivodeship", "Voivodeship"),
        ("powiat", "Powiat"),
        ("gmina", "Gmina"),
    ] {
        m.push((
            unit.into(),
            s(
                "string",
                &format!("{pl}: Polish name (case- and diacritic-insensitive)"),
            ),
        ));
        m.push((
            format!("{unit}_teryt"),
            s("string", &format!("{pl}: TERYT code (exact)")),
        ));
    }
    m.push((
        "town".into(),
        s("string", "Town (whole, case- and diacritic-insensitive)"),
    ));
    m
}
