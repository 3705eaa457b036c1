//! Published changes on the read path, measured through the router the binary
//! serves (in process, no sockets), over seeded synthetic practices:
//!
//! - visibility: how long `Live::apply` takes and how long after it starts a
//!   detail, a list and a cluster answer show the change (the answer's own
//!   time, as `apply` swaps the view before it returns), 20 changes per run;
//! - apply's cost as the overlay grows (1, 100, 1000 changed practices);
//! - reads under writes: requests per second and their latency (median,
//!   99th percentile) from 4 clients for 3 s, with 20 changes per second
//!   streaming in and with none;
//! - the background merge: time to fold 1000 changes into a new snapshot.
//!
//! Each figure is the median of the runs, with the smallest and largest.
//!
//! Run: `cargo bench --bench live` (100,000 practices, merges at 100,000 and
//! 1,000,000), or `cargo bench --bench live -- N [MERGE_N …]`.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use mapa_praktyk::api::{ApiConfig, AppState, router};
use mapa_praktyk::gazetteer::{Gazetteer, Precision};
use mapa_praktyk::live::{Change, Live};
use mapa_praktyk::practice::{Location, Practice};
use mapa_praktyk::snapshot::Snapshot;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use tower::ServiceExt;

const RUNS: usize = 3;

fn config() -> ApiConfig {
    ApiConfig {
        publish_personal: false,
        tile_url: String::new(),
        tile_attribution: String::new(),
        static_dir: std::path::PathBuf::from("static"),
        request_timeout: Duration::from_secs(60),
        trust_forwarded: false,
        max_downloads: 4,
    }
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Vec<u8>) {
    let req = Request::get(uri)
        .header("host", "127.0.0.1")
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body)
}

/// An edit of `p` that every answer sees: a new title with a unique word, a
/// new place.
fn edited(p: &Practice, k: usize, rng: &mut SmallRng) -> Practice {
    let mut p = p.clone();
    p.title = format!("Poprawiona{k} {}", p.title);
    p.location = Some(Location {
        lon: rng.random_range(15.0..23.5),
        lat: rng.random_range(49.2..54.5),
        precision: Precision::Manual,
        score: 1.0,
    });
    p
}

/// Median, smallest and largest, formatted with `unit`.
fn spread(mut xs: Vec<f64>, unit: &str) -> String {
    xs.sort_by(f64::total_cmp);
    format!(
        "{:.3} {unit} ({:.3}–{:.3})",
        xs[xs.len() / 2],
        xs[0],
        xs[xs.len() - 1]
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The state and router over the records, its cell sums made.
fn served(records: &[Practice]) -> (AppState, Router) {
    let state = AppState::new(
        Snapshot::new(records.to_vec()),
        config(),
        Gazetteer::bundled(),
    );
    state.live.base().warm_up();
    let app = router(state.clone());
    (state, app)
}

async fn visibility(records: &[Practice], rng: &mut SmallRng) -> [Vec<f64>; 4] {
    let (state, app) = served(records);
    let mut out: [Vec<f64>; 4] = Default::default();
    for k in 0..20 {
        let p = edited(&records[rng.random_range(0..records.len())], k, rng);
        let (lon, lat) = p.lon_lat().unwrap();
        let t = Instant::now();
        state.live.apply([Change::Put(p.clone())]).unwrap();
        out[0].push(ms(t.elapsed()));
        let (s, body) = get(&app, &format!("/api/practices/{}", p.id)).await;
        assert!(s == StatusCode::OK && contains(&body, &p.title));
        out[1].push(ms(t.elapsed()));
        let (_, body) = get(&app, &format!("/api/practices?q=poprawiona{k}&limit=10")).await;
        assert!(contains(&body, &p.id));
        out[2].push(ms(t.elapsed()));
        let b = format!(
            "{},{},{},{}",
            lon - 0.001,
            lat - 0.001,
            lon + 0.001,
            lat + 0.001
        );
        let (_, body) = get(&app, &format!("/api/clusters?bbox={b}&zoom=16")).await;
        assert!(contains(&body, &p.id));
        out[3].push(ms(t.elapsed()));
    }
    out
}

fn contains(body: &[u8], s: &str) -> bool {
    body.windows(s.len()).any(|w| w == s.as_bytes())
}

/// Requests per second and latencies (ms) of 4 clients for 3 s, with
/// `writes_per_s` changes streaming in.
async fn throughput(records: &[Practice], writes_per_s: u32) -> (f64, Vec<f64>) {
    let (state, app) = served(records);
    let ids: Vec<String> = records.iter().step_by(97).map(|p| p.id.clone()).collect();
    let until = Instant::now() + Duration::from_secs(3);
    let writer = (writes_per_s > 0).then(|| {
        let live = state.live.clone();
        let records = records.to_vec();
        tokio::spawn(async move {
            let mut rng = SmallRng::seed_from_u64(7);
            let mut tick = tokio::time::interval(Duration::from_secs(1) / writes_per_s);
            let mut k = 0;
            while Instant::now() < until {
                tick.tick().await;
                let p = &records[rng.random_range(0..records.len())];
                let c = if k % 5 == 4 {
                    Change::Remove(p.id.clone())
                } else {
                    Change::Put(edited(p, k, &mut rng))
                };
                live.apply([c]).unwrap();
                k += 1;
            }
            k
        })
    });
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (app, ids) = (app.clone(), ids.clone());
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut rng = SmallRng::seed_from_u64(c);
                let mut n = 0usize;
                while Instant::now() < until {
                    let (lon, la) = (rng.random_range(15.0..23.5), rng.random_range(49.2..54.5));
                    let uri = match n % 6 {
                        0 => format!("/api/practices/{}", ids[n % ids.len()]),
                        1 => format!("/api/practices?lat={la}&lon={lon}&k=10"),
                        2 => format!(
                            "/api/practices?bbox={},{},{},{}&limit=500",
                            lon - 0.4,
                            la - 0.2,
                            lon + 0.4,
                            la + 0.2
                        ),
                        3 => "/api/clusters?bbox=14,49,24.2,55&zoom=6".into(),
                        4 => "/api/practices?category=kultura&limit=50".into(),
                        _ => "/api/counts?by=voivodeship".into(),
                    };
                    let t = Instant::now();
                    let (s, _) = get(&app, &uri).await;
                    assert_eq!(s, StatusCode::OK, "{uri}");
                    lat.push(ms(t.elapsed()));
                    n += 1;
                }
                lat
            })
        })
        .collect();
    let mut lat = Vec::new();
    for c in clients {
        lat.extend(c.await.unwrap());
    }
    if let Some(w) = writer {
        w.await.unwrap();
    }
    lat.sort_by(f64::total_cmp);
    (lat.len() as f64 / 3.0, lat)
}

