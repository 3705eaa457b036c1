//! Practice → GeoJSON Feature: the one place that knows the output shape.
//!
//! All output is RFC 7946: `[lon, lat]`, no `crs`, coordinates rounded to six
//! decimals. A practice without coordinates has `"geometry": null`.
//!
//! Two views exist: the *summary* (list) view, pre-serialised once per dataset
//! snapshot so that a list response is a concatenation of ready bytes, and the
//! *detail* view with the whole public record for `GET /api/practices/{id}`.

use serde_json::{Map, Value, json};

use crate::gazetteer::AdminRef;
use crate::practice::Practice;

/// Rounds a coordinate to six decimals (about 0.1 m), as RFC 7946 recommends.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Rounds a distance in kilometres to metres.
pub fn round_km(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

fn admin(a: &Option<AdminRef>) -> Value {
    match a {
        Some(a) => json!({"teryt": a.teryt, "name": a.name}),
        None => Value::Null,
    }
}

/// The point geometry of a practice, or `None` when it is not placed.
pub fn geometry(p: &Practice) -> Option<geojson::Geometry> {
    p.location
        .map(|l| geojson::Geometry::new(geojson::Value::Point(vec![round6(l.lon), round6(l.lat)])))
}

/// The list view's properties: what a map popup and a list row need.
pub fn summary_properties(p: &Practice) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id));
    m.insert("title".into(), json!(p.title));
    m.insert("area".into(), json!(p.area.slug()));
    m.insert("area_name".into(), json!(p.area.name_pl()));
    m.insert("area_path".into(), json!(p.area.path_pl()));
    m.insert("town".into(), json!(p.town));
    m.insert("unit".into(), json!(p.unit));
    m.insert("cost_pln".into(), json!(p.cost_pln));
    m.insert("year".into(), json!(p.year()));
    m.insert("summary".into(), json!(p.summary));
    m.insert("voivodeship".into(), admin(&p.admin.voivodeship));
    m.insert("powiat".into(), admin(&p.admin.powiat));
    m.insert("gmina".into(), admin(&p.admin.gmina));
    m.insert(
        "precision".into(),
        json!(p.location.map(|l| l.precision.as_str())),
    );
    m.insert(
        "score".into(),
        json!(p.location.map(|l| (l.score * 1000.0).round() / 1000.0)),
    );
    m.insert("source".into(), json!(p.source));
    m
}

/// The detail view's properties: the whole record as given (pass the public view).
pub fn detail_properties(p: &Practice) -> Map<String, Value> {
    let mut m = summary_properties(p);
    m.insert("body".into(), json!(p.body));
    m.insert("funding".into(), json!(p.funding));
    m.insert("date_added".into(), json!(p.date_added));
    m.insert("date_updated".into(), json!(p.date_updated));
    m.insert("period_start".into(), json!(p.period_start));
    m.insert("period_end".into(), json!(p.period_end));
    m.insert("unit_type".into(), json!(p.unit_type.map(|u| u.label())));
    m.insert("town_as_given".into(), json!(p.town));
    m.insert("powiat_as_given".into(), json!(p.powiat));
    m.insert("voivodeship_as_given".into(), json!(p.voivodeship));
    m.insert("postal_code".into(), json!(p.postal_code));
    m.insert("post_office".into(), json!(p.post_office));
    m.insert("street".into(), json!(p.street));
    m.insert("phone".into(), json!(p.phone));
    m.insert("email".into(), json!(p.email));
    m.insert("websites".into(), json!(p.websites));
    m.insert("population".into(), json!(p.population));
    m.insert("contacts".into(), json!(p.contacts));
    m.insert(
        "coordinates".into(),
        match p.location {
            Some(l) => json!({"lon": round6(l.lon), "lat": round6(l.lat), "precision": l.precision.as_str(), "score": l.score}),
            None => Value::Null,
        },
    );
    m
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
        m.insert(key.into(), json!(unit.as_ref().map(|a| &*a.name)));
        m.insert(
            format!("{key}_teryt"),
            json!(unit.as_ref().map(|a| &*a.teryt)),
        );
    }
    m
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

/// A summary Feature serialised without its two closing braces, so that a
/// `distance_km` member can be appended to its properties without re-serialising.
#[derive(Debug, Clone)]
pub struct PreparedFeature {
    open: String,
}

impl PreparedFeature {
    /// Serialises the summary Feature of a practice once.
    pub fn new(p: &Practice) -> PreparedFeature {
        let mut s = serde_json::to_string(&feature(p, summary_properties(p)))
            .expect("a Feature always serialises");
        // The Feature serialises as {...,"properties":{...}} with properties last
        // or not; find the properties object's closing brace robustly by
        // rebuilding the object with properties as the final member.
        let v: Value = serde_json::from_str(&s).expect("just serialised");
        let mut obj = v.as_object().cloned().unwrap_or_default();
        let props = obj
            .remove("properties")
            .unwrap_or(Value::Object(Map::new()));
        s.clear();
        s.push('{');
        for (k, val) in &obj {
            s.push_str(&serde_json::to_string(k).expect("string"));
            s.push(':');
            s.push_str(&val.to_string());
            s.push(',');
        }
        s.push_str("\"properties\":");
        let props = props.to_string();
        s.push_str(&props[..props.len() - 1]);
        PreparedFeature { open: s }
    }

    /// Writes the complete Feature, with `distance_km` when given.
    pub fn write(&self, out: &mut Vec<u8>, distance_km: Option<f64>) {
        out.extend_from_slice(self.open.as_bytes());
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
    features: impl Iterator<Item = (&'a PreparedFeature, Option<f64>)>,
    number_matched: usize,
    extra: &Map<String, Value>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
    let mut n = 0usize;
    for (f, d) in features {
        if n > 0 {
            out.push(b',');
        }
        f.write(&mut out, d);
        n += 1;
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
        let f = PreparedFeature::new(&p);
        let body = write_collection([(&f, Some(1.23456))].into_iter(), 7, &Map::new());
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
    fn unplaced_practice_has_null_geometry() {
        let f = PreparedFeature::new(&practice(None));
        let mut out = Vec::new();
        f.write(&mut out, None);
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert!(v["geometry"].is_null());
        assert_eq!(v["properties"]["title"], "Tytuł \"z cudzysłowem\"");
    }
}
