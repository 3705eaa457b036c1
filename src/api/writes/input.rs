//! A practice as clients write it: a GeoJSON Feature whose `properties` are
//! the detail view's fields (what `GET /ogc/collections/practices/items/{id}`
//! and `GET /api/practices/{id}` give), so a client can read a feature,
//! change it and send it back. The derived fields of the read view (area
//! names, TERYT chain, precision, year, …) are accepted and ignored; a key
//! that is neither writable nor derived is refused by name. The point, when
//! set or moved, becomes hand-set coordinates and the gmina/powiat/
//! voivodeship chain comes from the bundled gazetteer's reverse geocoding.
//!
//! `PATCH` bodies are JSON merge patches (RFC 7396) over the record's
//! feature, then read by the same rule.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::gazetteer::{AdminChain, Gazetteer, GeocodeError, Precision};
use crate::geo_util::LonLat;
use crate::practice::{Area, Contact, Location, Practice, UnitType, web_url};
use crate::store::CSV_HEADER;

/// The most characters of a title.
pub const MAX_TITLE_CHARS: usize = 500;
/// The most bytes of any one text field (the body included).
pub const MAX_TEXT_BYTES: usize = 200_000;
/// The most websites or contacts of one practice.
pub const MAX_LIST_ITEMS: usize = 50;

/// Why a written practice was refused, naming the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {why}")]
pub struct InputError {
    /// The field (`properties.title`, `geometry`, …).
    pub field: String,
    /// What is wrong with it.
    pub why: String,
    /// Whether the request is readable but its content not acceptable (422)
    /// rather than malformed (400).
    pub unprocessable: bool,
}

impl InputError {
    fn malformed(field: &str, why: impl Into<String>) -> InputError {
        InputError {
            field: field.to_string(),
            why: why.into(),
            unprocessable: false,
        }
    }

    fn unprocessable(field: &str, why: impl Into<String>) -> InputError {
        InputError {
            field: field.to_string(),
            why: why.into(),
            unprocessable: true,
        }
    }
}

/// Properties the read views derive from others, or the importer's own:
/// accepted, ignored (the chain's `gmina`/`powiat`/`voivodeship` come from
/// the point; the names as the page gave them are the `…_as_given` fields;
/// `placed_from` and `facts_from`, in the download, are the importer's).
const DERIVED: &[&str] = &[
    "area_name",
    "area_path",
    "precision",
    "score",
    "year",
    "gmina",
    "gmina_teryt",
    "powiat",
    "voivodeship",
    "powiat_teryt",
    "voivodeship_teryt",
    "placed_from",
    "facts_from",
    "coordinates",
    "town_as_given",
    "id",
    "distance_km",
];

/// Top-level members of a feature other than `properties` and `geometry`:
/// accepted, ignored (OGC's `links`, a client's `bbox`).
const FEATURE_MEMBERS: &[&str] = &["type", "id", "links", "bbox"];

/// The practice `id` as `feature` describes it. `current` is the stored
/// record when there is one: its place (precision, chain) stays when the
/// point did not move, and its source when none is given.
pub fn practice_from_feature(
    id: &str,
    feature: &Value,
    current: Option<&Practice>,
    gazetteer: &Gazetteer,
) -> Result<Practice, InputError> {
    let Value::Object(f) = feature else {
        return Err(InputError::malformed(
            "body",
            "must be a GeoJSON Feature object",
        ));
    };
    if let Some(t) = f.get("type")
        && t != "Feature"
    {
        return Err(InputError::malformed("type", "must be \"Feature\""));
    }
    if let Some(k) = f
        .keys()
        .find(|k| !FEATURE_MEMBERS.contains(&k.as_str()) && *k != "properties" && *k != "geometry")
    {
        return Err(InputError::malformed(
            k,
            "is not a member of a practice feature",
        ));
    }
    if let Some(given) = f.get("id").filter(|v| !v.is_null())
        && given.as_str() != Some(id)
    {
        return Err(InputError::unprocessable(
            "id",
            format!("is {given}, but the request addresses {id:?}"),
        ));
    }
    let empty = Map::new();
    let props = match f.get("properties") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => &empty,
        Some(_) => return Err(InputError::malformed("properties", "must be an object")),
    };
    let r = Props(props);
    r.check_keys()?;
    let title = r.text("title")?.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(InputError::unprocessable("properties.title", "is required"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(InputError::unprocessable(
            "properties.title",
            format!("longer than {MAX_TITLE_CHARS} characters"),
        ));
    }
    let area = match r.text("area")? {
        Some(s) => Area::from_slug(s.trim()).ok_or_else(|| {
            InputError::unprocessable(
                "properties.area",
                format!(
                    "unknown area {s:?}; one of {}",
                    Area::ALL.map(|a| a.slug()).join(", ")
                ),
            )
        })?,
        None => return Err(InputError::unprocessable("properties.area", "is required")),
    };
    let source = match r.text("source")? {
        Some(s) if !s.trim().is_empty() => s,
        _ => current
            .map(|c| c.source.clone())
            .unwrap_or_else(|| "api".to_string()),
    };
    let mut p = Practice::new(id.to_string(), title.trim().to_string(), area, source);
    p.summary = r.text("summary")?.unwrap_or_default();
    p.body = r.text("body")?.unwrap_or_default();
    p.cost_pln = r.count("cost_pln")?;
    p.funding = r.text("funding")?;
    p.date_added = r.date("date_added")?;
    p.date_updated = r.date("date_updated")?;
    p.period_start = r.date("period_start")?;
    p.period_end = r.date("period_end")?;
    if let (Some(a), Some(b)) = (p.period_start, p.period_end)
        && a > b
    {
        return Err(InputError::unprocessable(
            "properties.period_end",
            format!("{b} is before period_start {a}"),
        ));
    }
    p.unit_type = match r.text("unit_type")? {
        Some(s) => Some(UnitType::from_label(&s).ok_or_else(|| {
            InputError::unprocessable(
                "properties.unit_type",
                format!("unknown unit type {s:?}; one of {}", UnitType::labels()),
            )
        })?),
        None => None,
    };
    p.town = r.text("town")?.or(r.text("town_as_given")?);
    p.powiat = r.text("powiat_as_given")?;
    p.voivodeship = r.text("voivodeship_as_given")?;
    p.postal_code = r.text("postal_code")?;
    if let Some(code) = &p.postal_code
        && !is_postal_code(code)
    {
        return Err(InputError::unprocessable(
            "properties.postal_code",
            format!("{code:?} is not a postal code NN-NNN"),
        ));
    }
    p.post_office = r.text("post_office")?;
    p.street = r.text("street")?;
    p.unit = r.text("unit")?;
    p.phone = r.text("phone")?;
    p.email = r.text("email")?;
    p.population = r.count("population")?;
    p.websites = r.websites()?;
    p.contacts = r.contacts()?;
    p.source_url = match r.text("source_url")? {
        Some(u) => Some(
            web_url(&u)
                .map_err(|why| InputError::unprocessable("properties.source_url", why))?
                .to_string(),
        ),
        None => None,
    };
    place(&mut p, f.get("geometry"), current, gazetteer)?;
    Ok(p)
}

