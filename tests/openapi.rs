//! Both OpenAPI documents against the code: every route the router declares
//! (read from the sources of `src/api/`) is a path of `/api/openapi.json` or
//! of `/ogc/api`, and every documented path is served.

mod common;

use std::collections::BTreeSet;
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

/// Every GET operation of a document: its path as served (path parameters
/// filled in with a real collection and practice) and its parameters.
fn operations(doc: &Value, prefix: &str) -> Vec<(String, Vec<Value>)> {
    let id = common::dataset()[0].id.clone();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(op) = item.get("get") else { continue };
        let served = format!("{prefix}{path}")
            .replace("{collectionId}", "practices")
            .replace("{featureId}", &id)
            .replace("{id}", &id);
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        out.push((served.trim_end_matches('/').to_string(), params));
    }
    out
}

/// A value the parameter's schema allows: its example, first enum member,
/// minimum, or a word for a free string.
fn valid_value(p: &Value) -> String {
    let s = &p["schema"];
    if let Some(e) = s.get("example") {
        return e.as_str().map_or_else(|| e.to_string(), str::to_string);
    }
    if let Some(e) = s["enum"].as_array().and_then(|e| e.first()) {
        return e.as_str().map_or_else(|| e.to_string(), str::to_string);
    }
    match s["type"].as_str() {
        Some("integer") | Some("number") => {
            let min = s["minimum"].as_f64().unwrap_or(1.0);
            let n = if s["exclusiveMinimum"] == true {
                min + 1.0
            } else {
                min.max(1.0)
            };
            let n = s["maximum"].as_f64().map_or(n, |max| n.min(max));
            format!("{n}")
        }
        Some("boolean") => "true".into(),
        _ => match p["name"].as_str().unwrap() {
            "lat" => "50.49".into(),
            "lon" => "19.42".into(),
            _ => "Zawiercie".into(),
        },
    }
}

/// The query parameters the handler accepts, read from its own rejection of
/// an unknown one (`accepted: a, b, c`); `None` if it takes any (`/healthz`),
/// which counts as none documented.
async fn accepted(app: &axum::Router, path: &str) -> Option<BTreeSet<String>> {
    let r = get(app, &format!("{path}?zz_not_a_parameter=1")).await;
    if r.status.is_success() {
        return None;
    }
    let v: Value = r.json();
    assert_eq!(v["error"]["code"], "unknown_parameter", "{path}: {v}");
    let message = v["error"]["message"].as_str().unwrap();
    let list = message.split("accepted: ").nth(1).unwrap_or_default();
    Some(
        list.split(", ")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

#[tokio::test]
async fn documented_parameters_are_the_accepted_ones_with_their_types() {
    let app = app();
    let api: Value = get(&app, "/api/openapi.json").await.json();
    let ogc: Value = get(&app, "/ogc/api").await.json();
    let mut ops = operations(&api, "");
    ops.extend(operations(&ogc, "/ogc"));
    assert!(ops.len() > 20, "{}", ops.len());
    let mut typed_checks = 0;
    let mut mismatches = Vec::new();
    for (path, params) in &ops {
        let query: Vec<&Value> = params.iter().filter(|p| p["in"] == "query").collect();
        let documented: BTreeSet<String> = query
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        let code = accepted(&app, path).await.unwrap_or_default();
        if code != documented {
            mismatches.push(format!(
                "{path}: accepted, not documented: {:?}; documented, not accepted: {:?}",
                code.difference(&documented).collect::<Vec<_>>(),
                documented.difference(&code).collect::<Vec<_>>()
            ));
        }
        // Each documented parameter, beside valid values of the required
        // ones, is taken; a number parameter given a word is refused, naming
        // it.
        let mut required: Vec<String> = query
            .iter()
            .filter(|p| p["required"] == true)
            .map(|p| format!("{}={}", p["name"].as_str().unwrap(), valid_value(p)))
            .collect();
        // Endpoints that want one of several parameters (which OpenAPI 3.0
        // cannot require): the free text.
        if ["/api/geocode", "/nominatim/search"].contains(&path.as_str()) {
            required.push("q=Zawiercie".into());
        }
        for p in &query {
            let name = p["name"].as_str().unwrap();
            let mut pairs: Vec<String> = required
                .iter()
                .filter(|r| !r.starts_with(&format!("{name}=")))
                .cloned()
                .collect();
            pairs.push(format!("{name}={}", valid_value(p)));
            let uri = format!("{path}?{}", pairs.join("&")).replace(' ', "%20");
            let r = get(&app, &uri).await;
            // (It may still be refused for wanting another parameter: a
            // radius without a centre.)
            if r.status == StatusCode::BAD_REQUEST {
                let v: Value = r.json();
                assert_ne!(v["error"]["code"], "unknown_parameter", "{uri}: {v}");
            }
            let numeric = matches!(
                p["schema"]["type"].as_str(),
                Some("integer") | Some("number")
            );
            if numeric {
                pairs.pop();
                pairs.push(format!("{name}=abc"));
                let uri = format!("{path}?{}", pairs.join("&")).replace(' ', "%20");
                let r = get(&app, &uri).await;
                assert_eq!(
                    r.status,
                    StatusCode::BAD_REQUEST,
                    "{uri}: a word for a number is taken"
                );
                let v: Value = r.json();
                let m = v["error"]["message"].as_str().unwrap_or_default();
                assert!(
                    m.starts_with(name),
                    "{uri}: the error names another parameter: {v}"
                );
                typed_checks += 1;
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(
        typed_checks > 20,
        "only {typed_checks} numeric parameters checked"
    );
}
