//! Practice → GeoJSON Feature: the one place that knows the output shape.
//!
//! All output is RFC 7946: `[lon, lat]`, no `crs`, coordinates rounded to six
//! decimals. A practice without coordinates has `"geometry": null`.
//!
//! Two views exist: the *summary* (list) view, pre-serialised once per dataset
//! snapshot so that a list response is a concatenation of ready bytes, and the
//! *detail* view with the whole public record for `GET /api/practices/{id}`.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::gazetteer::AdminRef;
use crate::geo_util::{Bbox, LonLat};
use crate::practice::{Contact, Practice};

/// Rounds a coordinate to six decimals (about 0.1 m), as RFC 7946 recommends.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Rounds a distance in kilometres to metres.
pub fn round_km(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

/// A GeoJSON point at `lon`, `lat`, rounded to six decimals.
pub fn point(lon: f64, lat: f64) -> geojson::Geometry {
    geojson::Geometry::new(geojson::Value::Point(vec![round6(lon), round6(lat)]))
}

/// The point geometry of a practice, or `None` when it is not placed.
pub fn geometry(p: &Practice) -> Option<geojson::Geometry> {
    p.location.map(|l| point(l.lon, l.lat))
}

/// An administrative unit as the summary view writes it.
#[derive(serde::Serialize)]
struct AdminOut<'a> {
    teryt: &'a str,
    name: &'a str,
}

fn admin_out(a: &Option<AdminRef>) -> Option<AdminOut<'_>> {
    a.as_ref().map(|a| AdminOut {
        teryt: &a.teryt,
        name: &a.name,
    })
}

/// The list view's properties as one struct that serialises directly: what a
/// map popup and a list row need. Both the prepared features and
/// [`summary_properties`] come from it.
#[derive(serde::Serialize)]
struct Summary<'a> {
    area: &'static str,
    area_name: &'static str,
    area_path: String,
    cost_pln: Option<u64>,
    gmina: Option<AdminOut<'a>>,
    id: &'a str,
    powiat: Option<AdminOut<'a>>,
    precision: Option<&'static str>,
    score: Option<f64>,
    source: &'a str,
    source_url: Option<&'a str>,
    summary: &'a str,
    title: &'a str,
    town: Option<&'a str>,
    unit: Option<&'a str>,
    unit_type: Option<&'static str>,
    voivodeship: Option<AdminOut<'a>>,
    year: Option<i32>,
}

impl<'a> Summary<'a> {
    fn of(p: &'a Practice) -> Summary<'a> {
        Summary {
            area: p.area.slug(),
            area_name: p.area.name_pl(),
            area_path: p.area.path_pl(),
            cost_pln: p.cost_pln,
            gmina: admin_out(&p.admin.gmina),
            id: &p.id,
            powiat: admin_out(&p.admin.powiat),
            precision: p.location.map(|l| l.precision.as_str()),
            score: p.location.map(|l| (l.score * 1000.0).round() / 1000.0),
            source: &p.source,
            source_url: p.source_url.as_deref(),
            summary: &p.summary,
            title: &p.title,
            town: p.town.as_deref(),
            unit: p.unit.as_deref(),
            unit_type: p.unit_type.map(|u| u.label()),
            voivodeship: admin_out(&p.admin.voivodeship),
            year: p.year(),
        }
    }
}

/// The list view's properties: what a map popup and a list row need.
pub fn summary_properties(p: &Practice) -> Map<String, Value> {
    object(Summary::of(p))
}

/// The detail view's properties as one struct: the summary's and the whole
/// record as given.
#[derive(serde::Serialize)]
struct Detail<'a> {
    #[serde(flatten)]
    summary: Summary<'a>,
    body: &'a str,
    funding: Option<&'a str>,
    date_added: Option<NaiveDate>,
    date_updated: Option<NaiveDate>,
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    town_as_given: Option<&'a str>,
    powiat_as_given: Option<&'a str>,
    voivodeship_as_given: Option<&'a str>,
    postal_code: Option<&'a str>,
    post_office: Option<&'a str>,
    street: Option<&'a str>,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    websites: &'a [String],
    population: Option<u64>,
    contacts: &'a [Contact],
    placed_from: Option<&'a str>,
    coordinates: Option<Coordinates>,
}

/// Where a practice is, in the detail view.
#[derive(serde::Serialize)]
struct Coordinates {
    lon: f64,
    lat: f64,
    precision: &'static str,
    score: f64,
}

/// The properties as a JSON object.
fn object(v: impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => unreachable!("a struct of strings and numbers serialises as an object"),
    }
}

