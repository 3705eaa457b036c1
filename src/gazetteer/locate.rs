//! Placing a whole page of text: every place mention is read (after any
//! preposition, in any case, in "Gmina X", beside a postal code, the voivodeship
//! or powiat named anywhere), then the page's place is chosen from all the
//! evidence: the implementing institution's own town ("Ośrodek Pomocy Społecznej
//! w X", "Gmina X"), agreement with a voivodeship, powiat or postal code the page
//! names, position and frequency. A funder's seat (Warszawa for a national fund),
//! a partner town, a trip's destination or a branch in a village counts for
//! little ([`super::context`]). Places of one name are told apart by the gmina
//! the page names and by its other places near one of them.
//!
//! ```
//! use mapa_praktyk::gazetteer::Gazetteer;
//! let g = Gazetteer::bundled();
//! let page = "Aktualności\n\nGminny Ośrodek Pomocy Społecznej w Legnickim Polu \
//!             zrealizował projekt dofinansowany przez Ministerstwo w Warszawie.";
//! let p = g.locate_in_text(page).unwrap();
//! assert_eq!(&*p.result.best.name, "Legnickie Pole");
//! assert!(p.evidence.contains("w Legnickim Polu"), "{}", p.evidence);
//! ```

use std::collections::HashMap;

use super::context::{Around, PERSON_TITLES, cue};
use super::mention::{Mentions, PostalStyle, take_postal_codes};
use super::normalize::{fold, key};
use super::rank::{Evidence, Institution};
use super::resolve::MatchKind;
use super::types::{GeocodeResult, Precision};
use super::{Gazetteer, GeocodeError};
use crate::geo_util::{LonLat, haversine_km};

/// A place read from a page, with the words of the page that gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct TextPlace {
    /// The place chosen and the alternatives, best first.
    pub result: GeocodeResult,
    /// The words of the page that named the chosen place, with a few before
    /// them ("Gminny Ośrodek Pomocy Społecznej w Legnickim Polu").
    pub evidence: String,
}

/// The most text read from one page, in characters; the rest is ignored.
pub const MAX_TEXT_CHARS: usize = 400_000;

/// One place mention's contribution.
#[derive(Debug, Clone)]
struct Hit {
    id: u32,
    weight: f64,
    kind: MatchKind,
    evidence: String,
}

/// The distinct names a page gives (a mention's phrase, an adjective, a
/// gmina), each with the places it may be and the strongest cue it had.
#[derive(Default)]
struct Names {
    index: HashMap<String, usize>,
    places: Vec<Vec<u32>>,
    best_cue: Vec<f64>,
}

impl Names {
    fn add(&mut self, name: String, ids: &[u32], cue: f64) {
        let n = self.places.len();
        let i = *self.index.entry(name).or_insert(n);
        if i == n {
            self.places.push(Vec::new());
            self.best_cue.push(0.0);
        }
        for &id in ids {
            if !self.places[i].contains(&id) {
                self.places[i].push(id);
            }
        }
        self.best_cue[i] = self.best_cue[i].max(cue);
    }
}

/// Names whose best mention is weighed down below this (a funder's seat, a
/// trip's destination, a common word) are no place's neighbour.
const NEIGHBOUR_MIN_CUE: f64 = 0.3;
/// Neighbours are sought for the places whose total is at least this share
/// of the best one, at most [`NEIGHBOUR_PLACES`] of them.
const NEIGHBOUR_SHARE: f64 = 0.05;
const NEIGHBOUR_PLACES: usize = 300;

