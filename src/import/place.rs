//! Placing an imported record: the one function that decides where a page's
//! practice lies ([`place_page`]), and which placements need a person to check
//! them ([`needs_review`]).
//!
//! A record's address fields (a metryka's town, powiat, voivodeship and postal
//! code) decide first. A page without them is placed from all its words by the
//! gazetteer's whole-page reading ([`Gazetteer::locate_in_text`], through
//! [`place_in_text`]): every place mention, weighed by the voivodeship, powiat
//! and postal codes the page names and by the institution around it. Every placement records the words that gave it
//! ([`Practice::placed_from`]).

use std::sync::LazyLock;

use regex::Regex;

use crate::gazetteer::{Gazetteer, GeocodeError, GeocodeQuery, GeocodeResult, Precision};
use crate::practice::{Location, Practice};

/// A placement whose score is below this is listed for checking.
pub const REVIEW_SCORE: f64 = 0.6;

/// A place read from a page's words: the geocoder's answer and the words.
#[derive(Debug, Clone)]
pub struct WordsPlace {
    /// The geocoder's answer.
    pub result: GeocodeResult,
    /// The words of the page that gave it.
    pub evidence: String,
}

/// The place a page's words give: the gazetteer's whole-page reading
/// ([`Gazetteer::locate_in_text`]), which weighs every place the page names.
pub fn place_in_text(g: &Gazetteer, text: &str) -> Result<WordsPlace, GeocodeError> {
    g.locate_in_text(text).map(|t| WordsPlace {
        result: t.result,
        evidence: t.evidence,
    })
}

/// The address fields of a record, as the page labels them.
fn fields_evidence(q: &GeocodeQuery) -> String {
    [
        ("Kod pocztowy", &q.postal_code),
        ("Miejscowość", &q.town),
        ("Powiat", &q.powiat),
        ("Województwo", &q.voivodeship),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}")))
    .collect::<Vec<_>>()
    .join("; ")
}

