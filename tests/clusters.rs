//! `GET /api/clusters` through the router the binary serves: exact counts that
//! agree with `/api/practices`, every filter, and clear errors.

mod common;

use axum::http::StatusCode;
use common::{app_with, config, get};
use mapa_praktyk::gazetteer::Gazetteer;

const POLAND: &str = "14,49,24.2,55";

fn app() -> axum::Router {
    app_with(
        mapa_praktyk::synthetic::practices(Gazetteer::bundled(), 3000, 9),
        config(),
    )
}

#[tokio::test]
async fn clusters_count_exactly_what_the_list_matches() {
    let app = app();
    for filters in [
        "",
        "&category=kultura",
        "&voivodeship=24",
        "&year_from=2015&q=syntetyczna",
        "&unit_type=gmina+wiejska",
        "&unit_type=Powiat&voivodeship=24",
    ] {
        let list = get(
            &app,
            &format!("/api/practices?bbox={POLAND}&limit=0{filters}"),
        )
        .await
        .json();
        let matched = list["numberMatched"].as_u64().unwrap();
        let v = get(
            &app,
            &format!("/api/clusters?bbox={POLAND}&zoom=6{filters}"),
        )
        .await
        .json();
        assert_eq!(v["numberMatched"].as_u64().unwrap(), matched, "{filters}");
        let features = v["features"].as_array().unwrap();
        let counted: u64 = features
            .iter()
            .map(|f| f["properties"]["count"].as_u64().unwrap_or(1))
            .sum();
        assert_eq!(counted, matched, "{filters}");
        if matched > 500 {
            assert_eq!(v["clustered"], true, "{filters}");
            assert!(features.len() < matched as usize);
        } else {
            assert_eq!(v["clustered"], false, "{filters}");
            assert!(features.iter().all(|f| f["properties"]["id"].is_string()));
        }
    }
}

#[tokio::test]
async fn a_small_viewport_answers_the_practices_themselves() {
    let app = app();
    let v = get(&app, "/api/clusters?bbox=19.8,49.95,20.1,50.15&zoom=12")
        .await
        .json();
    assert_eq!(v["clustered"], false);
    let n = v["numberMatched"].as_u64().unwrap();
    assert!(n > 0 && n <= 500, "{n}");
    assert_eq!(v["features"].as_array().unwrap().len() as u64, n);
}

#[tokio::test]
async fn bad_requests_name_the_parameter() {
    let app = app();
    for (uri, needle) in [
        (format!("/api/clusters?bbox={POLAND}"), "zoom"),
        ("/api/clusters?zoom=5".to_string(), "bbox"),
        (format!("/api/clusters?bbox={POLAND}&zoom=40"), "zoom"),
        (
            format!("/api/clusters?bbox={POLAND}&zoom=5&limit=10"),
            "limit",
        ),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        let msg = r.json_with(StatusCode::BAD_REQUEST)["error"]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(msg.contains(needle), "{uri}: {msg}");
    }
}
