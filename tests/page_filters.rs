//! The map page's data through the router the binary serves: the `unit_type`
//! filter (list, clusters, downloads, OGC) and the `source_url` property.

mod common;

use axum::http::StatusCode;
use common::{app_with, config, dataset, get};
use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::practice::UnitType;

fn synthetic() -> Vec<mapa_praktyk::practice::Practice> {
    mapa_praktyk::synthetic::practices(Gazetteer::bundled(), 600, 3)
}

#[tokio::test]
async fn unit_type_filter_matches_exactly_the_practices_of_that_type() {
    let practices = synthetic();
    let app = app_with(practices.clone(), config());
    for u in UnitType::ALL {
        let want: Vec<&str> = practices
            .iter()
            .filter(|p| p.unit_type == Some(u))
            .map(|p| p.id.as_str())
            .collect();
        assert!(!want.is_empty(), "{u:?} occurs in the synthetic data");
        let q = serde_urlencoded::to_string([("unit_type", u.label())]).unwrap();
        let v = get(&app, &format!("/api/practices?limit=10000&{q}"))
            .await
            .json();
        let got: Vec<&str> = v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert_eq!(f["properties"]["unit_type"], u.label());
                f["id"].as_str().unwrap()
            })
            .collect();
        assert_eq!(got, want, "{u:?}");
        assert_eq!(v["numberMatched"], want.len());
        // The same filter in the downloads and the OGC items.
        let csv = get(&app, &format!("/api/practices.csv?{q}")).await.text();
        assert_eq!(csv.lines().count(), want.len() + 1, "{u:?} CSV rows");
        let ogc = get(
            &app,
            &format!("/ogc/collections/practices/items?limit=1&{q}"),
        )
        .await
        .json();
        assert_eq!(ogc["numberMatched"], want.len(), "{u:?} OGC");
    }
}

#[tokio::test]
async fn unit_type_labels_are_case_insensitive_and_combine_with_other_filters() {
    let practices = synthetic();
    let app = app_with(practices.clone(), config());
    let want = practices
        .iter()
        .filter(|p| {
            p.unit_type == Some(UnitType::MiastoNaPrawachPowiatu)
                && p.admin
                    .voivodeship
                    .as_ref()
                    .is_some_and(|v| &*v.teryt == "14")
        })
        .count();
    let v = get(
        &app,
        "/api/practices?limit=0&unit_type=Miasto%20na%20prawach%20POWIATU&voivodeship=14",
    )
    .await
    .json();
    assert_eq!(v["numberMatched"], want);
}

#[tokio::test]
async fn an_unknown_unit_type_is_a_400_naming_the_parameter_and_the_known_ones() {
    let app = app_with(synthetic(), config());
    for url in [
        "/api/practices?unit_type=gmina",
        "/api/clusters?bbox=14,49,24.2,55&zoom=6&unit_type=sołectwo",
        "/ogc/collections/practices/items?unit_type=x",
    ] {
        let e = get(&app, url).await.json_with(StatusCode::BAD_REQUEST);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.starts_with("unit_type:"), "{url}: {msg}");
        assert!(msg.contains("gmina miejsko-wiejska"), "{url}: {msg}");
    }
}

#[tokio::test]
async fn unit_type_is_documented_in_openapi_and_the_ogc_queryables() {
    let app = app_with(synthetic(), config());
    let doc = get(&app, "/api/openapi.json").await.json();
    let params = doc["paths"]["/api/practices"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let p = params
        .iter()
        .find(|p| p["name"] == "unit_type")
        .expect("unit_type documented");
    assert_eq!(p["schema"]["enum"].as_array().unwrap().len(), 6);
    let q = get(&app, "/ogc/collections/practices/queryables")
        .await
        .json();
    assert_eq!(q["properties"]["unit_type"]["type"], "string");
}

#[tokio::test]
async fn source_url_is_a_property_of_list_and_detail_features() {
    let mut practices = dataset();
    let url = "https://bdp.example.org/praktyka/42";
    practices[0].source_url = Some(url.into());
    let id = practices[0].id.clone();
    let app = app_with(practices, config());
    let list = get(&app, "/api/practices").await.json();
    let features = list["features"].as_array().unwrap();
    for f in features {
        let want = if f["id"] == id.as_str() {
            serde_json::json!(url)
        } else {
            serde_json::Value::Null
        };
        assert_eq!(f["properties"]["source_url"], want, "{}", f["id"]);
    }
    let one = get(&app, &format!("/api/practices/{id}")).await.json();
    assert_eq!(one["properties"]["source_url"], url);
    assert!(one["properties"]["source"].is_string());
}

#[tokio::test]
async fn counts_per_unit_follow_every_filter_and_add_up() {
    let practices = synthetic();
    let app = app_with(practices.clone(), config());
    let v = get(&app, "/api/counts?by=voivodeship&category=kultura")
        .await
        .json();
    let culture = practices
        .iter()
        .filter(|p| {
            p.area.slug() == "kultura" || p.area.parent().is_some_and(|a| a.slug() == "kultura")
        })
        .count();
    assert_eq!(v["numberMatched"], culture);
    let counts = v["counts"].as_array().unwrap();
    let sum: u64 = counts.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(sum as usize, culture);
    let woj = counts[0]["teryt"].as_str().unwrap();
    let pows = get(
        &app,
        &format!("/api/counts?by=powiat&voivodeship={woj}&unit_type=powiat"),
    )
    .await
    .json();
    let want = practices
        .iter()
        .filter(|p| {
            p.unit_type == Some(UnitType::Powiat)
                && p.admin
                    .voivodeship
                    .as_ref()
                    .is_some_and(|v| &*v.teryt == woj)
        })
        .count();
    assert_eq!(pows["numberMatched"], want);
    for c in pows["counts"].as_array().unwrap() {
        assert!(c["teryt"].as_str().unwrap().starts_with(woj), "{c}");
        assert!(c["name"].is_string());
    }
    for (url, param) in [
        ("/api/counts", "by"),
        ("/api/counts?by=town", "by"),
        ("/api/counts?by=gmina&limit=5", "limit"),
    ] {
        let e = get(&app, url).await.json_with(StatusCode::BAD_REQUEST);
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.starts_with(param), "{url}: {msg}");
    }
}

#[tokio::test]
async fn config_names_the_dataset_size_the_page_decides_by() {
    let app = app_with(synthetic(), config());
    let c = get(&app, "/api/config").await.json();
    assert_eq!(c["practices"], 600);
}
