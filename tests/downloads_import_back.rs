//! Every CSV the service gives out imports back unchanged: the plain
//! download and the Excel one (byte-order mark, `;`, formulas neutralised)
//! read back into exactly the public view of the records served.

mod common;

use common::{app_with, config, dataset, get};
use mapa_praktyk::practice::Practice;
use mapa_praktyk::store;

/// The served records, some with cells a spreadsheet would run as formulas.
fn records() -> Vec<Practice> {
    let mut all = dataset();
    all[0].title = "=HYPERLINK(\"http://x\") -- Żłobek; \"nowy\"".into();
    all[1].phone = Some("+48 32 000 00 00".into());
    all[2].summary = "-10% kosztów\ntak".into();
    all[3].funding = Some("@budżet; gmina".into());
    all[4].street = Some("'=A1 (a quote before a formula)".into());
    all
}

async fn imported_back(uri: &str, name: &str) -> Vec<Practice> {
    let app = app_with(records(), config());
    let reply = get(&app, uri).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, reply.text()).unwrap();
    store::load(&path).unwrap_or_else(|e| panic!("{uri} does not import back: {e}"))
}

fn public(ps: &[Practice]) -> Vec<Practice> {
    ps.iter().map(|p| p.public_view(false)).collect()
}

#[tokio::test]
async fn the_plain_csv_download_imports_back_unchanged() {
    let back = imported_back("/api/practices.csv", "practices.csv").await;
    assert_eq!(back.len(), records().len());
    assert_eq!(back, public(&records()));
}

#[tokio::test]
async fn the_excel_csv_download_imports_back_unchanged() {
    let app = app_with(records(), config());
    let raw = get(&app, "/api/practices.csv?excel=1").await.text();
    assert!(
        raw.starts_with("\u{feff}id;title;"),
        "the Excel dialect: {}",
        &raw[..20]
    );
    let back = imported_back("/api/practices.csv?excel=1", "excel.csv").await;
    assert_eq!(back, public(&records()));
}

#[test]
fn a_bad_excel_row_names_its_line() {
    let good = "\u{feff}".to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let header = mapa_praktyk::store::CSV_HEADER.join(";");
    let cells = vec![""; mapa_praktyk::store::CSV_HEADER.len()].join(";");
    std::fs::write(&path, format!("{good}{header}\n{cells}\n")).unwrap();
    let e = store::load(&path).unwrap_err().to_string();
    assert!(e.contains("bad.csv:2: id: required"), "{e}");
}
