//! The load, save and reload policy against real files: the first start from
//! the CSV, the snapshot file after it, and what makes the snapshot file be
//! ignored.

use super::*;
use crate::gazetteer::{AdminChain, Gazetteer};
use crate::practice::{Contact, UnitType};
use crate::snapshot::file;

fn dataset(dir: &Path, n: usize) -> (PathBuf, Vec<Practice>) {
    let mut ps = crate::synthetic::practices(Gazetteer::bundled(), n, 5);
    ps[1].contacts = vec![Contact {
        name: "Anna Nowak".into(),
        role: Some("koordynatorka".into()),
        phone: Some("+48 32 123 45 67".into()),
        email: None,
    }];
    ps[2].location = None;
    ps[2].admin = AdminChain::default();
    ps[3].websites = vec!["https://a.pl".into(), "https://b.pl".into()];
    ps[3].period_end = chrono::NaiveDate::from_ymd_opt(2021, 6, 30);
    ps[3].unit_type = Some(UnitType::from_label("gmina miejska").expect("a unit type"));
    let path = dir.join("practices.csv");
    store::save(&path, &ps).unwrap();
    // What the CSV holds (sorted by id, floats as written) is the reference.
    (path.clone(), store::load(&path).unwrap())
}

#[test]
fn round_trip_gives_the_same_practices() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ps) = dataset(dir.path(), 40);
    let loaded = load(&path).unwrap();
    assert!(!loaded.from_snapshot_file);
    assert!(save_for(&path, loaded.fingerprint, &loaded.snapshot).unwrap());
    let again = load(&path).unwrap();
    assert!(again.from_snapshot_file);
    assert_eq!(again.snapshot.practices().collect::<Vec<_>>(), ps);
    // The stored derived parts answer as freshly built ones do.
    let fresh = Snapshot::new(ps.clone());
    for i in 0..ps.len() as u32 {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        again.snapshot.prepared(i).write(&mut a, None);
        fresh.prepared(i).write(&mut b, None);
        assert_eq!(a, b);
        assert!(again.snapshot.by_id(&ps[i as usize].id).is_some());
    }
    let near = crate::query::Filter {
        near: Some(crate::query::Near {
            lon: 19.9,
            lat: 50.0,
            radius_km: None,
            k: Some(7),
        }),
        text: Some("syntetyczna".into()),
        ..Default::default()
    };
    assert_eq!(again.snapshot.query(&near), fresh.query(&near));
    assert_eq!(again.snapshot.version(), loaded.snapshot.version());
    // Read in place: nothing of the records is copied to the heap.
    assert!(fresh.derived_bytes() > 10_000);
    assert!(
        again.snapshot.derived_bytes() < 100,
        "{} heap bytes",
        again.snapshot.derived_bytes()
    );
    // The snapshot served after the first save reads the same file in place.
    let mapped = remap(&path, loaded.fingerprint, &loaded.snapshot).unwrap();
    assert!(mapped.derived_bytes() < 100);
    assert_eq!(mapped.practices().collect::<Vec<_>>(), ps);
    assert_eq!(mapped.query(&near), fresh.query(&near));
}

/// A CSV of `n` practices whose row `multi_line` has a description over
/// three lines, so that lines and rows part after it.
fn long_dataset(dir: &Path, n: usize, multi_line: usize) -> (PathBuf, Vec<Practice>) {
    let mut ps = crate::synthetic::practices(Gazetteer::bundled(), n, 6);
    ps[multi_line].body = "pierwsza linia\ndruga, \"cytat\"\ntrzecia".into();
    let path = dir.join("practices.csv");
    store::save(&path, &ps).unwrap();
    (path.clone(), store::load(&path).unwrap())
}

#[test]
fn the_first_start_streams_the_csv_into_the_same_snapshot() {
    // More rows than one batch of the reader, so rows cross threads in
    // several batches and must keep their order.
    let dir = tempfile::tempdir().unwrap();
    let (path, ps) = long_dataset(dir.path(), 2 * store::BATCH + 77, 5);
    let loaded = load(&path).unwrap();
    assert!(!loaded.from_snapshot_file);
    assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), ps);
    let fresh = Snapshot::new(ps.clone());
    for i in [0u32, 5, 1500, ps.len() as u32 - 1] {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        loaded.snapshot.prepared(i).write(&mut a, None);
        fresh.prepared(i).write(&mut b, None);
        assert_eq!(a, b);
        assert_eq!(
            loaded.snapshot.by_id(&ps[i as usize].id),
            Some(ps[i as usize].clone())
        );
    }
    assert_eq!(loaded.snapshot.index().len(), fresh.index().len());
    assert_eq!(
        loaded.snapshot.version(),
        snapshot_key(loaded.fingerprint, false).hash
    );
}

