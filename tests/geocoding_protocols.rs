//! Photon- and Nominatim-compatible geocoding, through the same router the
//! binary serves: the shapes those clients parse, and the places they resolve.

mod common;

use axum::Router;
use axum::http::StatusCode;
use serde_json::Value;

/// The router with the gazetteer and no practices.
fn app() -> Router {
    common::app_with(Vec::new(), common::config())
}

/// GETs `uri` and returns the status and the JSON body; a body that is not
/// JSON, or not labelled JSON, fails with the status and the body.
async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let r = common::get(app, uri).await;
    let ct = r.content_type();
    assert!(ct.contains("json"), "{uri}: content type {ct}");
    (r.status, r.json())
}

async fn ok(app: &Router, uri: &str) -> Value {
    let (status, v) = get(app, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {v}");
    v
}

/// Great-circle-enough distance in km between two lat/lon points.
fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let dx = (lon1 - lon2) * ((lat1 + lat2) / 2.0).to_radians().cos() * 111.32;
    let dy = (lat1 - lat2) * 111.32;
    dx.hypot(dy)
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_f64().unwrap(),
    }
}

// ------------------------------------------------------------------ Photon

#[tokio::test]
async fn photon_resolves_a_postal_code_and_town_with_photon_properties() {
    let app = app();
    let fc = ok(&app, "/photon/api?q=32-600%20O%C5%9Bwi%C4%99cim&limit=1").await;
    assert_eq!(fc["type"], "FeatureCollection");
    let f = &fc["features"][0];
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);
    let p = &f["properties"];
    assert_eq!(p["name"], "Oświęcim");
    assert_eq!(p["postcode"], "32-600");
    assert_eq!(p["county"], "powiat oświęcimski");
    assert_eq!(p["state"], "województwo małopolskie");
    assert_eq!(p["country"], "Polska");
    assert_eq!(p["countrycode"], "PL");
    assert_eq!(p["type"], "city");
    let c = &f["geometry"]["coordinates"];
    let (lon, lat) = (num(&c[0]), num(&c[1]));
    assert!(km(lat, lon, 50.035, 19.22) < 5.0, "{c}");
    // extent is [min lon, max lat, max lon, min lat] around the point.
    let e: Vec<f64> = p["extent"].as_array().unwrap().iter().map(num).collect();
    assert!(
        e[0] < lon && lon < e[2] && e[3] < lat && lat < e[1],
        "{e:?}"
    );
}

#[tokio::test]
async fn photon_language_limit_and_bbox() {
    let app = app();
    let fc = ok(&app, "/photon/api?q=D%C4%85browa%20G%C3%B3rnicza&lang=en").await;
    let first = &fc["features"][0];
    assert_eq!(first["properties"]["name"], "Dąbrowa Górnicza");
    assert_eq!(first["properties"]["country"], "Poland");
    let c = &first["geometry"]["coordinates"];
    assert!(km(num(&c[1]), num(&c[0]), 50.3339, 19.2048) < 8.0, "{c}");
    // Many villages are called Wola: limit caps them, a bbox keeps only the
    // ones inside it.
    let fc = ok(&app, "/photon/api?q=Wola&limit=3").await;
    assert_eq!(fc["features"].as_array().unwrap().len(), 3);
    let fc = ok(&app, "/photon/api?q=Wola&bbox=18.9,49.9,19.3,50.1").await;
    for f in fc["features"].as_array().unwrap() {
        let c = &f["geometry"]["coordinates"];
        let (lon, lat) = (num(&c[0]), num(&c[1]));
        assert!(
            (18.9..=19.3).contains(&lon) && (49.9..=50.1).contains(&lat),
            "{c}"
        );
    }
    // geopy sends osm_tag repeatedly; settlements are place=*.
    let fc = ok(
        &app,
        "/photon/api?q=Gda%C5%84sk&osm_tag=place&osm_tag=!boundary",
    )
    .await;
    assert_eq!(fc["features"][0]["properties"]["name"], "Gdańsk");
    let fc = ok(&app, "/photon/api?q=Gda%C5%84sk&osm_tag=boundary").await;
    assert!(
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["osm_key"] == "boundary")
    );
}

