//! The forward geocoder's last step: choosing the answer from what was read.
//!
//! A query is read into mentions ([`super::mention`]), each locality phrase
//! resolved to the places it may name ([`super::resolve`]) and those ranked
//! ([`super::rank`]); here the answer is chosen, most precise first: postal
//! code + locality; locality within the named gmina/powiat/voivodeship; postal
//! code alone; a valid postal code missing from the gazetteer (a town named
//! beside it wins, else it is placed from its neighbouring codes); gmina, powiat
//! or voivodeship centre. When the query names a region or a postal code, the
//! answer lies inside it or the geocoder reports that nothing matched there.

use super::mention::{Mentions, PostalStyle, validate};
use super::normalize::key;
use super::postal::PostalCode;
use super::rank::Evidence;
use super::records::PostalEntry;
use super::resolve::{MatchKind, Phrase};
use super::types::*;
use super::{Gazetteer, GeocodeError};
use crate::geo_util::LonLat;
use std::sync::Arc;

/// The answer's confidence when it was matched this way and is not ambiguous.
fn confidence(kind: MatchKind) -> f64 {
    match kind {
        MatchKind::Exact => 0.95,
        // GeoNames' alternate names mix foreign names with old and dialect
        // spellings that are also typical misspellings ("Krakuw").
        MatchKind::Alternate => 0.88,
        MatchKind::Declined => 0.9,
        MatchKind::Rule => 0.85,
        MatchKind::Prefix => 0.8,
        MatchKind::Fuzzy => 0.8,
    }
}

/// Confidence is scaled by this when the answer is a guess among several.
const AMBIGUOUS: f64 = 0.7;
/// A town named beside a postal code the gazetteer lacks is taken when it lies
/// this near the code's estimated area, or shares the code's first three digits.
const NEAR_POSTAL_AREA_KM: f64 = 30.0;

/// Geocodes a query; see the module docs for the resolution order.
pub(super) fn geocode(g: &Gazetteer, q: &GeocodeQuery) -> Result<GeocodeResult, GeocodeError> {
    let mut m = Mentions::default();
    let mut any = false;
    for s in [
        &q.text,
        &q.postal_code,
        &q.town,
        &q.gmina,
        &q.powiat,
        &q.voivodeship,
    ]
    .into_iter()
    .flatten()
    {
        validate(s)?;
        any |= !s.trim().is_empty();
    }
    if !any {
        return Err(GeocodeError::Empty);
    }
    // Structured fields first: they are what the caller is sure of.
    if let Some(pc) = q
        .postal_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let n = PostalCode::parse(pc)
            .ok_or_else(|| GeocodeError::MalformedPostalCode(pc.to_string()))?
            .number();
        m.postal = Some(n);
    }
    if let Some(v) = q.voivodeship.as_deref().filter(|s| !s.trim().is_empty()) {
        m.voivodeship = Some(
            g.find_voivodeship(v)
                .ok_or_else(|| GeocodeError::UnknownRegion {
                    level: "voivodeship",
                    name: v.to_string(),
                })?,
        );
    }
    if let Some(v) = q.powiat.as_deref().filter(|s| !s.trim().is_empty()) {
        m.powiat = g.find_powiats(v);
        if m.powiat.is_empty() {
            return Err(GeocodeError::UnknownRegion {
                level: "powiat",
                name: v.to_string(),
            });
        }
    }
    if let Some(v) = q.gmina.as_deref().filter(|s| !s.trim().is_empty()) {
        m.gmina = g.find_gminas(v);
        if m.gmina.is_empty() {
            return Err(GeocodeError::UnknownRegion {
                level: "gmina",
                name: v.to_string(),
            });
        }
    }
    if let Some(town) = q.town.as_deref().filter(|s| !s.trim().is_empty()) {
        let k = key(town);
        let words: Vec<&str> = k.split(' ').collect();
        let mut phrases = g.phrases_at(&words, false);
        if phrases.is_empty() {
            phrases.extend(g.fuzzy_phrase(&k));
        }
        if phrases.is_empty() {
            return Err(GeocodeError::NotFound(town.to_string()));
        }
        for phrase in phrases {
            m.places.push(super::mention::Mention {
                phrase,
                after_w: false,
                word: 0,
            });
        }
    }
    if let Some(text) = q.text.as_deref() {
        g.read_mentions(text, PostalStyle::Query, &mut m)?;
    }
    choose(g, m, || q.describe())
}

