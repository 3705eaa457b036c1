//! No snapshot file can make a start fail, panic or serve other answers than
//! the CSV's: damaged files of every kind (flipped bytes in each section, a
//! page of 0xFF, truncation, another dataset's file under this one's header),
//! at the visible path and at the private copy.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::gazetteer::Gazetteer;

/// A dataset with its snapshot files written; its path, the practices the CSV
/// holds and the snapshot file's bytes.
fn saved(dir: &Path, n: usize, seed: u64) -> (PathBuf, Vec<Practice>, Vec<u8>) {
    let mut ps = crate::synthetic::practices(Gazetteer::bundled(), n, seed);
    ps[2].location = None;
    let path = dir.join("practices.csv");
    store::save(&path, &ps).unwrap();
    let l = load(&path).unwrap();
    assert!(save_for(&path, l.fingerprint, &l.snapshot).unwrap());
    let bytes = std::fs::read(snapshot_file_path(&path)).unwrap();
    (path.clone(), store::load(&path).unwrap(), bytes)
}

/// The sections of a snapshot file: (offset, length), from its header.
fn sections(bytes: &[u8]) -> Vec<(usize, usize)> {
    let u = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    (0..9)
        .map(|k| (u(42 + k * 24), u(42 + k * 24 + 8)))
        .collect()
}

/// A query that reads the R-tree.
fn near() -> crate::query::Filter {
    crate::query::Filter {
        near: Some(crate::query::Near {
            lon: 19.9,
            lat: 50.0,
            radius_km: None,
            k: Some(9),
        }),
        ..Default::default()
    }
}

/// What a snapshot answers: its practices, neighbours, extent and the size of
/// its R-tree.
type Answers = (
    Vec<Practice>,
    crate::query::Matches,
    Option<crate::geo_util::Bbox>,
    usize,
);

/// The answers of a snapshot, asking also what reads the admin table and the
/// id map.
fn answers(s: &Snapshot, want: &[Practice]) -> Answers {
    let ids: Vec<u32> = (0..s.len() as u32).collect();
    for level in [
        crate::gazetteer::AdminLevel::Gmina,
        crate::gazetteer::AdminLevel::Voivodeship,
    ] {
        s.unit_counts(&ids, level);
    }
    for p in want.iter().step_by(7) {
        assert_eq!(s.by_id(&p.id).as_ref(), Some(p), "by id");
    }
    (
        s.practices().collect(),
        s.query(&near()),
        s.extent(),
        s.index().len(),
    )
}

/// Starts from `bytes` as the snapshot file at the visible path or the
/// private copy (the other removed) and checks the start answers as `want`
/// (the CSV's), without panicking.
fn start_serves_the_csv(path: &Path, want: &Answers, bytes: &[u8], private: bool, what: &str) {
    let (visible, copy) = (snapshot_file_path(path), copies::private_copy(path));
    let _ = std::fs::remove_file(&visible);
    let _ = std::fs::remove_file(&copy);
    if private {
        std::fs::create_dir_all(copies::private_dir(path)).unwrap();
    }
    std::fs::write(if private { &copy } else { &visible }, bytes).unwrap();
    let started = std::panic::catch_unwind(|| {
        let loaded = load(path).expect("a start loads");
        answers(&loaded.snapshot, &want.0)
    });
    let got = started.unwrap_or_else(|_| panic!("{what}: the start panicked"));
    assert!(got == *want, "{what}: other answers than the CSV's");
}

