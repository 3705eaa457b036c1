//! Seeded synthetic practices for benchmarks and load tests.
//!
//! Each synthetic practice sits at a random locality of the gazetteer (so the
//! density follows where Poles live), with a random area and year. Titles say
//! plainly that they are synthetic; this data is never presented as real.

use chrono::NaiveDate;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::gazetteer::{Gazetteer, Precision};
use crate::practice::{Area, Location, Practice, UnitType};

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
            let added =
                NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28));
            let mut p = Practice::new(
                format!("synth-{seed}-{k:07}"),
                format!("Praktyka syntetyczna {k}: {} ({name})", area.name_pl()),
                area,
                format!("synthetic:seed={seed}"),
            );
            p.summary = format!(
                "Rekord syntetyczny do testów wydajności, obszar {}.",
                area.name_pl()
            );
            p.cost_pln = Some(rng.random_range(10_000..5_000_000));
            p.date_added = added;
            p.town = Some(name.to_string());
            p.unit = Some("Jednostka syntetyczna".into());
            // By position, so the random draws (and the rest of a record) stay as they were.
            p.unit_type = Some(UnitType::ALL[k % UnitType::ALL.len()]);
            p.location = Some(Location {
                lon,
                lat,
                precision: Precision::Manual,
                score: 1.0,
            });
            p.admin = g.locality_admin(li);
            p
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
        assert!(
            a.iter()
                .all(|p| p.location.is_some() && p.admin.voivodeship.is_some())
        );
    }
}