/// The prefix reading of the unfinished words at the end of a query: the
/// longest run of them (up to three words) that starts a name. A single word
/// must have at least two letters.
fn prefix_reading(g: &Gazetteer, unfinished: &str) -> Option<(Phrase, usize)> {
    let words: Vec<&str> = unfinished.split(' ').collect();
    (1..=words.len()).rev().find_map(|n| {
        let k = words[words.len() - n..].join(" ");
        if n == 1 && k.chars().count() < 2 {
            return None;
        }
        g.prefix_phrase(&k, 10).map(|p| (p, n))
    })
}

/// Chooses the answer from the mentions read.
pub(super) fn choose(
    g: &Gazetteer,
    mut m: Mentions,
    describe: impl FnOnce() -> String,
) -> Result<GeocodeResult, GeocodeError> {
    let t = &g.t;
    // Search as you type: the start of a name at the very end ("Oświę",
    // "Dąbrowa G") replaces the shorter names its words made on their own.
    let mut mentions = std::mem::take(&mut m.places);
    if let Some((phrase, n)) = m.unfinished.as_deref().and_then(|u| prefix_reading(g, u)) {
        let first_word = m.words.saturating_sub(n);
        mentions.retain(|x| x.word < first_word);
        mentions.push(super::mention::Mention {
            phrase,
            after_w: false,
            word: first_word,
        });
    }
    let named_place = mentions.first().map(|x| x.phrase.text.clone());
    let evidence: Vec<Evidence> = mentions
        .iter()
        .flat_map(|x| {
            x.phrase.ids.iter().map(move |&id| Evidence {
                id,
                kind: x.phrase.kind,
                cases: x.phrase.cases,
                after_w: x.after_w,
            })
        })
        .filter(|e| g.in_regions(e.id, &m))
        .collect();
    let ranked = g.rank_evidence(evidence, m.institution);

    // 1. Postal code + locality.
    if let Some(code) = m.postal {
        if let Some(entries) = t.postal_entries(code) {
            let code_text = t.postal_text(code);
            let hits: Vec<&(Evidence, f64)> = ranked
                .iter()
                .filter(|(e, _)| entries.iter().any(|p| p.locality == e.id))
                .collect();
            if let Some((first, _)) = hits.first() {
                let score = if first.kind == MatchKind::Fuzzy {
                    0.9
                } else {
                    0.98
                };
                let cands: Vec<Candidate> = hits
                    .iter()
                    .take(10)
                    .enumerate()
                    .map(|(r, (e, _))| {
                        let p = entries.iter().find(|p| p.locality == e.id).expect("hit");
                        g.locality_candidate(
                            e.id,
                            Precision::PostalLocality,
                            score - 0.05 * r as f64,
                            Some((&code_text, p)),
                        )
                    })
                    .collect();
                return Ok(result(cands));
            }
            // 3. Postal code alone (the named locality, if any, is not in it).
            // The code's rows are in ranking order, a locality's rows together;
            // each locality answers with its first row.
            let score = if named_place.is_some() { 0.6 } else { 0.8 };
            let mut cands: Vec<Candidate> = Vec::with_capacity(entries.len().min(10));
            let mut last = None;
            for e in entries {
                if cands.len() == 10 {
                    break;
                }
                if last == Some(e.locality) || !g.in_regions(e.locality, &m) {
                    continue;
                }
                last = Some(e.locality);
                let r = cands.len();
                cands.push(g.locality_candidate(
                    e.locality,
                    Precision::PostalCode,
                    score - 0.05 * r as f64,
                    Some((&code_text, e)),
                ));
            }
            if cands.is_empty() {
                return Err(GeocodeError::NoMatchInRegion {
                    place: PostalCode::from_number(code).to_string(),
                    region: g.region_description(&Mentions { postal: None, ..m }),
                });
            }
            return Ok(result(cands));
        }
        // 4. A valid code the gazetteer lacks: a town named beside it wins when
        // it shares the code's area (its first three digits) or lies near the
        // code's estimated place; else that estimate.
        let area = g.postal_area(code)?;
        let near = ranked.iter().map(|(e, _)| e.id).find(|&i| {
            let l = &t.locality(i);
            let codes = match l.district_of {
                Some(town) => &t.locality(town).postal,
                None => &l.postal,
            };
            codes.iter().any(|c| c / 100 == code / 100)
                || crate::geo_util::haversine_km(
                    LonLat::new(l.lon, l.lat),
                    LonLat::new(area.lon, area.lat),
                ) < NEAR_POSTAL_AREA_KM
        });
        if let Some(id) = near {
            let mut c = g.locality_candidate(id, Precision::Locality, 0.9, None);
            (c.lon, c.lat) = t.postal_estimate_in(code, id).unwrap_or((c.lon, c.lat));
            c.postal_code = Some(t.postal_text(code));
            return Ok(result(vec![c, area]));
        }
        if !region_ok(&area, &m, g) {
            return Err(GeocodeError::NoMatchInRegion {
                place: PostalCode::from_number(code).to_string(),
                region: g.region_description(&Mentions { postal: None, ..m }),
            });
        }
        return Ok(result(vec![area]));
    }

    // 2. Locality within the named regions. When a place is named exactly as
    // written, other names the words are only a form of are not offered.
    let mut ranked = ranked;
    if ranked
        .first()
        .is_some_and(|(e, _)| e.kind <= MatchKind::Alternate)
    {
        ranked.retain(|(e, _)| e.kind <= MatchKind::Alternate);
    }
    if let Some(((first, s0), rest)) = ranked.split_first() {
        // Several places: the answer is a guess unless it clearly leads. Among
        // places of one name, it leads when it is a real town ten times the
        // size of the next (Kraków the city, not the village).
        let ambiguous = rest.first().is_some_and(|(second, s1)| {
            let (a, b) = (&t.locality(first.id), &t.locality(second.id));
            if key(&a.name) == key(&b.name) {
                a.population < 20_000 || a.population < b.population.saturating_mul(10)
            } else {
                s0 - s1 < 0.1
            }
        });
        let base = confidence(first.kind);
        let score = if ambiguous { base * AMBIGUOUS } else { base };
        let cands: Vec<Candidate> = ranked
            .iter()
            .take(10)
            .enumerate()
            .map(|(r, (e, _))| {
                let s = if r == 0 {
                    score
                } else {
                    (score * 0.8 - 0.02 * r as f64).max(0.1)
                };
                g.locality_candidate(e.id, Precision::Locality, s, None)
            })
            .collect();
        return Ok(result(cands));
    }
    if let Some(place) = named_place {
        // A place was named but none of that name lies in the named region.
        return Err(GeocodeError::NoMatchInRegion {
            place,
            region: g.region_description(&m),
        });
    }
    // 5. Region centres.
    // Within the named voivodeship when one is named too.
    let voiv_teryt = m.voivodeship.map(|v| &*t.voivodeship(v).admin.teryt);
    let fits = |teryt: &str| voiv_teryt.is_none_or(|v| teryt.starts_with(v));
    if !m.gmina.is_empty() {
        let gm = m.gmina.iter().copied().find(|&i| fits(&t.gmina(i).teryt));
        let Some(gm) = gm else {
            return Err(GeocodeError::NoMatchInRegion {
                place: format!("gmina {}", t.gmina(m.gmina[0]).name),
                region: g.region_description(&Mentions {
                    gmina: Vec::new(),
                    ..m
                }),
            });
        };
        return Ok(result(vec![g.admin_candidate(
            AdminLevel::Gmina,
            gm as usize,
            0.5,
        )]));
    }
    if !m.powiat.is_empty() {
        let pw = m
            .powiat
            .iter()
            .copied()
            .find(|&i| fits(&t.powiat(i).teryt))
            .unwrap_or(m.powiat[0]);
        if let Some(v) = m.voivodeship
            && t.powiat(pw).teryt[..2] != *t.voivodeship(v).admin.teryt
        {
            return Err(GeocodeError::NoMatchInRegion {
                place: format!("powiat {}", t.powiat(pw).name),
                region: format!("województwo {}", t.voivodeship(v).admin.name),
            });
        }
        return Ok(result(vec![g.admin_candidate(
            AdminLevel::Powiat,
            pw as usize,
            0.4,
        )]));
    }
    if let Some(v) = m.voivodeship {
        return Ok(result(vec![g.admin_candidate(
            AdminLevel::Voivodeship,
            v as usize,
            0.3,
        )]));
    }
    Err(GeocodeError::NotFound(describe()))
}

