//! People's phones and e-mails written in a practice's text stay out of every
//! public answer unless the operator publishes personal data; the
//! institution's own stay in. (The people and numbers are invented.)

mod common;

use common::{app_with, config, dataset, get};
use mapa_praktyk::api::ApiConfig;
use mapa_praktyk::personal::MARKER;
use mapa_praktyk::practice::Practice;

const COORDINATOR_PHONE: &str = "601 234 567";
const COORDINATOR_EMAIL: &str = "anna.kowalska@mops.example.pl";
const DESK_PHONE: &str = "32 231 00 00";
const DESK_EMAIL: &str = "sekretariat@mops.example.pl";

/// The bundled practices and one more, placed where the first is, whose text
/// names its coordinator's phone and e-mail beside the institution's desk.
fn practices() -> (Vec<Practice>, String) {
    let mut ps = dataset();
    let mut p = ps[0].clone();
    p.id = "test-koordynatorka".into();
    p.title = "Klub Seniora przy ośrodku".into();
    p.summary = format!("Zapisy u koordynatorki Anny Kowalskiej, tel. {COORDINATOR_PHONE}.");
    p.body = format!(
        "Klub działa od 2015 roku.\n\nKoordynatorka Anna Kowalska jest dostępna pod numerem \
         {COORDINATOR_PHONE} lub pod adresem {COORDINATOR_EMAIL}. Sekretariat ośrodka: tel. \
         {DESK_PHONE}, {DESK_EMAIL}."
    );
    p.funding = Some(format!(
        "Budżet gminy; rozlicza pani Anna, {COORDINATOR_PHONE}"
    ));
    let id = p.id.clone();
    ps.push(p);
    (ps, id)
}

/// Every public answer that carries the practice's text.
fn answers(id: &str) -> Vec<String> {
    let near = "lon=19.2&lat=50.0&radius_km=1000";
    vec![
        format!("/api/practices/{id}"),
        format!("/api/practices?{near}&limit=100"),
        "/api/practices?q=klub+seniora".into(),
        "/api/practices.geojson".into(),
        "/api/practices.csv".into(),
        "/api/practices.csv?excel=1".into(),
        "/api/clusters?bbox=14,49,24.2,55&zoom=18".into(),
        "/ogc/collections/practices/items?limit=100".into(),
        format!("/ogc/collections/practices/items/{id}"),
    ]
}

/// The phone as the CSV and JSON may write it (digits only, to catch any spacing).
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[tokio::test]
async fn a_coordinators_phone_and_email_in_the_text_are_withheld_everywhere() {
    let (ps, id) = practices();
    let app = app_with(ps, config());
    for uri in answers(&id) {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, 200, "{uri}: {}", r.text());
        let text = r.text();
        assert!(
            !text.contains(COORDINATOR_PHONE),
            "{uri} publishes the phone"
        );
        assert!(
            !digits(&text).contains(&digits(COORDINATOR_PHONE)),
            "{uri} publishes the phone's digits"
        );
        assert!(
            !text.contains(COORDINATOR_EMAIL),
            "{uri} publishes the e-mail"
        );
    }
    // The detail keeps the institution's own, and says where text was withheld.
    let detail = get(&app, &format!("/api/practices/{id}")).await.text();
    for kept in [
        DESK_PHONE,
        DESK_EMAIL,
        MARKER,
        "Koordynatorka Anna Kowalska",
    ] {
        assert!(detail.contains(kept), "{kept:?} missing from {detail}");
    }
    // A search for the number finds nothing: the text searched is the public one.
    let found = get(
        &app,
        &format!("/api/practices?q={}", digits(COORDINATOR_PHONE)),
    )
    .await;
    assert_eq!(found.features().features.len(), 0);
}

#[tokio::test]
async fn published_when_the_operator_says_so() {
    let (ps, id) = practices();
    let app = app_with(
        ps,
        ApiConfig {
            publish_personal: true,
            ..config()
        },
    );
    for uri in answers(&id) {
        if uri.contains("clusters") || uri.contains("q=klub") {
            continue; // these carry the summary only when single; checked by the list
        }
        let text = get(&app, &uri).await.text();
        assert!(
            text.contains(COORDINATOR_PHONE),
            "{uri} withholds the phone"
        );
        if uri.contains(".csv") || uri.contains(&id) {
            // Lists carry the summary; the whole text is in these.
            assert!(
                text.contains(COORDINATOR_EMAIL),
                "{uri} withholds the e-mail"
            );
        }
        assert!(!text.contains(MARKER), "{uri} withholds something");
    }
}

#[tokio::test]
async fn the_seeds_text_is_published_as_written() {
    // The five bundled pages name people only in labelled contacts: nothing in
    // their text is withheld.
    let ps = dataset();
    let app = app_with(ps.clone(), config());
    for p in &ps {
        assert_eq!(p.withhold_personal_prose(), None, "{}", p.id);
        let text = get(&app, &format!("/api/practices/{}", p.id)).await.text();
        assert!(!text.contains(MARKER), "{}", p.id);
    }
}
