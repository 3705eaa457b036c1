//! Ranking the localities a query may name, with named weights.
//!
//! A candidate's rank score adds up what a Polish reader weighs: how the text
//! matched the name (as written beats inflected beats a prefix or a typo), the
//! place's size (population on a log scale: a town of 35,000 whose locative is
//! "Jaśle" beats a hamlet named "Jaśle"), being a gmina's seat, agreement with
//! the kind of institution the text names (a MOPS is in a town, a GOPS in a
//! gmina's seat or village, a PCPR or Starostwo in a powiat's seat), and a
//! locative form after "w"/"we". Regions and postal codes the query names are
//! not weights: they filter (see `geocode`).

use super::Gazetteer;
use super::forms::case;
use super::resolve::MatchKind;

/// The weights of the rank score. Only their order and rough size matter; the
/// score is not the answer's confidence.
pub(super) mod weight {
    /// The name as written.
    pub const EXACT: f64 = 0.50;
    /// An alternate or foreign name.
    pub const ALTERNATE: f64 = 0.46;
    /// A form SGJP gives for the name: well below the name as written, so that
    /// an inflected reading wins over a place named exactly so only when it is
    /// about a thousand times larger ("Jaśle" is Jasło, not the hamlet Jaśle;
    /// "Kamionka" stays Kamionka, not a form of Kamionki).
    pub const DECLINED: f64 = 0.30;
    /// A form reduced by suffix rules (names SGJP lacks).
    pub const RULE: f64 = 0.25;
    /// The start of the name.
    pub const PREFIX: f64 = 0.34;
    /// A near miss.
    pub const FUZZY: f64 = 0.20;
    /// Population: this times log10(population + 1) / [`FULL_SIZE_LOG10`].
    pub const SIZE: f64 = 0.40;
    /// log10 of a population counted as full size (2 million).
    pub const FULL_SIZE_LOG10: f64 = 6.3;
    /// The seat of its gmina.
    pub const GMINA_SEAT: f64 = 0.05;
    /// The place is of the kind the named institution implies.
    pub const INSTITUTION: f64 = 0.15;
    /// A locative form right after "w"/"we" ("w Jaśle" is Jasło's locative).
    pub const LOCATIVE_AFTER_W: f64 = 0.06;
    /// A district or estate whose own town the query names too ("Kraków Nowa Huta").
    pub const DISTRICT_OF_NAMED_TOWN: f64 = 0.60;
    /// Smallest population counted as a town for a "Miejski"/MOPS institution.
    pub const TOWN_POPULATION: u32 = 5_000;
}

/// The kind of institution a text names, which says what kind of place it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Institution {
    /// Miejski …, MOPS, MOPR, "miasto", prezydent, burmistrz: a town.
    Town,
    /// Gminny …, GOPS, "gmina", wójt, Urząd Gminy: a gmina's seat or village.
    Gmina,
    /// Powiatowe …, PCPR, Starostwo, "powiat": a powiat's seat.
    Powiat,
}

impl Institution {
    /// The institution kind a folded word implies, if any.
    pub fn of_word(w: &str) -> Option<Institution> {
        const TOWN: &[&str] = &[
            "mops",
            "mopr",
            "mosir",
            "miejski",
            "miejskiego",
            "miejskim",
            "miejska",
            "miejskiej",
            "miejskie",
            "miasto",
            "miasta",
            "miescie",
            "prezydent",
            "prezydenta",
            "burmistrz",
            "burmistrza",
        ];
        const GMINA: &[&str] = &[
            "gops", "gminny", "gminnego", "gminnym", "gminna", "gminnej", "gminne", "wojt",
            "wojta", "gmina", "gminy", "gminie", "gmine", "ug",
        ];
        const POWIAT: &[&str] = &[
            "pcpr",
            "powiatowe",
            "powiatowy",
            "powiatowego",
            "powiatowym",
            "powiatowa",
            "powiatowej",
            "starostwo",
            "starostwa",
            "starosta",
            "starosty",
            "powiat",
            "powiatu",
        ];
        if TOWN.contains(&w) {
            Some(Institution::Town)
        } else if GMINA.contains(&w) {
            Some(Institution::Gmina)
        } else if POWIAT.contains(&w) {
            Some(Institution::Powiat)
        } else {
            None
        }
    }
}

