//! What the router tests share: the bundled dataset, a test configuration, the
//! router the binary serves, and a way to call it without a socket.
//!
//! Each test crate uses part of it.
#![allow(dead_code)]

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use mapa_praktyk::api::{ApiConfig, AppState, router};
use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::practice::Practice;
use mapa_praktyk::snapshot::Snapshot;
use mapa_praktyk::store;
use serde_json::Value;
use tower::ServiceExt;

/// The five real practices of `data/practices.csv`.
pub fn dataset() -> Vec<Practice> {
    store::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/practices.csv"))
        .expect("the bundled dataset loads")
}

/// The configuration `serve` starts with, without tiles.
pub fn config() -> ApiConfig {
    ApiConfig {
        publish_personal: false,
        tile_url: String::new(),
        tile_attribution: String::new(),
        static_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("static"),
        request_timeout: std::time::Duration::from_secs(10),
        trust_forwarded: false,
        max_downloads: 4,
    }
}

/// The router the binary serves, over these practices (their prepared text
/// withheld or published as `config` says, as the server loads them).
pub fn app_with(practices: Vec<Practice>, config: ApiConfig) -> Router {
    let publish = config.publish_personal;
    router(AppState::new(
        Snapshot::with_personal(practices, publish),
        config,
        Gazetteer::bundled(),
    ))
}

/// The router over the bundled dataset.
pub fn app() -> Router {
    app_with(dataset(), config())
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, whatever the status; a failure prints both.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    /// The body as JSON, asserting the status; a failure prints both.
    pub fn json_with(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        self.json()
    }

    /// The body as a GeoJSON FeatureCollection, parsed with the geojson crate.
    pub fn features(&self) -> geojson::FeatureCollection {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.text());
        let gj: geojson::GeoJson = self
            .text()
            .parse()
            .unwrap_or_else(|e| panic!("not GeoJSON ({e}): {}", self.text()));
        gj.try_into()
            .unwrap_or_else(|e| panic!("not a FeatureCollection ({e}): {}", self.text()))
    }

    /// `error.code` of a JSON error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("status {}: no error code in {}", self.status, self.text()))
            .to_string()
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// Sends one request through the router and collects the whole answer.
pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let resp = app.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A GET as a client of 127.0.0.1:8080 sends it, without an Accept header.
pub async fn get(app: &Router, uri: &str) -> Reply {
    send(
        app,
        Request::get(uri)
            .header(header::HOST, "127.0.0.1:8080")
            .body(Body::empty())
            .unwrap(),
    )
    .await
}
