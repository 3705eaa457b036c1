//! What `/api` and `/ogc` filters share beyond the value types of
//! [`super::values`]: a region given by TERYT code or name, resolved with the
//! gazetteer.

use super::error::ApiError;
use crate::gazetteer::{AdminLevel, Gazetteer};

/// Resolves the region parameter `name` (TERYT code or name) to its TERYT code.
pub fn region(
    g: &Gazetteer,
    name: &str,
    level: AdminLevel,
    value: Option<&str>,
) -> Result<Option<String>, ApiError> {
    value
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

/// The voivodeship, powiat and gmina parameters resolved to TERYT codes.
pub fn regions(
    g: &Gazetteer,
    [voivodeship, powiat, gmina]: [Option<&str>; 3],
) -> Result<[Option<String>; 3], ApiError> {
    Ok([
        region(g, "voivodeship", AdminLevel::Voivodeship, voivodeship)?,
        region(g, "powiat", AdminLevel::Powiat, powiat)?,
        region(g, "gmina", AdminLevel::Gmina, gmina)?,
    ])
}