impl Gazetteer {
    pub(super) fn in_regions(&self, id: u32, p: &Mentions) -> bool {
        let l = &self.t.locality(id);
        p.voivodeship.is_none_or(|v| l.voivodeship == v)
            && (p.powiat.is_empty() || l.powiat.is_some_and(|v| p.powiat.contains(&v)))
            && (p.gmina.is_empty() || l.gmina.is_some_and(|v| p.gmina.contains(&v)))
    }

    fn region_description(&self, p: &Mentions) -> String {
        let t = &self.t;
        let mut parts = Vec::new();
        if let Some(&g) = p.gmina.first() {
            parts.push(format!("gmina {}", t.gmina(g).name));
        }
        if let Some(&pw) = p.powiat.first() {
            parts.push(format!("powiat {}", t.powiat(pw).name));
        }
        if let Some(v) = p.voivodeship {
            parts.push(format!("województwo {}", t.voivodeship(v).admin.name));
        }
        if let Some(c) = p.postal {
            parts.push(format!("postal code {}", PostalCode::from_number(c)));
        }
        parts.join(", ")
    }

    pub(super) fn locality_candidate(
        &self,
        id: u32,
        precision: Precision,
        score: f64,
        postal: Option<(&Arc<str>, &PostalEntry)>,
    ) -> Candidate {
        let l = &self.t.locality(id);
        let (lon, lat) = postal.map_or((l.lon, l.lat), |(_, e)| (e.lon, e.lat));
        let town = l.district_of.map(|t| self.t.locality(t).name.clone());
        Candidate {
            lat,
            lon,
            precision,
            score,
            name: l.name.clone(),
            kind: if town.is_some() {
                PlaceKind::District
            } else {
                PlaceKind::Locality
            },
            town,
            postal_code: postal
                .map(|(c, _)| c.clone())
                .or_else(|| (l.postal.len() == 1).then(|| self.t.postal_text(l.postal[0]))),
            admin: self.admin_chain(l),
            population: (l.population > 0).then_some(l.population),
        }
    }

