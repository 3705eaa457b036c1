//! Request extractors whose rejection is [`ApiError`]: the query string decoded
//! once ([`Params`]), path segments ([`PathParam`]), and typed values parsed
//! from them — a point as [`LonLat`], a [`Bbox`] — with errors that name the
//! parameter.

use std::any::TypeId;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{LazyLock, PoisonError, RwLock};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use utoipa::IntoParams;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::Schema;

use super::error::ApiError;
use crate::geo_util::LonLat;

/// Path segments, extracted as axum's `Path` but rejected with [`ApiError`]
/// (a segment that is not UTF-8 is a JSON 400, not plain text).
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathParam<T>(pub T);

/// The decoded query string of one request. Extract it, then check it against
/// the parameters an endpoint accepts and documents with [`Params::accept`].
#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Params, ApiError> {
        Params::decode(parts.uri.query())
    }
}

impl Params {
    /// Decodes a raw query string.
    pub fn decode(raw: Option<&str>) -> Result<Params, ApiError> {
        let pairs = match raw {
            Some(r) if !r.is_empty() => serde_urlencoded::from_str(r).map_err(|e| {
                ApiError::bad("invalid_query", format!("malformed query string: {e}"))
            })?,
            _ => Vec::new(),
        };
        // `_` is a browser cache-buster (`?_=1700000000`): accepted and ignored.
        let pairs: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "_").collect();
        Ok(Params { pairs })
    }

    /// The parameters `T` documents (its `IntoParams`, derived from its
    /// fields), when each is given once: the one list both the OpenAPI
    /// document and this check read.
    pub fn accept<T: IntoParams + 'static>(self) -> Result<Params, ApiError> {
        Ok(self.accept_repeating::<T>(&[])?.0)
    }

    /// As [`Params::accept`], with the `repeatable` ones of `T`'s parameters
    /// returned apart (Photon's `osm_tag`, `layer`).
    pub fn accept_repeating<T: IntoParams + 'static>(
        self,
        repeatable: &[&str],
    ) -> Result<(Params, Vec<(String, String)>), ApiError> {
        let single: Vec<&str> = query_names::<T>()
            .iter()
            .copied()
            .filter(|n| !repeatable.contains(n))
            .collect();
        self.only_repeating(&single, repeatable)
    }

    /// The single-valued parameters (each in `allowed`, given once) and the
    /// values of the `repeatable` ones (Photon's `osm_tag`, `layer`).
    fn only_repeating(
        self,
        allowed: &[&str],
        repeatable: &[&str],
    ) -> Result<(Params, Vec<(String, String)>), ApiError> {
        let (multi, single): (Vec<_>, Vec<_>) = self
            .pairs
            .into_iter()
            .partition(|(k, _)| repeatable.contains(&k.as_str()));
        for (i, (k, _)) in single.iter().enumerate() {
            if !allowed.contains(&k.as_str()) {
                let mut all: Vec<&str> = allowed.to_vec();
                all.extend(repeatable);
                return Err(ApiError::bad(
                    "unknown_parameter",
                    format!("{k}: unknown parameter; accepted: {}", all.join(", ")),
                ));
            }
            if single[..i].iter().any(|(k2, _)| k2 == k) {
                return Err(ApiError::invalid(k, "given more than once"));
            }
        }
        Ok((Params { pairs: single }, multi))
    }

    /// Every decoded pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The raw value of a parameter; an empty value counts as absent.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A finite number.
    pub fn f64(&self, name: &str) -> Result<Option<f64>, ApiError> {
        self.str(name).map(|v| parse_f64(name, v)).transpose()
    }

    /// The required `lat` and `lon` of a point, each within its range.
    pub fn lon_lat(&self) -> Result<LonLat, ApiError> {
        let lat = self
            .f64("lat")?
            .ok_or_else(|| ApiError::invalid("lat", "required"))?;
        let lon = self
            .f64("lon")?
            .ok_or_else(|| ApiError::invalid("lon", "required"))?;
        Ok(LonLat::new(check_lon("lon", lon)?, check_lat("lat", lat)?))
    }

    /// A whole number within `min..=max`.
    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        self.str(name)
            .map(|v| {
                let n: i64 = v
                    .parse()
                    .map_err(|_| ApiError::invalid(name, format!("{v:?} is not a whole number")))?;
                if n < min || n > max {
                    return Err(ApiError::invalid(
                        name,
                        format!("{n} is out of range {min}..={max}"),
                    ));
                }
                Ok(n)
            })
            .transpose()
    }

    /// A bounding box `minLon,minLat,maxLon,maxLat`.
    pub fn bbox(&self, name: &str) -> Result<Option<Bbox>, ApiError> {
        self.str(name).map(|v| Bbox::parse(name, v)).transpose()
    }
}

