//! `POST /api/import/read` (the form's "Wklej treść strony") and the
//! `Prefer: draft` of the OGC writes (its "Zapisz szkic"), through the
//! router the binary serves, over a real store.

mod common;
#[path = "common/edit.rs"]
mod edit;

use axum::http::StatusCode;
use edit::*;
use serde_json::{Value, json};

const READ: &str = "/api/import/read";
const ITEMS: &str = "/ogc/collections/practices/items";
/// A municipality's news page (Gmina Rozdrażew), saved as HTML.
const PAGE: &str = include_str!("fixtures/edit/rozdrazew-male-projekty.html");

/// The editable router with a request timeout that a debug build's first
/// reading (the gazetteer builds its fuzzy, prefix and adjective indexes on
/// first use) meets even on a loaded machine; the timeout itself is tested
/// elsewhere.
async fn editable() -> Editable {
    let mut cfg = common::config();
    cfg.request_timeout = std::time::Duration::from_secs(120);
    editable_with(cfg).await
}

async fn read_as(app: &axum::Router, b: &Browser, content_type: &str, body: &str) -> common::Reply {
    request(app, "POST", READ, content_type, body.to_string(), &page(b)).await
}

#[tokio::test]
async fn a_saved_page_is_read_into_a_record_with_its_words_and_doubts() {
    let e = editable().await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let r = read_as(&e.app, &anna, "text/html", PAGE).await;
    let v = r.json_with(StatusCode::OK);
    let f = &v["feature"];
    assert!(f.get("id").is_none(), "a reading has no id yet: {f}");
    let p = &f["properties"];
    assert_eq!(p["title"], "Zakończona realizacja małych projektów");
    assert_eq!(p["cost_pln"], 96939, "{p}");
    assert_eq!(
        p["source_url"],
        "http://www.rozdrazew.pl/komunikaty-wasne/863-2013-08-09-08-49-04.html"
    );
    // The cost came from the page's own words, and so did the place.
    let from = &v["from"];
    assert!(
        from["cost_pln"][0].as_str().unwrap().contains("96.939"),
        "{from}"
    );
    assert!(from["town"][0].as_str().is_some(), "{from}");
    assert_eq!(f["geometry"]["type"], "Point", "{f}");
    // Every doubt names a property of the form.
    for d in v["doubts"].as_array().unwrap() {
        let field = d["field"].as_str().unwrap();
        assert!(
            ["area", "cost_pln", "period_start", "geometry", "body"].contains(&field),
            "{d}"
        );
        assert!(!d["reason"].as_str().unwrap().is_empty());
    }
    // The reading is nothing stored: anna has no new entry.
    let mine = get_with(&e.app, "/api/mine", &page(&anna)).await;
    assert!(
        !mine.text().contains("Zakończona realizacja"),
        "{}",
        mine.text()
    );
    // And its feature goes back through the OGC create as it is.
    let mut feature = f.clone();
    feature["properties"]["title"] = json!("Małe projekty w Rozdrażewie (test odczytu)");
    let created = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature.to_string(),
        &page(&anna),
    )
    .await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{}", created.text());
}

#[tokio::test]
async fn pasted_text_is_read_too() {
    let e = editable().await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let text = "Świetlica środowiskowa w Gorlicach\n\nMiejski Ośrodek Pomocy Społecznej w Gorlicach \
prowadzi od 2019 roku świetlicę środowiskową dla dzieci: zajęcia popołudniowe i posiłek.";
    let v = read_as(&e.app, &anna, "text/plain; charset=utf-8", text)
        .await
        .json_with(StatusCode::OK);
    let title = v["feature"]["properties"]["title"].as_str().unwrap();
    assert!(title.contains("Gorlicach"), "{title}");
    let p = &v["feature"]["properties"];
    assert_eq!(p["period_start"], "2019-01-01");
    assert_eq!(v["from"]["period_start"][0], "od 2019 roku");
    assert!(p.get("id").is_none() && p.get("source").is_none(), "{p}");
    assert_eq!(p["gmina"]["name"], "Gorlice");
    let coords = &v["feature"]["geometry"]["coordinates"];
    assert!(
        coords[0].as_f64().unwrap() > 21.0 && coords[0].as_f64().unwrap() < 21.3,
        "{coords}"
    );
}