/// Sets the location and chain from `geometry`: kept as stored when the point
/// did not move (the read view rounds to 6 decimals), hand-set and reverse
/// geocoded when it did, cleared when `null`.
fn place(
    p: &mut Practice,
    geometry: Option<&Value>,
    current: Option<&Practice>,
    gazetteer: &Gazetteer,
) -> Result<(), InputError> {
    let at = match geometry {
        None | Some(Value::Null) => return Ok(()),
        Some(g) => point(g)?,
    };
    if let Some(c) = current
        && let Some(l) = c.location
        && (l.lon - at.lon).abs() < 1e-6
        && (l.lat - at.lat).abs() < 1e-6
    {
        p.location = Some(l);
        p.placed_from = c.placed_from.clone();
        p.admin = c.admin.clone();
        return Ok(());
    }
    let found = gazetteer.reverse(at).map_err(|e| match e {
        GeocodeError::OutsideCoverage { .. } => InputError::unprocessable(
            "geometry",
            format!(
                "the point {} {} (lon lat) is outside Poland",
                at.lon, at.lat
            ),
        ),
        other => InputError::unprocessable("geometry", other.to_string()),
    })?;
    p.location = Some(Location {
        lon: at.lon,
        lat: at.lat,
        precision: Precision::Manual,
        score: 1.0,
    });
    p.placed_from = None;
    p.admin = AdminChain { ..found.admin };
    Ok(())
}

/// A GeoJSON Point's coordinates (lon, lat).
fn point(g: &Value) -> Result<LonLat, InputError> {
    let bad = |why: &str| InputError::malformed("geometry", why.to_string());
    let Value::Object(g) = g else {
        return Err(bad("must be a GeoJSON Point or null"));
    };
    if g.get("type").and_then(Value::as_str) != Some("Point") {
        return Err(bad("must be a GeoJSON Point (type \"Point\") or null"));
    }
    let c = g
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("coordinates must be [longitude, latitude]"))?;
    let (Some(lon), Some(lat)) = (
        c.first().and_then(Value::as_f64),
        c.get(1).and_then(Value::as_f64),
    ) else {
        return Err(bad("coordinates must be [longitude, latitude] numbers"));
    };
    if c.len() > 3 {
        return Err(bad("coordinates must be [longitude, latitude]"));
    }
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(InputError::unprocessable(
            "geometry",
            format!("[{lon}, {lat}] is not a longitude and latitude in degrees"),
        ));
    }
    Ok(LonLat { lon, lat })
}

fn is_postal_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6
        && b[2] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
}

/// The properties, read field by field with the field's name in every error.
struct Props<'a>(&'a Map<String, Value>);

/// Dataset columns ([`CSV_HEADER`]) a client does not write: the id is the
/// request's, the place the geometry's and the gazetteer's (the chain), the
/// words a place or a fact was read from the importer's.
const NOT_WRITTEN: &[&str] = &[
    "id",
    "lon",
    "lat",
    "precision",
    "score",
    "placed_from",
    "facts_from",
    "gmina_teryt",
    "gmina_name",
    "powiat_teryt",
    "powiat_name",
    "voivodeship_teryt",
    "voivodeship_name",
];