/// The detail view's properties: the whole record as given (pass the public view).
pub fn detail_properties(p: &Practice) -> Map<String, Value> {
    object(Detail {
        summary: Summary::of(p),
        body: &p.body,
        funding: p.funding.as_deref(),
        date_added: p.date_added,
        date_updated: p.date_updated,
        period_start: p.period_start,
        period_end: p.period_end,
        town_as_given: p.town.as_deref(),
        powiat_as_given: p.powiat.as_deref(),
        voivodeship_as_given: p.voivodeship.as_deref(),
        postal_code: p.postal_code.as_deref(),
        post_office: p.post_office.as_deref(),
        street: p.street.as_deref(),
        phone: p.phone.as_deref(),
        email: p.email.as_deref(),
        websites: &p.websites,
        population: p.population,
        contacts: &p.contacts,
        placed_from: p.placed_from.as_deref(),
        coordinates: p.location.map(|l| Coordinates {
            lon: round6(l.lon),
            lat: round6(l.lat),
            precision: l.precision.as_str(),
            score: l.score,
        }),
    })
}

/// The properties of the OGC API view: the summary (or, with `detail`, the
/// detail) properties with each administrative unit flat, as GIS clients and
/// CSV exports want them: `voivodeship` (Polish name) and `voivodeship_teryt`,
/// the same for `powiat` and `gmina`.
pub fn flat_properties(p: &Practice, detail: bool) -> Map<String, Value> {
    let mut m = if detail {
        detail_properties(p)
    } else {
        summary_properties(p)
    };
    for (key, unit) in [
        ("voivodeship", &p.admin.voivodeship),
        ("powiat", &p.admin.powiat),
        ("gmina", &p.admin.gmina),
    ] {
        m.insert(key.into(), unit.as_ref().map(|a| &*a.name).into());
        m.insert(
            format!("{key}_teryt"),
            unit.as_ref().map(|a| &*a.teryt).into(),
        );
    }
    m
}

/// The properties of a downloaded Feature (`/api/practices.geojson`,
/// `export --format geojson`): every public field of the record (pass the
/// public view) — the OGC item's flat detail properties and the words its
/// facts were read from (`facts_from`) — so that `import` reads the file back
/// into the same records.
pub fn download_properties(p: &Practice) -> Map<String, Value> {
    let mut m = flat_properties(p, true);
    m.insert("facts_from".into(), p.facts_from.as_deref().into());
    m
}

/// The downloaded Feature of a practice (pass the public view).
pub fn download_feature(p: &Practice) -> geojson::Feature {
    feature(p, download_properties(p))
}

/// A Feature with the given properties.
pub fn feature(p: &Practice, properties: Map<String, Value>) -> geojson::Feature {
    geojson::Feature {
        bbox: None,
        geometry: geometry(p),
        id: Some(geojson::feature::Id::String(p.id.clone())),
        properties: Some(properties),
        foreign_members: None,
    }
}

/// The detail Feature of a practice (pass the public view).
pub fn detail_feature(p: &Practice) -> geojson::Feature {
    feature(p, detail_properties(p))
}

/// The detail Feature of a practice (pass the public view) with extra top-level
/// members, such as OGC API's `links`.
pub fn detail_feature_with(p: &Practice, extra: Map<String, Value>) -> geojson::Feature {
    let mut f = detail_feature(p);
    if !extra.is_empty() {
        f.foreign_members = Some(extra);
    }
    f
}

/// Appends the summary Feature of a practice without its two closing braces,
/// serialised once and directly, so that a `distance_km` member can be added to
/// its properties later without re-serialising.
pub fn write_summary_open(out: &mut Vec<u8>, p: &Practice) {
    write_open(out, p, &Summary::of(p));
}

