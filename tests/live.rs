//! Published changes reach every public answer through the router the binary
//! serves, without a rebuild: changes applied through the state's `live`
//! (as writers apply them) are answered exactly as a router over a snapshot
//! built from scratch from the same records answers; after the background
//! merge too.

mod common;

use axum::Router;
use axum::http::{StatusCode, header};
use common::{config, get};
use mapa_praktyk::api::{AppState, router};
use mapa_praktyk::gazetteer::{Gazetteer, Precision};
use mapa_praktyk::live::Change;
use mapa_praktyk::practice::{Location, Practice};
use mapa_praktyk::snapshot::Snapshot;

fn state(practices: Vec<Practice>) -> AppState {
    AppState::new(Snapshot::new(practices), config(), Gazetteer::bundled())
}

/// The answers a change must reach: list (filters, sorting, paging), detail,
/// near, bbox, OGC items and item, clusters, counts, the page's data, the
/// downloads.
fn urls(changed: &[&str]) -> Vec<String> {
    let mut urls: Vec<String> = [
        "/api/practices?limit=50",
        "/api/practices?limit=20&offset=1500",
        "/api/practices?q=zmieniony&limit=100",
        "/api/practices?category=kultura&sort=-title&limit=30",
        "/api/practices?lat=50.06&lon=19.94&k=10",
        "/api/practices?bbox=19,49.6,21,50.6&limit=1000",
        "/api/practices?voivodeship=12&year_from=2010&limit=1000",
        "/ogc/collections/practices/items?limit=25&offset=10",
        "/ogc/collections/practices/items?bbox=19,49.6,21,50.6&limit=500",
        "/ogc/collections/practices",
        "/api/clusters?bbox=14,49,24.2,55&zoom=13",
        "/api/clusters?bbox=19.9,50,20.1,50.1&zoom=9",
        "/api/counts?by=voivodeship",
        "/api/counts?by=powiat&q=zmieniony",
        "/api/regions/voivodeships",
        "/api/categories",
        "/api/practices.csv",
        "/api/practices.csv?excel=1",
        "/api/practices.geojson?category=kultura",
    ]
    .map(String::from)
    .to_vec();
    for id in changed {
        urls.push(format!("/api/practices/{id}"));
        urls.push(format!("/ogc/collections/practices/items/{id}"));
    }
    urls
}

/// Every answer of `live` has the status and body of `fresh`'s.
async fn same_answers(live: &Router, fresh: &Router, changed: &[&str]) {
    for url in urls(changed) {
        let (a, b) = (get(live, &url).await, get(fresh, &url).await);
        assert_eq!(a.status, b.status, "{url}: {}", a.text());
        assert!(
            without_time_stamp(&a.body) == without_time_stamp(&b.body),
            "{url}: the answers differ"
        );
    }
}

/// The body with an OGC answer's `timeStamp` (the second it was made, which
/// two requests may straddle) taken out; other bodies unchanged.
fn without_time_stamp(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut o)) => {
            o.remove("timeStamp");
            serde_json::to_vec(&o).expect("a JSON object serialises")
        }
        _ => body.to_vec(),
    }
}

fn moved(p: &Practice, title: &str) -> Practice {
    let mut p = p.clone();
    p.title = title.into();
    p.location = Some(Location {
        lon: 20.01,
        lat: 50.05,
        precision: Precision::Manual,
        score: 1.0,
    });
    p
}

#[tokio::test]
async fn published_changes_reach_every_answer_at_once() {
    let mut records = mapa_praktyk::synthetic::practices(Gazetteer::bundled(), 3000, 4);
    let state = state(records.clone());
    let live = router(state.clone());
    let etag_before = get(&live, "/api/practices?limit=5").await.headers[header::ETAG].clone();
    let total = |r: &Router| {
        let r = r.clone();
        async move { get(&r, "/api/practices?limit=0").await.json()["numberMatched"].clone() }
    };
    assert_eq!(total(&live).await, 3000);

    // What a writer publishes: an edit that moves a practice to Kraków,
    // a new practice, an archived one.
    let edit = moved(&records[17], "Zmieniony tytuł: budżet obywatelski");
    let mut new = moved(&records[5], "Zmieniony: nowa praktyka");
    new.id = "nowa-praktyka-1".into();
    let gone = records[42].id.clone();
    state
        .live
        .apply([
            Change::Put(edit.clone()),
            Change::Put(new.clone()),
            Change::Remove(gone.clone()),
        ])
        .unwrap();
    records[17] = edit.clone();
    records.retain(|p| p.id != gone);
    records.push(new.clone());

    // Seen by the next request.
    let detail = get(&live, &format!("/api/practices/{}", edit.id)).await;
    assert_eq!(
        detail.json_with(StatusCode::OK)["properties"]["title"],
        edit.title
    );
    let ogc = get(&live, &format!("/ogc/collections/practices/items/{gone}")).await;
    assert_eq!(ogc.status, StatusCode::NOT_FOUND);
    assert_eq!(total(&live).await, 3000);
    let csv = get(&live, "/api/practices.csv").await.text();
    assert!(csv.contains("nowa-praktyka-1") && csv.contains(&edit.title));
    assert!(!csv.contains(&format!("{gone},")));
    let near = get(&live, "/api/practices?lat=50.05&lon=20.01&k=2")
        .await
        .json();
    let ids: Vec<&str> = near["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [edit.id.as_str(), "nowa-praktyka-1"]);
    let etag_after = get(&live, "/api/practices?limit=5").await.headers[header::ETAG].clone();
    assert_ne!(
        etag_before, etag_after,
        "a cached answer would hide the change"
    );

    // Every answer equals a router's over a snapshot built from the records.
    let fresh = router(state_of(&records));
    let changed = [edit.id.as_str(), "nowa-praktyka-1", gone.as_str()];
    same_answers(&live, &fresh, &changed).await;

    // The merge folds the overlay into a new snapshot (unless the merging
    // thread already did, after a quiet spell): the same answers.
    state.live.merge_now();
    assert_eq!(state.live.current().overlay_len(), 0);
    same_answers(&live, &fresh, &changed).await;
}

fn state_of(records: &[Practice]) -> AppState {
    state(records.to_vec())
}

#[tokio::test]
async fn a_bad_change_is_refused_with_what_was_wrong() {
    let records = mapa_praktyk::synthetic::practices(Gazetteer::bundled(), 50, 4);
    let state = state(records.clone());
    let mut bad = records[3].clone();
    bad.location = Some(Location {
        lon: 200.0,
        lat: 50.0,
        precision: Precision::Manual,
        score: 1.0,
    });
    let e = state.live.apply([Change::Put(bad)]).unwrap_err();
    assert!(e.to_string().contains(&records[3].id), "{e}");
    let app = router(state);
    let list = get(&app, "/api/practices?limit=0").await.json();
    assert_eq!(list["numberMatched"], 50);
}
