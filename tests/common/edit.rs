//! The router with writes over a real store (SQLite in a temporary folder,
//! or the PostgreSQL of `MAPA_TEST_DATABASE_URL`), seeded with the bundled
//! practices, with accounts of each role.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use mapa_praktyk::api::{AppState, editable_router};
use mapa_praktyk::auth::password;
use mapa_praktyk::db::Store;
use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::snapshot::Snapshot;
use mapa_praktyk::workflow::Role;

use crate::common::{Reply, config, dataset, send};

/// Every test account's password.
pub const PASSWORD: &str = "hasło-testowe-1234";

/// The OGC items, where Part 4 writes go.
pub const ITEMS: &str = "/ogc/collections/practices/items";
/// A seeded practice in Oświęcim (powiat 1213, anna's unit).
pub const OSWIECIM: &str = "bdp-1ed1d240a3bfbca7";
/// A seeded practice in Gdańsk (powiat 2261, outside anna's unit).
pub const GDANSK: &str = "bdp-784eba2a5f4b2d1d";

/// A router with writes, its store, and the folder that holds the SQLite file.
pub struct Editable {
    pub app: Router,
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

/// The store tests write to: PostgreSQL when `MAPA_TEST_DATABASE_URL` is set
/// (a fresh schema is the caller's: scripts/pg-throwaway gives one), else a
/// new SQLite file.
pub async fn store() -> (Store, Option<tempfile::TempDir>) {
    if let Ok(url) = std::env::var("MAPA_TEST_DATABASE_URL") {
        // A schema of its own per store (tests run in parallel on one server).
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let schema = format!("e_{}_{n}", std::process::id());
        use sqlx::Executor;
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&url)
            .await
            .expect("MAPA_TEST_DATABASE_URL connects");
        admin
            .execute(
                format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}").as_str(),
            )
            .await
            .expect("a schema for the test");
        admin.close().await;
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{sep}options=-csearch_path%3D{schema}");
        let s = Store::open(&url).await.expect("the test database opens");
        return (s, None);
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("t.db").display());
    (
        Store::open(&url).await.expect("a new SQLite store"),
        Some(dir),
    )
}

/// The editable router over the bundled practices, with the accounts
/// `editor@x.pl` (editor), `anna@x.pl` (contributor of powiat 1213,
/// oświęcimski), `olek@x.pl` (contributor, no units), `admin@x.pl`.
pub async fn editable() -> Editable {
    editable_with(config()).await
}

/// As [`editable`], with a configuration.
pub async fn editable_with(cfg: mapa_praktyk::api::ApiConfig) -> Editable {
    let (store, dir) = store().await;
    let practices = dataset();
    if store.count().await.unwrap() == 0 {
        store.seed(&practices).await.unwrap();
    }
    let hash = password::hash(PASSWORD).unwrap();
    for (email, role, units) in [
        ("editor@x.pl", Role::Editor, vec![]),
        ("anna@x.pl", Role::Contributor, vec!["1213".to_string()]),
        ("olek@x.pl", Role::Contributor, vec![]),
        ("admin@x.pl", Role::Admin, vec![]),
    ] {
        if store.account_by_email(email).await.is_err() {
            store
                .add_account(email, email, role, &units, &hash)
                .await
                .unwrap();
        }
    }
    let state = AppState::new(
        Snapshot::with_personal(practices, false),
        cfg,
        Gazetteer::bundled(),
    );
    Editable {
        app: editable_router(state, store.clone()),
        store,
        _dir: dir,
    }
}

/// A signed-in browser: its cookie and CSRF token.
#[derive(Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

/// Signs `email` in with [`PASSWORD`] as the page would.
pub async fn sign_in(app: &Router, email: &str) -> Browser {
    let r = post_json(
        app,
        "/api/session",
        &serde_json::json!({"email": email, "password": PASSWORD}),
        &[],
    )
    .await;
    let body = r.json_with(axum::http::StatusCode::OK);
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    Browser {
        cookie,
        csrf: body["csrf_token"]
            .as_str()
            .expect("a CSRF token")
            .to_string(),
    }
}

/// A request with a body, as a same-origin page or a script sends it.
pub async fn request(
    app: &Router,
    method: &str,
    uri: &str,
    content_type: &str,
    body: String,
    headers: &[(&str, &str)],
) -> Reply {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080");
    if !content_type.is_empty() {
        b = b.header(header::CONTENT_TYPE, content_type);
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    send(app, b.body(Body::from(body)).unwrap()).await
}

/// A JSON POST.
pub async fn post_json(
    app: &Router,
    uri: &str,
    v: &serde_json::Value,
    headers: &[(&str, &str)],
) -> Reply {
    request(app, "POST", uri, "application/json", v.to_string(), headers).await
}

/// The headers of a same-origin page's write in `b`'s session.
pub fn page(b: &Browser) -> Vec<(&str, &str)> {
    vec![
        ("cookie", b.cookie.as_str()),
        ("x-csrf-token", b.csrf.as_str()),
        ("origin", "http://127.0.0.1:8080"),
        ("sec-fetch-site", "same-origin"),
    ]
}

/// A GET with extra headers.
pub async fn get_with(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    request(app, "GET", uri, "", String::new(), headers).await
}

/// A new practice feature in Oświęcim (powiat 1213).
pub fn feature(title: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [19.2343, 50.0352]},
        "properties": {"title": title, "area": "kultura", "summary": "Krótko."}
    })
}

/// The strong ETag of a public item.
pub async fn etag(e: &Editable, id: &str) -> String {
    let r = crate::common::get(&e.app, &format!("{ITEMS}/{id}")).await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    let t = r.headers[header::ETAG].to_str().unwrap().to_string();
    assert!(!t.starts_with("W/"), "a strong ETag: {t}");
    t
}

/// Every byte but ASCII letters and digits percent-escaped (a query value).
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
