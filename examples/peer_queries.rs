//! The project's side of `scripts/bench-peers`: loads a dataset CSV, builds the
//! R-tree as `serve` does, and times k = 10 nearest, radius 10 km (nearest
//! first) and a viewport bbox for each query point read from a file of
//! `lon lat` lines. Prints `kind median_us` lines (the median over every query
//! point of the mean over `--repeat` runs of that query).
//!
//! Run: `cargo run --release --example peer_queries -- DATA.csv POINTS.txt HALF_WIDTH_DEG HALF_HEIGHT_DEG`

use std::hint::black_box;
use std::time::Instant;

use mapa_praktyk::index::PracticeIndex;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, data, points, hw, hh] = &args[..] else {
        return Err(
            "usage: peer_queries DATA.csv POINTS.txt HALF_WIDTH_DEG HALF_HEIGHT_DEG".into(),
        );
    };
    let (hw, hh): (f64, f64) = (hw.parse()?, hh.parse()?);
    let practices = mapa_praktyk::store::load(std::path::Path::new(data))?;
    let index = PracticeIndex::build(
        practices
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.location.map(|l| (i as u32, l.lon, l.lat))),
    );
    let centres: Vec<(f64, f64)> = std::fs::read_to_string(points)?
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace().map(str::parse::<f64>);
            Some((it.next()?.ok()?, it.next()?.ok()?))
        })
        .collect();
    const REPEAT: u32 = 20;
    let time = |f: &dyn Fn(f64, f64) -> usize| {
        median(
            centres
                .iter()
                .map(|&(lon, lat)| {
                    let t = Instant::now();
                    for _ in 0..REPEAT {
                        black_box(f(lon, lat));
                    }
                    t.elapsed().as_secs_f64() * 1e6 / f64::from(REPEAT)
                })
                .collect(),
        )
    };
    println!(
        "knn10 {:.2}",
        time(&|lon, lat| index.nearest(lon, lat, 10).len())
    );
    println!(
        "radius10km {:.2}",
        time(&|lon, lat| index.within_radius(lon, lat, 10.0).len())
    );
    println!(
        "viewport {:.2}",
        time(&|lon, lat| index
            .in_bbox(mapa_praktyk::geo_util::Bbox::new(
                lon - hw,
                lat - hh,
                lon + hw,
                lat + hh
            ))
            .len())
    );
    Ok(())
}