#[test]
fn a_first_start_spills_its_large_columns_and_writes_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ps) = long_dataset(dir.path(), store::BATCH + 50, 5);
    let loaded = load(&path).unwrap();
    // The records, prepared features and search text are temporary files,
    // mapped: not on the heap.
    let (records, _, _, text, prepared, _) = loaded.snapshot.parts();
    for c in [records, text, prepared] {
        assert!(c.bytes.spilled_file().is_some());
    }
    let in_memory = Snapshot::with_version(ps.clone(), loaded.fingerprint.hash);
    assert!(loaded.snapshot.derived_bytes() + 100_000 < in_memory.derived_bytes());
    // Its snapshot file equals, byte for byte, the one of the same
    // practices built in memory.
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    file::write(&a, loaded.fingerprint, &loaded.snapshot).unwrap();
    file::write(&b, loaded.fingerprint, &in_memory).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), ps);
    // The temporary files have no name: nothing is left beside the dataset.
    drop(loaded);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a", "b", "practices.csv"]);
}

#[cfg(target_os = "linux")]
#[test]
fn temporary_files_that_fail_leave_the_columns_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ps) = long_dataset(dir.path(), 300, 5);
    let fp = files::fingerprint(&path).unwrap();
    // Every write to /dev/full fails as a full disk does.
    let full = || {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let spilling = |_: &Path| {
        Ok(SnapshotBuilder::spilling_into(
            [full(), full(), full()],
            fp.len,
        ))
    };
    let (snapshot, got) = from_csv_spilling(&path, fp.len, false, spilling).unwrap();
    assert_eq!(got.fingerprint(), fp);
    assert_eq!(snapshot.practices().collect::<Vec<_>>(), ps);
    assert!(!snapshot.parts().0.bytes.is_mapped());
    // No folder for temporary files: in memory too.
    let none = |_: &Path| Err(std::io::Error::other("no room"));
    let (snapshot, _) = from_csv_spilling(&path, fp.len, false, none).unwrap();
    assert_eq!(snapshot.practices().collect::<Vec<_>>(), ps);
}

#[test]
fn a_bad_row_fails_the_first_start_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2 * store::BATCH + 10;
    let (path, ps) = long_dataset(dir.path(), n, 5);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Row 5 spans three lines: data row k (0-based) is on line k + 2,
    // plus 2 after row 5.
    let line_of = |row: usize| row + 2 + if row > 5 { 2 } else { 0 };
    let bad = |lines: &mut Vec<String>, row: usize, from: &str, to: &str| {
        let l = &mut lines[line_of(row) - 1];
        assert!(l.contains(from), "{l}");
        *l = l.replacen(from, to, 1);
    };
    // An area that is not one, in the second batch; an id used twice (the
    // later row is reported) in the third.
    let area = ps[1500].area.slug();
    bad(&mut lines, 1500, &format!(",{area},"), ",nie-ma-takiej,");
    let (first_id, dup_id) = (&ps[3].id, &ps[n - 3].id);
    bad(&mut lines, n - 3, dup_id, first_id);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let Err(StoreError::Invalid { errors }) = load(&path).map(|_| ()) else {
        panic!("the bad rows load")
    };
    let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
    assert_eq!(
        found,
        [
            (line_of(1500) as u64, "area"),
            (line_of(n - 3) as u64, "id")
        ],
        "{errors:?}"
    );
    assert!(errors[1].problem.contains("used by an earlier row"));
    assert!(errors[0].to_string().starts_with(&format!(
        "{}:{}: area: ",
        path.display(),
        line_of(1500)
    )));
    // The same problems as the loader of records reports.
    let Err(StoreError::Invalid { errors: old }) = store::load(&path) else {
        panic!("the bad rows load")
    };
    assert_eq!(errors, old);
}

#[test]
fn a_changed_dataset_ignores_the_snapshot_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut ps) = dataset(dir.path(), 30);
    let l = load(&path).unwrap();
    save_for(&path, l.fingerprint, &l.snapshot).unwrap();
    // Same size, other content: only the hash tells.
    ps[0].title = ps[0].title.replace('P', "Q");
    store::save(&path, &ps).unwrap();
    let loaded = load(&path).unwrap();
    assert!(!loaded.from_snapshot_file);
    assert!(loaded.snapshot.practice(0).title.starts_with('Q'));
}

