//! The view with an overlay answers every query as a snapshot rebuilt from
//! scratch from the same records does; the merge keeps it so.

use std::sync::Arc;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::cluster::{Clustered, clusters};
use crate::download::{Page, write_csv, write_geojson};
use crate::facets::counts_by;
use crate::gazetteer::{AdminLevel, Gazetteer};
use crate::geo_util::Bbox;
use crate::practice::{Area, Location};
use crate::query::{Filter, Near, SortField, SortKey};

const POLAND: Bbox = Bbox::new(14.0, 49.0, 24.2, 55.0);

fn base(n: usize) -> Vec<Practice> {
    crate::synthetic::practices(Gazetteer::bundled(), n, 3)
}

/// Practices of another seed: ids the base does not have.
fn fresh(n: usize) -> Vec<Practice> {
    crate::synthetic::practices(Gazetteer::bundled(), n, 9)
}

/// The records after the changes, as a writer's store would hold them: a
/// record put in place of the one with its id, else after the others; a
/// removed one gone.
fn model_apply(model: &mut Vec<Practice>, changes: &[Change]) {
    for c in changes {
        match c {
            Change::Put(p) => match model.iter().position(|q| q.id == p.id) {
                Some(i) => model[i] = p.clone(),
                None => model.push(p.clone()),
            },
            Change::Remove(id) => model.retain(|q| &q.id != id),
        }
    }
}

/// A record changed in a way every answer sees: title, area, place, dates.
fn edited(p: &Practice, v: u8) -> Practice {
    let mut p = p.clone();
    p.title = format!("Zmieniony tytuł {v}: {}", p.title);
    p.area = Area::ALL[usize::from(v) % Area::ALL.len()];
    p.period_start = NaiveDate::from_ymd_opt(2005 + i32::from(v % 15), 3, 1);
    p.location = match v % 4 {
        0 => None,
        1 => p.location,
        _ => Some(Location {
            lon: 15.0 + f64::from(v) * 0.07,
            lat: 49.5 + f64::from(v % 50) * 0.1,
            ..p.location.unwrap_or(Location {
                lon: 0.0,
                lat: 0.0,
                precision: crate::gazetteer::Precision::Manual,
                score: 1.0,
            })
        }),
    };
    p
}

fn filters() -> Vec<Filter> {
    let near = |k, radius_km| Near {
        lon: 19.94,
        lat: 50.06,
        radius_km,
        k,
    };
    let square = geo::Rect::new((18.0, 49.5), (21.5, 51.0)).to_polygon();
    vec![
        Filter::default(),
        Filter {
            bbox: Some(Bbox::new(18.0, 49.5, 21.5, 51.5)),
            ..Filter::default()
        },
        Filter {
            text: Some("zmieniony".into()),
            ..Filter::default()
        },
        Filter {
            area: Some(Area::ALL[3]),
            ..Filter::default()
        },
        Filter {
            voivodeship: Some("12".into()),
            ..Filter::default()
        },
        Filter {
            year_from: Some(2010),
            year_to: Some(2015),
            ..Filter::default()
        },
        Filter {
            near: Some(near(Some(7), None)),
            ..Filter::default()
        },
        Filter {
            near: Some(near(None, Some(80.0))),
            ..Filter::default()
        },
        Filter {
            near: Some(near(Some(5), None)),
            area: Some(Area::ALL[2]),
            ..Filter::default()
        },
        Filter {
            sort: vec![SortKey {
                field: SortField::Title,
                descending: true,
            }],
            ..Filter::default()
        },
        Filter {
            sort: vec![SortKey {
                field: SortField::Year,
                descending: false,
            }],
            bbox: Some(POLAND),
            ..Filter::default()
        },
        Filter {
            within: Some(geo::MultiPolygon(vec![square])),
            ..Filter::default()
        },
    ]
}

/// What a query answers, by practice id and distance.
fn answer(v: &View, f: &Filter) -> Vec<(String, Option<u64>)> {
    v.query(f)
        .items
        .iter()
        .map(|m| (v.practice(m.id).id, m.distance_km().map(f64::to_bits)))
        .collect()
}

fn ids(v: &View, rows: &[u32]) -> Vec<String> {
    rows.iter().map(|&i| v.practice(i).id).collect()
}

