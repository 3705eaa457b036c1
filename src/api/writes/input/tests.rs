use serde_json::json;

use super::*;
use crate::geojson::{detail_feature, flat_properties};

fn g() -> &'static Gazetteer {
    Gazetteer::bundled()
}

fn minimal() -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [19.2343, 50.0352]},
        "properties": {"title": "Klub seniora", "area": "pomoc-spoleczna"}
    })
}

#[test]
fn a_minimal_feature_is_placed_and_reverse_geocoded() {
    let p = practice_from_feature("api-1", &minimal(), None, g()).unwrap();
    assert_eq!(p.id, "api-1");
    assert_eq!(p.title, "Klub seniora");
    assert_eq!(p.area, Area::PomocSpoleczna);
    assert_eq!(p.source, "api");
    let l = p.location.unwrap();
    assert_eq!(
        (l.lon, l.lat, l.precision),
        (19.2343, 50.0352, Precision::Manual)
    );
    // Oświęcim: gmina 121301 (city), powiat oświęcimski 1213, małopolskie 12.
    assert_eq!(p.admin.voivodeship.as_ref().unwrap().teryt.as_ref(), "12");
    assert_eq!(p.admin.powiat.as_ref().unwrap().teryt.as_ref(), "1213");
}

#[test]
fn what_the_read_view_gives_reads_back_unchanged() {
    let mut p = practice_from_feature("api-2", &minimal(), None, g()).unwrap();
    p.summary = "Krótko.".into();
    p.body = "Długo.\n\nI dalej.".into();
    p.cost_pln = Some(12_000);
    p.period_start = NaiveDate::from_ymd_opt(2020, 1, 1);
    p.unit_type = Some(UnitType::GminaMiejska);
    p.town = Some("Oświęcim".into());
    p.postal_code = Some("32-600".into());
    p.websites = vec!["https://oswiecim.pl/".into()];
    p.contacts = vec![Contact {
        name: "Jan Kowalski".into(),
        role: Some("kierownik".into()),
        phone: Some("33 123 45 67".into()),
        email: None,
    }];
    p.source_url = Some("https://example.org/praktyka".into());
    // The native detail feature.
    let native = serde_json::to_value(detail_feature(&p)).unwrap();
    assert_eq!(
        practice_from_feature("api-2", &native, Some(&p), g()).unwrap(),
        p
    );
    // The OGC (flat) view's properties.
    let mut flat = native.clone();
    flat["properties"] = Value::Object(flat_properties(&p, true));
    assert_eq!(
        practice_from_feature("api-2", &flat, Some(&p), g()).unwrap(),
        p
    );
}

#[test]
fn errors_name_the_field() {
    let cases = [
        (json!([1]), "body", false),
        (json!({"type": "FeatureCollection"}), "type", false),
        (
            json!({"properties": {"title": "T", "area": "kultura", "colour": "red"}}),
            "properties.colour",
            false,
        ),
        (
            json!({"properties": {"area": "kultura"}}),
            "properties.title",
            true,
        ),
        (
            json!({"properties": {"title": "T"}}),
            "properties.area",
            true,
        ),
        (
            json!({"properties": {"title": "T", "area": "sztuka"}}),
            "properties.area",
            true,
        ),
        (
            json!({"properties": {"title": 5, "area": "kultura"}}),
            "properties.title",
            false,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "cost_pln": -3}}),
            "properties.cost_pln",
            false,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "date_added": "2020-13-01"}}),
            "properties.date_added",
            true,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "period_start": "2021-01-01", "period_end": "2020-01-01"}}),
            "properties.period_end",
            true,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "unit_type": "miasto"}}),
            "properties.unit_type",
            true,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "postal_code": "32600"}}),
            "properties.postal_code",
            true,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "websites": ["javascript:alert(1)"]}}),
            "properties.websites[0]",
            true,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "contacts": [{"role": "x"}]}}),
            "properties.contacts[0].name",
            true,
        ),
        (
            json!({"properties": {"title": "T", "area": "kultura", "contacts": [{"name": "A", "pesel": "1"}]}}),
            "properties.contacts[0].pesel",
            false,
        ),
        (
            json!({"properties": {"title": "T\u{0}", "area": "kultura"}}),
            "properties.title",
            true,
        ),
        (
            json!({"geometry": {"type": "Point", "coordinates": [2.35, 48.85]}, "properties": {"title": "T", "area": "kultura"}}),
            "geometry",
            true,
        ),
        (
            json!({"geometry": {"type": "Point", "coordinates": [250, 50]}, "properties": {"title": "T", "area": "kultura"}}),
            "geometry",
            true,
        ),
        (
            json!({"geometry": {"type": "LineString", "coordinates": [[19, 50], [20, 50]]}, "properties": {"title": "T", "area": "kultura"}}),
            "geometry",
            false,
        ),
        (
            json!({"id": "other", "properties": {"title": "T", "area": "kultura"}}),
            "id",
            true,
        ),
        (
            json!({"style": {}, "properties": {"title": "T", "area": "kultura"}}),
            "style",
            false,
        ),
    ];
    for (body, field, unprocessable) in cases {
        let e = practice_from_feature("x", &body, None, g()).unwrap_err();
        assert_eq!(e.field, field, "{body}: {e}");
        assert_eq!(e.unprocessable, unprocessable, "{body}: {e}");
    }
}

