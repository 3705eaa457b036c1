//! The types of query parameter values: each parses and checks its value
//! with the message a client reads (the query extractor adds the
//! parameter's name), and the ranges are named constants, written once.
//! A value type that is its own schema implements `ToSchema` from the same
//! constants.

use utoipa::openapi::SchemaType;
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};

use super::error::ApiError;
use super::schema::{ranged, schema_of};
use crate::geo_util::{Bbox, LonLat};
use crate::practice::{Area, UnitType};

/// The first year a practice may be filed under or filtered by.
pub const YEAR_MIN: i64 = 1900;
/// The last such year.
pub const YEAR_MAX: i64 = 2100;
/// The largest page start.
pub const MAX_OFFSET: i64 = u32::MAX as i64;
/// The longest full-text query, characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// A query value type: parsed from the (trimmed, non-empty) text, or refused
/// with a message that the parameter's name will precede.
pub trait ParamValue: Sized {
    /// Parses one value.
    fn parse(v: &str) -> Result<Self, String>;
}

/// Implements `Deserialize` through [`ParamValue::parse`].
macro_rules! deserialize_by_parse {
    ($($t:ident $(<$(const $c:ident: $ct:ty),+>)?),+ $(,)?) => {$(
        impl<'de $($(, const $c: $ct)+)?> serde::Deserialize<'de> for $t $(<$($c),+>)? {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <String as serde::Deserialize>::deserialize(d)?;
                <Self as $crate::api::values::ParamValue>::parse(&v)
                    .map_err(<D::Error as serde::de::Error>::custom)
            }
        }
    )+};
}
pub(crate) use deserialize_by_parse;

/// A finite number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finite(pub f64);

impl ParamValue for Finite {
    fn parse(v: &str) -> Result<Finite, String> {
        let x: f64 = v
            .trim()
            .parse()
            .map_err(|_| format!("{v:?} is not a number"))?;
        if !x.is_finite() {
            return Err(format!("{v:?} is not a finite number"));
        }
        Ok(Finite(x))
    }
}

/// A latitude, degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lat(pub f64);

impl ParamValue for Lat {
    fn parse(v: &str) -> Result<Lat, String> {
        check_lat(Finite::parse(v)?.0).map(Lat)
    }
}

/// A longitude, degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lon(pub f64);

impl ParamValue for Lon {
    fn parse(v: &str) -> Result<Lon, String> {
        check_lon(Finite::parse(v)?.0).map(Lon)
    }
}

schema_of!(
    Text = utoipa::openapi::ObjectBuilder::new()
        .schema_type(SchemaType::String)
        .max_length(Some(MAX_TEXT_CHARS))
);
schema_of!(UnitTypeLabel = super::schema::one_of(UnitType::ALL.map(|u| u.label())));
schema_of!(AreaSlug = super::schema::one_of(Area::ALL.map(|a| a.slug())));
schema_of!(
    Lat = ranged(SchemaType::Number, -90.0, 90.0)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
);
schema_of!(
    Lon = ranged(SchemaType::Number, -180.0, 180.0)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
);

fn check_lon(lon: f64) -> Result<f64, String> {
    if (-180.0..=180.0).contains(&lon) {
        Ok(lon)
    } else {
        Err(format!("longitude {lon} is outside -180..180"))
    }
}

fn check_lat(lat: f64) -> Result<f64, String> {
    if (-90.0..=90.0).contains(&lat) {
        Ok(lat)
    } else {
        Err(format!("latitude {lat} is outside -90..90"))
    }
}

/// The point of a required `lon` and `lat`.
pub fn required_point(lon: Option<Lon>, lat: Option<Lat>) -> Result<LonLat, ApiError> {
    let lat = lat.ok_or_else(|| ApiError::invalid("lat", "required"))?;
    let lon = lon.ok_or_else(|| ApiError::invalid("lon", "required"))?;
    Ok(LonLat::new(lon.0, lat.0))
}

/// A whole number within `MIN..=MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int<const MIN: i64, const MAX: i64>(pub i64);

/// A whole number within `MIN..=MAX`, documented as a 32-bit integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int32<const MIN: i64, const MAX: i64>(pub i64);

/// A whole number within `min..=max`.
fn int_within(v: &str, min: i64, max: i64) -> Result<i64, String> {
    let n: i64 = v
        .parse()
        .map_err(|_| format!("{v:?} is not a whole number"))?;
    if n < min || n > max {
        return Err(format!("{n} is out of range {min}..={max}"));
    }
    Ok(n)
}

impl<const MIN: i64, const MAX: i64> ParamValue for Int<MIN, MAX> {
    fn parse(v: &str) -> Result<Self, String> {
        int_within(v, MIN, MAX).map(Int)
    }
}

impl<const MIN: i64, const MAX: i64> ParamValue for Int32<MIN, MAX> {
    fn parse(v: &str) -> Result<Self, String> {
        int_within(v, MIN, MAX).map(Int32)
    }
}

