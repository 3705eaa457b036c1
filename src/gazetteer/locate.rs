//! Placing a whole page of text: every place mention is read (after any
//! preposition, in any case, in "Gmina X", beside a postal code, the voivodeship
//! or powiat named anywhere), then the page's place is chosen from all the
//! evidence: the implementing institution's own town ("Ośrodek Pomocy Społecznej
//! w X", "Gmina X"), agreement with a voivodeship, powiat or postal code the page
//! names, position and frequency. A funder's seat (Warszawa for a national fund),
//! a partner town or a branch in a village counts for little.
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

use super::mention::{Mentions, PostalStyle, take_postal_codes};
use super::normalize::fold;
use super::rank::{Evidence, Institution};
use super::resolve::MatchKind;
use super::types::{GeocodeResult, Precision};
use super::{Gazetteer, GeocodeError};

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

/// The multipliers that the context of a mention puts on its weight.
mod cue {
    /// Named as an institution's seat: "Ośrodek … w X", "GOPS w X".
    pub const INSTITUTION_SEAT: f64 = 3.0;
    /// Named as a gmina: "Gmina X", "Wójt Gminy X", "Urząd Gminy X".
    pub const GMINA_NAMED: f64 = 2.5;
    /// After "w"/"we" without an institution before it.
    pub const AFTER_W: f64 = 1.5;
    /// A one-word name with no cue at all (often a surname or a word).
    pub const BARE_WORD: f64 = 0.5;
    /// Named as a locality: "w miejscowości X", "wieś X", "sołectwo X".
    pub const LOCALITY_NAMED: f64 = 2.0;
    /// A name that is only reduced to a place by suffix rules, not SGJP.
    pub const RULE_READING: f64 = 0.7;
    /// How fast the weight of a mention's other readings falls with their rank
    /// score relative to its best one (the exponent).
    pub const OTHER_READINGS: i32 = 4;
    /// Just after words about funding (ministries, funds, the EU, the marshal's
    /// office): "Ministerstwo Rodziny w Warszawie".
    pub const FUNDER: f64 = 0.2;
    /// After "filia", "oddział", "punkt", "świetlica", "sołectwo": a branch.
    pub const BRANCH: f64 = 0.6;
    /// Just after words about partners.
    pub const PARTNER: f64 = 0.5;
    /// In the first lines of the page (its heading).
    pub const HEADING: f64 = 1.3;
    /// Lines counted as the heading.
    pub const HEADING_LINES: usize = 6;
    /// The place lies in the voivodeship the page names.
    pub const VOIVODESHIP_AGREES: f64 = 2.0;
    /// The place lies in a powiat the page names.
    pub const POWIAT_AGREES: f64 = 1.5;
    /// The place carries a postal code the page gives.
    pub const POSTAL_AGREES: f64 = 2.0;
    /// Further mentions of a place add this share of their weight.
    pub const REPEAT: f64 = 0.5;
}

/// Folded word stems of institutions whose name may end in "w <town>".
const INSTITUTION_NOUNS: &[&str] = &[
    "osrod",
    "centr",
    "urzad",
    "urzed",
    "dom",
    "szkol",
    "zespol",
    "stowarzysz",
    "fundacj",
    "bibliotek",
    "przedszkol",
    "porad",
    "zaklad",
    "instytu",
    "klub",
    "spoldziel",
    "mops",
    "gops",
    "mgops",
    "pcpr",
    "mopr",
    "cis",
    "kis",
    "sds",
    "ops",
    "starostw",
    "gmin",
    "park",
    "muzeum",
    "teatr",
    "hospicj",
    "schronisk",
    "warszta",
    "caritas",
];
const FUNDER_WORDS: &[&str] = &[
    "ministerst",
    "minister",
    "fundusz",
    "pfron",
    "marszalk",
    "wojewod",
    "unii",
    "europejsk",
    "operacyjn",
    "dofinans",
    "budzet",
    "rzad",
    "krajow",
    "panstw",
];
const BRANCH_WORDS: &[&str] = &[
    "filia",
    "filii",
    "oddzial",
    "punkt",
    "punktu",
    "swietlica",
    "swietlicy",
    "solectwo",
    "solectwa",
    "placowk",
];
const PARTNER_WORDS: &[&str] = &["partner", "wspolprac"];
const LOCALITY_WORDS: &[&str] = &[
    "miejscowosc",
    "miejscowosci",
    "miejscowoscia",
    "wies",
    "wsi",
    "solectwo",
    "solectwa",
    "solectwie",
    "osiedle",
    "osiedlu",
    "osiedla",
];
const PERSON_TITLES: &[&str] = &[
    "pan",
    "pani",
    "panem",
    "pania",
    "kierownik",
    "kierowniczka",
    "dyrektor",
    "prezes",
    "koordynator",
    "koordynatorka",
    "starosta",
    "burmistrz",
    "prezydent",
];