#[tokio::test]
async fn photon_reverse_finds_gdansk_and_nothing_abroad() {
    let app = app();
    let fc = ok(&app, "/photon/reverse?lat=54.352&lon=18.6466&limit=1").await;
    let p = &fc["features"][0]["properties"];
    assert_eq!(p["name"], "Gdańsk");
    assert_eq!(p["state"], "województwo pomorskie");
    assert_eq!(p["countrycode"], "PL");
    // A city with powiat rights has no separate county.
    assert!(p.get("county").is_none(), "{p}");
    let fc = ok(&app, "/photon/reverse?lat=48.8566&lon=2.3522").await;
    assert_eq!(fc["features"].as_array().unwrap().len(), 0);
    let fc = ok(&app, "/photon/api?q=Xyzzyqwe%20Nowhere").await;
    assert_eq!(fc["features"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn photon_bad_requests_are_400_naming_the_parameter() {
    let app = app();
    for (uri, param) in [
        ("/photon/api", "q"),
        ("/photon/api?q=x&limit=many", "limit"),
        ("/photon/api?q=x&lat=91&lon=10", "lat"),
        ("/photon/api?q=x&bbox=1,2,3", "bbox"),
        ("/photon/api?q=x&colour=red", "colour"),
        ("/photon/reverse?lat=54.3", "lon"),
    ] {
        let (status, v) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.starts_with(param), "{uri}: {m}");
    }
}

// --------------------------------------------------------------- Nominatim

#[tokio::test]
async fn nominatim_search_json_has_string_coordinates_and_address() {
    let app = app();
    let v = ok(
        &app,
        "/nominatim/search?q=32-600%20O%C5%9Bwi%C4%99cim&format=json&addressdetails=1&limit=1",
    )
    .await;
    let r = &v.as_array().unwrap()[0];
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert!(r["lat"].is_string() && r["lon"].is_string(), "{r}");
    assert!(
        km(num(&r["lat"]), num(&r["lon"]), 50.035, 19.22) < 5.0,
        "{r}"
    );
    assert_eq!(r["class"], "place");
    assert!(r.get("category").is_none());
    assert_eq!(
        r["display_name"],
        "Oświęcim, powiat oświęcimski, województwo małopolskie, 32-600, Polska"
    );
    let a = &r["address"];
    assert_eq!(a["postcode"], "32-600");
    assert_eq!(a["county"], "powiat oświęcimski");
    assert_eq!(a["state"], "województwo małopolskie");
    assert_eq!(a["ISO3166-2-lvl4"], "PL-12");
    assert_eq!(a["country_code"], "pl");
    // boundingbox: [min lat, max lat, min lon, max lon] as strings.
    let bb = r["boundingbox"].as_array().unwrap();
    assert!(bb.iter().all(Value::is_string), "{bb:?}");
    let bb: Vec<f64> = bb.iter().map(num).collect();
    let (lat, lon) = (num(&r["lat"]), num(&r["lon"]));
    assert!(
        bb[0] < lat && lat < bb[1] && bb[2] < lon && lon < bb[3],
        "{bb:?}"
    );
    // Without addressdetails, no address (Nominatim's default for search).
    let v = ok(&app, "/nominatim/search?q=O%C5%9Bwi%C4%99cim&format=json").await;
    assert!(v[0].get("address").is_none());
}

#[tokio::test]
async fn nominatim_structured_search_and_formats() {
    let app = app();
    let v = ok(
        &app,
        "/nominatim/search?city=D%C4%85browa%20G%C3%B3rnicza&state=wojew%C3%B3dztwo%20%C5%9Bl%C4%85skie&format=jsonv2",
    )
    .await;
    let r = &v[0];
    assert_eq!(r["name"], "Dąbrowa Górnicza");
    assert_eq!(r["category"], "place");
    assert_eq!(r["addresstype"], "city");
    assert!(km(num(&r["lat"]), num(&r["lon"]), 50.3339, 19.2048) < 8.0);
    let fc = ok(
        &app,
        "/nominatim/search?postalcode=41-300&format=geojson&addressdetails=1",
    )
    .await;
    assert_eq!(fc["type"], "FeatureCollection");
    let f = &fc["features"][0];
    assert_eq!(f["properties"]["address"]["postcode"], "41-300");
    assert!(f["geometry"]["coordinates"][0].is_number());
    assert_eq!(f["bbox"].as_array().unwrap().len(), 4);
    // Another country, or nothing found: an empty list, as Nominatim answers.
    let v = ok(&app, "/nominatim/search?q=Gda%C5%84sk&countrycodes=de,fr").await;
    assert_eq!(v, Value::Array(Vec::new()));
    let v = ok(&app, "/nominatim/search?q=Xyzzyqwe%20Nowhere&format=json").await;
    assert_eq!(v, Value::Array(Vec::new()));
}

#[tokio::test]
async fn nominatim_reverse_finds_gdansk_or_unable_to_geocode() {
    let app = app();
    let r = ok(
        &app,
        "/nominatim/reverse?lat=54.352&lon=18.6466&format=json&accept-language=en",
    )
    .await;
    assert_eq!(r["address"]["city"], "Gdańsk");
    assert_eq!(r["address"]["country"], "Poland");
    assert_eq!(r["address"]["state"], "województwo pomorskie");
    assert!(r["lat"].is_string());
    assert!(r["display_name"].as_str().unwrap().starts_with("Gdańsk, "));
    let r = ok(
        &app,
        "/nominatim/reverse?lat=54.352&lon=18.6466&format=geojson",
    )
    .await;
    assert_eq!(r["features"][0]["properties"]["name"], "Gdańsk");
    // A coarse zoom answers the voivodeship.
    let r = ok(&app, "/nominatim/reverse?lat=54.352&lon=18.6466&zoom=5").await;
    assert_eq!(r["addresstype"], "state");
    assert_eq!(r["name"], "województwo pomorskie");
    let r = ok(
        &app,
        "/nominatim/reverse?lat=48.8566&lon=2.3522&format=json",
    )
    .await;
    assert_eq!(r, serde_json::json!({"error": "Unable to geocode"}));
}

#[tokio::test]
async fn nominatim_bad_requests_are_400() {
    let app = app();
    for (uri, param) in [
        ("/nominatim/search?q=x&city=y", "q"),
        ("/nominatim/search", "q"),
        ("/nominatim/search?q=x&format=xml", "format"),
        (
            "/nominatim/search?q=x&addressdetails=maybe",
            "addressdetails",
        ),
        ("/nominatim/search?q=x&colour=red", "colour"),
        ("/nominatim/reverse?lat=100&lon=18", "lat"),
        ("/nominatim/reverse?lon=18", "lat"),
    ] {
        let (status, v) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.starts_with(param), "{uri}: {m}");
    }
}

#[tokio::test]
async fn nominatim_takes_trailing_slashes() {
    let app = app();
    for path in [
        "/nominatim/search/?q=Gda%C5%84sk",
        "/nominatim/reverse/?lat=54.35&lon=18.65",
    ] {
        let v = ok(&app, path).await;
        assert!(v.to_string().contains("Gdańsk"), "{path}: {v}");
    }
    let r = common::get(&app, "/nominatim/status/").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn nominatim_polygon_geojson_gives_a_voivodeship_its_outline() {
    let app = app();
    let v = ok(
        &app,
        "/nominatim/search?q=wojew%C3%B3dztwo%20%C5%9Bl%C4%85skie&polygon_geojson=1&format=json",
    )
    .await;
    let first = &v[0];
    assert_eq!(first["addresstype"], "state", "{v}");
    let kind = first["geojson"]["type"].as_str().unwrap_or("");
    assert!(kind == "MultiPolygon" || kind == "Polygon", "{first}");
    // Without the flag, no outline.
    let v = ok(
        &app,
        "/nominatim/search?q=wojew%C3%B3dztwo%20%C5%9Bl%C4%85skie&format=json",
    )
    .await;
    assert!(v[0].get("geojson").is_none());
    // In format=geojson the outline is the feature's geometry.
    let v = ok(
        &app,
        "/nominatim/search?q=wojew%C3%B3dztwo%20%C5%9Bl%C4%85skie&polygon_geojson=1&format=geojson",
    )
    .await;
    assert_ne!(v["features"][0]["geometry"]["type"], "Point", "{v}");
}

#[tokio::test]
async fn nominatim_answers_geocodejson() {
    let app = app();
    let v = ok(&app, "/nominatim/search?q=Zawiercie&format=geocodejson").await;
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["geocoding"]["version"], "0.1.0");
    let g = &v["features"][0]["properties"]["geocoding"];
    assert_eq!(g["name"], "Zawiercie", "{v}");
    assert_eq!(g["city"], "Zawiercie");
    assert!(g["label"].as_str().unwrap().contains("województwo śląskie"));
    let c = &v["features"][0]["geometry"]["coordinates"];
    assert!(km(num(&c[1]), num(&c[0]), 50.49, 19.42) < 10.0, "{c}");
    let r = ok(
        &app,
        "/nominatim/reverse?lat=54.35&lon=18.65&format=geocodejson",
    )
    .await;
    assert_eq!(
        r["features"][0]["properties"]["geocoding"]["name"],
        "Gdańsk"
    );
}

#[tokio::test]
async fn a_street_not_in_the_gazetteer_falls_back_to_the_town() {
    let app = app();
    let v = ok(
        &app,
        "/nominatim/search?q=ul.%20Pi%C5%82sudskiego%20Zawiercie&format=json",
    )
    .await;
    assert_eq!(v[0]["name"], "Zawiercie", "{v}");
    let v = ok(
        &app,
        "/photon/api?q=ul.%20Pi%C5%82sudskiego%2012%2C%20Zawiercie",
    )
    .await;
    assert_eq!(v["features"][0]["properties"]["name"], "Zawiercie", "{v}");
}

// ------------------------------------------- search as you type, districts

#[tokio::test]
async fn photon_and_the_native_geocoder_complete_a_name_being_typed() {
    let app = app();
    for (q, name) in [
        ("O%C5%9Bwi%C4%99", "Oświęcim"),
        ("Zawi", "Zawiercie"),
        ("D%C4%85browa%20G", "Dąbrowa Górnicza"),
        ("Krak", "Kraków"),
    ] {
        let fc = ok(&app, &format!("/photon/api?q={q}&limit=3")).await;
        assert_eq!(fc["features"][0]["properties"]["name"], name, "photon {q}");
        let v = ok(&app, &format!("/api/geocode?q={q}")).await;
        assert_eq!(v["features"][0]["properties"]["name"], name, "geocode {q}");
    }
}

#[tokio::test]
async fn districts_come_as_suburbs_of_their_city() {
    let app = app();
    let fc = ok(&app, "/photon/api?q=Mokot%C3%B3w&limit=1").await;
    let p = &fc["features"][0]["properties"];
    assert_eq!(p["name"], "Mokotów");
    assert_eq!(p["osm_value"], "suburb");
    assert_eq!(p["type"], "district");
    assert_eq!(p["city"], "Warszawa");
    let v = ok(
        &app,
        "/nominatim/search?q=Psie%20Pole&format=jsonv2&addressdetails=1",
    )
    .await;
    assert_eq!(v[0]["address"]["suburb"], "Psie Pole", "{v}");
    assert_eq!(v[0]["address"]["city"], "Wrocław", "{v}");
    let g = ok(&app, "/api/geocode?q=w%20Bielanach").await;
    let p = &g["features"][0]["properties"];
    assert_eq!(p["name"], "Bielany", "{g}");
    assert_eq!(p["kind"], "district");
    assert_eq!(p["town"], "Warszawa");
}
