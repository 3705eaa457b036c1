//! Counts of a query's matches per administrative unit: what the map page
//! needs when it does not hold every practice (server clusters), for the
//! choropleth and for the powiat and gmina choices.

use crate::gazetteer::AdminLevel;
use crate::live::View;
use crate::query::Filter;

/// One unit and how many matches lie in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitCount {
    /// TERYT code.
    pub teryt: String,
    /// Polish name.
    pub name: String,
    /// Matches in the unit.
    pub count: usize,
}

/// The matches of `filter` counted per unit of `level`, largest count first
/// (ties by TERYT code); matches outside any unit are not counted. Also
/// returns the number of matches.
pub fn counts_by(snapshot: &View, filter: &Filter, level: AdminLevel) -> (Vec<UnitCount>, usize) {
    let ids = snapshot.matching(filter);
    let mut out: Vec<UnitCount> = snapshot
        .unit_counts(&ids, level)
        .into_iter()
        .map(|(teryt, name, count)| UnitCount { teryt, name, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.teryt.cmp(&b.teryt)));
    (out, ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    #[test]
    fn counts_add_up_and_follow_the_filter() {
        let ps = crate::synthetic::practices(Gazetteer::bundled(), 400, 5);
        let s = View::from(crate::snapshot::Snapshot::new(ps.clone()));
        let all = Filter::default();
        let (by_voiv, n) = counts_by(&s, &all, AdminLevel::Voivodeship);
        assert_eq!(n, 400);
        assert_eq!(by_voiv.iter().map(|c| c.count).sum::<usize>(), 400);
        assert!(by_voiv.windows(2).all(|w| w[0].count >= w[1].count));
        let woj = by_voiv[0].teryt.clone();
        let f = Filter {
            voivodeship: Some(woj.clone()),
            ..Filter::default()
        };
        let (pows, n) = counts_by(&s, &f, AdminLevel::Powiat);
        assert_eq!(n, by_voiv[0].count);
        assert!(pows.iter().all(|p| p.teryt.starts_with(&woj)));
        let want = ps
            .iter()
            .filter(|p| {
                p.admin
                    .powiat
                    .as_ref()
                    .is_some_and(|x| *x.teryt == pows[0].teryt)
            })
            .count();
        assert_eq!(pows[0].count, want);
    }
}