#[test]
fn no_damaged_snapshot_file_changes_an_answer_or_panics() {
    let dir = tempfile::tempdir().unwrap();
    let (path, practices, good) = saved(dir.path(), 400, 11);
    let want = answers(&Snapshot::new(practices.clone()), &practices);
    let mut rng = SmallRng::seed_from_u64(20);
    let mut trials = 0;
    for private in [false, true] {
        // Random bytes flipped in each section.
        for (k, (at, len)) in sections(&good).into_iter().enumerate() {
            for flips in [1, 16] {
                if len == 0 {
                    continue;
                }
                let mut bad = good.clone();
                for _ in 0..flips {
                    let i = at + rng.random_range(0..len);
                    bad[i] ^= 1 << rng.random_range(0..8);
                }
                start_serves_the_csv(
                    &path,
                    &want,
                    &bad,
                    private,
                    &format!("{flips} flips in section {k}"),
                );
                trials += 1;
            }
        }
        // A 4 KiB page of 0xFF at many offsets (pages and between them).
        for at in (0..good.len())
            .step_by(4096 * 3)
            .chain([1, 100, 2049, good.len() - 10])
        {
            let mut bad = good.clone();
            let end = (at + 4096).min(bad.len());
            bad[at..end].fill(0xFF);
            start_serves_the_csv(&path, &want, &bad, private, &format!("0xFF page at {at}"));
            trials += 1;
        }
        // Truncated at many lengths.
        for len in [0, 1, 14, 41, 42, 200, 265, 266, 272, 300, 4096]
            .into_iter()
            .chain((1..8).map(|i| good.len() * i / 8))
            .chain([good.len() - 1])
        {
            start_serves_the_csv(
                &path,
                &want,
                &good[..len.min(good.len())],
                private,
                &format!("cut at {len}"),
            );
            trials += 1;
        }
    }
    // Another dataset's snapshot file, its header rewritten to name this
    // dataset's content.
    let other = tempfile::tempdir().unwrap();
    let (_, _, foreign) = saved(other.path(), 400, 12);
    let fp = files::fingerprint(&path).unwrap();
    let mut forged = foreign.clone();
    forged[18..26].copy_from_slice(&fp.len.to_le_bytes());
    forged[26..34].copy_from_slice(&fp.hash.to_le_bytes());
    for private in [false, true] {
        start_serves_the_csv(&path, &want, &forged, private, "a forged header");
        trials += 1;
    }
    // And the good file serves from itself.
    start_serves_the_csv(&path, &want, &good, false, "the good file");
    assert!(load(&path).unwrap().from_snapshot_file);
    assert!(trials > 100, "{trials} trials");
}

#[cfg(unix)]
#[test]
fn a_checked_private_copy_changed_in_place_is_checked_again() {
    let dir = tempfile::tempdir().unwrap();
    let (path, practices, good) = saved(dir.path(), 200, 5);
    let want = answers(&Snapshot::new(practices.clone()), &practices);
    assert!(load(&path).unwrap().from_snapshot_file);
    // A byte of the records changed in place (same size, same inode).
    std::thread::sleep(Duration::from_millis(20));
    let (at, _) = sections(&good)[0];
    let copy = copies::private_copy(&path);
    let f = std::fs::OpenOptions::new().write(true).open(&copy).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, &[good[at + 5] ^ 0x40], (at + 5) as u64).unwrap();
    drop(f);
    let loaded = load(&path).unwrap();
    // The private copy failed its check and was removed; the visible file
    // was copied again and serves.
    assert!(loaded.from_snapshot_file);
    assert!(answers(&loaded.snapshot, &practices) == want);
    assert_eq!(std::fs::read(&copy).unwrap(), good);
}

#[cfg(unix)]
#[test]
fn a_fifo_at_either_path_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (path, practices, _) = saved(dir.path(), 30, 3);
    let fifo = |p: &Path| {
        let _ = std::fs::remove_file(p);
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string; mkfifo has no other precondition.
        #[allow(unsafe_code)]
        let r = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
        assert_eq!(r, 0);
    };
    fifo(&snapshot_file_path(&path));
    fifo(&copies::private_copy(&path));
    let loaded = load(&path).unwrap();
    assert!(!loaded.from_snapshot_file);
    assert_eq!(loaded.snapshot.practices().collect::<Vec<_>>(), practices);
    // A FIFO as the dataset: a clear error, not a wait.
    let csv = dir.path().join("fifo.csv");
    fifo(&csv);
    let e = load(&csv)
        .err()
        .expect("a FIFO is not a dataset")
        .to_string();
    assert!(e.contains("not a regular file"), "{e}");
}
