//! Seeded synthetic practices for benchmarks and load tests.
//!
//! Each synthetic practice sits at a random locality of the gazetteer (so the
//! density follows where Poles live), with a random area and year. Titles say
//! plainly that they are synthetic; this data is never presented as real.

use chrono::NaiveDate;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::gazetteer::{Gazetteer, Precision};
use crate::practice::{Area, Location, Practice};

/// `n` synthetic practices from `seed`; the same inputs give the same output.
pub fn practices(g: &Gazetteer, n: usize, seed: u64) -> Vec<Practice> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let localities: Vec<(usize, &str, f64, f64)> = g
        .localities()
        .enumerate()
        .map(|(i, (name, lon, lat, _))| (i, name, lon, lat))
        .collect();
    (0..n)
        .map(|k| {
            let (li, name, lon, lat) = localities[rng.random_range(0..localities.len())];
            // Spread practices of one locality over about a kilometre.
            let lon = lon + rng.random_range(-0.01..0.01);
            let lat = lat + rng.random_range(-0.006..0.006);
            let area = Area::ALL[rng.random_range(0..Area::ALL.len())];
            let year = rng.random_range(2004..=2024);
            let added = NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28));
            Practice {
                id: format!("synth-{seed}-{k:07}"),
                title: format!("Praktyka syntetyczna {k}: {} ({name})", area.name_pl()),
                area,
                summary: format!("Rekord syntetyczny do testów wydajności, obszar {}.", area.name_pl()),
                body: String::new(),
                cost_pln: Some(rng.random_range(10_000..5_000_000)),
                funding: None,
                date_added: added,
                date_updated: None,
                period_start: None,
                period_end: None,
                unit_type: None,
                town: Some(name.to_string()),
                powiat: None,
                voivodeship: None,
                postal_code: None,
                post_office: None,
                street: None,
                unit: Some("Jednostka syntetyczna".into()),
                phone: None,
                websites: Vec::new(),
                email: None,
                population: None,
                contacts: Vec::new(),
                source: format!("synthetic:seed={seed}"),
                location: Some(Location {
                    lon,
                    lat,
                    precision: Precision::Manual,
                    score: 1.0,
                }),
                admin: g.locality_admin(li),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_practices() {
        let g = Gazetteer::bundled();
        let a = practices(g, 50, 7);
        let b = practices(g, 50, 7);
        assert_eq!(a, b);
        assert_ne!(a, practices(g, 50, 8));
        assert!(a.iter().all(|p| p.location.is_some() && p.admin.voivodeship.is_some()));
    }
}
