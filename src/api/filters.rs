//! Filter parameters that `/api` and `/ogc` both accept, parsed in one place:
//! the text `q`, an area slug, a region by TERYT code or name.

use super::error::ApiError;
use super::extract::Params;
use crate::gazetteer::{AdminLevel, Gazetteer};
use crate::practice::{Area, UnitType};

/// The full-text parameter `q`, at most 200 characters.
pub fn text_param(params: &Params) -> Result<Option<String>, ApiError> {
    params
        .str("q")
        .map(|q| {
            if q.chars().count() > 200 {
                return Err(ApiError::invalid("q", "longer than 200 characters"));
            }
            Ok(q.to_string())
        })
        .transpose()
}

/// An area by its slug; when unknown, the error is the list of known slugs.
pub fn area_param(slug: &str) -> Result<Area, String> {
    Area::from_slug(slug).ok_or_else(|| Area::ALL.map(|a| a.slug()).join(", "))
}

/// The unit-type parameter `unit_type`: a Polish label (`gmina wiejska`), any case.
pub fn unit_type_param(params: &Params) -> Result<Option<UnitType>, ApiError> {
    params
        .str("unit_type")
        .map(|v| {
            UnitType::from_label(v).ok_or_else(|| {
                ApiError::invalid(
                    "unit_type",
                    format!("unknown unit type {v:?}; known: {}", UnitType::labels()),
                )
            })
        })
        .transpose()
}

/// Resolves a region parameter (TERYT code or name) to its TERYT code.
pub fn region_param(
    g: &Gazetteer,
    params: &Params,
    name: &str,
    level: AdminLevel,
) -> Result<Option<String>, ApiError> {
    params
        .str(name)
        .map(|v| {
            g.find_region(level, v)
                .map(|r| r.teryt.to_string())
                .map_err(|_| {
                    ApiError::bad(
                        "unknown_region",
                        format!(
                            "{name}: unknown {name} {v:?} (give a TERYT code or a Polish name)"
                        ),
                    )
                })
        })
        .transpose()
}