/// Two answers are equal; else the first difference.
fn same<T: PartialEq + std::fmt::Debug>(a: &[T], b: &[T], what: &dyn std::fmt::Debug) {
    if a != b {
        let at = a
            .iter()
            .zip(b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "{what:?}: lengths {} and {}, first difference at {at}: {:?} and {:?}",
            a.len(),
            b.len(),
            a.get(at),
            b.get(at)
        );
    }
}

/// Every answer of `live` equals that of a snapshot built from `model`.
fn same_as_rebuilt(live: &View, model: &[Practice]) {
    let fresh = View::from(Snapshot::new(model.to_vec()));
    assert_eq!(live.len(), fresh.len());
    assert_eq!(live.placed(), fresh.placed());
    same(&live.practices().collect::<Vec<_>>(), model, &"the records");
    assert_eq!(live.extent(), fresh.extent());
    assert_eq!(live.time_extent(), fresh.time_extent());
    for p in model.iter().take(50) {
        assert_eq!(live.by_id(&p.id).as_ref(), Some(p));
    }
    for f in filters() {
        same(&answer(live, &f), &answer(&fresh, &f), &f);
        same(
            &ids(live, &live.matching(&f)),
            &ids(&fresh, &fresh.matching(&f)),
            &f,
        );
    }
    let out = |v: &View, csv: bool| {
        let f = Filter::default();
        let page = Page {
            filter: &f,
            offset: 0,
            limit: usize::MAX,
        };
        let mut w = Vec::new();
        if csv {
            write_csv(&mut w, v, page, false, crate::csv_out::Dialect::Excel).unwrap();
        } else {
            write_geojson(&mut w, v, page, &Default::default()).unwrap();
        }
        w
    };
    assert!(out(live, true) == out(&fresh, true), "the CSV download");
    assert!(out(live, false) == out(&fresh, false), "the GeoJSON list");
    for level in [AdminLevel::Voivodeship, AdminLevel::Powiat] {
        let f = Filter::default();
        assert_eq!(counts_by(live, &f, level), counts_by(&fresh, &f, level));
    }
    for zoom in [3, 7, 11, 15] {
        for b in [POLAND, Bbox::new(19.0, 49.6, 21.0, 50.6)] {
            let f = Filter {
                bbox: Some(b),
                ..Filter::default()
            };
            let (a, e) = (clusters(live, &f, zoom), clusters(&fresh, &f, zoom));
            assert_eq!(a.number_matched, e.number_matched, "zoom {zoom}");
            match (&a.items, &e.items) {
                (Clustered::Practices(x), Clustered::Practices(y)) => {
                    same(&ids(live, x), &ids(&fresh, y), &zoom)
                }
                (Clustered::Clusters(x), Clustered::Clusters(y)) => {
                    assert_eq!(x.len(), y.len(), "zoom {zoom}");
                    for (c, d) in x.iter().zip(y) {
                        assert_eq!((c.count, c.bbox), (d.count, d.bbox), "zoom {zoom}");
                        // Sums adjusted by subtraction differ in the last bits.
                        assert!((c.lon - d.lon).abs() < 1e-9 && (c.lat - d.lat).abs() < 1e-9);
                        let single = |v: &View, s: Option<u32>| s.map(|i| v.practice(i).id);
                        assert_eq!(single(live, c.single), single(&fresh, d.single));
                    }
                }
                _ => panic!("one answer clustered, the other not, at zoom {zoom}"),
            }
        }
    }
}

