//! Both OpenAPI documents against the code: every route the router declares
//! (read from the sources of `src/api/`) is a path of `/api/openapi.json` or
//! of `/ogc/api`, and every documented path is served.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::http::StatusCode;
use common::{app, get};
use serde_json::Value;

/// Every `.route("...")` path in the sources under `dir`, but the people's
/// HTML pages of `src/api/pages/` (documented in docs/pages.md, which
/// `tests/pages.rs` checks against its routes).
fn routes_in(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("api/pages") {
            continue;
        }
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
    // And the other way: no documented GET is a 404 (or a 405).
    for p in api_paths {
        if p.contains('{') || p.ends_with("within") || api["paths"][p.as_str()]["get"].is_null() {
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

/// A value the parameter's schema allows: its (or its schema's) example, first enum member,
/// minimum, or a word for a free string.
fn valid_value(p: &Value) -> String {
    let s = &p["schema"];
    if let Some(e) = p.get("example").or_else(|| s.get("example")) {
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

/// OpenAPI 3.0's `nullable: true` as JSON Schema says it (a type or null),
/// everywhere in `v`.
fn nullable_as_json_schema(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.values_mut().for_each(nullable_as_json_schema);
            if m.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(t) = m.get("type").cloned() {
                    m.insert("type".into(), serde_json::json!([t, "null"]));
                } else {
                    // A nullable `allOf`/`$ref`: the schema, or null (as
                    // schemathesis reads it).
                    let schema = Value::Object(std::mem::take(m));
                    m.insert(
                        "anyOf".into(),
                        serde_json::json!([schema, {"type": "null"}]),
                    );
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(nullable_as_json_schema),
        _ => {}
    }
}

/// The schema of the documented answer to `GET path` with `status`, as a
/// JSON Schema whose references resolve in the document.
fn answer_schema(doc: &Value, path: &str, status: &str) -> Value {
    let op = &doc["paths"][path]["get"];
    let content = op["responses"][status]["content"]
        .as_object()
        .unwrap_or_else(|| panic!("{path}: no {status} content documented"));
    let json = content
        .iter()
        .find(|(t, _)| t.contains("json"))
        .unwrap_or_else(|| panic!("{path}: no JSON answer documented"));
    let mut schema = json.1["schema"].clone();
    schema["components"] = doc["components"].clone();
    nullable_as_json_schema(&mut schema);
    schema
}

#[tokio::test]
async fn real_answers_match_the_documented_schemas() {
    let app = app();
    let doc: Value = get(&app, "/api/openapi.json").await.json();
    let answers = [
        "/photon/api?q=Zawiercie",
        "/photon/api?q=Podzamcze&limit=3",
        "/photon/api?q=%C5%9Bl%C4%85skie&lang=en",
        "/photon/api?q=powiat%20zawiercia%C5%84ski",
        "/photon/api?q=gmina%20Ogrodzieniec",
        "/photon/api?q=xyzzyqq",
        "/photon/reverse?lat=50.49&lon=19.42",
        "/photon/reverse?lat=50.49&lon=19.42&radius=0.01",
        "/nominatim/search?q=Zawiercie",
        "/nominatim/search?q=Zawiercie&format=json&addressdetails=1",
        "/nominatim/search?q=Krak%C3%B3w&format=geojson&addressdetails=1",
        "/nominatim/search?q=%C5%9Bl%C4%85skie&format=geojson&polygon_geojson=1",
        "/nominatim/search?q=%C5%9Bl%C4%85skie&polygon_geojson=1&addressdetails=1",
        "/nominatim/search?q=gmina%20Ogrodzieniec&addressdetails=1",
        "/nominatim/search?q=Nowa%20Huta&addressdetails=1",
        "/nominatim/search?city=Zawiercie&format=geocodejson&polygon_geojson=1",
        "/nominatim/search?q=%C5%9Bl%C4%85skie&format=geocodejson&polygon_geojson=1",
        "/nominatim/reverse?lat=50.49&lon=19.42",
        "/nominatim/reverse?lat=50.49&lon=19.42&format=json&zoom=7",
        "/nominatim/reverse?lat=50.49&lon=19.42&format=geojson&zoom=9",
        "/nominatim/reverse?lat=50.49&lon=19.42&format=geocodejson",
        "/nominatim/reverse?lat=10&lon=10",
        "/nominatim/status?format=json",
        "/api/regions/voivodeships",
        "/api/categories",
        "/api/config",
        "/healthz",
        "/api/practices?near=41-300&radius_km=30",
        "/api/practices?limit=2",
    ];
    for uri in answers {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        let path = uri.split('?').next().unwrap();
        let validator = jsonschema::draft4::new(&answer_schema(&doc, path, "200"))
            .unwrap_or_else(|e| panic!("{path}: the documented schema does not compile: {e}"));
        let body: Value = r.json();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{uri}:\n{}", errors.join("\n"));
    }
    // Errors are the documented Error.
    for uri in [
        "/photon/api",
        "/nominatim/search?format=xml&q=a",
        "/api/practices?k=0",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        let path = uri.split('?').next().unwrap();
        let validator = jsonschema::draft4::new(&answer_schema(&doc, path, "400")).unwrap();
        assert!(validator.is_valid(&r.json()), "{uri}: {}", r.text());
    }
    // The schemas are closed: a member the serde types do not write is refused.
    let mut extra: Value = get(&app, "/photon/api?q=Zawiercie").await.json();
    extra["features"][0]["properties"]["surprise"] = Value::from(1);
    let validator = jsonschema::draft4::new(&answer_schema(&doc, "/photon/api", "200")).unwrap();
    assert!(!validator.is_valid(&extra));
}

/// Real answers of `uri` validated against the schema `doc` documents for
/// `path`'s 200 answer; the errors, if any.
async fn validate(app: &axum::Router, doc: &Value, path: &str, uri: &str) -> Vec<String> {
    let r = get(app, uri).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
    let validator = jsonschema::draft4::new(&answer_schema(doc, path, "200"))
        .unwrap_or_else(|e| panic!("{path}: the documented schema does not compile: {e}"));
    let body: Value = r.json();
    validator
        .iter_errors(&body)
        .map(|e| format!("{uri}: {} at {}", e, e.instance_path()))
        .collect()
}

#[tokio::test]
async fn both_documents_are_openapi_3_0_generated_with_typed_answers() {
    let app = app();
    let api: Value = get(&app, "/api/openapi.json").await.json();
    let ogc: Value = get(&app, "/ogc/api").await.json();
    for doc in [&api, &ogc] {
        let v = doc["openapi"].as_str().unwrap();
        assert!(
            v.starts_with("3.0."),
            "OpenAPI {v}: ogctests and the oas30 class want 3.0"
        );
        // Every 200 JSON answer names a schema of the document's components
        // (derived from the serde types), not a bare object; a list answer,
        // its items'.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (_, op) in item.as_object().unwrap() {
                let Some(content) = op["responses"]["200"]["content"].as_object() else {
                    continue;
                };
                for (t, c) in content {
                    if !t.contains("json")
                        || path.ends_with("/api")
                        || path.ends_with("openapi.json")
                    {
                        continue;
                    }
                    // A list answer names its items' schema.
                    let s = match &c["schema"] {
                        s if s["type"] == "array" => &s["items"],
                        s => s,
                    };
                    let name = s["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"));
                    let known = name.is_some_and(|n| doc["components"]["schemas"][n].is_object());
                    // (`/api/geocode`'s candidates are the one free object.)
                    assert!(known || path == "/api/geocode", "{path} {t}: {s}");
                }
            }
        }
    }
}

#[tokio::test]
async fn ogc_and_practice_answers_match_their_closed_schemas() {
    let app = app();
    let ogc: Value = get(&app, "/ogc/api").await.json();
    let api: Value = get(&app, "/api/openapi.json").await.json();
    let id = common::dataset()[0].id.clone();
    let mut errors = Vec::new();
    for (path, query) in [
        ("/", ""),
        ("/conformance", ""),
        ("/collections", ""),
        ("/collections/{collectionId}", ""),
        ("/collections/practices/queryables", ""),
        ("/collections/practices/items", "?limit=3"),
        (
            "/collections/practices/items",
            "?limit=2&skipGeometry=true&properties=title",
        ),
    ] {
        let served = path.replace("{collectionId}", "practices");
        let uri = format!("/ogc{}{query}", served.trim_end_matches('/'));
        errors.extend(validate(&app, &ogc, path, &uri).await);
    }
    let item = format!("/ogc/collections/practices/items/{id}");
    errors.extend(
        validate(
            &app,
            &ogc,
            "/collections/practices/items/{featureId}",
            &item,
        )
        .await,
    );
    for (path, uri) in [
        ("/api/counts", "/api/counts?by=powiat".to_string()),
        (
            "/api/clusters",
            "/api/clusters?bbox=14,49,24.2,54.9&zoom=6".to_string(),
        ),
        ("/api/practices/{id}", format!("/api/practices/{id}")),
        (
            "/api/reverse",
            "/api/reverse?lat=50.49&lon=19.42".to_string(),
        ),
    ] {
        errors.extend(validate(&app, &api, path, &uri).await);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Closed: a member the serde type does not write is refused.
    for (path, uri, member) in [
        (
            "/collections/{collectionId}",
            "/ogc/collections/practices",
            "/extent",
        ),
        ("/conformance", "/ogc/conformance", ""),
        ("/", "/ogc", "/links/0"),
    ] {
        let mut body: Value = get(&app, uri).await.json();
        body.pointer_mut(member).unwrap()["surprise"] = Value::from(1);
        let validator = jsonschema::draft4::new(&answer_schema(&ogc, path, "200")).unwrap();
        assert!(!validator.is_valid(&body), "{uri}: {member} is open");
    }
    let mut counts: Value = get(&app, "/api/counts?by=gmina").await.json();
    counts["counts"][0]["surprise"] = Value::from(1);
    let validator = jsonschema::draft4::new(&answer_schema(&api, "/api/counts", "200")).unwrap();
    assert!(!validator.is_valid(&counts), "UnitCount is open");
}