/// What the ranking knows of one locality the query may name.
#[derive(Debug, Clone, Copy)]
pub(super) struct Evidence {
    /// The locality.
    pub id: u32,
    /// How the best phrase naming it matched.
    pub kind: MatchKind,
    /// The cases of that phrase's form (bits of [`case`]).
    pub cases: u8,
    /// Whether the phrase came right after "w"/"we".
    pub after_w: bool,
}

fn match_weight(kind: MatchKind) -> f64 {
    match kind {
        MatchKind::Exact => weight::EXACT,
        MatchKind::Alternate => weight::ALTERNATE,
        MatchKind::Declined => weight::DECLINED,
        MatchKind::Rule => weight::RULE,
        MatchKind::Prefix => weight::PREFIX,
        MatchKind::Fuzzy => weight::FUZZY,
    }
}

impl Gazetteer {
    /// Whether locality `id` is the seat of its gmina (bears the gmina's name).
    pub(super) fn is_gmina_seat(&self, id: u32) -> bool {
        let l = &self.t.locality(id);
        l.district_of.is_none() && l.gmina.is_some_and(|g| self.t.gmina(g).name == l.name)
    }

    /// Whether locality `id` is the seat of its powiat (its most populous town).
    pub(super) fn is_powiat_seat(&self, id: u32) -> bool {
        let l = &self.t.locality(id);
        l.powiat.is_some_and(|p| self.t.powiat_seat(p) == Some(id))
    }

    /// The rank score of one piece of evidence (higher is better).
    pub(super) fn rank_score(
        &self,
        e: &Evidence,
        institution: Option<Institution>,
        named_towns: &[u32],
    ) -> f64 {
        let l = &self.t.locality(e.id);
        let size = ((l.population as f64 + 1.0).log10() / weight::FULL_SIZE_LOG10).min(1.0);
        let mut s = match_weight(e.kind) + weight::SIZE * size;
        if self.is_gmina_seat(e.id) {
            s += weight::GMINA_SEAT;
        }
        let fits = match institution {
            Some(Institution::Town) => {
                l.population >= weight::TOWN_POPULATION || l.district_of.is_some()
            }
            Some(Institution::Gmina) => self.is_gmina_seat(e.id),
            Some(Institution::Powiat) => self.is_powiat_seat(e.id),
            None => false,
        };
        if fits {
            s += weight::INSTITUTION;
        }
        if e.after_w && e.cases & case::LOC != 0 {
            s += weight::LOCATIVE_AFTER_W;
        }
        if l.district_of
            .is_some_and(|town| named_towns.contains(&town))
        {
            s += weight::DISTRICT_OF_NAMED_TOWN;
        }
        s
    }

    /// Orders evidence best first (rank score, then the gazetteer's fixed
    /// ranking of localities for ties) and keeps one entry per locality.
    pub(super) fn rank_evidence(
        &self,
        mut ev: Vec<Evidence>,
        institution: Option<Institution>,
    ) -> Vec<(Evidence, f64)> {
        let named_towns: Vec<u32> = ev
            .iter()
            .filter(|e| matches!(e.kind, MatchKind::Exact | MatchKind::Declined))
            .map(|e| e.id)
            .collect();
        ev.sort_by_key(|e| (e.id, e.kind));
        ev.dedup_by_key(|e| e.id);
        let mut scored: Vec<(Evidence, f64)> = ev
            .into_iter()
            .map(|e| {
                let s = self.rank_score(&e, institution, &named_towns);
                (e, s)
            })
            .collect();
        scored.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(self.t.rank_of(a.0.id).cmp(&self.t.rank_of(b.0.id)))
        });
        scored
    }
}
