//! The CSV format's round trips, line numbers and recycled rows, and the
//! atomic save through it.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use super::read::plain_date;
use super::*;
use crate::files::{ContentWatch, NEW_FILE_MODE, clean_temp_files, fingerprint, write_atomically};
use crate::gazetteer::Gazetteer;
use crate::practice::Practice;

fn practices(n: usize) -> Vec<Practice> {
    crate::synthetic::practices(Gazetteer::bundled(), n, 11)
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

#[cfg(unix)]
#[test]
fn save_keeps_the_file_mode_and_a_new_file_is_world_readable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("practices.csv");
    save(&path, &practices(3)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&path), NEW_FILE_MODE);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    save(&path, &practices(4)).unwrap();
    assert_eq!(mode(&path), 0o640);
    assert_eq!(load(&path).unwrap().len(), 4);
}

#[test]
fn a_failed_save_leaves_no_temporary_file_and_the_old_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("practices.csv");
    save(&path, &practices(3)).unwrap();
    let r = write_atomically(&path, |f| {
        f.write_all(b"id,title\n")?;
        Err(std::io::Error::other("disk full"))
    });
    assert!(r.unwrap_err().to_string().contains("disk full"));
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    assert_eq!(load(&path).unwrap().len(), 3);
}

#[test]
fn temporary_files_of_dead_savers_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("practices.csv");
    save(&path, &practices(2)).unwrap();
    // A pid that is not running (beyond Linux's pid_max), and this process.
    let dead = dir.path().join(".practices.csv.tmp-4999999-Ab12Cd");
    let live = dir
        .path()
        .join(format!(".practices.csv.tmp-{}-Xy34Zw", std::process::id()));
    let other = dir.path().join(".other.csv.tmp-4999999-Ab12Cd");
    for f in [&dead, &live, &other] {
        std::fs::write(f, "partial").unwrap();
    }
    assert_eq!(clean_temp_files(&path).unwrap(), vec![dead.clone()]);
    assert!(!dead.exists() && live.exists() && other.exists() && path.exists());
}

#[test]
fn content_watch_decides_by_content_not_by_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("practices.csv");
    let mut ps = practices(5);
    save(&path, &ps).unwrap();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let mut watch = ContentWatch::new(&path, fingerprint(&path).unwrap());
    assert!(!watch.changed(&path).unwrap());
    // The same bytes written again: no change.
    save(&path, &ps).unwrap();
    assert!(!watch.changed(&path).unwrap());
    // New content of the same size with the old modification time: a change.
    ps[0].title = ps[0].title.replace('P', "R");
    save(&path, &ps).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    assert!(watch.changed(&path).unwrap());
    watch.serving(fingerprint(&path).unwrap());
    assert!(!watch.changed(&path).unwrap());
}

#[test]
fn rows_read_into_recycled_practices_keep_nothing_of_earlier_rows() {
    // Every other practice has its optional fields empty, some have more
    // websites than the one before; more rows than three batches, and a
    // sink that leaves the practices in the batch, so they are read into
    // again.
    let mut ps = crate::synthetic::practices(Gazetteer::bundled(), 3 * BATCH + 10, 9);
    for (i, p) in ps.iter_mut().enumerate() {
        if i % 2 == 1 {
            *p = Practice::new(p.id.clone(), p.title.clone(), p.area, p.source.clone());
        } else if i % 3 == 0 {
            p.websites = vec!["https://a.pl".into(), "https://b.pl/x".into()];
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("practices.csv");
    save(&path, &ps).unwrap();
    let mut got = Vec::new();
    let errors = read_each(open(&path).unwrap(), &path, |batch| {
        got.extend(batch.iter().map(|(p, _)| p.clone()))
    })
    .unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    ps.sort_by(|a, b| a.id.cmp(&b.id));
    got.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(got.len(), ps.len());
    for (g, p) in got.iter().zip(&ps) {
        assert_eq!(g.websites, p.websites);
        assert_eq!(
            (&g.email, &g.town, &g.location),
            (&p.email, &p.town, &p.location)
        );
        assert_eq!(
            (&g.source_url, &g.contacts, &g.admin),
            (&p.source_url, &p.contacts, &p.admin)
        );
    }
    // And as a whole, as the loader that keeps every row reads them.
    let mut loaded = load(&path).unwrap();
    loaded.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(got, loaded);
}

proptest::proptest! {
    #[test]
    fn plain_dates_read_as_the_date_format_does(
        y in 0u32..10000, m in 0u32..14, d in 0u32..33, sep in "[-/]",
    ) {
        let v = format!("{y:04}-{m:02}{sep}{d:02}");
        let plain = plain_date(&v);
        proptest::prop_assert_eq!(plain, NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
        proptest::prop_assert_eq!(plain.is_some(), sep == "-" && NaiveDate::from_ymd_opt(y as i32, m, d).is_some());
    }
}

#[test]
fn other_date_spellings_are_left_to_the_date_format() {
    for v in [
        "2020-1-05",
        "+2020-01-05",
        "20200-01-01",
        "2020-01-5 ",
        "２０２０-01-05",
    ] {
        assert_eq!(plain_date(v), None, "{v}");
    }
}

#[test]
fn line_numbers_are_right_for_crlf_files() {
    let mut out = Vec::new();
    write_csv(&mut out, practices(3)).unwrap();
    let text = String::from_utf8(out)
        .unwrap()
        .replace("synth-11-0000001", "bad id");
    for (name, body) in [
        ("lf.csv", text.replace("\r\n", "\n")),
        ("crlf.csv", text.replace("\r\n", "\n").replace('\n', "\r\n")),
    ] {
        let err = read(body.as_bytes(), Path::new(name)).unwrap_err();
        let StoreError::Invalid { errors } = err else {
            panic!("{name}: not a row error")
        };
        assert_eq!(errors[0].line, 3, "{name}: {errors:?}");
        assert_eq!(errors[0].column, "id");
    }
}

#[test]
fn errors_quote_at_most_a_few_hundred_bytes_of_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("practices.csv");
    // A header line of a megabyte, with a multi-byte letter across the cut.
    let long = format!("{}ż{}", "a".repeat(199), "b".repeat(1 << 20));
    std::fs::write(&path, format!("{long}\n")).unwrap();
    let e = super::load(&path).unwrap_err().to_string();
    assert!(e.len() < 2000, "{} bytes", e.len());
    assert!(e.contains(&format!("{}…", "a".repeat(199))), "{e}");
    // A cell of a megabyte in a row.
    let ps = crate::synthetic::practices(crate::gazetteer::Gazetteer::bundled(), 2, 1);
    super::save(&path, &ps).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let area = ps[0].area.slug();
    let bad = text.replacen(
        &format!(",{area},"),
        &format!(",{},", "x".repeat(1 << 20)),
        1,
    );
    std::fs::write(&path, bad).unwrap();
    let e = super::load(&path).unwrap_err().to_string();
    assert!(
        e.len() < 2000 && e.contains("xxx…"),
        "{}",
        &e[..e.len().min(3000)]
    );
}