/// Whether a client may write this property: every dataset column but
/// [`NOT_WRITTEN`], by the read view's name (the `powiat` and `voivodeship`
/// columns, as the page gave them, are `…_as_given` there; its `powiat` and
/// `voivodeship` are the chain's).
fn writable(key: &str) -> bool {
    let column = match key {
        "powiat_as_given" => "powiat",
        "voivodeship_as_given" => "voivodeship",
        "powiat" | "voivodeship" => return false,
        k => k,
    };
    CSV_HEADER.contains(&column) && !NOT_WRITTEN.contains(&column)
}

impl Props<'_> {
    fn check_keys(&self) -> Result<(), InputError> {
        match self
            .0
            .keys()
            .find(|k| !writable(k) && !DERIVED.contains(&k.as_str()))
        {
            Some(k) => Err(InputError::malformed(
                &format!("properties.{k}"),
                "is not a property of a practice",
            )),
            None => Ok(()),
        }
    }

    /// A text field: absent or `null` is `None`; blank is `None`; control
    /// characters other than newlines and tabs are refused.
    fn text(&self, key: &str) -> Result<Option<String>, InputError> {
        let field = || format!("properties.{key}");
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                if s.len() > MAX_TEXT_BYTES {
                    return Err(InputError::unprocessable(
                        &field(),
                        format!("longer than {MAX_TEXT_BYTES} bytes"),
                    ));
                }
                if let Some(c) = s
                    .chars()
                    .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                {
                    return Err(InputError::unprocessable(
                        &field(),
                        format!("holds the control character {c:?}"),
                    ));
                }
                Ok(Some(s.clone()).filter(|s| !s.trim().is_empty()))
            }
            Some(_) => Err(InputError::malformed(&field(), "must be a string or null")),
        }
    }

    fn count(&self, key: &str) -> Result<Option<u64>, InputError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                InputError::malformed(
                    &format!("properties.{key}"),
                    "must be a whole number, 0 or more, or null",
                )
            }),
        }
    }

    fn date(&self, key: &str) -> Result<Option<NaiveDate>, InputError> {
        match self.text(key)? {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    InputError::unprocessable(
                        &format!("properties.{key}"),
                        format!("{s:?} is not a date YYYY-MM-DD"),
                    )
                }),
        }
    }

    fn list(&self, key: &str) -> Result<&[Value], InputError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) if a.len() <= MAX_LIST_ITEMS => Ok(a),
            Some(Value::Array(_)) => Err(InputError::unprocessable(
                &format!("properties.{key}"),
                format!("more than {MAX_LIST_ITEMS} items"),
            )),
            Some(_) => Err(InputError::malformed(
                &format!("properties.{key}"),
                "must be an array or null",
            )),
        }
    }

    fn websites(&self) -> Result<Vec<String>, InputError> {
        self.list("websites")?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let field = format!("properties.websites[{i}]");
                let s = v
                    .as_str()
                    .ok_or_else(|| InputError::malformed(&field, "must be a string"))?;
                // As the dataset holds them: an address, or a bare domain
                // (`www.gdansk.pl`); never a script or a control character.
                let t = s.trim();
                let lower = t.to_ascii_lowercase();
                let scheme = lower.split_once(':').map(|(a, _)| a).unwrap_or("");
                let bad_scheme = lower.contains(':')
                    && !lower.starts_with("http://")
                    && !lower.starts_with("https://")
                    && !scheme.bytes().all(|b| b.is_ascii_digit());
                if t.is_empty()
                    || bad_scheme
                    || t.chars().any(|c| c.is_control() || c.is_whitespace())
                {
                    return Err(InputError::unprocessable(
                        &field,
                        format!("{t:?} is not a web address"),
                    ));
                }
                Ok(t.to_string())
            })
            .collect()
    }

    fn contacts(&self) -> Result<Vec<Contact>, InputError> {
        self.list("contacts")?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let field = format!("properties.contacts[{i}]");
                let Value::Object(m) = v else {
                    return Err(InputError::malformed(&field, "must be an object"));
                };
                if let Some(k) = m
                    .keys()
                    .find(|k| !["name", "role", "phone", "email"].contains(&k.as_str()))
                {
                    return Err(InputError::malformed(
                        &format!("{field}.{k}"),
                        "is not a member of a contact (name, role, phone, email)",
                    ));
                }
                let inner = Props(m);
                let text = |k: &str| {
                    inner.text(k).map_err(|e| InputError {
                        field: format!("{field}.{k}"),
                        ..e
                    })
                };
                let name = text("name")?.ok_or_else(|| {
                    InputError::unprocessable(&format!("{field}.name"), "is required")
                })?;
                Ok(Contact {
                    name,
                    role: text("role")?,
                    phone: text("phone")?,
                    email: text("email")?,
                })
            })
            .collect()
    }
}

/// Applies a JSON merge patch (RFC 7396) to `target`: members of an object
/// patch replace, `null` removes, anything else replaces the whole.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else {
        return;
    };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

#[cfg(test)]
mod tests;