fn merge_times(records: Vec<Practice>) -> (Vec<f64>, Vec<f64>) {
    let n = records.len();
    let base = Snapshot::new(records);
    let mut rng = SmallRng::seed_from_u64(11);
    let (mut builds, mut totals) = (Vec::new(), Vec::new());
    let live = Live::new(base, false);
    for _ in 0..RUNS {
        let view = live.current_full();
        let changes: Vec<Change> = (0..1000)
            .map(|k| {
                let i = rng.random_range(0..view.len() as u32);
                Change::Put(edited(&view.practice(i), k, &mut rng))
            })
            .collect();
        drop(view);
        live.apply(changes).unwrap();
        let t = Instant::now();
        let m = live.merge_now().expect("an overlay to merge");
        totals.push(t.elapsed().as_secs_f64());
        builds.push(m.build.as_secs_f64());
        assert_eq!(m.practices, n);
    }
    (builds, totals)
}

fn apply_costs(records: &[Practice]) -> Vec<(usize, Vec<f64>)> {
    let mut rng = SmallRng::seed_from_u64(5);
    let mut out = Vec::new();
    for size in [1usize, 100, 1000] {
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            let live = Live::new(Snapshot::new(records[..records.len()].to_vec()), false);
            let first: Vec<Change> = (0..size - 1)
                .map(|k| Change::Put(edited(&records[k * 7 % records.len()], k, &mut rng)))
                .collect();
            live.apply(first).unwrap();
            let p = edited(&records[records.len() - 1], size, &mut rng);
            let t = Instant::now();
            live.apply([Change::Put(p)]).unwrap();
            runs.push(ms(t.elapsed()));
        }
        out.push((size, runs));
    }
    out
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(100_000);
    let merges: Vec<usize> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec![100_000, 1_000_000]
    };
    let g = Gazetteer::bundled();
    let records = mapa_praktyk::synthetic::practices(g, n, 1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("{n} practices, {RUNS} runs each");
    let mut rng = SmallRng::seed_from_u64(3);
    let mut vis: [Vec<f64>; 4] = Default::default();
    for _ in 0..RUNS {
        let v = rt.block_on(visibility(&records, &mut rng));
        for (all, run) in vis.iter_mut().zip(v) {
            // The median of each run's 20 changes.
            let mut run = run;
            run.sort_by(f64::total_cmp);
            all.push(run[run.len() / 2]);
        }
    }
    for (what, xs) in [
        "apply",
        "detail shows it",
        "list shows it",
        "clusters show it",
    ]
    .iter()
    .zip(vis)
    {
        println!("visibility: {what}: {}", spread(xs, "ms after apply began"));
    }
    for (size, xs) in apply_costs(&records) {
        println!(
            "apply with {size} changed in the overlay: {}",
            spread(xs, "ms")
        );
    }
    for writes in [0, 20] {
        let (mut rps, mut p50, mut p99) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let (r, lat) = rt.block_on(throughput(&records, writes));
            rps.push(r);
            p50.push(percentile(&lat, 0.5));
            p99.push(percentile(&lat, 0.99));
        }
        println!(
            "reads with {writes} changes/s: {}; median latency {}; 99th percentile {}",
            spread(rps, "requests/s"),
            spread(p50, "ms"),
            spread(p99, "ms")
        );
    }
    drop(records);
    for m in merges {
        let (builds, totals) = merge_times(mapa_praktyk::synthetic::practices(g, m, 2));
        println!(
            "merge of 1000 changes at {m}: build {}; with the swap {}",
            spread(builds, "s"),
            spread(totals, "s")
        );
    }
}
