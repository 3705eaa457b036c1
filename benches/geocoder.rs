//! Criterion benchmarks of the gazetteer and geocoder: loading the embedded
//! gazetteer, postal-code lookup, free-text lookup, prefix lookup (search as you
//! type) and reverse lookup, each on real data cycling through many inputs.
//!
//! Run: `cargo bench --bench geocoder`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mapa_praktyk::gazetteer::{Gazetteer, GeocodeQuery, GeodataText};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn bench(c: &mut Criterion) {
    let g = Gazetteer::bundled();

    let mut load = c.benchmark_group("gazetteer");
    load.sample_size(20);
    load.bench_function("load", |b| {
        b.iter(|| black_box(Gazetteer::load(&GeodataText::EMBEDDED).expect("loads")))
    });
    // The typo index is built on the first misspelt query, not at load: time
    // what that first query costs on a fresh gazetteer.
    load.bench_function("load_then_first_typo", |b| {
        b.iter(|| {
            let g = Gazetteer::load(&GeodataText::EMBEDDED).expect("loads");
            black_box(g.geocode(&GeocodeQuery::text("Czestohowa")).ok())
        })
    });
    load.finish();

    // Every real postal code, as structured queries.
    let mut codes: Vec<String> = GeodataText::EMBEDDED
        .postal
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(str::to_string)
        .collect();
    codes.dedup();
    let postal: Vec<GeocodeQuery> = codes
        .iter()
        .map(|c| GeocodeQuery {
            postal_code: Some(c.clone()),
            ..Default::default()
        })
        .collect();

    // A realistic mix of free text: code + town, town + region, inflected
    // institution names, plain towns without diacritics.
    let mut rng = SmallRng::seed_from_u64(7);
    let towns: Vec<(String, String)> = {
        let all: Vec<(&str, &str)> = g.localities().map(|(n, _, _, v)| (n, v)).collect();
        (0..500)
            .map(|_| {
                let (n, v) = all[rng.random_range(0..all.len())];
                (n.to_string(), v.to_string())
            })
            .collect()
    };
    let voiv: Vec<String> = g.voivodeships().map(|v| v.name.to_string()).collect();
    let mut texts: Vec<String> = vec![
        "32-600 Oświęcim".into(),
        "ul. Jana III Sobieskiego 15 b, 32-600 Oświęcim".into(),
        "Dąbrowa Górnicza, śląskie".into(),
        "Dabrowa Gornicza".into(),
        "woj. pomorskie, Gdańsk".into(),
        "MOPS w Zawierciu".into(),
        "Miejski Ośrodek Pomocy Społecznej we Włocławku".into(),
        "87-800 Włocławek".into(),
        "80-803 Gdańsk".into(),
        "Nowa Wieś, pow. oświęcimski".into(),
        "w Bielsku-Białej".into(),
        "Krakow".into(),
    ];
    for (i, (town, v)) in towns.iter().enumerate() {
        let teryt: usize = v.parse().unwrap_or(2);
        texts.push(match i % 3 {
            0 => town.clone(),
            1 => format!("{town}, {}", voiv[(teryt / 2 - 1).min(15)]),
            _ => format!("{} {town}", codes[rng.random_range(0..codes.len())]),
        });
    }
    let texts: Vec<GeocodeQuery> = texts.into_iter().map(GeocodeQuery::text).collect();

    // What a person types into a search box: the first 2 to 6 letters of a
    // town's name (a word and the start of the next for multi-word names).
    let prefixes: Vec<GeocodeQuery> = towns
        .iter()
        .enumerate()
        .map(|(i, (town, _))| {
            let n = 2 + i % 5;
            let cut: String = town
                .chars()
                .take(n.max(town.find(' ').map_or(0, |s| s + 2)))
                .collect();
            GeocodeQuery::text(cut)
        })
        .collect();

    // Points inside Poland: jittered localities.
    let points: Vec<(f64, f64)> = {
        let all: Vec<(f64, f64)> = g.localities().map(|(_, lon, lat, _)| (lat, lon)).collect();
        (0..4096)
            .map(|_| {
                let (lat, lon) = all[rng.random_range(0..all.len())];
                (
                    lat + rng.random_range(-0.02..0.02),
                    lon + rng.random_range(-0.03..0.03),
                )
            })
            .collect()
    };

    let mut grp = c.benchmark_group("geocoder");
    grp.throughput(Throughput::Elements(1));
    let mut i = 0usize;
    grp.bench_function("postal_code", |b| {
        b.iter(|| {
            i += 1;
            black_box(g.geocode(&postal[i % postal.len()]).ok())
        })
    });
    grp.bench_function("free_text", |b| {
        b.iter(|| {
            i += 1;
            black_box(g.geocode(&texts[i % texts.len()]).ok())
        })
    });
    grp.bench_function("prefix", |b| {
        b.iter(|| {
            i += 1;
            black_box(g.geocode(&prefixes[i % prefixes.len()]).ok())
        })
    });
    grp.bench_function("reverse", |b| {
        b.iter(|| {
            i += 1;
            let (lat, lon) = points[i % points.len()];
            black_box(
                g.reverse(mapa_praktyk::geo_util::LonLat::new(lon, lat))
                    .ok(),
            )
        })
    });
    grp.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
