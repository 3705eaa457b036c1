//! Both OpenAPI documents against the code: every route the router declares
//! (read from the sources of `src/api/`) is a path of `/api/openapi.json` or
//! of `/ogc/api`, and every documented path is served.

mod common;

use std::path::Path;

use axum::http::StatusCode;
use common::{app, get};
use serde_json::Value;

/// Every `.route("...")` path in the sources under `dir`.
fn routes_in(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            routes_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(i) = rest.find(".route(") {
                rest = &rest[i + ".route(".len()..];
                let rest_trim = rest.trim_start();
                if let Some(r) = rest_trim.strip_prefix('"') {
                    let end = r.find('"').unwrap();
                    out.push(r[..end].to_string());
                }
            }
        }
    }
}

/// The route as its document names it: aliases (`/`, `.php`) folded onto
/// their path; catch-alls and bare prefixes are not documented resources.
fn documented_as(route: &str) -> Option<String> {
    if route.contains("{*") || route == "/api" {
        return None;
    }
    let r = route.trim_end_matches(".php");
    let r = if r.len() > 1 {
        r.trim_end_matches('/')
    } else {
        r
    };
    Some(r.to_string())
}

#[tokio::test]
async fn every_route_is_in_a_document_and_every_path_is_served() {
    let mut routes = Vec::new();
    routes_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api"),
        &mut routes,
    );
    assert!(routes.len() > 25, "found only {routes:?}");
    let app = app();
    let api: Value = get(&app, "/api/openapi.json").await.json();
    let ogc: Value = get(&app, "/ogc/api").await.json();
    let api_paths: Vec<&String> = api["paths"].as_object().unwrap().keys().collect();
    let ogc_paths: Vec<String> = ogc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|p| {
            format!("/ogc{p}")
                .replace("{cid}", "{collectionId}")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    let normalise = |p: &str| {
        p.replace("{cid}", "{collectionId}")
            .replace("{fid}", "{featureId}")
            .replace("/collections/{collectionId}/", "/collections/practices/")
    };
    let ogc_norm: Vec<String> = ogc_paths.iter().map(|p| normalise(p)).collect();
    for route in &routes {
        let Some(path) = documented_as(route) else {
            continue;
        };
        let path = normalise(&path);
        let found = api_paths.iter().any(|p| **p == path) || ogc_norm.contains(&path);
        assert!(found, "route {route} is in neither OpenAPI document");
    }
    // And the other way: no documented path is a 404.
    for p in api_paths {
        if p.contains('{') || p.ends_with("within") {
            continue;
        }
        let r = get(&app, p).await;
        assert_ne!(r.status, StatusCode::NOT_FOUND, "{p}: {}", r.text());
        assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{p}");
    }
}