#[test]
fn sql_looking_text_is_kept_as_text() {
    let body = json!({"properties": {"title": "'; DROP TABLE practices; --", "area": "kultura"}});
    let p = practice_from_feature("x", &body, None, g()).unwrap();
    assert_eq!(p.title, "'; DROP TABLE practices; --");
}

#[test]
fn a_moved_point_is_hand_set_and_a_kept_one_keeps_its_precision() {
    let mut p = practice_from_feature("api-3", &minimal(), None, g()).unwrap();
    let mut l = p.location.unwrap();
    l.precision = Precision::Locality;
    l.score = 0.8;
    p.location = Some(l);
    p.placed_from = Some("Miejscowość: Oświęcim".into());
    let same = serde_json::to_value(detail_feature(&p)).unwrap();
    let kept = practice_from_feature("api-3", &same, Some(&p), g()).unwrap();
    assert_eq!(kept.location.unwrap().precision, Precision::Locality);
    assert_eq!(kept.placed_from.as_deref(), Some("Miejscowość: Oświęcim"));
    // Moved to Gdańsk: hand-set, chain from reverse geocoding, no words.
    let mut moved = same.clone();
    moved["geometry"] = json!({"type": "Point", "coordinates": [18.6466, 54.352]});
    let m = practice_from_feature("api-3", &moved, Some(&p), g()).unwrap();
    assert_eq!(m.location.unwrap().precision, Precision::Manual);
    assert_eq!(m.placed_from, None);
    assert_eq!(m.admin.voivodeship.unwrap().teryt.as_ref(), "22");
    // Null geometry: not placed.
    moved["geometry"] = Value::Null;
    let none = practice_from_feature("api-3", &moved, Some(&p), g()).unwrap();
    assert_eq!((none.location, none.admin), (None, AdminChain::default()));
}

#[test]
fn merge_patch_follows_rfc_7396() {
    // The examples of RFC 7396, appendix A.
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (
            json!({"a": "b"}),
            json!({"b": "c"}),
            json!({"a": "b", "b": "c"}),
        ),
        (json!({"a": "b"}), json!({"a": null}), json!({})),
        (
            json!({"a": "b", "b": "c"}),
            json!({"a": null}),
            json!({"b": "c"}),
        ),
        (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
        (
            json!({"a": {"b": "c"}}),
            json!({"a": {"b": "d", "c": null}}),
            json!({"a": {"b": "d"}}),
        ),
        (
            json!({"a": [{"b": "c"}]}),
            json!({"a": [1]}),
            json!({"a": [1]}),
        ),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "b"}), json!(["c"]), json!(["c"])),
        (json!({"a": "foo"}), json!(null), json!(null)),
        (json!({"a": "foo"}), json!("bar"), json!("bar")),
        (
            json!({"e": null}),
            json!({"a": 1}),
            json!({"e": null, "a": 1}),
        ),
        (
            json!([1, 2]),
            json!({"a": "b", "c": null}),
            json!({"a": "b"}),
        ),
        (
            json!({}),
            json!({"a": {"bb": {"ccc": null}}}),
            json!({"a": {"bb": {}}}),
        ),
    ];
    for (mut target, patch, want) in cases {
        merge_patch(&mut target, &patch);
        assert_eq!(target, want, "patch {patch}");
    }
}

#[test]
fn the_writable_properties_are_the_datasets_columns_a_client_sets() {
    let keys: Vec<&str> = CSV_HEADER
        .iter()
        .map(|c| match *c {
            "powiat" => "powiat_as_given",
            "voivodeship" => "voivodeship_as_given",
            c => c,
        })
        .filter(|k| writable(k))
        .collect();
    assert_eq!(keys.len(), 25, "{keys:?}");
    for k in [
        "title",
        "area",
        "contacts",
        "source_url",
        "powiat_as_given",
        "unit_type",
    ] {
        assert!(keys.contains(&k), "{k}");
    }
    for k in [
        "id",
        "lon",
        "precision",
        "gmina_teryt",
        "powiat",
        "facts_from",
        "nothing",
    ] {
        assert!(!writable(k), "{k}");
    }
}