/// Places a record from everything its page gives: `text` is the page's whole
/// text (title and prose), read when the record has no address fields. Sets
/// the location, the administrative chain, `placed_from`, and the town when the
/// page named none. A powiat on the page that contradicts the town (the
/// database files Gdańsk under "gdański") is dropped with a warning. Manual
/// coordinates are kept.
pub fn place_page(
    g: &Gazetteer,
    p: &mut Practice,
    text: &str,
    warnings: &mut Vec<String>,
) -> Result<(), GeocodeError> {
    if p.location.is_some_and(|l| l.precision == Precision::Manual) {
        return Ok(());
    }
    let full = GeocodeQuery {
        text: None,
        postal_code: p.postal_code.clone(),
        town: p.town.clone(),
        gmina: None,
        powiat: p.powiat.clone(),
        voivodeship: p.voivodeship.clone(),
    };
    let mut attempts = vec![full.clone()];
    if full.powiat.is_some() {
        attempts.push(GeocodeQuery {
            powiat: None,
            ..full.clone()
        });
    }
    let mut first_error = None;
    let mut placed = None;
    for (i, q) in attempts.iter().enumerate() {
        if q.town.is_none() && q.postal_code.is_none() && q.voivodeship.is_none() {
            continue;
        }
        match g.geocode(q) {
            Ok(r) => {
                if i > 0 {
                    warnings.push(format!(
                        "powiat {:?} does not contain {}; placed without it",
                        full.powiat.as_deref().unwrap_or_default(),
                        r.best.name
                    ));
                }
                placed = Some((r, fields_evidence(q)));
                break;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if placed.is_none() {
        match place_in_text(g, text) {
            Ok(w) => placed = Some((w.result, w.evidence)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let Some((r, evidence)) = placed else {
        p.location = None;
        p.placed_from = None;
        p.admin = Default::default();
        return Err(first_error.unwrap_or_else(|| {
            GeocodeError::NotFound("the record names no postal code, town or region".into())
        }));
    };
    let b = r.best;
    if p.town.is_none() && matches!(b.precision, Precision::Locality | Precision::PostalLocality) {
        p.town = Some(b.name.to_string());
    }
    p.location = Some(Location {
        lon: b.lon,
        lat: b.lat,
        precision: b.precision,
        // Three decimals, as the API shows it (0.75, not 0.7500000000000001).
        score: (b.score * 1000.0).round() / 1000.0,
    });
    p.placed_from = Some(evidence);
    p.admin = b.admin;
    Ok(())
}

/// Why a placed or unplaced record should be checked by a person, if it should:
/// not placed, placed no finer than a gmina, with a score below
/// [`REVIEW_SCORE`], or at a town named by fewer words than the page gives.
pub fn needs_review(p: &Practice) -> Option<String> {
    let Some(l) = p.location else {
        return Some("not placed".to_string());
    };
    match l.precision {
        Precision::Manual => None,
        Precision::Gmina | Precision::Powiat | Precision::Voivodeship | Precision::PostalArea => {
            Some(format!("placed only at {} level", l.precision.as_str()))
        }
        _ if l.score < REVIEW_SCORE => {
            Some(format!("low score {} (below {REVIEW_SCORE})", l.score))
        }
        _ => partial_town(p),
    }
}

/// A town placed by fewer words than the page gives (`w Legnickim Polu`
/// placed at `Pole`): the geocoder may have found a namesake.
fn partial_town(p: &Practice) -> Option<String> {
    static AFTER_W: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\bwe?\s+(\p{Lu}[\p{L}-]+(?:\s+\p{Lu}[\p{L}-]+){0,2})\s*$").expect("regex")
    });
    let evidence = p.placed_from.as_deref()?;
    let said = super::text::town_words(&AFTER_W.captures(evidence)?[1]);
    let town = p.town.as_deref()?;
    (said.split_whitespace().count() > town.split_whitespace().count())
        .then(|| format!("placed at {town}, but the page says \"{said}\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practice::Area;

    fn page(text: &str) -> Practice {
        let mut p = Practice::new("t".into(), "T".into(), Area::PomocSpoleczna, "t.txt".into());
        p.body = text.to_string();
        p
    }

    #[test]
    fn the_institution_phrase_places_a_page_and_is_recorded() {
        let g = Gazetteer::bundled();
        let text = "Gminny Ośrodek Pomocy Społecznej w Krzeszowicach realizuje projekt.";
        let mut p = page(text);
        let mut w = Vec::new();
        place_page(g, &mut p, text, &mut w).unwrap();
        assert_eq!(p.town.as_deref(), Some("Krzeszowice"));
        assert!(
            p.placed_from.as_deref().unwrap().contains("Krzeszowicach"),
            "{:?}",
            p.placed_from
        );
        assert_eq!(needs_review(&p), None);
    }

    #[test]
    fn a_postal_address_places_a_page_without_an_institution() {
        let g = Gazetteer::bundled();
        let text = "Spotkanie odbyło się w sali przy ul. Piastowskiej 1, 47-220 Kędzierzyn-Koźle.";
        let mut p = page(text);
        place_page(g, &mut p, text, &mut Vec::new()).unwrap();
        assert!(
            p.placed_from.as_deref().unwrap().contains("Kędzierzyn"),
            "{:?}",
            p.placed_from
        );
        assert_eq!(p.town.as_deref(), Some("Kędzierzyn-Koźle"));
    }

    #[test]
    fn metryka_fields_come_first_and_are_the_evidence() {
        let g = Gazetteer::bundled();
        let mut p = page("Gminny Ośrodek Pomocy Społecznej w Krzeszowicach.");
        p.town = Some("Gorlice".into());
        p.voivodeship = Some("małopolskie".into());
        place_page(g, &mut p, "GOPS w Krzeszowicach", &mut Vec::new()).unwrap();
        assert_eq!(
            p.placed_from.as_deref(),
            Some("Miejscowość: Gorlice; Województwo: małopolskie")
        );
    }

    #[test]
    fn unplaced_and_coarse_records_are_for_review() {
        let g = Gazetteer::bundled();
        let mut p = page("Nic tu nie ma o żadnym miejscu.");
        assert!(
            place_page(
                g,
                &mut p,
                "Nic tu nie ma o żadnym miejscu.",
                &mut Vec::new()
            )
            .is_err()
        );
        assert_eq!(needs_review(&p).as_deref(), Some("not placed"));
        assert_eq!(p.placed_from, None);
        p.location = Some(Location {
            lon: 20.0,
            lat: 50.0,
            precision: Precision::Powiat,
            score: 0.9,
        });
        assert_eq!(
            needs_review(&p).as_deref(),
            Some("placed only at powiat level")
        );
        p.location = Some(Location {
            lon: 20.0,
            lat: 50.0,
            precision: Precision::Locality,
            score: 0.3,
        });
        assert!(
            needs_review(&p)
                .unwrap()
                .starts_with("low score 0.3 (below 0.6)")
        );
        // A namesake found for part of the town's words.
        p.location = Some(Location {
            lon: 20.0,
            lat: 50.0,
            precision: Precision::Locality,
            score: 0.9,
        });
        p.placed_from = Some("Gminny Ośrodek Pomocy Społecznej w Legnickim Polu".into());
        p.town = Some("Pole".into());
        assert_eq!(
            needs_review(&p).as_deref(),
            Some("placed at Pole, but the page says \"Legnickim Polu\"")
        );
        p.town = Some("Legnickie Pole".into());
        assert_eq!(needs_review(&p), None);
    }
}