/// The names of the query parameters `T` documents, worked out once per
/// type: building utoipa's parameter objects costs more than answering a
/// small request, and every request checks its parameters.
pub fn query_names<T: IntoParams + 'static>() -> &'static [&'static str] {
    type Names = HashMap<TypeId, &'static [&'static str]>;
    static NAMES: LazyLock<RwLock<Names>> = LazyLock::new(Default::default);
    let id = TypeId::of::<T>();
    if let Some(names) = NAMES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
    {
        return names;
    }
    // Kept for the life of the process: one short list per parameter type.
    let names: Vec<&'static str> = T::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .filter(|p| p.parameter_in == ParameterIn::Query)
        .map(|p| &*Box::leak(p.name.into_boxed_str()))
        .collect();
    let mut all = NAMES.write().unwrap_or_else(PoisonError::into_inner);
    let kept: &&'static [&'static str] = all
        .entry(id)
        .or_insert_with(|| Box::leak(names.into_boxed_slice()));
    kept
}

/// The parameters of `A` and then those of `B`: an endpoint's parameters
/// composed from shared groups (OpenAPI and [`Params::accept`] alike).
pub struct And<A, B>(PhantomData<(A, B)>);

impl<A: IntoParams, B: IntoParams> IntoParams for And<A, B> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut out = A::into_params(&parameter_in);
        out.extend(B::into_params(&parameter_in));
        out
    }
}

/// The parameters of `T` as a query string has them: never null (an absent
/// parameter is how a query says "none", and `Option` fields are optional,
/// not nullable), so a schema is the value's own and not `allOf` it.
pub struct Query<T>(PhantomData<T>);

impl<T: IntoParams> IntoParams for Query<T> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut out = T::into_params(parameter_in);
        for p in &mut out {
            p.schema = p.schema.take().map(not_null);
        }
        out
    }
}

/// A query value's schema without `nullable`.
fn not_null(schema: RefOr<Schema>) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::AllOf(mut all)) if all.items.len() == 1 => not_null(all.items.remove(0)),
        RefOr::T(Schema::Object(mut o)) => {
            o.nullable = false;
            RefOr::T(Schema::Object(o))
        }
        other => other,
    }
}

/// No query parameters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoParams {}