/// A change from three numbers: what, which record, how.
fn change(model: &[Practice], pool: &[Practice], what: u8, which: u16, how: u8) -> Change {
    let pick = |ps: &[Practice]| ps[usize::from(which) % ps.len()].clone();
    match what % 4 {
        0 if !model.is_empty() => Change::Put(edited(&pick(model), how)),
        1 => Change::Put(edited(&pick(pool), how)),
        2 if !model.is_empty() => Change::Remove(pick(model).id),
        _ => Change::Remove(pick(pool).id),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn the_overlay_answers_as_a_rebuilt_snapshot(
        batches in prop::collection::vec(
            prop::collection::vec((any::<u8>(), any::<u16>(), any::<u8>()), 1..12),
            1..4,
        ),
        merge_after in 0usize..4,
    ) {
        let mut model = base(400);
        let pool = fresh(40);
        let live = Live::new(Snapshot::new(model.clone()), false);
        for (k, batch) in batches.iter().enumerate() {
            let changes: Vec<Change> = batch
                .iter()
                .map(|&(w, i, h)| change(&model, &pool, w, i, h))
                .collect();
            live.apply(changes.clone()).unwrap();
            model_apply(&mut model, &changes);
            same_as_rebuilt(&live.current(), &model);
            if k == merge_after {
                live.merge_now();
                prop_assert_eq!(live.current().overlay_len(), 0);
                same_as_rebuilt(&live.current(), &model);
            }
        }
    }
}

#[test]
fn put_and_remove_reach_detail_list_and_counts() {
    let ps = base(300);
    let live = Live::new(Snapshot::new(ps.clone()), false);
    let before = live.current().version();
    let moved = edited(&ps[10], 6);
    let new = fresh(1).remove(0);
    let applied = live
        .apply([
            Change::Put(moved.clone()),
            Change::Put(new.clone()),
            Change::Remove(ps[20].id.clone()),
            Change::Remove("no-such-practice".into()),
        ])
        .unwrap();
    assert_eq!(
        applied,
        Applied {
            put: 2,
            removed: 1,
            absent: 1
        }
    );
    let v = live.current();
    assert_ne!(v.version(), before);
    assert_eq!(v.len(), 300);
    assert_eq!(v.by_id(&moved.id), Some(moved.clone()));
    assert_eq!(v.by_id(&new.id), Some(new.clone()));
    assert_eq!(v.by_id(&ps[20].id), None);
    // In place of the record it replaced; the new one last.
    let order: Vec<String> = v.practices().map(|p| p.id).collect();
    assert_eq!(order[10], moved.id);
    assert_eq!(order.last(), Some(&new.id));
    assert!(!order.contains(&ps[20].id));
}

#[test]
fn published_records_keep_personal_data_withheld() {
    let ps = base(50);
    let live = Live::new(Snapshot::new(ps.clone()), false);
    let mut p = ps[3].clone();
    p.summary = "Kontakt: Jan Kowalski, tel. 601 234 567, jan.kowalski@example.com".into();
    live.apply([Change::Put(p.clone())]).unwrap();
    let v = live.current();
    let i = v.ids().find(|&i| v.practice(i).id == p.id).unwrap();
    let bytes = |f: crate::geojson::PreparedFeature<'_>| {
        let mut out = Vec::new();
        f.write(&mut out, None);
        out
    };
    let shown = String::from_utf8_lossy(&bytes(v.prepared(i))).into_owned();
    assert!(!shown.contains("601 234 567"), "{shown}");
    assert!(!shown.contains("jan.kowalski@example.com"), "{shown}");
    // Exactly as a snapshot built with the record withholds it.
    let mut model = ps;
    model[3] = p;
    let rebuilt = Snapshot::new(model);
    assert_eq!(bytes(v.prepared(i)), bytes(rebuilt.prepared(3)));
}

#[test]
fn a_bad_record_changes_nothing() {
    let ps = base(20);
    let live = Live::new(Snapshot::new(ps.clone()), false);
    let mut far = ps[1].clone();
    far.location = Some(Location {
        lat: 123.0,
        ..far.location.unwrap()
    });
    let e = live
        .apply([Change::Remove(ps[0].id.clone()), Change::Put(far)])
        .unwrap_err();
    assert!(matches!(e, ChangeError::Position { index: 1, .. }), "{e}");
    assert!(e.to_string().contains(&ps[1].id));
    let mut nameless = ps[2].clone();
    nameless.id = " ".into();
    let e = live.apply([Change::Put(nameless)]).unwrap_err();
    assert_eq!(e, ChangeError::NoId { index: 0 });
    assert_eq!(live.current().len(), 20);
    assert_eq!(live.current().overlay_len(), 0);
}

#[test]
fn changes_during_a_merge_are_laid_over_the_merged_base() {
    // More than a cluster answer's singles in the boxes: the kept cells,
    // adjusted, answer.
    let mut model = base(1500);
    let pool = fresh(200);
    let live = Live::new(Snapshot::new(model.clone()), false);
    let first: Vec<Change> = (0..150u16)
        .map(|k| change(&model, &pool, (k % 4) as u8, k * 7, k as u8))
        .collect();
    live.apply(first.clone()).unwrap();
    model_apply(&mut model, &first);
    same_as_rebuilt(&live.current(), &model);
    // Writers go on while the merge builds.
    let writer = {
        let live = live.clone();
        let (model, pool) = (model.clone(), pool.clone());
        std::thread::spawn(move || {
            let mut model = model;
            for k in 0..60u16 {
                let c = change(&model, &pool, (k % 4) as u8, k * 13, k as u8);
                live.apply([c.clone()]).unwrap();
                model_apply(&mut model, &[c]);
            }
            model
        })
    };
    while live.merge_now().is_some_and(|m| m.replayed > 0) {}
    let model = writer.join().unwrap();
    same_as_rebuilt(&live.current(), &model);
    live.merge_now();
    assert_eq!(live.current().overlay_len(), 0);
    same_as_rebuilt(&live.current(), &model);
}

