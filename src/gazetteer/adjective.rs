//! Places named only by their adjective: "szkołach wrzesińskich" (Września),
//! "Gminy Oświęcimskiej" (Oświęcim), "Tatrzański Park" (Zakopane).
//!
//! The table comes from the gazetteer's own names: every one-word powiat
//! adjective (TERYT's official names, `wrzesiński`, `oświęcimski`) names the
//! town the powiat is named after: the city with powiat rights of the same
//! voivodeship whose name starts as the adjective does (`krakowski` is Kraków,
//! not the rural powiat's largest town), else the powiat's seat (its largest
//! town: `wrzesiński` is Września, `tatrzański` Zakopane). These adjectives
//! all end in `-ki` and decline regularly; every form (masculine, feminine,
//! neuter and plural, in every case) is derived from the stem.

use std::collections::HashMap;

use super::Gazetteer;
use super::data::Tables;
use super::normalize::key;

/// The endings of a `-ki` adjective after its stem (`wrzesińsk-`): every
/// case of every gender and number, folded (`-ą` is `-a`).
const ENDINGS: &[&str] = &["i", "iego", "iemu", "im", "a", "iej", "ie", "ich", "imi"];

/// The letters a town's name and its adjective share at least at the start
/// for the adjective to name that town rather than its powiat's seat.
const SHARED_START: usize = 4;

/// Every form of every town adjective, by key, with the towns it names.
pub(super) struct Adjectives {
    towns: HashMap<String, Vec<u32>>,
}

impl Adjectives {
    /// Builds the table from the powiats of the loaded tables.
    pub fn build(t: &Tables) -> Adjectives {
        let mut towns: HashMap<String, Vec<u32>> = HashMap::new();
        let all: Vec<u16> = (0..t.powiats().len() as u16).collect();
        for &p in &all {
            let pw = t.powiat(p);
            let adjective = key(&pw.name);
            let lower = pw.name.chars().next().is_some_and(char::is_lowercase);
            if !lower || adjective.contains(' ') || !adjective.ends_with("ki") {
                continue;
            }
            let start: String = adjective.chars().take(SHARED_START).collect();
            // A city with powiat rights of the same voivodeship named alike.
            let city = all.iter().copied().find(|&q| {
                let c = t.powiat(q);
                c.teryt[..2] == pw.teryt[..2]
                    && c.name.chars().next().is_some_and(char::is_uppercase)
                    && key(&c.name).starts_with(&start)
            });
            let Some(town) = city.or(Some(p)).and_then(|q| t.powiat_seat(q)) else {
                continue;
            };
            let stem = &adjective[..adjective.len() - 1];
            for e in ENDINGS {
                let ids = towns.entry(format!("{stem}{e}")).or_default();
                if !ids.contains(&town) {
                    ids.push(town);
                }
            }
        }
        Adjectives { towns }
    }

    /// The towns a folded word names as their adjective.
    pub fn towns(&self, word: &str) -> &[u32] {
        self.towns.get(word).map_or(&[], Vec::as_slice)
    }
}

impl Gazetteer {
    /// The towns a folded word names as their adjective ("wrzesinskich" →
    /// Września); empty when it is no town's adjective.
    pub(super) fn adjective_towns(&self, word: &str) -> &[u32] {
        self.adjectives
            .get_or_init(|| Adjectives::build(&self.t))
            .towns(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn towns(word: &str) -> Vec<String> {
        let g = Gazetteer::bundled();
        g.adjective_towns(word)
            .iter()
            .map(|&i| g.t.locality(i).name.to_string())
            .collect()
    }

    #[test]
    fn adjectives_in_any_form_name_their_town() {
        assert_eq!(towns("wrzesinskich"), ["Września"]);
        assert_eq!(towns("oswiecimskiej"), ["Oświęcim"]);
        assert_eq!(towns("nowotarskiego"), ["Nowy Targ"]);
        assert_eq!(towns("tatrzanski"), ["Zakopane"]);
    }

    #[test]
    fn a_rural_powiats_adjective_names_the_city_it_is_named_after() {
        assert_eq!(towns("krakowska"), ["Kraków"]);
        // Two powiats "bielski": Bielsko-Biała's and Bielsk Podlaski's.
        let mut bielski = towns("bielskiego");
        bielski.sort();
        assert_eq!(bielski, ["Bielsk Podlaski", "Bielsko-Biała"]);
    }

    #[test]
    fn other_words_name_no_town() {
        assert!(towns("polskiej").is_empty());
        assert!(towns("spolecznej").is_empty());
        assert!(towns("wrzesnia").is_empty());
    }
}