    pub(super) fn admin_candidate(&self, level: AdminLevel, idx: usize, score: f64) -> Candidate {
        let t = &self.t;
        let (a, precision, chain) = match level {
            AdminLevel::Gmina => {
                let g = t.gmina(idx as u16);
                let pw = t
                    .powiat_teryt(&g.teryt[..4])
                    .map(|i| self.admin_ref(t.powiat(i)));
                let v = t
                    .voivodeships()
                    .iter()
                    .find(|v| *v.admin.teryt == g.teryt[..2]);
                (
                    g,
                    Precision::Gmina,
                    AdminChain {
                        gmina: Some(self.admin_ref(g)),
                        powiat: pw,
                        voivodeship: v.map(|v| self.admin_ref(&v.admin)),
                    },
                )
            }
            AdminLevel::Powiat => {
                let p = t.powiat(idx as u16);
                let v = t
                    .voivodeships()
                    .iter()
                    .find(|v| *v.admin.teryt == p.teryt[..2]);
                (
                    p,
                    Precision::Powiat,
                    AdminChain {
                        gmina: None,
                        powiat: Some(self.admin_ref(p)),
                        voivodeship: v.map(|v| self.admin_ref(&v.admin)),
                    },
                )
            }
            AdminLevel::Voivodeship => {
                let v = &t.voivodeship(idx as u8).admin;
                (
                    v,
                    Precision::Voivodeship,
                    AdminChain {
                        voivodeship: Some(self.admin_ref(v)),
                        ..Default::default()
                    },
                )
            }
        };
        Candidate {
            lat: a.lat,
            lon: a.lon,
            precision,
            score,
            name: a.name.clone(),
            kind: match level {
                AdminLevel::Gmina => PlaceKind::Gmina,
                AdminLevel::Powiat => PlaceKind::Powiat,
                AdminLevel::Voivodeship => PlaceKind::Voivodeship,
            },
            town: None,
            postal_code: None,
            admin: chain,
            population: None,
        }
    }