#[tokio::test]
async fn the_reading_needs_a_session_csrf_and_a_readable_page() {
    let e = editable().await;
    // Anonymous: 401.
    let r = request(&e.app, "POST", READ, "text/plain", "Tytuł".into(), &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let anna = sign_in(&e.app, "anna@x.pl").await;
    // The cookie without the CSRF token: 403 csrf.
    let r = request(
        &e.app,
        "POST",
        READ,
        "text/plain",
        "Tytuł".into(),
        &[("cookie", anna.cookie.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "csrf");
    // Empty, of another type, too large.
    let r = read_as(&e.app, &anna, "text/plain", "  \n ").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "empty_page");
    let r = read_as(&e.app, &anna, "application/pdf", "%PDF").await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = "a".repeat(mapa_praktyk::api::edit::reading::MAX_READ_BYTES + 1);
    let r = read_as(&e.app, &anna, "text/plain", &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert!(r.json()["error"]["message"].is_string());
}

#[tokio::test]
async fn an_address_is_fetched_only_when_allowed_and_never_a_private_one() {
    let e = editable().await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let opts = get_with(&e.app, "/api/import/options", &page(&anna))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(opts["fetch"], false);
    let body = json!({"address": "http://127.0.0.1:9/strona.html"}).to_string();
    let r = read_as(&e.app, &anna, "application/json", &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "fetch_disabled");
    // With fetching allowed (serve --allow-fetch), this machine's address is still refused.
    let allowed = e
        .app
        .clone()
        .layer(axum::Extension(mapa_praktyk::api::edit::reading::Fetching(
            true,
        )));
    let opts = get_with(&allowed, "/api/import/options", &page(&anna))
        .await
        .json_with(StatusCode::OK);
    assert_eq!(opts["fetch"], true);
    let r = read_as(&allowed, &anna, "application/json", &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(r.error_code(), "private_address");
    let r = read_as(
        &allowed,
        &anna,
        "application/json",
        &json!({"address": "ftp://example.org/a"}).to_string(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
}

#[tokio::test]
async fn prefer_draft_keeps_a_draft_that_only_its_author_sees() {
    let e = editable().await;
    let anna = sign_in(&e.app, "anna@x.pl").await;
    let olek = sign_in(&e.app, "olek@x.pl").await;
    let mut headers = page(&anna);
    headers.push(("prefer", "draft"));
    let r = request(
        &e.app,
        "POST",
        ITEMS,
        "application/geo+json",
        feature("Szkic Anny (test formularza)").to_string(),
        &headers,
    )
    .await;
    let v: Value = r.json_with(StatusCode::ACCEPTED);
    assert_eq!(v["status"], "draft");
    assert_eq!(
        r.headers
            .get("preference-applied")
            .unwrap()
            .to_str()
            .unwrap(),
        "draft"
    );
    let id = v["feature"]["id"].as_str().unwrap().to_string();
    let etag = v["etag"].as_str().unwrap().to_string();
    // Saved again as a draft: still a draft; then sent for review.
    let mut again = headers.clone();
    again.push(("if-match", etag.as_str()));
    let r = request(
        &e.app,
        "PUT",
        &format!("{ITEMS}/{id}"),
        "application/geo+json",
        feature("Szkic Anny, poprawiony").to_string(),
        &again,
    )
    .await;
    let v = r.json_with(StatusCode::ACCEPTED);
    assert_eq!(v["status"], "draft");
    let etag = v["etag"].as_str().unwrap().to_string();
    let mut send = page(&anna);
    send.push(("if-match", etag.as_str()));
    let r = request(
        &e.app,
        "PUT",
        &format!("{ITEMS}/{id}"),
        "application/geo+json",
        feature("Szkic Anny, wysłany").to_string(),
        &send,
    )
    .await;
    assert_eq!(r.json_with(StatusCode::ACCEPTED)["status"], "submitted");
    // Another contributor: 404, and not in their list.
    let r = get_with(&e.app, &format!("/api/entries/{id}"), &page(&olek)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mine = get_with(&e.app, "/api/mine", &page(&olek)).await;
    assert!(!mine.text().contains(&id));
}
