//! OGC API – Features under `/ogc`, through the same router the binary serves:
//! the bundled five practices, and seeded synthetic ones for paging.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{app, config, dataset, get, send};
use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::practice::Practice;
use serde_json::Value;

fn app_with(practices: Vec<Practice>) -> axum::Router {
    common::app_with(practices, config())
}

fn link<'a>(doc: &'a Value, rel: &str) -> Option<&'a Value> {
    doc["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == rel)
}

fn href(doc: &Value, rel: &str) -> String {
    link(doc, rel).unwrap_or_else(|| panic!("no {rel} link in {doc}"))["href"]
        .as_str()
        .unwrap()
        .to_string()
}

fn path_of(url: &str) -> &str {
    url.strip_prefix("http://127.0.0.1:8080")
        .unwrap_or_else(|| panic!("{url} is not absolute on the request's host"))
}

fn ids(fc: &Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn town_ids(practices: &[Practice], towns: &[&str]) -> Vec<String> {
    practices
        .iter()
        .filter(|p| p.town.as_deref().is_some_and(|t| towns.contains(&t)))
        .map(|p| p.id.clone())
        .collect()
}

#[tokio::test]
async fn landing_page_links_every_resource_with_its_type() {
    let app = app();
    for uri in ["/ogc", "/ogc/", "/ogc?f=json"] {
        let r = get(&app, uri).await;
        let v = r.json_with(StatusCode::OK);
        assert_eq!(r.content_type(), "application/json");
        assert_eq!(href(&v, "self"), "http://127.0.0.1:8080/ogc");
        let desc = link(&v, "service-desc").unwrap();
        assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.0");
        assert_eq!(
            href(&v, "conformance"),
            "http://127.0.0.1:8080/ogc/conformance"
        );
        assert_eq!(href(&v, "data"), "http://127.0.0.1:8080/ogc/collections");
    }
}

#[tokio::test]
async fn conformance_lists_core_geojson_and_oas30() {
    let v = get(&app(), "/ogc/conformance")
        .await
        .json_with(StatusCode::OK);
    let classes: Vec<&str> = v["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for c in ["core", "geojson", "oas30"] {
        assert!(
            classes.contains(
                &format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{c}").as_str()
            ),
            "{classes:?}"
        );
    }
    assert!(!classes.iter().any(|c| c.ends_with("/html")));
}

#[tokio::test]
async fn openapi_describes_limit_and_queryables() {
    let r = get(&app(), "/ogc/api").await;
    let v = r.json_with(StatusCode::OK);
    assert_eq!(
        r.content_type(),
        "application/vnd.oai.openapi+json;version=3.0"
    );
    assert!(v["openapi"].as_str().unwrap().starts_with("3.0"));
    assert_eq!(v["servers"][0]["url"], "http://127.0.0.1:8080/ogc");
    let params = v["paths"]["/collections/practices/items"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
    assert_eq!(limit["schema"]["default"], 10);
    assert_eq!(limit["schema"]["maximum"], 10000);
    for q in ["bbox", "datetime", "area", "town", "voivodeship", "year"] {
        assert!(params.iter().any(|p| p["name"] == q), "no {q} parameter");
    }
    for p in [
        "/",
        "/conformance",
        "/collections",
        "/collections/practices/items/{featureId}",
    ] {
        assert!(v["paths"][p]["get"].is_object(), "no path {p}");
    }
}

#[tokio::test]
async fn collection_has_extent_from_the_practices_and_typed_links() {
    let app = app();
    let all = get(&app, "/ogc/collections")
        .await
        .json_with(StatusCode::OK);
    assert_eq!(all["collections"].as_array().unwrap().len(), 1);
    let c = get(&app, "/ogc/collections/practices")
        .await
        .json_with(StatusCode::OK);
    assert_eq!(c, all["collections"][0]);
    assert_eq!(c["itemType"], "feature");
    assert_eq!(
        c["extent"]["spatial"]["crs"],
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    );
    // The five practices span Gdańsk (north, west) to Zawiercie (east) and
    // Oświęcim (south).
    let b: Vec<f64> = c["extent"]["spatial"]["bbox"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(b, vec![18.6389, 50.0352, 19.4168, 54.3522]);
    // Włocławek's project ran from 2006; Zawiercie's partnership ran until the
    // end of 2017 (its page gives only the end, which counts as its span).
    let interval = &c["extent"]["temporal"]["interval"][0];
    assert_eq!(interval[0], "2006-01-01T00:00:00Z");
    assert_eq!(interval[1], "2017-12-31T23:59:59Z");
    let items = link(&c, "items").unwrap();
    assert_eq!(items["type"], "application/geo+json");
    assert_eq!(
        items["href"],
        "http://127.0.0.1:8080/ogc/collections/practices/items"
    );
    assert_eq!(link(&c, "self").unwrap()["type"], "application/json");
}

#[tokio::test]
async fn items_default_to_ten_and_count_exactly() {
    let practices = mapa_praktyk::synthetic::practices(Gazetteer::bundled(), 25, 7);
    let app = app_with(practices.clone());
    let r = get(&app, "/ogc/collections/practices/items").await;
    assert_eq!(r.content_type(), "application/geo+json");
    let fc = r.json_with(StatusCode::OK);
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["numberMatched"], 25);
    assert_eq!(fc["numberReturned"], 10);
    assert_eq!(ids(&fc).len(), 10);
    assert!(link(&fc, "prev").is_none());
    // Following next links visits every practice once, in dataset order.
    let mut seen = ids(&fc);
    let mut page = fc;
    while let Some(next) = link(&page, "next") {
        assert_eq!(next["type"], "application/geo+json");
        let url = next["href"].as_str().unwrap().to_string();
        page = get(&app, path_of(&url)).await.json_with(StatusCode::OK);
        assert_eq!(page["numberMatched"], 25);
        assert!(link(&page, "prev").is_some());
        seen.extend(ids(&page));
    }
    let expected: Vec<String> = practices.iter().map(|p| p.id.clone()).collect();
    assert_eq!(seen, expected);
    // Past the end, prev leads to the last page that holds items.
    let past = get(&app, "/ogc/collections/practices/items?limit=10&offset=100")
        .await
        .json_with(StatusCode::OK);
    assert_eq!(past["numberReturned"], 0);
    let prev = link(&past, "prev").expect("a prev link");
    assert!(
        prev["href"].as_str().unwrap().contains("offset=15"),
        "{prev}"
    );
}

#[tokio::test]
async fn limit_is_clamped_to_the_maximum_and_zero_is_refused() {
    let app = app_with(mapa_praktyk::synthetic::practices(
        Gazetteer::bundled(),
        30,
        3,
    ));
    let fc = get(&app, "/ogc/collections/practices/items?limit=50000")
        .await
        .json_with(StatusCode::OK);
    assert_eq!(fc["numberReturned"], 30);
    assert!(href(&fc, "self").contains("limit=10000"));
    assert!(link(&fc, "next").is_none());
    let e = get(&app, "/ogc/collections/practices/items?limit=0")
        .await
        .json_with(StatusCode::BAD_REQUEST);
    assert!(e["error"]["message"].as_str().unwrap().starts_with("limit"));
}

#[tokio::test]
async fn bbox_datetime_and_queryables_filter_like_the_api() {
    let app = app();
    let all = dataset();
    let q = |s: &str| format!("/ogc/collections/practices/items?{s}");
    // Silesia and Lesser Poland: Oświęcim, Dąbrowa Górnicza, Zawiercie.
    let fc = get(&app, &q("bbox=18.9,49.9,19.6,50.6"))
        .await
        .json_with(StatusCode::OK);
    let mut got = ids(&fc);
    got.sort();
    let mut want = town_ids(&all, &["Oświęcim", "Dąbrowa Górnicza", "Zawiercie"]);
    want.sort();
    assert_eq!(got, want);
    assert_eq!(fc["numberMatched"], 3);
    // The same box in 3D, with the CRS named.
    let fc3 = get(
        &app,
        &q("bbox=18.9,49.9,0,19.6,50.6,100&bbox-crs=http%3A%2F%2Fwww.opengis.net%2Fdef%2Fcrs%2FOGC%2F1.3%2FCRS84"),
    )
    .await
    .json_with(StatusCode::OK);
    assert_eq!(fc3["numberMatched"], 3);
    // Agreement with /api/practices for the same box.
    let api = get(&app, "/api/practices?bbox=18.9,49.9,19.6,50.6")
        .await
        .json_with(StatusCode::OK);
    assert_eq!(api["numberMatched"], fc["numberMatched"]);
    // Włocławek's project ran 2006–2008; nothing else started by then.
    let fc = get(&app, &q("datetime=2007-06-01"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(ids(&fc), town_ids(&all, &["Włocławek"]));
    let fc = get(&app, &q("datetime=..%2F2007-12-31"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(ids(&fc), town_ids(&all, &["Włocławek"]));
    let fc = get(&app, &q("datetime=2013-01-01T00:00:00Z%2F.."))
        .await
        .json_with(StatusCode::OK);
    let mut got = ids(&fc);
    got.sort();
    let mut want = town_ids(&all, &["Dąbrowa Górnicza", "Gdańsk", "Zawiercie"]);
    want.sort();
    assert_eq!(got, want);
    // Zawiercie's project ran "w roku 2016 oraz 2017" (its period, as the
    // importer now reads it, 2016-01-01 to 2017-12-31): it meets a range
    // around its end and is left out of one that ends before it began.
    let fc = get(&app, &q("datetime=2017-06-01%2F2018-06-01"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(ids(&fc), town_ids(&all, &["Zawiercie"]));
    let fc = get(&app, &q("datetime=2015-01-01%2F2015-12-31"))
        .await
        .json_with(StatusCode::OK);
    assert!(!ids(&fc).contains(&town_ids(&all, &["Zawiercie"])[0]));
    // Queryables: names with or without diacritics, TERYT codes.
    let fc = get(&app, &q("voivodeship=slaskie"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(fc["numberMatched"], 2);
    let fc = get(&app, &q("voivodeship=22"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(ids(&fc), town_ids(&all, &["Gdańsk"]));
    let fc = get(&app, &q("town=dabrowa%20gornicza"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(ids(&fc), town_ids(&all, &["Dąbrowa Górnicza"]));
    // `area` is the property's own value, as GDAL evaluates `area = '...'`;
    // the hierarchical match has its own name.
    let fc = get(&app, &q("area=uslugi-spoleczne&limit=100"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(fc["numberMatched"], 0);
    let fc = get(&app, &q("area_group=uslugi-spoleczne&limit=100"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(fc["numberMatched"], 5);
    let fc = get(&app, &q("voivodeship_teryt=24"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(fc["numberMatched"], 2);
    let fc = get(&app, &q("area=kultura"))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(fc["numberMatched"], 0);
    let gdansk = &town_ids(&all, &["Gdańsk"])[0];
    let fc = get(&app, &q(&format!("id={gdansk}")))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(ids(&fc), vec![gdansk.clone()]);
    let year = all
        .iter()
        .find(|p| p.id == *gdansk)
        .unwrap()
        .year()
        .unwrap();
    let fc = get(&app, &q(&format!("year={year}&town=Gda%C5%84sk")))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(ids(&fc), vec![gdansk.clone()]);
}

#[tokio::test]
async fn bad_and_unknown_parameters_are_400_json_naming_them() {
    let app = app();
    for (query, param) in [
        ("colour=red", "colour"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=20,50,19,51", "bbox"),
        ("bbox=18.9,49.9,low,19.6,50.6,high", "bbox"),
        ("limit=ten", "limit"),
        ("datetime=2012-13-01", "datetime"),
        ("datetime=2012-01-01%2F2010-01-01", "datetime"),
        ("year=soon", "year"),
        ("area=gardening", "area"),
        ("voivodeship=Atlantis", "voivodeship"),
        ("crs=EPSG:3857", "crs"),
        ("f=html", "f"),
        ("limit=5&limit=6", "limit"),
    ] {
        let r = get(&app, &format!("/ogc/collections/practices/items?{query}")).await;
        let e = r.json_with(StatusCode::BAD_REQUEST);
        assert_eq!(r.content_type(), "application/json");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(param), "{query}: {message}");
    }
    let e = get(&app, "/ogc/conformance?limit=3")
        .await
        .json_with(StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "unknown_parameter");
}

#[tokio::test]
async fn unknown_collection_or_feature_is_404_json() {
    let app = app();
    for uri in [
        "/ogc/collections/roads",
        "/ogc/collections/roads/items",
        "/ogc/collections/practices/items/no-such-practice",
        "/ogc/nothing/here",
    ] {
        let r = get(&app, uri).await;
        let e = r.json_with(StatusCode::NOT_FOUND);
        assert_eq!(e["error"]["code"], "not_found", "{uri}");
    }
}

#[tokio::test]
async fn one_feature_has_self_alternate_and_collection_links() {
    let app = app();
    let all = dataset();
    let p = all
        .iter()
        .find(|p| p.town.as_deref() == Some("Oświęcim"))
        .unwrap();
    let r = get(&app, &format!("/ogc/collections/practices/items/{}", p.id)).await;
    assert_eq!(r.content_type(), "application/geo+json");
    let f = r.json_with(StatusCode::OK);
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["id"], p.id.as_str());
    assert_eq!(f["properties"]["title"], p.title.as_str());
    assert_eq!(f["geometry"]["coordinates"][0], 19.2343);
    assert_eq!(
        href(&f, "self"),
        format!(
            "http://127.0.0.1:8080/ogc/collections/practices/items/{}",
            p.id
        )
    );
    assert_eq!(
        href(&f, "alternate"),
        format!("http://127.0.0.1:8080/api/practices/{}", p.id)
    );
    assert_eq!(
        href(&f, "collection"),
        "http://127.0.0.1:8080/ogc/collections/practices"
    );
    // The same public view as /api (contact persons' phones and e-mails
    // hidden), with the administrative units flat.
    let api = get(&app, &format!("/api/practices/{}", p.id))
        .await
        .json_with(StatusCode::OK);
    let mut want = api["properties"].as_object().unwrap().clone();
    for unit in ["voivodeship", "powiat", "gmina"] {
        let nested = want[unit].clone();
        want.insert(unit.into(), nested["name"].clone());
        want.insert(format!("{unit}_teryt"), nested["teryt"].clone());
    }
    assert_eq!(f["properties"], serde_json::Value::Object(want));
    assert_eq!(f["properties"]["gmina"], "Oświęcim");
    assert_eq!(f["properties"]["gmina_teryt"], "121301");
}

#[tokio::test]
async fn personal_contacts_stay_hidden() {
    let mut practices = dataset();
    practices[0].contacts = vec![mapa_praktyk::practice::Contact {
        name: "Jan Kowalski".into(),
        role: None,
        phone: Some("+48 600 000 000".into()),
        email: Some("jan@example.org".into()),
    }];
    let id = practices[0].id.clone();
    let app = app_with(practices);
    let r = get(&app, &format!("/ogc/collections/practices/items/{id}")).await;
    let f = r.json_with(StatusCode::OK);
    assert_eq!(f["properties"]["contacts"][0]["name"], "Jan Kowalski");
    assert!(!r.text().contains("600 000 000") && !r.text().contains("jan@example.org"));
}

#[tokio::test]
async fn queryables_are_a_json_schema() {
    let r = get(&app(), "/ogc/collections/practices/queryables").await;
    assert_eq!(r.content_type(), "application/schema+json");
    let v = r.json_with(StatusCode::OK);
    assert_eq!(v["type"], "object");
    for q in [
        "id",
        "title",
        "area",
        "town",
        "voivodeship",
        "powiat",
        "gmina",
        "year",
    ] {
        assert!(v["properties"][q].is_object(), "no queryable {q}");
    }
    assert_eq!(v["properties"]["year"]["type"], "integer");
    assert!(
        v["properties"]["area"]["enum"]
            .as_array()
            .unwrap()
            .contains(&Value::from("pomoc-spoleczna"))
    );
}

#[tokio::test]
async fn accept_headers_and_options() {
    let app = app();
    for accept in [
        "application/json",
        "application/geo+json",
        "text/html,*/*;q=0.8",
    ] {
        let r = send(
            &app,
            Request::get("/ogc/collections/practices/items?limit=2")
                .header(header::ACCEPT, accept)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.json_with(StatusCode::OK)["numberReturned"], 2, "{accept}");
    }
    let r = send(
        &app,
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/ogc/collections/practices/items")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.status);
    let allow = r.headers[header::ALLOW].to_str().unwrap();
    assert!(
        allow.contains("GET") && allow.contains("OPTIONS"),
        "{allow}"
    );
    // A CORS preflight from a browser page elsewhere.
    let r = send(
        &app,
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/ogc/collections")
            .header(header::ORIGIN, "https://example.org")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.status.is_success());
    assert_eq!(r.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn items_honour_if_none_match() {
    let app = app();
    let r = get(&app, "/ogc/collections/practices/items?limit=3").await;
    let etag = r.headers[header::ETAG].clone();
    let r = send(
        &app,
        Request::get("/ogc/collections/practices/items?limit=3")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::IF_NONE_MATCH, etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn skip_geometry_properties_and_sortby_as_ogc_client_sends_them() {
    let app = app();
    let all = dataset();
    // @camptocamp/ogc-client always sends skipGeometry with a bbox query.
    let fc = get(
        &app,
        "/ogc/collections/practices/items?bbox=14,49,24,55&skipGeometry=true&limit=100",
    )
    .await
    .json_with(StatusCode::OK);
    assert_eq!(fc["numberMatched"], 5);
    assert!(
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["geometry"].is_null())
    );
    let fc = get(
        &app,
        "/ogc/collections/practices/items?properties=title,town&sortby=-town&limit=100",
    )
    .await
    .json_with(StatusCode::OK);
    let features = fc["features"].as_array().unwrap();
    let keys: Vec<&String> = features[0]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["title", "town"]);
    assert!(features[0]["geometry"].is_object());
    let towns: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["town"].as_str().unwrap())
        .collect();
    let mut want: Vec<String> = all.iter().filter_map(|p| p.town.clone()).collect();
    want.sort_by_key(|t| std::cmp::Reverse(mapa_praktyk::gazetteer::fold(t)));
    assert_eq!(towns, want);
    let fc = get(
        &app,
        "/ogc/collections/practices/items?sortby=%2Byear,title",
    )
    .await
    .json_with(StatusCode::OK);
    let years: Vec<i64> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["year"].as_i64())
        .collect();
    assert!(years.windows(2).all(|w| w[0] <= w[1]), "{years:?}");
    for bad in ["properties=nope", "sortby=summary", "skipGeometry=maybe"] {
        let r = get(&app, &format!("/ogc/collections/practices/items?{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text());
        assert_eq!(r.error_code(), "invalid_parameter");
    }
}

#[tokio::test]
async fn items_are_flat_with_link_headers_and_a_time_stamp() {
    let app = app();
    let r = get(&app, "/ogc/collections/practices/items?limit=2").await;
    let fc = r.json_with(StatusCode::OK);
    let props = &fc["features"][0]["properties"];
    assert!(props["voivodeship"].is_string(), "{props}");
    assert!(props["voivodeship_teryt"].is_string(), "{props}");
    assert!(props["gmina"].is_string() && props["powiat"].is_string());
    let ts = fc["timeStamp"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(ts).is_ok(),
        "timeStamp {ts:?}"
    );
    let links = r.headers[header::LINK].to_str().unwrap();
    assert!(links.contains("rel=\"next\""), "{links}");
    assert!(links.contains("rel=\"self\""), "{links}");
    assert!(links.contains("limit=2&offset=2"), "{links}");
    // Links are per host: never kept by a shared cache.
    assert!(
        r.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    let q = get(&app, "/ogc/collections/practices/queryables")
        .await
        .json_with(StatusCode::OK);
    assert_eq!(q["properties"]["voivodeship"]["type"], "string");
    assert!(q["properties"]["area_group"].is_object());
    let c = get(&app, "/ogc/conformance")
        .await
        .json_with(StatusCode::OK);
    let classes = c["conformsTo"].to_string();
    assert!(classes.contains("ogcapi-features-3/1.0/conf/queryables\""));
    assert!(classes.contains("ogcapi-features-3/1.0/conf/queryables-query-parameters"));
}

#[tokio::test]
async fn f_is_case_insensitive_and_takes_geo_json() {
    let app = app();
    for f in ["JSON", "GeoJSON", "geo%2Bjson", "application%2Fgeo%2Bjson"] {
        let r = get(&app, &format!("/ogc/collections/practices/items?f={f}")).await;
        assert_eq!(r.status, StatusCode::OK, "f={f}: {}", r.text());
    }
    let r = get(&app, "/ogc?f=html").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn forwarded_headers_are_trusted_only_when_configured() {
    let req = || {
        Request::get("/ogc")
            .header(header::HOST, "127.0.0.1:8080")
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap()
    };
    let plain = send(&app(), req()).await.json_with(StatusCode::OK);
    assert_eq!(href(&plain, "self"), "http://127.0.0.1:8080/ogc");
    let proxied = common::app_with(
        dataset(),
        mapa_praktyk::api::ApiConfig {
            trust_forwarded: true,
            ..config()
        },
    );
    let behind = send(&proxied, req()).await.json_with(StatusCode::OK);
    assert_eq!(href(&behind, "self"), "https://evil.example/ogc");
}

#[tokio::test]
async fn queryable_values_as_the_ogc_checker_sends_them() {
    // ogctests' queryables-query-parameters class: a plausible value of the
    // last queryable (town) is answered, a malformed one is 400.
    let app = app();
    let q = get(&app, "/ogc/collections/practices/queryables")
        .await
        .text();
    let at = |key: &str| q.find(&format!("\"{key}\":{{")).unwrap();
    for other in ["id", "year", "voivodeship_teryt", "gmina_teryt", "geometry"] {
        assert!(at("town") > at(other), "town is not last: {q}");
    }
    let r = get(&app, "/ogc/collections/practices/items?town=valid-value").await;
    assert_eq!(r.json_with(StatusCode::OK)["numberMatched"], 0);
    let r = get(
        &app,
        "/ogc/collections/practices/items?town=%5Binvalid-value%5D",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    // HEAD of the items carries the queryables link.
    let r = send(
        &app,
        Request::head("/ogc/collections/practices/items")
            .header(header::HOST, "127.0.0.1:8080")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let links = r.headers[header::LINK].to_str().unwrap();
    assert!(
        links.contains("rel=\"http://www.opengis.net/def/rel/ogc/1.0/queryables\""),
        "{links}"
    );
    assert_eq!(
        r.headers["content-crs"],
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    );
}

#[tokio::test]
async fn collection_documents_carry_an_etag_per_snapshot_and_host() {
    let app = app();
    for path in ["/ogc/collections", "/ogc/collections/practices"] {
        let r = get(&app, path).await;
        assert_eq!(r.status, StatusCode::OK);
        let etag = r.headers[header::ETAG].clone();
        let again = |host: &'static str| {
            send(
                &app,
                Request::get(path)
                    .header(header::HOST, host)
                    .header(header::IF_NONE_MATCH, etag.clone())
                    .body(Body::empty())
                    .unwrap(),
            )
        };
        assert_eq!(
            again("127.0.0.1:8080").await.status,
            StatusCode::NOT_MODIFIED,
            "{path}"
        );
        // Another host gets other links, so not the same document.
        assert_eq!(again("example.org").await.status, StatusCode::OK, "{path}");
    }
    // Another snapshot, another extent: the tag changes.
    let fewer = app_with(dataset().into_iter().take(2).collect());
    let a = get(&app, "/ogc/collections/practices").await;
    let b = get(&fewer, "/ogc/collections/practices").await;
    assert_ne!(a.headers[header::ETAG], b.headers[header::ETAG]);
}

#[tokio::test]
async fn the_polish_grid_epsg_2180_for_answers_and_bboxes() {
    use mapa_praktyk::api::ogc::{CRS84, Crs, EPSG_2180};
    let app = app();
    let c: Value = get(&app, "/ogc/collections/practices").await.json();
    assert_eq!(c["crs"], serde_json::json!([CRS84, EPSG_2180]));
    let plain: Value = get(&app, "/ogc/collections/practices/items?limit=100")
        .await
        .json();
    let r = get(
        &app,
        &format!("/ogc/collections/practices/items?limit=100&crs={EPSG_2180}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-crs"], format!("<{EPSG_2180}>").as_str());
    let grid: Value = r.json();
    let mut placed = None;
    for (a, b) in plain["features"]
        .as_array()
        .unwrap()
        .iter()
        .zip(grid["features"].as_array().unwrap())
    {
        assert_eq!(a["id"], b["id"]);
        let Some(ll) = a["geometry"]["coordinates"].as_array() else {
            continue;
        };
        let want = Crs::Poland1992
            .from_lon_lat(ll[0].as_f64().unwrap(), ll[1].as_f64().unwrap())
            .unwrap();
        let got = &b["geometry"]["coordinates"];
        // Northing first, and inside Poland's grid.
        assert_eq!(
            [got[0].as_f64().unwrap(), got[1].as_f64().unwrap()],
            want,
            "{}",
            a["id"]
        );
        assert!(
            (100_000.0..800_000.0).contains(&want[0]) && (100_000.0..900_000.0).contains(&want[1])
        );
        placed = Some((a["id"].as_str().unwrap().to_string(), want));
    }
    let (id, [n, e]) = placed.expect("a placed practice");
    // A 200 m box around it in the grid finds it and only what lies there;
    // the box beside it does not.
    let query = |b: [f64; 4]| {
        format!(
            "/ogc/collections/practices/items?bbox={},{},{},{}&bbox-crs={EPSG_2180}",
            b[0], b[1], b[2], b[3]
        )
    };
    let hit: Value = get(&app, &query([n - 100.0, e - 100.0, n + 100.0, e + 100.0]))
        .await
        .json();
    let ids: Vec<&str> = hit["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id.as_str()), "{ids:?}");
    let beside: Value = get(&app, &query([n - 100.0, e + 1.0, n + 100.0, e + 200.0]))
        .await
        .json();
    assert!(
        beside["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["id"] != id.as_str())
    );
    // One item in the grid.
    let one = get(
        &app,
        &format!("/ogc/collections/practices/items/{id}?crs=EPSG:2180"),
    )
    .await;
    assert_eq!(
        one.headers["content-crs"],
        format!("<{EPSG_2180}>").as_str()
    );
    let one: Value = one.json();
    assert_eq!(one["geometry"]["coordinates"], serde_json::json!([n, e]));
    // Other CRSs are refused, naming the parameter.
    for q in ["crs=EPSG:3857", "bbox=1,2,3,4&bbox-crs=EPSG:4326"] {
        let r = get(&app, &format!("/ogc/collections/practices/items?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
    }
}
