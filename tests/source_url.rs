//! `source_url`, the original page's address: read from an HTML page's
//! canonical link or `og:url`, given by `--source-url` for a single page, kept
//! in the dataset's CSV (old files without the column still load), refused
//! when it is not an http or https address.

use std::path::{Path, PathBuf};

use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::import::{self, ImportError, ImportOptions};
use mapa_praktyk::store;

const BODY: &str = "<body><h1>Świetlica środowiskowa w Gorlicach</h1>\
<p>Miejski Ośrodek Pomocy Społecznej w Gorlicach prowadzi świetlicę dla dzieci.</p></body>";

fn page(dir: &Path, name: &str, head: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!("<!doctype html><html><head>{head}</head>{BODY}</html>"),
    )
    .unwrap();
    p
}

fn imported(path: &Path, options: &ImportOptions) -> mapa_praktyk::practice::Practice {
    let into = path.with_extension("out.csv");
    import::run_with(&[path.to_path_buf()], &into, Gazetteer::bundled(), options).unwrap();
    let mut rows = store::load(&into).unwrap();
    assert_eq!(rows.len(), 1);
    rows.remove(0)
}

#[test]
fn html_pages_give_their_canonical_link_else_their_og_url() {
    let dir = tempfile::tempdir().unwrap();
    let none = ImportOptions::default();
    let both = page(
        dir.path(),
        "a.html",
        r#"<meta property="og:url" content="https://og.example.org/a"><link rel="alternate canonical" href=" https://gorlice.example.pl/swietlica?id=7 ">"#,
    );
    assert_eq!(
        imported(&both, &none).source_url.as_deref(),
        Some("https://gorlice.example.pl/swietlica?id=7")
    );
    let og = page(
        dir.path(),
        "b.html",
        r#"<meta property="og:url" content="http://og.example.org/b">"#,
    );
    assert_eq!(
        imported(&og, &none).source_url.as_deref(),
        Some("http://og.example.org/b")
    );
    let plain = page(dir.path(), "c.html", "<title>Świetlica</title>");
    let p = imported(&plain, &none);
    assert_eq!(p.source_url, None);
    assert_eq!(p.source, "c.html");
}

#[test]
fn an_address_that_is_not_http_is_left_out_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let bad = page(
        dir.path(),
        "bad.html",
        r#"<link rel="canonical" href="javascript:alert(1)">"#,
    );
    let into = dir.path().join("out.csv");
    let report = import::run(&[bad], &into, Gazetteer::bundled()).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|(_, w)| w.contains("own address is left out") && w.contains("javascript")),
        "{report}"
    );
    assert_eq!(store::load(&into).unwrap()[0].source_url, None);
}

#[test]
fn the_source_url_option_names_a_single_page_and_wins() {
    let dir = tempfile::tempdir().unwrap();
    let a = page(
        dir.path(),
        "a.html",
        r#"<link rel="canonical" href="https://canonical.example.org/a">"#,
    );
    let given = ImportOptions {
        source_url: Some("https://bdp.example.org/praktyka/1".into()),
        ..ImportOptions::default()
    };
    assert_eq!(
        imported(&a, &given).source_url.as_deref(),
        Some("https://bdp.example.org/praktyka/1")
    );
    let into = dir.path().join("x.csv");
    let b = page(dir.path(), "b.html", "");
    let two = import::run_with(&[a.clone(), b], &into, Gazetteer::bundled(), &given);
    assert!(
        matches!(&two, Err(ImportError::SourceUrl(m)) if m.contains("2 input")),
        "{two:?}"
    );
    let ftp = ImportOptions {
        source_url: Some("ftp://x.pl/a".into()),
        ..ImportOptions::default()
    };
    let e = import::run_with(&[a], &into, Gazetteer::bundled(), &ftp).unwrap_err();
    assert!(e.to_string().starts_with("--source-url:"), "{e}");
    assert!(!into.exists(), "nothing written after a refused option");
}

#[test]
fn the_csv_keeps_the_column_and_old_files_without_it_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let old = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/practices.csv");
    let mut rows = store::load(&old).expect("a file without source_url loads");
    assert!(rows.iter().all(|p| p.source_url.is_none()));
    rows[0].source_url = Some("https://example.org/p".into());
    let out = dir.path().join("new.csv");
    store::save(&out, &rows).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().next().unwrap().contains(",source,source_url,"));
    let back = store::load(&out).unwrap();
    let id = &rows[0].id;
    let p = back.iter().find(|p| &p.id == id).unwrap();
    assert_eq!(p.source_url.as_deref(), Some("https://example.org/p"));
}

#[test]
fn a_bad_source_url_cell_is_an_error_with_file_line_and_column() {
    use mapa_praktyk::practice::{Area, Practice};
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Practice> = ["a", "b"]
        .map(|id| {
            Practice::new(
                id.into(),
                id.to_uppercase(),
                Area::ALL[0],
                format!("{id}.txt"),
            )
        })
        .into();
    let out = dir.path().join("bad.csv");
    store::save(&out, &rows).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(",b.txt,,"), "{text}");
    std::fs::write(
        &out,
        text.replace(",b.txt,,", ",b.txt,javascript:alert(1),"),
    )
    .unwrap();
    let e = store::load(&out).unwrap_err().to_string();
    assert!(e.contains("bad.csv:3: source_url:"), "{e}");
    assert!(e.contains("not an http or https address"), "{e}");
}