    /// A valid postal code missing from the gazetteer: placed at the nearer of
    /// its numeric neighbours within the same three-digit (else two-digit) area (both, averaged,
    /// when equally near), with the admin chain the neighbours share.
    fn postal_area(&self, code: u32) -> Result<Candidate, GeocodeError> {
        let t = &self.t;
        let pos = t.postal_codes().partition_point(|&c| c < code);
        let below_any = pos.checked_sub(1).map(|i| t.postal_codes()[i]);
        let above_any = t.postal_codes().get(pos).copied();
        // Neighbours sharing the first three digits if there are any, else two.
        let same = |c: &u32, div: u32| c / div == code / div;
        let (below, above) = if below_any.is_some_and(|c| same(&c, 100))
            || above_any.is_some_and(|c| same(&c, 100))
        {
            (
                below_any.filter(|c| same(c, 100)),
                above_any.filter(|c| same(c, 100)),
            )
        } else {
            (
                below_any.filter(|c| same(c, 1000)),
                above_any.filter(|c| same(c, 1000)),
            )
        };
        let neighbours: Vec<u32> = match (below, above) {
            (Some(b), Some(a)) if code - b == a - code => vec![b, a],
            (Some(b), Some(a)) => vec![if code - b < a - code { b } else { a }],
            (Some(b), None) => vec![b],
            (None, Some(a)) => vec![a],
            (None, None) => {
                return Err(GeocodeError::UnknownPostalCode(
                    PostalCode::from_number(code).to_string(),
                ));
            }
        };
        let mut main: Vec<Candidate> = neighbours
            .iter()
            .map(|&c| {
                let e = self.main_entry(c);
                let text = self.t.postal_text(c);
                self.locality_candidate(e.locality, Precision::PostalArea, 0.55, Some((&text, e)))
            })
            .collect();
        let mut best = main.remove(0);
        if let Some(other) = main.pop() {
            best.lat = (best.lat + other.lat) / 2.0;
            best.lon = (best.lon + other.lon) / 2.0;
            if best.admin.gmina != other.admin.gmina {
                best.admin.gmina = None;
            }
            if best.admin.powiat != other.admin.powiat {
                best.admin.powiat = None;
            }
            if best.admin.voivodeship != other.admin.voivodeship {
                best.admin.voivodeship = None;
            }
        }
        best.postal_code = Some(self.t.postal_text(code));
        Ok(best)
    }

    /// The main locality of a postal code: the most populous, else the gmina seat
    /// (a code's rows are kept in ranking order).
    fn main_entry(&self, code: u32) -> &PostalEntry {
        &self.t.postal_entries(code).expect("a known postal code")[0]
    }
}

fn region_ok(c: &Candidate, p: &Mentions, g: &Gazetteer) -> bool {
    let t = &g.t;
    let is = |r: &Option<AdminRef>, teryt: &str| r.as_ref().is_some_and(|r| &*r.teryt == teryt);
    p.voivodeship
        .is_none_or(|v| is(&c.admin.voivodeship, &t.voivodeship(v).admin.teryt))
        && (p.powiat.is_empty()
            || p.powiat
                .iter()
                .any(|&v| is(&c.admin.powiat, &t.powiat(v).teryt)))
        && (p.gmina.is_empty()
            || p.gmina
                .iter()
                .any(|&v| is(&c.admin.gmina, &t.gmina(v).teryt)))
}

fn result(candidates: Vec<Candidate>) -> GeocodeResult {
    GeocodeResult {
        best: candidates[0].clone(),
        candidates,
    }
}
