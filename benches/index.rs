//! Criterion benchmarks of the practice R-tree at 10k, 100k and 1M synthetic
//! practices placed at random gazetteer localities (seeded): bulk load, radius
//! 10 km (nearest first, and the unordered set), k = 10 nearest, a map-viewport
//! bbox (up to ~500 features), and the outline of śląskie as a polygon.
//!
//! Run: `cargo bench --bench index`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mapa_praktyk::gazetteer::Gazetteer;
use mapa_praktyk::geo_util::Bbox;
use mapa_praktyk::index::PracticeIndex;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn points(n: usize, seed: u64) -> Vec<(u32, f64, f64)> {
    let g = Gazetteer::bundled();
    let locs: Vec<(f64, f64)> = g.localities().map(|(_, lon, lat, _)| (lon, lat)).collect();
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let (lon, lat) = locs[rng.random_range(0..locs.len())];
            (
                i as u32,
                lon + rng.random_range(-0.01..0.01),
                lat + rng.random_range(-0.006..0.006),
            )
        })
        .collect()
}

fn centres(n: usize) -> Vec<(f64, f64)> {
    points(n, 99)
        .into_iter()
        .map(|(_, lon, lat)| (lon, lat))
        .collect()
}

fn bench(c: &mut Criterion) {
    let sizes = [10_000usize, 100_000, 1_000_000];
    let qs = centres(1024);
    let g = Gazetteer::bundled();
    let slaskie = g
        .voivodeships()
        .find(|v| v.teryt == "24")
        .unwrap()
        .outline
        .clone();

    let mut load = c.benchmark_group("index_bulk_load");
    load.sample_size(10);
    for &n in &sizes {
        let pts = points(n, 1);
        load.bench_with_input(BenchmarkId::from_parameter(n), &pts, |b, pts| {
            b.iter_batched(
                || pts.clone(),
                |p| black_box(PracticeIndex::build(p)),
                criterion::BatchSize::LargeInput,
            )
        });
    }
    load.finish();

    for &n in &sizes {
        let idx = PracticeIndex::build(points(n, 1));
        // A viewport side giving a few hundred features on average at this density.
        let side = (400.0 * 35.0 / n as f64).sqrt().min(2.0);
        let mean_radius: f64 = qs
            .iter()
            .map(|&(lon, lat)| idx.within_radius(lon, lat, 10.0).len() as f64)
            .sum::<f64>()
            / qs.len() as f64;
        let counts: Vec<usize> = qs
            .iter()
            .map(|&(lon, lat)| {
                idx.in_bbox(Bbox::new(
                    lon - side / 2.0,
                    lat - side / 3.0,
                    lon + side / 2.0,
                    lat + side / 3.0,
                ))
                .len()
            })
            .collect();
        let mean_bbox = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
        let max_bbox = counts.iter().max().copied().unwrap_or(0);
        eprintln!(
            "n={n}: radius 10 km returns {mean_radius:.1} on average; viewport {side:.3}°×{:.3}° returns {mean_bbox:.1} on average, {max_bbox} at most; śląskie holds {}",
            side / 1.5,
            idx.in_polygon(&slaskie).len()
        );

        let mut grp = c.benchmark_group(format!("index_query_{n}"));
        let mut i = 0usize;
        grp.bench_function("radius_10km", |b| {
            b.iter(|| {
                let (lon, lat) = qs[i % qs.len()];
                i += 1;
                black_box(idx.within_radius(lon, lat, 10.0))
            })
        });
        // The same set in the tree's order, before the nearest-first sort.
        grp.bench_function("radius_10km_unordered", |b| {
            b.iter(|| {
                let (lon, lat) = qs[i % qs.len()];
                i += 1;
                black_box(idx.within_radius_unordered(lon, lat, 10.0))
            })
        });
        grp.bench_function("k10_nearest", |b| {
            b.iter(|| {
                let (lon, lat) = qs[i % qs.len()];
                i += 1;
                black_box(idx.nearest(lon, lat, 10))
            })
        });
        grp.bench_function("viewport_bbox", |b| {
            b.iter(|| {
                let (lon, lat) = qs[i % qs.len()];
                i += 1;
                black_box(idx.in_bbox(Bbox::new(
                    lon - side / 2.0,
                    lat - side / 3.0,
                    lon + side / 2.0,
                    lat + side / 3.0,
                )))
            })
        });
        grp.sample_size(10);
        grp.bench_function("voivodeship_polygon_slaskie", |b| {
            b.iter(|| black_box(idx.in_polygon(&slaskie)))
        });
        grp.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