/// A lon/lat bounding box, west-south to east-north, degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// Parses `minLon,minLat,maxLon,maxLat` for parameter `name`.
    pub fn parse(name: &str, v: &str) -> Result<Bbox, ApiError> {
        let [min_lon, min_lat, max_lon, max_lat] = parse_bbox(name, v)?;
        Ok(Bbox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    /// `[min_lon, min_lat, max_lon, max_lat]`, as `query::Filter` takes it.
    pub fn to_array(self) -> [f64; 4] {
        [self.min_lon, self.min_lat, self.max_lon, self.max_lat]
    }

    /// Whether a point lies in the box (edges included).
    pub fn contains(&self, p: LonLat) -> bool {
        (self.min_lon..=self.max_lon).contains(&p.lon)
            && (self.min_lat..=self.max_lat).contains(&p.lat)
    }
}

/// Parses a finite number for parameter `name`.
pub fn parse_f64(name: &str, v: &str) -> Result<f64, ApiError> {
    let x: f64 = v
        .trim()
        .parse()
        .map_err(|_| ApiError::invalid(name, format!("{v:?} is not a number")))?;
    if !x.is_finite() {
        return Err(ApiError::invalid(
            name,
            format!("{v:?} is not a finite number"),
        ));
    }
    Ok(x)
}

/// Checks a longitude for parameter `name`.
pub fn check_lon(name: &str, lon: f64) -> Result<f64, ApiError> {
    if (-180.0..=180.0).contains(&lon) {
        Ok(lon)
    } else {
        Err(ApiError::invalid(
            name,
            format!("longitude {lon} is outside -180..180"),
        ))
    }
}

/// Checks a latitude for parameter `name`.
pub fn check_lat(name: &str, lat: f64) -> Result<f64, ApiError> {
    if (-90.0..=90.0).contains(&lat) {
        Ok(lat)
    } else {
        Err(ApiError::invalid(
            name,
            format!("latitude {lat} is outside -90..90"),
        ))
    }
}

/// Parses `minLon,minLat,maxLon,maxLat` for parameter `name`.
pub fn parse_bbox(name: &str, v: &str) -> Result<[f64; 4], ApiError> {
    let parts: Vec<&str> = v.split(',').collect();
    if parts.len() != 4 {
        return Err(ApiError::invalid(
            name,
            format!(
                "expected minLon,minLat,maxLon,maxLat, got {} values",
                parts.len()
            ),
        ));
    }
    let mut b = [0.0; 4];
    for (i, p) in parts.iter().enumerate() {
        b[i] = parse_f64(name, p)?;
    }
    check_lon(name, b[0])?;
    check_lon(name, b[2])?;
    check_lat(name, b[1])?;
    check_lat(name, b[3])?;
    if b[0] > b[2] {
        return Err(ApiError::invalid(
            name,
            format!("minLon {} is greater than maxLon {}", b[0], b[2]),
        ));
    }
    if b[1] > b[3] {
        return Err(ApiError::invalid(
            name,
            format!("minLat {} is greater than maxLat {}", b[1], b[3]),
        ));
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_and_repeated_parameters() {
        let only = |raw: &str, allowed: &[&str]| {
            Params::decode(Some(raw)).and_then(|p| Ok(p.only_repeating(allowed, &[])?.0))
        };
        assert!(only("a=1&b=2", &["a"]).is_err());
        assert!(only("a=1&_=123", &["a"]).is_ok());
        assert!(only("a=1&a=2", &["a"]).is_err());
        let p = only("a=%C5%9Bl%C4%85skie&b=", &["a", "b"]).unwrap();
        assert_eq!(p.str("a"), Some("śląskie"));
        assert_eq!(p.str("b"), None);
    }

    /// A parameter group as the endpoints declare theirs (only its derived
    /// parameters are read).
    #[allow(dead_code)]
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    struct Near {
        /// Latitude
        #[param(minimum = -90, maximum = 90)]
        lat: Option<f64>,
        /// Required text
        q: String,
    }

    #[allow(dead_code)]
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    struct Paged {
        /// Page size
        limit: Option<u32>,
    }

    #[test]
    fn the_accepted_parameters_are_the_documented_ones() {
        type Both = And<Near, Paged>;
        assert_eq!(query_names::<Both>(), ["lat", "q", "limit"]);
        let ok = Params::decode(Some("q=x&limit=2&lat=")).unwrap();
        assert_eq!(ok.accept::<Both>().unwrap().str("q"), Some("x"));
        let e = Params::decode(Some("q=x&page=2"))
            .unwrap()
            .accept::<Both>()
            .unwrap_err();
        let ApiError::BadRequest { code, message } = e else {
            panic!("{e:?}");
        };
        assert_eq!(code, "unknown_parameter");
        assert_eq!(message, "page: unknown parameter; accepted: lat, q, limit");
        assert!(
            Params::decode(Some("limit=1"))
                .unwrap()
                .accept::<Near>()
                .is_err()
        );
        let (p, repeated) = Params::decode(Some("q=x&limit=1&limit=2"))
            .unwrap()
            .accept_repeating::<Both>(&["limit"])
            .unwrap();
        assert_eq!((p.str("q"), repeated.len()), (Some("x"), 2));
    }

    #[test]
    fn query_parameters_are_optional_not_nullable() {
        let plain = serde_json::to_value(Near::into_params(|| None)).unwrap();
        assert_eq!(plain[0]["schema"]["nullable"], true, "utoipa's Option");
        let query = serde_json::to_value(Query::<Near>::into_params(|| None)).unwrap();
        assert_eq!(query[0]["name"], "lat");
        assert_eq!(query[0]["required"], false);
        assert_eq!(query[0]["schema"]["type"], "number");
        assert_eq!(query[0]["schema"]["maximum"], 90);
        assert!(query[0]["schema"].get("nullable").is_none(), "{query}");
        assert_eq!(query[1]["required"], true);
    }

    #[test]
    fn numbers_must_be_finite_and_in_range() {
        assert!(parse_f64("x", "NaN").is_err());
        assert!(parse_f64("x", "inf").is_err());
        assert!(parse_bbox("bbox", "20,50,19,51").is_err());
        assert!(parse_bbox("bbox", "19,50,20,91").is_err());
        assert_eq!(
            parse_bbox("bbox", "19,50,20,51").unwrap(),
            [19.0, 50.0, 20.0, 51.0]
        );
    }
}