impl<'s, const MIN: i64, const MAX: i64> utoipa::ToSchema<'s> for Int<MIN, MAX> {
    fn schema() -> (
        &'s str,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    ) {
        (
            "Int",
            ranged(SchemaType::Integer, MIN as f64, MAX as f64).into(),
        )
    }
}

impl<'s, const MIN: i64, const MAX: i64> utoipa::ToSchema<'s> for Int32<MIN, MAX> {
    fn schema() -> (
        &'s str,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    ) {
        (
            "Int32",
            ranged(SchemaType::Integer, MIN as f64, MAX as f64)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .into(),
        )
    }
}

/// A page start within 0..=[`MAX_OFFSET`].
pub type Offset = Int<0, MAX_OFFSET>;

/// A year within [`YEAR_MIN`]..=[`YEAR_MAX`].
pub type Year = Int32<YEAR_MIN, YEAR_MAX>;

impl<const MIN: i64, const MAX: i64> Int<MIN, MAX> {
    /// The number as a count or index.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

impl<const MIN: i64, const MAX: i64> Int32<MIN, MAX> {
    /// The number as a count or index.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// A lon/lat box `minLon,minLat,maxLon,maxLat`: the one parser of a
/// `bbox` parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BboxParam(pub Bbox);

impl ParamValue for BboxParam {
    fn parse(v: &str) -> Result<BboxParam, String> {
        let parts: Vec<&str> = v.split(',').collect();
        if parts.len() != 4 {
            return Err(format!(
                "expected minLon,minLat,maxLon,maxLat, got {} values",
                parts.len()
            ));
        }
        let mut b = [0.0; 4];
        for (i, p) in parts.iter().enumerate() {
            b[i] = Finite::parse(p)?.0;
        }
        check_lon(b[0])?;
        check_lon(b[2])?;
        check_lat(b[1])?;
        check_lat(b[3])?;
        if b[0] > b[2] {
            return Err(format!("minLon {} is greater than maxLon {}", b[0], b[2]));
        }
        if b[1] > b[3] {
            return Err(format!("minLat {} is greater than maxLat {}", b[1], b[3]));
        }
        Ok(BboxParam(Bbox::from(b)))
    }
}

/// The full-text words `q`, at most [`MAX_TEXT_CHARS`] characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Text(pub String);

impl ParamValue for Text {
    fn parse(v: &str) -> Result<Text, String> {
        if v.chars().count() > MAX_TEXT_CHARS {
            return Err(format!("longer than {MAX_TEXT_CHARS} characters"));
        }
        Ok(Text(v.to_string()))
    }
}

/// A unit type by its Polish label (`gmina wiejska`), any case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitTypeLabel(pub UnitType);

impl ParamValue for UnitTypeLabel {
    fn parse(v: &str) -> Result<UnitTypeLabel, String> {
        UnitType::from_label(v)
            .map(UnitTypeLabel)
            .ok_or_else(|| format!("unknown unit type {v:?}; known: {}", UnitType::labels()))
    }
}

/// An area by its slug.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaSlug(pub Area);

impl ParamValue for AreaSlug {
    fn parse(v: &str) -> Result<AreaSlug, String> {
        area(v)
            .map(AreaSlug)
            .map_err(|known| format!("unknown area {v:?}; known: {known}"))
    }
}

/// An area by its slug; when unknown, the error is the list of known slugs.
pub fn area(slug: &str) -> Result<Area, String> {
    Area::from_slug(slug).ok_or_else(|| Area::ALL.map(|a| a.slug()).join(", "))
}

deserialize_by_parse!(
    Finite,
    Lat,
    Lon,
    Int<const MIN: i64, const MAX: i64>,
    Int32<const MIN: i64, const MAX: i64>,
    BboxParam,
    Text,
    UnitTypeLabel,
    AreaSlug,
);

/// A number given to a parameter that takes several: refused naming the
/// parameter.
pub fn number(name: &str, v: &str) -> Result<f64, ApiError> {
    Finite::parse(v)
        .map(|f| f.0)
        .map_err(|m| ApiError::invalid(name, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_must_be_finite_and_in_range() {
        assert!(Finite::parse("NaN").is_err());
        assert!(Finite::parse("inf").is_err());
        assert!(BboxParam::parse("20,50,19,51").is_err());
        assert!(BboxParam::parse("19,50,20,91").is_err());
        assert_eq!(
            BboxParam::parse("19,50,20,51").unwrap().0,
            Bbox::new(19.0, 50.0, 20.0, 51.0)
        );
        assert_eq!(
            Year::parse("1899").unwrap_err(),
            "1899 is out of range 1900..=2100"
        );
        assert_eq!(Year::parse("x").unwrap_err(), "\"x\" is not a whole number");
    }
}
