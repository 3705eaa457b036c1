//! Integration tests through the same router the binary serves (no socket), on
//! the bundled dataset of real practices, plus one test of the real binary.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{app, app_with, config, dataset, get, send};
use mapa_praktyk::api::ApiConfig;

fn titles(fc: &geojson::FeatureCollection) -> Vec<String> {
    fc.features
        .iter()
        .map(|f| {
            f.property("town")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

fn town_of(f: &geojson::Feature) -> &str {
    f.property("town").and_then(|v| v.as_str()).unwrap_or("")
}

#[tokio::test]
async fn lists_every_practice_as_rfc7946_geojson() {
    let app = app();
    let r = get(&app, "/api/practices").await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/geo+json");
    let fc = r.features();
    let n = dataset().len();
    assert_eq!(fc.features.len(), n);
    let fm = fc.foreign_members.clone().unwrap();
    assert_eq!(fm["numberMatched"], n);
    assert_eq!(fm["numberReturned"], n);
    assert!(!r.text().contains("\"crs\""));
    for f in &fc.features {
        let Some(geojson::Geometry {
            value: geojson::Value::Point(c),
            ..
        }) = &f.geometry
        else {
            panic!("seed practice without a point: {f:?}")
        };
        // lon, lat order, inside Poland, at most 6 decimals.
        assert!(
            (14.0..24.2).contains(&c[0]) && (49.0..55.0).contains(&c[1]),
            "{c:?}"
        );
        for x in c {
            assert_eq!((x * 1e6).round() / 1e6, *x);
        }
    }
}

#[tokio::test]
async fn near_a_postal_code_puts_dabrowa_gornicza_first_with_its_distance() {
    let app = app();
    let fc = get(&app, "/api/practices?near=41-300&radius_km=30")
        .await
        .features();
    let first = &fc.features[0];
    assert_eq!(town_of(first), "Dąbrowa Górnicza");
    let d0 = first
        .property("distance_km")
        .and_then(|v| v.as_f64())
        .unwrap();
    assert!(d0 < 3.0, "{d0}");
    let mut last = 0.0;
    for f in &fc.features {
        let d = f.property("distance_km").and_then(|v| v.as_f64()).unwrap();
        assert!(d >= last && d <= 30.0, "distances {last} then {d}");
        last = d;
    }
    // Gdańsk and Włocławek are hundreds of km away.
    assert!(
        !titles(&fc)
            .iter()
            .any(|t| t == "Gdańsk" || t == "Włocławek")
    );
    let near = &fc.foreign_members.unwrap()["near"];
    assert_eq!(near["name"], "Dąbrowa Górnicza");
}

#[tokio::test]
async fn k_nearest_and_lat_lon_agree() {
    let app = app();
    let fc = get(&app, "/api/practices?lat=54.35&lon=18.65&k=2")
        .await
        .features();
    assert_eq!(fc.features.len(), 2);
    assert_eq!(town_of(&fc.features[0]), "Gdańsk");
    assert_eq!(town_of(&fc.features[1]), "Włocławek");
}

#[tokio::test]
async fn bbox_around_gdansk_returns_only_gdansk() {
    let app = app();
    let fc = get(&app, "/api/practices?bbox=18.4,54.25,18.8,54.45")
        .await
        .features();
    assert_eq!(titles(&fc), vec!["Gdańsk"]);
}

#[tokio::test]
async fn polygon_of_slaskie_returns_the_silesian_practices() {
    let app = app();
    let regions = get(&app, "/api/regions/voivodeships").await.features();
    assert_eq!(regions.features.len(), 16);
    let slaskie = regions
        .features
        .iter()
        .find(|f| f.property("teryt").and_then(|v| v.as_str()) == Some("24"))
        .unwrap();
    let body = serde_json::to_string(slaskie).unwrap();
    let r = send(
        &app,
        Request::post("/api/practices/within")
            .header(header::CONTENT_TYPE, "application/geo+json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    let mut towns = titles(&r.features());
    towns.sort();
    assert_eq!(towns, vec!["Dąbrowa Górnicza", "Zawiercie"]);
    // The same by attribute: the TERYT chain of the geocoded practices.
    let by_code = get(&app, "/api/practices?voivodeship=24").await.features();
    let by_name = get(&app, "/api/practices?voivodeship=%C5%9Bl%C4%85skie")
        .await
        .features();
    assert_eq!(by_code.features.len(), 2);
    assert_eq!(by_name.features.len(), 2);
    assert_eq!(slaskie.property("count").unwrap(), 2);
}

#[tokio::test]
async fn text_and_category_filters_combine() {
    let app = app();
    let fc = get(&app, "/api/practices?q=oswiecim").await.features();
    assert_eq!(titles(&fc), vec!["Oświęcim"]);
    let none = get(&app, "/api/practices?q=oswiecim&category=kultura")
        .await
        .features();
    assert!(none.features.is_empty());
    let all = get(&app, "/api/practices?category=uslugi-spoleczne")
        .await
        .features();
    assert_eq!(
        all.features.len(),
        dataset().len(),
        "the parent area matches its subareas"
    );
    let paged = get(&app, "/api/practices?limit=2&offset=1")
        .await
        .features();
    assert_eq!(paged.features.len(), 2);
    assert_eq!(
        paged.foreign_members.unwrap()["numberMatched"],
        dataset().len()
    );
}

#[tokio::test]
async fn one_practice_is_the_public_view() {
    let app = app();
    let practices = dataset();
    let osw = practices
        .iter()
        .find(|p| p.town.as_deref() == Some("Oświęcim"))
        .unwrap();
    assert!(
        osw.contacts.iter().any(|c| c.email.is_some()),
        "the dataset keeps the contact person's e-mail"
    );
    let r = get(&app, &format!("/api/practices/{}", osw.id)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let f: geojson::Feature = r
        .text()
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(f.property("title").unwrap(), osw.title.as_str());
    let text = r.text();
    for c in &osw.contacts {
        assert!(text.contains(&c.name), "the contact's name stays");
        if let Some(e) = &c.email {
            assert!(!text.contains(e.as_str()), "personal e-mail published: {e}");
        }
    }
    if let Some(e) = &osw.email {
        assert!(
            text.contains(e.as_str()),
            "the institution's e-mail stays public"
        );
    }
    // The CSV download leaves the person's e-mail out too, unless configured.
    let csv = get(&app, "/api/practices.csv?q=oswiecim").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let personal = osw.contacts.iter().find_map(|c| c.email.clone()).unwrap();
    assert!(!csv.text().contains(&personal));
    let open = app_with(
        practices.clone(),
        ApiConfig {
            publish_personal: true,
            ..config()
        },
    );
    assert!(
        get(&open, "/api/practices.csv?q=oswiecim")
            .await
            .text()
            .contains(&personal)
    );
}

#[tokio::test]
async fn geojson_download_matches_the_filter() {
    let app = app();
    let r = get(&app, "/api/practices.geojson?voivodeship=24").await;
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("praktyki.geojson")
    );
    let fc = r.features();
    assert_eq!(fc.features.len(), 2);
}

#[tokio::test]
async fn unknown_id_is_404_with_json() {
    let r = get(&app(), "/api/practices/no-such-id").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
}

#[tokio::test]
async fn bad_input_gets_400_naming_the_parameter() {
    let app = app();
    let cases = [
        ("/api/practices?bbox=20,50,19,51", "bbox"),
        ("/api/practices?bbox=19,50,20", "bbox"),
        ("/api/practices?bbox=19,50,200,51", "bbox"),
        ("/api/practices?lat=91&lon=19", "lat"),
        ("/api/practices?lat=50&lon=-181", "lon"),
        ("/api/practices?lat=NaN&lon=19", "lat"),
        ("/api/practices?lat=50&lon=inf", "lon"),
        ("/api/practices?lat=50&lon=19&radius_km=0", "radius_km"),
        ("/api/practices?lat=50&lon=19&radius_km=-5", "radius_km"),
        ("/api/practices?lat=50&lon=19&radius_km=1001", "radius_km"),
        ("/api/practices?lat=50&lon=19&k=1001", "k"),
        ("/api/practices?lat=50&lon=19&k=abc", "k"),
        ("/api/practices?radius_km=5", "radius_km"),
        ("/api/practices?lat=50", "lon"),
        ("/api/practices?category=astrology", "category"),
        ("/api/practices?voivodeship=atlantis", "voivodeship"),
        ("/api/practices?powiat=nieznany", "powiat"),
        ("/api/practices?gmina=Nibylandia", "gmina"),
        ("/api/practices?year_from=2020&year_to=2010", "year_from"),
        ("/api/practices?limit=10001", "limit"),
        ("/api/practices?offset=-1", "offset"),
        ("/api/practices?colour=red", "colour"),
        ("/api/practices?near=99-9999", "near"),
        ("/api/practices.geojson?bbox=x", "bbox"),
        ("/api/practices.csv?k=5", "k"),
        ("/api/geocode", "q"),
        ("/api/geocode?q=99-9999", "q"),
        ("/api/reverse?lat=50", "lon"),
        ("/api/reverse?lat=100&lon=19", "lat"),
    ];
    for (uri, param) in cases {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text());
        let v = r.json();
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains(param),
            "{uri}: message {msg:?} does not name {param}"
        );
        assert!(v["error"]["code"].is_string(), "{uri}");
    }
}

#[tokio::test]
async fn bad_polygon_bodies_get_400() {
    let app = app();
    let bodies = [
        ("", "invalid_geojson"),
        ("{not json", "invalid_geojson"),
        (
            "{\"type\":\"Point\",\"coordinates\":[19,50]}",
            "invalid_geojson",
        ),
        (
            "{\"type\":\"Polygon\",\"coordinates\":[[[19,50],[20,50],[19,50]]]}",
            "invalid_geojson",
        ),
        (
            "{\"type\":\"Polygon\",\"coordinates\":[[[190,50],[20,50],[20,51],[190,50]]]}",
            "invalid_geojson",
        ),
        (
            "{\"type\":\"FeatureCollection\",\"features\":[]}",
            "invalid_geojson",
        ),
    ];
    for (body, code) in bodies {
        let r = send(
            &app,
            Request::post("/api/practices/within")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{}",
            &body[..body.len().min(60)]
        );
        assert_eq!(r.error_code(), code);
    }
}

#[tokio::test]
async fn etag_gives_304_and_responses_compress() {
    let app = app();
    let r = get(&app, "/api/practices?voivodeship=24").await;
    let etag = r.headers[header::ETAG].to_str().unwrap().to_string();
    assert!(
        r.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let again = send(
        &app,
        Request::get("/api/practices?voivodeship=24")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let other = get(&app, "/api/practices?voivodeship=22").await;
    assert_ne!(other.headers[header::ETAG].to_str().unwrap(), etag);
    // A browser offering all of them gets zstd, the cheapest to produce.
    for (accept, enc) in [
        ("gzip", "gzip"),
        ("br", "br"),
        ("zstd", "zstd"),
        ("gzip, deflate, br, zstd", "zstd"),
    ] {
        let z = send(
            &app,
            Request::get("/api/practices")
                .header(header::ACCEPT_ENCODING, accept)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(z.headers[header::CONTENT_ENCODING], enc, "{accept}");
    }
    let cors = send(
        &app,
        Request::get("/api/categories")
            .header(header::ORIGIN, "https://example.org")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(cors.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn unplaced_practices_are_listed_but_never_break_spatial_queries() {
    let mut practices = dataset();
    let mut lost = practices[0].clone();
    lost.id = "unplaced-1".into();
    lost.location = None;
    lost.admin = Default::default();
    practices.push(lost);
    let app = app_with(practices, config());
    let all = get(&app, "/api/practices?q=oswiecim").await.features();
    assert_eq!(all.features.len(), 2);
    assert!(all.features.iter().any(|f| f.geometry.is_none()));
    let near = get(&app, "/api/practices?lat=50.03&lon=19.23&radius_km=10")
        .await
        .features();
    assert_eq!(near.features.len(), 1);
    let bbox = get(&app, "/api/practices?bbox=14,49,24.2,55")
        .await
        .features();
    assert!(bbox.features.iter().all(|f| f.geometry.is_some()));
    let one = get(&app, "/api/practices/unplaced-1").await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.json()["geometry"].is_null());
}

#[tokio::test]
async fn geocode_reverse_categories_openapi_health() {
    let app = app();
    let fc = get(&app, "/api/geocode?q=32-600%20O%C5%9Bwi%C4%99cim")
        .await
        .features();
    let best = &fc.features[0];
    assert_eq!(best.property("name").unwrap(), "Oświęcim");
    assert_eq!(best.property("precision").unwrap(), "postal_locality");
    assert_eq!(best.property("gmina").unwrap()["teryt"], "121301");
    let structured = get(&app, "/api/geocode?town=Dabrowa%20Gornicza&voivodeship=24")
        .await
        .features();
    assert_eq!(
        structured.features[0].property("name").unwrap(),
        "Dąbrowa Górnicza"
    );
    let none = get(&app, "/api/geocode?q=Gda%C5%84sk&voivodeship=12").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND, "{}", none.text());

    let r = get(&app, "/api/reverse?lat=54.35&lon=18.65").await;
    let f: geojson::Feature = r
        .text()
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(f.property("name").unwrap(), "Gdańsk");
    assert_eq!(f.property("voivodeship").unwrap()["teryt"], "22");
    let out = get(&app, "/api/reverse?lat=52.52&lon=13.40").await;
    assert_eq!(out.status, StatusCode::NOT_FOUND);
    assert!(out.text().contains("outside coverage"));

    let cats = get(&app, "/api/categories").await.json();
    let list = cats["categories"].as_array().unwrap();
    assert_eq!(list.len(), 12);
    let pomoc = list
        .iter()
        .find(|c| c["slug"] == "pomoc-spoleczna")
        .unwrap();
    assert!(pomoc["count"].as_u64().unwrap() >= 1);

    let doc = get(&app, "/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.0.3");
    for p in [
        "/api/practices",
        "/api/practices/within",
        "/api/practices/{id}",
        "/api/practices.geojson",
        "/api/practices.csv",
        "/api/geocode",
        "/api/reverse",
        "/api/regions/voivodeships",
        "/api/categories",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing from OpenAPI");
    }
    let health = get(&app, "/healthz").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["practices"], dataset().len());
    let unknown = get(&app, "/api/nothing-here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_code(), "not_found");
}

/// Starts the real binary on a free port, asks it something over TCP, and
/// stops it with SIGTERM: it must shut down cleanly.
#[test]
fn real_binary_serves_and_shuts_down_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};

    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapa-praktyk"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(Path::new(root).join("data/practices.csv"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let mut s = std::net::TcpStream::connect(&addr).expect("connects");
    write!(
        s,
        "GET /api/practices?near=41-300&radius_km=30 HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("Dąbrowa Górnicza"));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
}