/// One place mention's contribution.
#[derive(Debug, Clone)]
struct Hit {
    id: u32,
    weight: f64,
    kind: MatchKind,
    evidence: String,
}

fn has_stem(words: &[String], stems: &[&str]) -> bool {
    words.iter().any(|w| stems.iter().any(|s| w.starts_with(s)))
}

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
        let mut voivodeships: Vec<u8> = Vec::new();
        let mut powiats: Vec<u16> = Vec::new();
        let mut codes: Vec<u32> = Vec::new();
        let mut gmina_lines: Vec<(Vec<u16>, String, usize)> = Vec::new();
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
            if !m.gmina.is_empty() {
                gmina_lines.push((m.gmina.clone(), line.to_string(), li));
            }
            let heading = if li < cue::HEADING_LINES {
                cue::HEADING
            } else {
                1.0
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
                let before = &folded[x.word.saturating_sub(8)..x.word];
                let near = &folded[x.word.saturating_sub(3)..x.word];
                if near
                    .last()
                    .is_some_and(|w| PERSON_TITLES.contains(&w.as_str()))
                {
                    continue;
                }
                let institution = before.iter().rev().find_map(|w| Institution::of_word(w));
                let seat = x.after_w && has_stem(before, INSTITUTION_NOUNS);
                let named_locality = near
                    .last()
                    .is_some_and(|w| LOCALITY_WORDS.contains(&w.as_str()));
                let mut mult = if seat {
                    cue::INSTITUTION_SEAT
                } else if named_locality {
                    cue::LOCALITY_NAMED
                } else if x.after_w {
                    cue::AFTER_W
                } else if x.phrase.words == 1 && x.phrase.kind == MatchKind::Exact {
                    cue::BARE_WORD
                } else {
                    1.0
                };
                if has_stem(before, FUNDER_WORDS) {
                    mult *= cue::FUNDER;
                }
                if has_stem(before, PARTNER_WORDS) {
                    mult *= cue::PARTNER;
                }
                if x.phrase.kind == MatchKind::Rule {
                    mult *= cue::RULE_READING;
                }
                if has_stem(near, BRANCH_WORDS) {
                    mult *= cue::BRANCH;
                }
                mult *= heading;
                let from = x.word.saturating_sub(6);
                let to = (x.word + x.phrase.words).min(orig.len());
                let evidence = orig[from..to].join(" ");
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
                    hits.push(Hit {
                        id,
                        weight: mult * (score / best).powi(cue::OTHER_READINGS),
                        kind: x.phrase.kind,
                        evidence: evidence.clone(),
                    });
                }
            }
        }
        // "Gmina X", "Wójt Gminy X": the gmina's seat.
        for (gminas, line, li) in &gmina_lines {
            for &gm in gminas {
                let g = &t.gmina(gm);
                let Some(ids) = t.localities_named(&super::key(&g.name)) else {
                    continue;
                };
                for &id in ids {
                    if t.locality(id).gmina == Some(gm) {
                        let heading = if *li < cue::HEADING_LINES {
                            cue::HEADING
                        } else {
                            1.0
                        };
                        let words: Vec<&str> = line.split_whitespace().take(12).collect();
                        hits.push(Hit {
                            id,
                            weight: cue::GMINA_NAMED * heading,
                            kind: MatchKind::Exact,
                            evidence: words.join(" "),
                        });
                    }
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
            }
        }
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

    #[test]
    fn lower_case_words_are_not_places_but_upper_case_lines_are() {
        assert!(place("w ramach projektu w wieku emerytalnym").starts_with("error"));
        assert_eq!(
            place("POSIŁEK W SZKOLE W OSIEKU JASIELSKIM"),
            "Osiek Jasielski"
        );
    }
}