#[test]
fn a_damaged_snapshot_file_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ps) = dataset(dir.path(), 30);
    let l = load(&path).unwrap();
    save_for(&path, l.fingerprint, &l.snapshot).unwrap();
    let snap = snapshot_file_path(&path);
    let bytes = std::fs::read(&snap).unwrap();
    std::fs::write(&snap, &bytes[..bytes.len() / 2]).unwrap();
    let r = file::read(&snap, files::fingerprint(&path).unwrap());
    assert!(
        matches!(r, Err(SnapshotFileError::Corrupt { .. })),
        "{:?}",
        r.err()
    );
    // The visible file is the operators'; the server's own copy still serves.
    let loaded = load(&path).unwrap();
    assert!(loaded.from_snapshot_file);
    assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), ps);
    // Both damaged: the CSV.
    let private = copies::private_copy(&path);
    let bytes = std::fs::read(&private).unwrap();
    std::fs::write(&private, &bytes[..bytes.len() / 2]).unwrap();
    let loaded = load(&path).unwrap();
    assert!(!loaded.from_snapshot_file);
    assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), ps);
}

#[test]
fn a_csv_replaced_while_it_is_read_is_seen_at_the_next_check() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ps) = long_dataset(dir.path(), 2 * store::BATCH, 5);
    let before = files::fingerprint(&path).unwrap();
    // Another content, renamed over the dataset while the first rows are
    // being read (as an import does).
    let mut newer = ps.clone();
    newer[0].title = "Zmieniony tytuł".into();
    let next = dir.path().join("next.csv");
    store::save(&next, &newer).unwrap();
    let mut replaced = false;
    let (_, read) = Csv(&path)
        .read_each(&mut |_, _| {
            if !replaced {
                std::fs::rename(&next, &path).unwrap();
                replaced = true;
            }
        })
        .unwrap();
    assert!(replaced);
    // What was read is the old content, and the watch knows it.
    assert_eq!(read.fingerprint(), before);
    let mut watch = read;
    assert!(
        watch.changed(&path).unwrap(),
        "the replaced CSV is not seen"
    );
    assert!(!watch.changed(&path).unwrap());
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_save_frees_its_temporary_files_and_is_tried_again() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ps) = long_dataset(dir.path(), 300, 5);
    let loaded = load(&path).unwrap();
    assert!(loaded.snapshot.parts().0.bytes.spilled_file().is_some());
    // Something that is not a folder where the private folder goes: every
    // save fails.
    let blocker = copies::private_dir(&path);
    std::fs::write(&blocker, "").unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let slot = Live::new(loaded.snapshot, false);
    let wait_for = |what: &str, ok: &dyn Fn(&Snapshot) -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !ok(&slot.base()) {
            assert!(std::time::Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    rt.block_on(async {
        save_snapshot_file(path.clone(), loaded.fingerprint, slot.clone());
    });
    // The temporary files' parts are in memory now; nothing else changed.
    wait_for("the temporary files are still served", &|s| {
        s.parts().0.bytes.spilled_file().is_none()
    });
    assert!(!slot.base().is_from_file());
    assert_eq!(slot.base().practices().collect::<Vec<_>>(), ps);
    // Once the trouble is gone, the watch writes the file and serves it.
    std::fs::remove_file(&blocker).unwrap();
    rt.block_on(async {
        watch(
            slot.clone(),
            path.clone(),
            Duration::from_millis(20),
            loaded.watch,
            false,
        );
    });
    wait_for("the save is not tried again", &|s| s.is_from_file());
    assert_eq!(slot.base().practices().collect::<Vec<_>>(), ps);
    assert!(snapshot_file_path(&path).exists());
}

#[cfg(unix)]
#[test]
fn snapshot_files_take_the_datasets_mode_never_000() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = dataset(dir.path(), 20);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let snap = snapshot_file_path(&path);
    std::fs::write(&snap, "").unwrap();
    std::fs::set_permissions(&snap, std::fs::Permissions::from_mode(0o000)).unwrap();
    let l = load(&path).unwrap();
    assert!(save_for(&path, l.fingerprint, &l.snapshot).unwrap());
    assert_eq!(mode(&snap), 0o640);
    assert_eq!(mode(&copies::private_dir(&path)), 0o700);
    assert!(load(&path).unwrap().from_snapshot_file);
}
