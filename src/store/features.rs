//! Reading a GeoJSON FeatureCollection the service gave out (the download
//! `/api/practices.geojson`, `export --format geojson`) back into validated
//! practices: each Feature's properties become the dataset's cells and go
//! through the same checks as a CSV row, so a file imports back into the
//! records it was written from. The geometry is the point (a GIS user who
//! moved it moved the practice); problems name the Feature by its number.

use std::collections::HashSet;
use std::path::Path;

use serde_json::{Map, Value};

use super::read::{Columns, RowReader, practice_from_row};
use super::{
    AdminInterner, CSV_HEADER, RowError, StoreError, WEBSITE_SEPARATOR, duplicate_id,
    formula_start, no_problems,
};
use crate::practice::{Area, Practice};

/// Properties a downloaded Feature carries that are worked out from others
/// (the area's names, the year, the rounded summary of the position) or
/// belong to one answer (`distance_km`): accepted and not read.
const DERIVED: &[&str] = &[
    "area_name",
    "area_path",
    "year",
    "distance_km",
    "town_as_given",
];

/// Properties read into a dataset column of another name.
const RENAMED: &[(&str, &str)] = &[
    ("powiat_as_given", "powiat"),
    ("voivodeship_as_given", "voivodeship"),
    ("gmina", "gmina_name"),
    ("powiat", "powiat_name"),
    ("voivodeship", "voivodeship_name"),
];

/// Dataset columns not read from a property of their own name.
const NOT_PROPERTIES: &[&str] = &[
    "lon",
    "lat",
    "powiat",
    "voivodeship",
    "gmina_name",
    "powiat_name",
    "voivodeship_name",
];

/// Reads and validates the practices of a GeoJSON FeatureCollection; `file`
/// names it in errors. Every problem is reported as `file:N: property:
/// problem`, N being the Feature's number (1 first); if any is bad, nothing
/// is read.
pub fn read_features(bytes: &[u8], file: &Path) -> Result<Vec<Practice>, StoreError> {
    let bad = |line: u64, message: String| StoreError::GeoJson {
        path: file.to_path_buf(),
        line,
        message,
    };
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| bad(e.line() as u64, e.to_string()))?;
    let features = match &doc {
        Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("FeatureCollection") => o
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(1, "a FeatureCollection without a features array".into()))?,
        _ => return Err(bad(1, "not a GeoJSON FeatureCollection".into())),
    };
    let columns: Columns = std::array::from_fn(Some);
    let mut admins = AdminInterner::default();
    let mut errors = Vec::new();
    let mut practices = Vec::with_capacity(features.len());
    let mut ids = HashSet::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let n = i as u64 + 1;
        let Some(cells) = cells_of(f, file, n, &mut errors) else {
            continue;
        };
        let rec = csv::StringRecord::from(cells);
        let mut r = RowReader {
            admins: &mut admins,
            rec: &rec,
            columns: &columns,
            file,
            line: n,
            errors: &mut errors,
        };
        let mut p = Practice::new(
            String::new(),
            String::new(),
            Area::UslugiSpoleczne,
            String::new(),
        );
        if !practice_from_row(&mut r, &mut p) {
            continue;
        }
        if !ids.insert(p.id.clone()) {
            errors.push(duplicate_id(file, n, &p.id));
            continue;
        }
        practices.push(p);
    }
    no_problems(errors)?;
    Ok(practices)
}

/// The dataset's cells of Feature number `n`, in [`CSV_HEADER`]'s order;
/// `None` (with the problems in `errors`) when it is not a Feature of a
/// practice.
fn cells_of(f: &Value, file: &Path, n: u64, errors: &mut Vec<RowError>) -> Option<Vec<String>> {
    let mut err = |column: &str, problem: String| {
        errors.push(RowError {
            file: file.to_path_buf(),
            line: n,
            column: column.to_string(),
            problem,
        })
    };
    let Some(f) = f
        .as_object()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("Feature"))
    else {
        err("feature", "not a GeoJSON Feature".into());
        return None;
    };
    let empty = Map::new();
    let props = match f.get("properties") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => &empty,
        Some(_) => {
            err("properties", "not an object".into());
            return None;
        }
    };
    let known = |k: &str| {
        DERIVED.contains(&k)
            || k == "coordinates"
            || RENAMED.iter().any(|(from, _)| *from == k)
            || (CSV_HEADER.contains(&k) && !NOT_PROPERTIES.contains(&k))
    };
    let before = errors.len();
    for k in props.keys().filter(|k| !known(k)) {
        errors.push(RowError {
            file: file.to_path_buf(),
            line: n,
            column: format!("properties.{k}"),
            problem: "not a property of a practice".into(),
        });
    }
    let (lon, lat) = match f.get("geometry") {
        None | Some(Value::Null) => (String::new(), String::new()),
        Some(g) => match point(g) {
            Some((lon, lat)) => (lon.to_string(), lat.to_string()),
            None => {
                errors.push(RowError {
                    file: file.to_path_buf(),
                    line: n,
                    column: "geometry".into(),
                    problem: "not a Point with a longitude and a latitude (or null)".into(),
                });
                (String::new(), String::new())
            }
        },
    };
    if errors.len() > before {
        return None;
    }
    let place = props.get("coordinates").and_then(Value::as_object);
    let cells = CSV_HEADER
        .iter()
        .map(|&column| {
            let v = match column {
                "id" => f.get("id").filter(|v| !v.is_null()).or(props.get("id")),
                "lon" => return lon.clone(),
                "lat" => return lat.clone(),
                // The full score and the place's precision are the detail's.
                "precision" | "score" => place
                    .and_then(|c| c.get(column))
                    .or_else(|| props.get(column)),
                _ => match RENAMED.iter().find(|(_, to)| *to == column) {
                    Some((from, _)) => props.get(*from),
                    None => props.get(column),
                },
            };
            cell(column, v)
        })
        .collect();
    Some(cells)
}

/// The position of a GeoJSON Point.
fn point(g: &Value) -> Option<(f64, f64)> {
    if g.get("type")?.as_str()? != "Point" {
        return None;
    }
    match g.get("coordinates")?.as_array()?.as_slice() {
        [lon, lat, ..] => Some((lon.as_f64()?, lat.as_f64()?)),
        _ => None,
    }
}

/// A property as the dataset's cell: text as it is, numbers as written,
/// `websites` joined, `contacts` as their JSON; a value that would start
/// like a spreadsheet formula gets the `'` the CSV reader takes off again.
fn cell(column: &str, v: Option<&Value>) -> String {
    let text = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) if column == "websites" => a
            .iter()
            .map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(WEBSITE_SEPARATOR),
        Some(Value::Array(a)) if column == "contacts" && a.is_empty() => String::new(),
        Some(other) => other.to_string(),
    };
    if formula_start(&text) {
        format!("'{text}")
    } else {
        text
    }
}