/// Appends a Feature of `p` with `properties` (an object that is never
/// empty: it holds the id) without its two closing braces.
fn write_open<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, p: &Practice, properties: &T) {
    out.extend_from_slice(b"{\"type\":\"Feature\",\"geometry\":");
    match p.location {
        Some(l) => {
            out.extend_from_slice(b"{\"type\":\"Point\",\"coordinates\":");
            serde_json::to_writer(&mut *out, &[round6(l.lon), round6(l.lat)])
                .expect("writing to a Vec cannot fail");
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"id\":");
    serde_json::to_writer(&mut *out, &p.id).expect("writing to a Vec cannot fail");
    out.extend_from_slice(b",\"properties\":");
    serde_json::to_writer(&mut *out, properties).expect("writing to a Vec cannot fail");
    // An object always serialises as `{...}`: drop its closing brace.
    out.pop();
}

/// A Feature the collection writers write, with `distance_km` when given.
pub trait WriteFeature {
    /// Writes the complete Feature.
    fn write_to(&self, out: &mut Vec<u8>, distance_km: Option<f64>);
}

/// A downloaded Feature ([`download_properties`]) serialised for one answer,
/// without its two closing braces (as a [`PreparedFeature`]).
pub struct OpenFeature(Vec<u8>);

impl OpenFeature {
    /// The downloaded Feature of `p` (pass the public view).
    pub fn download(p: &Practice) -> OpenFeature {
        let mut out = Vec::with_capacity(1024);
        write_open(&mut out, p, &download_properties(p));
        OpenFeature(out)
    }
}

impl WriteFeature for OpenFeature {
    fn write_to(&self, out: &mut Vec<u8>, distance_km: Option<f64>) {
        PreparedFeature::from_open(&self.0).write(out, distance_km);
    }
}

impl WriteFeature for PreparedFeature<'_> {
    fn write_to(&self, out: &mut Vec<u8>, distance_km: Option<f64>) {
        self.write(out, distance_km);
    }
}

/// One prepared summary Feature: its JSON without the two closing braces.
#[derive(Debug, Clone, Copy)]
pub struct PreparedFeature<'a> {
    open: &'a [u8],
}

impl<'a> PreparedFeature<'a> {
    /// A feature from what [`write_summary_open`] wrote.
    pub fn from_open(open: &'a [u8]) -> PreparedFeature<'a> {
        PreparedFeature { open }
    }

    /// Writes the complete Feature, with `distance_km` when given.
    pub fn write(&self, out: &mut Vec<u8>, distance_km: Option<f64>) {
        out.extend_from_slice(self.open);
        if let Some(d) = distance_km {
            out.extend_from_slice(b",\"distance_km\":");
            out.extend_from_slice(round_km(d).to_string().as_bytes());
        }
        out.extend_from_slice(b"}}");
    }
}

/// Writes a FeatureCollection of prepared features with `numberMatched`,
/// `numberReturned` and any extra top-level members.
pub fn write_collection<'a>(
    features: impl Iterator<Item = (PreparedFeature<'a>, Option<f64>)>,
    number_matched: usize,
    extra: &Map<String, Value>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    write_collection_to(&mut out, features, number_matched, extra)
        .expect("writing to a Vec cannot fail");
    out
}

/// Bytes gathered before they are handed to the writer of
/// [`write_collection_to`].
pub const WRITE_CHUNK_BYTES: usize = 64 * 1024;

/// Writes a FeatureCollection to any writer, in pieces of about
/// [`WRITE_CHUNK_BYTES`], so a download of every practice never needs the
/// whole answer in memory.
pub fn write_collection_to<W: std::io::Write, F: WriteFeature>(
    w: &mut W,
    features: impl Iterator<Item = (F, Option<f64>)>,
    number_matched: usize,
    extra: &Map<String, Value>,
) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(WRITE_CHUNK_BYTES + 4096);
    out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
    let mut n = 0usize;
    for (f, d) in features {
        if n > 0 {
            out.push(b',');
        }
        f.write_to(&mut out, d);
        n += 1;
        if out.len() >= WRITE_CHUNK_BYTES {
            w.write_all(&out)?;
            out.clear();
        }
    }
    out.extend_from_slice(b"],\"numberMatched\":");
    out.extend_from_slice(number_matched.to_string().as_bytes());
    out.extend_from_slice(b",\"numberReturned\":");
    out.extend_from_slice(n.to_string().as_bytes());
    for (k, v) in extra {
        out.push(b',');
        out.extend_from_slice(serde_json::to_string(k).expect("string").as_bytes());
        out.push(b':');
        out.extend_from_slice(v.to_string().as_bytes());
    }
    out.push(b'}');
    w.write_all(&out)
}

/// A cluster of practices as a GeoJSON Feature.
#[derive(serde::Serialize)]
struct ClusterFeature {
    r#type: &'static str,
    geometry: geojson::Geometry,
    properties: ClusterProperties,
}

/// What a cluster says of itself: how many practices and where they lie.
#[derive(serde::Serialize)]
struct ClusterProperties {
    cluster: bool,
    count: usize,
    bbox: [f64; 4],
}
/// One feature of a clustered answer (see [`write_clusters`]).
#[derive(Debug, Clone, Copy)]
pub enum ClusterItem<'a> {
    /// A practice alone: its summary feature, as in the list.
    Practice(PreparedFeature<'a>),
    /// A cell of several practices.
    Cell {
        /// How many.
        count: usize,
        /// Their mean position.
        at: LonLat,
        /// Their bounding box.
        bbox: Bbox,
    },
}

