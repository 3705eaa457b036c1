//! Every file the service gives out imports back unchanged: the plain CSV
//! download, the Excel one (byte-order mark, `;`, formulas neutralised) and
//! the GeoJSON download (every public field) read back into exactly the
//! public view of the records served, and `import` takes each.

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

/// The GeoJSON download read back as `import` reads a `.geojson` file.
async fn geojson_back(records: Vec<Practice>, publish_personal: bool, uri: &str) -> Vec<Practice> {
    let app = app_with(
        records,
        mapa_praktyk::api::ApiConfig {
            publish_personal,
            ..config()
        },
    );
    let reply = get(&app, uri).await;
    assert_eq!(reply.status, 200, "{uri}");
    store::read_features(&reply.body, std::path::Path::new("praktyki.geojson"))
        .unwrap_or_else(|e| panic!("{uri} does not import back: {e}"))
}

#[tokio::test]
async fn the_geojson_download_imports_back_unchanged() {
    let mut all = records();
    // A contact person with a phone and an e-mail: withheld unless configured.
    all[2].contacts = vec![mapa_praktyk::practice::Contact {
        name: "Anna Nowak".into(),
        role: Some("koordynatorka".into()),
        phone: Some("600 100 200".into()),
        email: Some("anna.nowak@example.org".into()),
    }];
    all[3].facts_from = Some("koszt: 12 000 zł".into());
    let back = geojson_back(all.clone(), false, "/api/practices.geojson").await;
    assert_eq!(back.len(), all.len());
    assert_eq!(back, public(&all));
    assert_eq!(back[2].contacts[0].phone, None);
    // Published contacts when the operator says so, and a query with a
    // centre (whose distance_km is the answer's, not the record's).
    let with = geojson_back(all.clone(), true, "/api/practices.geojson").await;
    assert_eq!(with, all);
    let near = geojson_back(
        all.clone(),
        false,
        "/api/practices.geojson?lat=50&lon=19.5&radius_km=1000",
    )
    .await;
    let mut want = public(&all);
    want.retain(|p| near.iter().any(|q| q.id == p.id));
    let mut got = near.clone();
    got.sort_by(|a, b| a.id.cmp(&b.id));
    want.sort_by(|a, b| a.id.cmp(&b.id));
    assert!(!got.is_empty());
    assert_eq!(got, want);
}

#[test]
fn import_reads_a_geojson_download_into_a_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let into = dir.path().join("practices.csv");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = app_with(records(), config());
    let body = rt.block_on(get(&app, "/api/practices.geojson")).body;
    let file = dir.path().join("praktyki.geojson");
    std::fs::write(&file, &body).unwrap();
    mapa_praktyk::import::run(
        &[file],
        &into,
        mapa_praktyk::gazetteer::Gazetteer::bundled(),
    )
    .unwrap();
    let mut got = store::load(&into).unwrap();
    let mut want = public(&records());
    got.sort_by(|a, b| a.id.cmp(&b.id));
    want.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        got.iter().map(|p| &p.id).collect::<Vec<_>>(),
        want.iter().map(|p| &p.id).collect::<Vec<_>>()
    );
    assert_eq!(
        got.iter().map(|p| &p.title).collect::<Vec<_>>(),
        want.iter().map(|p| &p.title).collect::<Vec<_>>()
    );
}

#[test]
fn a_bad_geojson_feature_names_its_number_and_property() {
    let path = std::path::Path::new("zly.geojson");
    let fc = |props: &str| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"a","geometry":null,"properties":{{"title":"Jeden","area":"kultura","source":"test"}}}},{{"type":"Feature","id":"b","geometry":null,"properties":{props}}}]}}"#
        )
    };
    let e = store::read_features(fc(r#"{"area":"kultura","source":"test"}"#).as_bytes(), path)
        .unwrap_err()
        .to_string();
    assert!(e.contains("zly.geojson:2: title: required"), "{e}");
    let e = store::read_features(
        fc(r#"{"title":"Dwa","area":"kultura","source":"test","kolor":"zielony"}"#).as_bytes(),
        path,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("zly.geojson:2: properties.kolor: not a property of a practice"),
        "{e}"
    );
    let e = store::read_features(b"{\"type\":\"Feature\"}", path)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a GeoJSON FeatureCollection"), "{e}");
    let e = store::read_features(b"{\"type\":", path)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("zly.geojson:1: not readable as a GeoJSON FeatureCollection"),
        "{e}"
    );
}