impl Gazetteer {
    /// Finds the place a whole page of text is about. See the module docs.
    pub fn locate_in_text(&self, text: &str) -> Result<TextPlace, GeocodeError> {
        let text = match text.char_indices().nth(MAX_TEXT_CHARS) {
            Some((i, _)) => &text[..i],
            None => text,
        };
        if text.trim().is_empty() {
            return Err(GeocodeError::Empty);
        }
        let t = &self.t;
        let mut hits: Vec<Hit> = Vec::new();
        let mut names = Names::default();
        let mut voivodeships: Vec<u8> = Vec::new();
        let mut powiats: Vec<u16> = Vec::new();
        let mut gminas: Vec<u16> = Vec::new();
        let mut codes: Vec<u32> = Vec::new();
        let mut gmina_lines: Vec<(Vec<u16>, String, usize, usize)> = Vec::new();
        for (li, line) in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            // The codes come out of the line, blanked, so that the words of
            // the text and of its mentions stay aligned.
            let mut clean = line.to_string();
            let Ok(line_codes) = take_postal_codes(&mut clean, PostalStyle::Dashed) else {
                continue;
            };
            codes.extend(line_codes);
            let orig: Vec<&str> = clean
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let folded: Vec<String> = orig.iter().map(|w| fold(w)).collect();
            let letters = clean.chars().filter(|c| c.is_alphabetic()).count();
            let upper = clean.chars().filter(|c| c.is_uppercase()).count();
            let all_caps = letters > 0 && upper * 10 >= letters * 8;
            let mut m = Mentions::default();
            if self
                .read_mentions(&clean, PostalStyle::Dashed, &mut m)
                .is_err()
            {
                continue;
            }
            if m.words != orig.len() {
                // The words did not line up with the text (an unusual letter
                // folded into several): positions cannot be trusted.
                continue;
            }
            voivodeships.extend(m.voivodeship);
            powiats.extend(&m.powiat);
            if m.gminas_named == 1 {
                gminas.extend(&m.gmina);
            }
            if !m.gmina.is_empty() {
                gmina_lines.push((m.gmina.clone(), line.to_string(), li, m.gminas_named));
            }
            let heading = if li < cue::HEADING_LINES {
                cue::HEADING
            } else {
                1.0
            };
            let around = |word: usize| Around {
                before: &folded[word.saturating_sub(8)..word],
                near: &folded[word.saturating_sub(3)..word],
            };
            let evidence = |word: usize, len: usize| {
                orig[word.saturating_sub(6)..(word + len).min(orig.len())].join(" ")
            };
            for x in &m.places {
                if x.phrase.kind == MatchKind::Fuzzy || x.phrase.kind == MatchKind::Prefix {
                    continue;
                }
                let Some(first) = orig.get(x.word) else {
                    continue;
                };
                if !all_caps && !first.chars().next().is_some_and(char::is_uppercase) {
                    continue;
                }
                let ctx = around(x.word);
                if ctx
                    .near
                    .last()
                    .is_some_and(|w| PERSON_TITLES.contains(&w.as_str()))
                {
                    continue;
                }
                let institution = ctx
                    .before
                    .iter()
                    .rev()
                    .find_map(|w| Institution::of_word(w));
                let mult = ctx.weight(&x.phrase, x.after_w) * heading;
                let evidence = evidence(x.word, x.phrase.words);
                names.add(x.phrase.text.clone(), &x.phrase.ids, mult);
                // The mention's readings: its best-ranked place counts in full
                // (the size of a place decides between places of one name, not
                // between the places a page names), the others far less.
                let scored: Vec<(u32, f64)> = x
                    .phrase
                    .ids
                    .iter()
                    .take(200)
                    .map(|&id| {
                        let e = Evidence {
                            id,
                            kind: x.phrase.kind,
                            cases: x.phrase.cases,
                            after_w: x.after_w,
                        };
                        (id, self.rank_score(&e, institution, &[]))
                    })
                    .collect();
                let best = scored.iter().map(|s| s.1).fold(f64::MIN, f64::max);
                for (id, score) in scored {
                    let common = ctx.reading(&x.phrase.text, &key(&t.locality(id).name));
                    hits.push(Hit {
                        id,
                        weight: mult * common * (score / best).powi(cue::OTHER_READINGS),
                        kind: x.phrase.kind,
                        evidence: evidence.clone(),
                    });
                }
            }
            // "szkołach wrzesińskich": the town of the adjective, weakly.
            for (towns, word) in &m.adjectives {
                let ctx = around(*word);
                let mult = cue::ADJECTIVE * heading * ctx.discount();
                names.add(format!("adj {}", folded[*word]), towns, mult);
                for &id in towns {
                    hits.push(Hit {
                        id,
                        weight: mult,
                        kind: MatchKind::Declined,
                        evidence: evidence(*word, 1),
                    });
                }
            }
        }
        // "Gmina X", "Wójt Gminy X": the gmina's seat.
        // A line naming several gminas lists guests or partners.
        for (gms, line, li, named) in &gmina_lines {
            for &gm in gms {
                let g = &t.gmina(gm);
                let Some(ids) = t.localities_named(&key(&g.name)) else {
                    continue;
                };
                let heading = if *li < cue::HEADING_LINES {
                    cue::HEADING
                } else {
                    1.0
                };
                let seats: Vec<u32> = ids
                    .iter()
                    .copied()
                    .filter(|&id| t.locality(id).gmina == Some(gm))
                    .collect();
                let listed = if *named > 1 { cue::PARTNER } else { 1.0 };
                let weight = cue::GMINA_NAMED * heading * listed;
                names.add(format!("gmina {}", g.teryt), &seats, weight);
                for id in seats {
                    let words: Vec<&str> = line.split_whitespace().take(12).collect();
                    hits.push(Hit {
                        id,
                        weight,
                        kind: MatchKind::Exact,
                        evidence: words.join(" "),
                    });
                }
            }
        }
        if hits.is_empty() {
            return self.locate_region(&voivodeships, &powiats, &codes);
        }
        // Sum per place: the best mention in full, the others in part.
        hits.sort_by(|a, b| a.id.cmp(&b.id).then(b.weight.total_cmp(&a.weight)));
        let mut places: Vec<(Hit, f64)> = Vec::new();
        for h in hits {
            match places.last_mut() {
                Some((best, total)) if best.id == h.id => *total += cue::REPEAT * h.weight,
                _ => {
                    let w = h.weight;
                    places.push((h, w));
                }
            }
        }
        for (h, total) in &mut places {
            let l = &t.locality(h.id);
            if voivodeships.contains(&l.voivodeship) {
                *total *= cue::VOIVODESHIP_AGREES;
            }
            if l.powiat.is_some_and(|p| powiats.contains(&p)) {
                *total *= cue::POWIAT_AGREES;
            }
            let own = match l.district_of {
                Some(town) => &t.locality(town).postal,
                None => &l.postal,
            };
            if codes.iter().any(|c| own.contains(c)) {
                *total *= cue::POSTAL_AGREES;
            } else if self.near_postal(h.id, &codes) {
                *total *= cue::POSTAL_NEAR;
            }
        }
        self.prefer_among_namesakes(&mut places, &names, &gminas);
        places.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(t.rank_of(a.0.id).cmp(&t.rank_of(b.0.id)))
        });
        let best_total = places[0].1;
        let second = places.get(1).map_or(0.0, |p| p.1);
        let lead = 1.0 - second / best_total;
        let base = match places[0].0.kind {
            MatchKind::Exact | MatchKind::Alternate | MatchKind::Declined => 0.9,
            _ => 0.8,
        };
        let confidence = (base * (0.55 + 0.45 * lead)).clamp(0.05, 0.95);
        let cands = places
            .iter()
            .take(10)
            .enumerate()
            .map(|(r, (h, total))| {
                let l = &t.locality(h.id);
                let code = codes.iter().copied().find(|c| l.postal.contains(c));
                let score = if r == 0 {
                    confidence
                } else {
                    (confidence * total / best_total * 0.9).clamp(0.01, 0.95)
                };
                match code.and_then(|c| t.postal_entries(c).map(|e| (c, e))) {
                    Some((c, entries)) => {
                        let text = t.postal_text(c);
                        let e = entries
                            .iter()
                            .find(|e| e.locality == h.id)
                            .expect("the code is the locality's");
                        self.locality_candidate(
                            h.id,
                            Precision::PostalLocality,
                            score,
                            Some((&text, e)),
                        )
                    }
                    None => self.locality_candidate(h.id, Precision::Locality, score, None),
                }
            })
            .collect::<Vec<_>>();
        Ok(TextPlace {
            evidence: places[0].0.evidence.clone(),
            result: GeocodeResult {
                best: cands[0].clone(),
                candidates: cands,
            },
        })
    }

    /// Whether locality `id` lies near the places of a postal code the page
    /// gives (within [`cue::POSTAL_NEAR_KM`]).
    fn near_postal(&self, id: u32, codes: &[u32]) -> bool {
        let t = &self.t;
        let l = t.locality(id);
        let at = LonLat::new(l.lon, l.lat);
        codes
            .iter()
            .filter_map(|&c| t.postal_entries(c))
            .any(|rows| {
                rows.iter()
                    .any(|e| haversine_km(at, e.at()) < cue::POSTAL_NEAR_KM)
            })
    }

    /// Chooses between places of one name (two villages named Roztoka) by
    /// what else the page says: the gmina it names, and its other places
    /// near one of them. Each other name with a place within
    /// [`cue::NEIGHBOUR_KM`] counts (a name with many namesakes for a
    /// share), up to [`cue::NEIGHBOURS_COUNTED`]. The places of one name are
    /// then scaled so that the best of them weighs what the best weighed
    /// before: this reorders namesakes and never lifts a name above another.
    fn prefer_among_namesakes(&self, places: &mut [(Hit, f64)], names: &Names, gminas: &[u16]) {
        let t = &self.t;
        let best = places.iter().map(|p| p.1).fold(0.0, f64::max);
        let keys: Vec<String> = places
            .iter()
            .map(|p| key(&t.locality(p.0.id).name))
            .collect();
        let mut namesakes: HashMap<&str, usize> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            if places[i].1 >= best * NEIGHBOUR_SHARE {
                *namesakes.entry(k).or_default() += 1;
            }
        }
        let mut order: Vec<usize> = (0..places.len())
            .filter(|&i| places[i].1 >= best * NEIGHBOUR_SHARE && namesakes[keys[i].as_str()] > 1)
            .collect();
        order.sort_by(|&a, &b| places[b].1.total_cmp(&places[a].1));
        order.truncate(NEIGHBOUR_PLACES);
        let factors: Vec<(usize, f64)> = order
            .into_iter()
            .map(|i| {
                let id = places[i].0.id;
                let l = t.locality(id);
                let at = LonLat::new(l.lon, l.lat);
                let support: f64 = (0..names.places.len())
                    .filter(|&n| {
                        names.best_cue[n] >= NEIGHBOUR_MIN_CUE && !names.places[n].contains(&id)
                    })
                    .filter(|&n| {
                        names.places[n].iter().any(|&o| {
                            let p = t.locality(o);
                            haversine_km(at, LonLat::new(p.lon, p.lat)) < cue::NEIGHBOUR_KM
                        })
                    })
                    .map(|n| (cue::NEIGHBOUR_NAMESAKES / names.places[n].len() as f64).min(1.0))
                    .sum();
                let mut f = cue::NEIGHBOUR.powf(support.min(cue::NEIGHBOURS_COUNTED));
                if l.gmina.is_some_and(|g| gminas.contains(&g)) {
                    f *= cue::GMINA_AGREES;
                }
                (i, f)
            })
            .collect();
        // Per name: the best total before, and the best after the factors.
        let mut top: HashMap<&str, (f64, f64)> = HashMap::new();
        for &(i, f) in &factors {
            let e = top.entry(keys[i].as_str()).or_insert((0.0, 0.0));
            e.0 = e.0.max(places[i].1);
            e.1 = e.1.max(places[i].1 * f);
        }
        for &(i, f) in &factors {
            let (before, after) = top[keys[i].as_str()];
            places[i].1 *= f * before / after;
        }
    }

    /// A page that names no locality: its postal code's place, else the
    /// powiat or voivodeship it names.
    fn locate_region(
        &self,
        voivodeships: &[u8],
        powiats: &[u16],
        codes: &[u32],
    ) -> Result<TextPlace, GeocodeError> {
        use super::AdminLevel;
        let t = &self.t;
        if let Some(&c) = codes.iter().find(|&&c| t.postal_entries(c).is_some()) {
            let q = super::GeocodeQuery {
                postal_code: Some(t.postal_text(c).to_string()),
                ..Default::default()
            };
            let result = self.geocode(&q)?;
            return Ok(TextPlace {
                evidence: t.postal_text(c).to_string(),
                result,
            });
        }
        let (level, idx, name) = if let Some(&p) = powiats.first() {
            (
                AdminLevel::Powiat,
                p as usize,
                format!("powiat {}", t.powiat(p).name),
            )
        } else if let Some(&v) = voivodeships.first() {
            (
                AdminLevel::Voivodeship,
                v as usize,
                format!("województwo {}", t.voivodeship(v).admin.name),
            )
        } else {
            return Err(GeocodeError::NotFound(
                "the text names no place of Poland".into(),
            ));
        };
        let c = self.admin_candidate(level, idx, 0.3);
        Ok(TextPlace {
            evidence: name,
            result: GeocodeResult {
                best: c.clone(),
                candidates: vec![c],
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text: &str) -> String {
        Gazetteer::bundled()
            .locate_in_text(text)
            .map(|p| p.result.best.name.to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn the_institutions_town_beats_the_funders_seat_and_branches() {
        assert_eq!(
            place(
                "Projekt realizuje Miejski Ośrodek Pomocy Społecznej w Jaśle. \
                 Środki przekazało Ministerstwo Rodziny w Warszawie. \
                 Zajęcia odbywają się także w filii w Gorajowicach."
            ),
            "Jasło"
        );
    }

    #[test]
    fn a_named_voivodeship_decides_between_towns_of_one_name() {
        let p = Gazetteer::bundled()
            .locate_in_text(
                "Gminny Ośrodek Pomocy Społecznej w Łagowie (województwo świętokrzyskie) \
                 zaprasza. Powiat kielecki, województwo świętokrzyskie.",
            )
            .unwrap();
        assert_eq!(&*p.result.best.name, "Łagów");
        assert_eq!(
            &*p.result.best.admin.voivodeship.as_ref().unwrap().teryt,
            "26"
        );
    }

    #[test]
    fn a_gmina_named_as_such_places_the_page() {
        assert_eq!(
            place("Wójt Gminy Paradyż zaprasza mieszkańców na spotkanie."),
            "Paradyż"
        );
    }

    #[test]
    fn postal_addresses_anywhere_count() {
        let p = Gazetteer::bundled()
            .locate_in_text("Kontakt: ul. Piastowska 1, 47-220 Kędzierzyn-Koźle")
            .unwrap();
        assert_eq!(&*p.result.best.name, "Kędzierzyn-Koźle");
        assert_eq!(p.result.best.precision, Precision::PostalLocality);
    }

    #[test]
    fn a_following_name_is_not_swallowed_into_the_town() {
        assert_eq!(
            place("Kierownik GOPS w Kolbuszowej Katarzyna Nowak podziękowała."),
            "Kolbuszowa"
        );
    }

    /// The gmina of the first candidate named `name`.
    fn first_gmina_of(text: &str, name: &str) -> String {
        let p = Gazetteer::bundled().locate_in_text(text).unwrap();
        let c = p
            .result
            .candidates
            .iter()
            .find(|c| &*c.name == name)
            .unwrap_or_else(|| panic!("no {name} among {:?}", p.result.candidates));
        c.admin.gmina.as_ref().unwrap().name.to_string()
    }

    #[test]
    fn a_name_of_two_words_is_read_whole_and_a_trip_is_not_the_place() {
        assert_eq!(
            place("Uczniowie szkoły w Nowych Czaplach pojechali na wycieczkę do Krakowa."),
            "Nowe Czaple"
        );
    }

    #[test]
    fn the_gmina_named_chooses_between_villages_of_one_name() {
        // Fifteen villages are named Bobrowniki; one lies in gmina Gródek.
        let text = "Szkoła Podstawowa w Bobrownikach, gmina Gródek, zaprasza.";
        assert_eq!(place(text), "Bobrowniki");
        assert_eq!(first_gmina_of(text, "Bobrowniki"), "Gródek");
        assert_eq!(
            first_gmina_of("Festyn w Ołdakach. Organizator: Urząd Gminy Gzy.", "Ołdaki"),
            "Gzy"
        );
    }

    #[test]
    fn neighbouring_villages_choose_between_villages_of_one_name() {
        // Nine villages are named Roztoka; Faściszowa and Wróblowice lie
        // beside the one in gmina Zakliczyn.
        let text = "Roztoka\n\nMieszkańcy Roztoki, Faściszowej i Wróblowic spotkali się.";
        assert_eq!(first_gmina_of(text, "Roztoka"), "Zakliczyn");
    }

    #[test]
    fn a_town_named_by_its_adjective_places_a_page() {
        assert_eq!(place("Sukces uczniów ze szkół wrzesińskich."), "Września");
        assert_eq!(
            place("Projekt Gminy Oświęcimskiej dla seniorów."),
            "Oświęcim"
        );
    }

    #[test]
    fn common_words_and_patrons_are_not_places() {
        assert_eq!(
            place("Praca socjalna\n\nPraca z rodziną to podstawa.\n\nKłodzko, 2020"),
            "Kłodzko"
        );
        // Nothing else on the page: the common word is the last resort.
        assert_eq!(place("Praca socjalna z rodziną"), "Praca");
        assert!(place("Rewitalizacja parku Moniuszki trwa.").starts_with("error"));
    }

    #[test]
    fn lower_case_words_are_not_places_but_upper_case_lines_are() {
        assert!(place("w ramach projektu w wieku emerytalnym").starts_with("error"));
        assert_eq!(
            place("POSIŁEK W SZKOLE W OSIEKU JASIELSKIM"),
            "Osiek Jasielski"
        );
    }
}