#[test]
fn the_merging_thread_merges_at_the_limit_and_when_quiet() {
    let ps = base(400);
    let policy = MergePolicy {
        max_overlay: 5,
        quiet: std::time::Duration::from_millis(50),
    };
    let live = Live::with_policy(Snapshot::new(ps.clone()), false, policy);
    let base_then = live.base();
    let wait_merged = |what: &str| {
        let deadline = Instant::now() + std::time::Duration::from_secs(20);
        while live.current().overlay_len() > 0 {
            assert!(Instant::now() < deadline, "{what}");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    // One change: merged once nothing more comes.
    live.apply([Change::Remove(ps[0].id.clone())]).unwrap();
    wait_merged("a quiet overlay is not merged");
    assert!(!Arc::ptr_eq(&live.base(), &base_then));
    assert_eq!(live.base().len(), 399);
    assert!(live.edited());
    // A full reload drops what was laid over.
    live.apply([Change::Remove(ps[1].id.clone())]).unwrap();
    live.replace_base(Snapshot::new(ps.clone()));
    assert_eq!(live.current().len(), 400);
    assert!(!live.edited());
}

#[test]
fn a_logged_change_older_than_one_applied_is_left_out() {
    let ps = base(40);
    let live = Live::new(Snapshot::new(ps.clone()), false);
    let (v1, v2) = (edited(&ps[5], 1), edited(&ps[5], 2));
    // The write committed second (seq 8) answers first.
    assert!(
        live.apply_logged(8, Change::Put(v2.clone()))
            .unwrap()
            .is_some()
    );
    assert_eq!(live.apply_logged(7, Change::Put(v1.clone())).unwrap(), None);
    assert_eq!(live.current().by_id(&v2.id), Some(v2.clone()));
    // A removal logged before the put is old too; one logged after is not.
    assert_eq!(
        live.apply_logged(6, Change::Remove(v2.id.clone())).unwrap(),
        None
    );
    assert_eq!(live.current().by_id(&v2.id), Some(v2.clone()));
    let removed = live.apply_logged(9, Change::Remove(v2.id.clone())).unwrap();
    assert_eq!(removed.map(|a| a.removed), Some(1));
    assert_eq!(live.current().by_id(&v2.id), None);
    // Other practices keep their own order: an older seq of another id goes in.
    let other = edited(&ps[6], 3);
    assert!(
        live.apply_logged(1, Change::Put(other.clone()))
            .unwrap()
            .is_some()
    );
    assert_eq!(live.current().by_id(&other.id), Some(other));
}

#[test]
fn concurrent_logged_changes_end_at_the_last_committed_version() {
    let ps = base(60);
    // Merges at every few changes, so some land during a merge.
    let live = Live::with_policy(
        Snapshot::new(ps.clone()),
        false,
        MergePolicy {
            max_overlay: 3,
            quiet: Duration::from_millis(1),
        },
    );
    let targets: Vec<Practice> = ps[..4].to_vec();
    // Versions 1..=40 of each target, seq = the version's place in the log
    // (interleaved across practices), handed out to 4 threads in a shuffled
    // order so later commits often arrive first.
    let mut jobs: Vec<(i64, Change)> = Vec::new();
    for v in 1..=40u8 {
        for (k, p) in targets.iter().enumerate() {
            let seq = i64::from(v) * 10 + k as i64;
            jobs.push((seq, Change::Put(edited(p, v))));
        }
    }
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(22);
    rand::seq::SliceRandom::shuffle(&mut jobs[..], &mut rng);
    let chunks: Vec<Vec<(i64, Change)>> = jobs.chunks(jobs.len() / 4).map(<[_]>::to_vec).collect();
    std::thread::scope(|s| {
        for chunk in chunks {
            let live = live.clone();
            s.spawn(move || {
                for (seq, c) in chunk {
                    live.apply_logged(seq, c).unwrap();
                }
            });
        }
    });
    let v = live.current();
    for p in &targets {
        assert_eq!(v.by_id(&p.id), Some(edited(p, 40)), "{}", p.id);
    }
    assert_eq!(v.len(), 60);
}