/// Writes a clustered answer for a viewport as a FeatureCollection: a cell of
/// several practices is a Point Feature with properties `cluster: true`,
/// `count` and `bbox`; a practice alone is its summary Feature, as in the list.
/// `numberMatched` counts every match in the viewport; `clustered` says which
/// kind the features are.
pub fn write_clusters<'a>(
    items: impl IntoIterator<Item = ClusterItem<'a>>,
    number_matched: usize,
    clustered: bool,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
    let mut n = 0usize;
    for item in items {
        if n > 0 {
            out.push(b',');
        }
        n += 1;
        match item {
            ClusterItem::Practice(f) => f.write(&mut out, None),
            ClusterItem::Cell { count, at, bbox } => {
                let v = ClusterFeature {
                    r#type: "Feature",
                    geometry: point(at.lon, at.lat),
                    properties: ClusterProperties {
                        cluster: true,
                        count,
                        bbox: bbox.to_array().map(round6),
                    },
                };
                serde_json::to_writer(&mut out, &v).expect("writing to a Vec cannot fail");
            }
        }
    }
    out.extend_from_slice(b"],\"numberMatched\":");
    out.extend_from_slice(number_matched.to_string().as_bytes());
    out.extend_from_slice(b",\"numberReturned\":");
    out.extend_from_slice(n.to_string().as_bytes());
    out.extend_from_slice(b",\"clustered\":");
    out.extend_from_slice(if clustered { b"true" } else { b"false" });
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Precision;
    use crate::practice::{Area, Location};

    fn practice(location: Option<Location>) -> Practice {
        let mut p = Practice::new(
            "p1".into(),
            "Tytuł \"z cudzysłowem\"".into(),
            Area::Kultura,
            "x".into(),
        );
        p.summary = "Lead".into();
        p.cost_pln = Some(203_609);
        p.town = Some("Oświęcim".into());
        p.location = location;
        p
    }

    #[test]
    fn prepared_feature_parses_as_geojson_with_distance() {
        let loc = Location {
            lon: 19.23434567891,
            lat: 50.0352,
            precision: Precision::PostalLocality,
            score: 0.98,
        };
        let p = practice(Some(loc));
        let mut open = Vec::new();
        write_summary_open(&mut open, &p);
        let body = write_collection(
            [(PreparedFeature::from_open(&open), Some(1.23456))].into_iter(),
            7,
            &Map::new(),
        );
        let gj: geojson::GeoJson = std::str::from_utf8(&body).unwrap().parse().unwrap();
        let geojson::GeoJson::FeatureCollection(fc) = gj else {
            panic!("not a collection")
        };
        let feat = &fc.features[0];
        assert_eq!(feat.property("distance_km").unwrap(), 1.235);
        assert_eq!(feat.property("cost_pln").unwrap(), 203_609);
        let geojson::Value::Point(c) = &feat.geometry.as_ref().unwrap().value else {
            panic!("not a point")
        };
        assert_eq!(c, &vec![19.234346, 50.0352]);
        assert_eq!(fc.foreign_members.unwrap()["numberMatched"], 7);
    }

    #[test]
    fn prepared_feature_is_the_summary_feature() {
        let loc = Location {
            lon: 19.2343,
            lat: 50.0352,
            precision: Precision::PostalLocality,
            score: 0.98765,
        };
        let mut p = practice(Some(loc));
        p.admin.gmina = Some(AdminRef::new("121301", "Oświęcim"));
        let mut open = Vec::new();
        write_summary_open(&mut open, &p);
        let mut out = Vec::new();
        PreparedFeature::from_open(&open).write(&mut out, None);
        let direct: Value = serde_json::from_slice(&out).unwrap();
        let via_geojson = serde_json::to_value(feature(&p, summary_properties(&p))).unwrap();
        assert_eq!(direct, via_geojson);
        assert_eq!(direct["properties"]["score"], 0.988);
        assert_eq!(direct["properties"]["gmina"]["name"], "Oświęcim");
    }

    #[test]
    fn unplaced_practice_has_null_geometry() {
        let mut open = Vec::new();
        write_summary_open(&mut open, &practice(None));
        let mut out = Vec::new();
        PreparedFeature::from_open(&open).write(&mut out, None);
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert!(v["geometry"].is_null());
        assert_eq!(v["properties"]["title"], "Tytuł \"z cudzysłowem\"");
    }
}
