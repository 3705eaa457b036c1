//! Pages of the practice database (Baza Dobrych Praktyk): area line, title,
//! lead, body, and the `Metryka praktyki` block of `Key:  value` lines.

use chrono::NaiveDate;

use super::facts::Facts;
use super::text::polish_int;
use super::{PageError, Parsed};
use crate::gazetteer::{PostalCode, fold};
use crate::practice::{Area, Contact, Practice, UnitType};

/// The heading of the metadata block.
pub const METRYKA: &str = "Metryka praktyki";

/// Whether a page's text is a practice-database page.
pub fn is_bdp(text: &str) -> bool {
    text.lines().any(|l| l.trim() == METRYKA)
}

/// Finds an area by its Polish name (case- and diacritic-insensitive).
fn area_by_name(name: &str) -> Option<Area> {
    let k = fold(name.trim().trim_start_matches('»').trim());
    Area::ALL.into_iter().find(|a| fold(a.name_pl()) == k)
}

/// Reads the area line: `Usługi społeczne : Pomoc społeczna` or a top area alone.
pub fn area_from_line(line: &str) -> Option<Area> {
    let parts: Vec<&str> = line.split(" : ").collect();
    match parts.as_slice() {
        [top, sub] => {
            let sub = area_by_name(sub)?;
            (area_by_name(top) == sub.parent()).then_some(sub)
        }
        [only] => area_by_name(only),
        _ => None,
    }
}

fn is_nav(line: &str) -> bool {
    let t = line.trim();
    t.starts_with(".:") && t.ends_with(":.")
}

/// Parses a practice-database page (as text). `source` names it in errors.
pub fn parse(text: &str, id: String, source: String) -> Result<Parsed, PageError> {
    let lines: Vec<&str> = text.lines().collect();
    let metryka = lines
        .iter()
        .position(|l| l.trim() == METRYKA)
        .ok_or_else(|| PageError::new(0, format!("no \"{METRYKA}\" block")))?;

    // The area line: "Usługi społeczne : Pomoc społeczna", after the menu and
    // the visitor counter; the first line of the form "A : B" naming areas.
    let area_idx = lines[..metryka]
        .iter()
        .position(|l| l.contains(" : ") && area_from_line(l.trim()).is_some())
        .ok_or_else(|| {
            PageError::new(
                0,
                "no area line such as \"Usługi społeczne : Pomoc społeczna\"",
            )
        })?;
    let area = area_from_line(lines[area_idx].trim()).expect("checked");

    // The title runs from the area line to the navigation line ".: Skrót ... :.".
    let nav = lines[area_idx + 1..metryka]
        .iter()
        .position(|l| is_nav(l))
        .map(|i| i + area_idx + 1)
        .ok_or_else(|| {
            PageError::new(
                area_idx + 2,
                "no navigation line (\".: Skrót i Metryka ... :.\") after the title",
            )
        })?;
    let title = lines[area_idx + 1..nav]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if title.is_empty() {
        return Err(PageError::new(area_idx + 2, "empty title"));
    }

    // Paragraphs between the navigation line and the metryka.
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for l in &lines[nav + 1..metryka] {
        let t = l.trim();
        if t.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(t);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" "));
    }
    if paragraphs.is_empty() {
        return Err(PageError::new(
            nav + 2,
            "no text between the title and the metryka",
        ));
    }
    let summary = paragraphs[0].clone();
    let body = paragraphs.join("\n\n");

    // The metryka: "Key:  value" lines; indented lines continue the previous value.
    let end = lines[metryka + 1..]
        .iter()
        .position(|l| is_nav(l))
        .map_or(lines.len(), |i| i + metryka + 1);
    let mut fields: Vec<(String, Vec<String>, usize)> = Vec::new();
    for (i, l) in lines[metryka + 1..end].iter().enumerate() {
        let line_no = metryka + 2 + i;
        if l.trim().is_empty() {
            continue;
        }
        let indented = l.starts_with(char::is_whitespace);
        match l.split_once(':') {
            Some((k, v)) if !indented && !k.trim().is_empty() && k.len() <= 60 => {
                fields.push((k.trim().to_string(), vec![v.trim().to_string()], line_no));
            }
            _ => match fields.last_mut() {
                Some(f) => f.1.push(l.trim().to_string()),
                None => {
                    return Err(PageError::new(
                        line_no,
                        format!("metryka line without a key: {:?}", l.trim()),
                    ));
                }
            },
        }
    }
    if fields.is_empty() {
        return Err(PageError::new(metryka + 2, "empty metryka"));
    }

    let mut p = Practice::new(id, title, area, source);
    p.summary = summary;
    p.body = body;
    // The area is the page's own; the period, cost and funding come from the prose.
    let mut facts = Facts::read(&p.title, &paragraphs, "");
    facts.area = super::facts::Fact::sure(area, vec![lines[area_idx].trim().to_string()]);
    facts.apply_figures(&mut p);
    let mut warnings = Vec::new();
    for (key, values, line) in fields {
        let first = values[0].clone();
        let value = (!first.is_empty()).then_some(first.clone());
        let bad = |what: &str| PageError::new(line, format!("{key}: {what}: {first:?}"));
        let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d");
        match fold(&key).replace('@', "").as_str() {
            "data wprowadzenia do bdp" => {
                p.date_added = Some(date(&first).map_err(|_| bad("not a date YYYY-MM-DD"))?)
            }
            "data aktualizacji" => {
                p.date_updated = Some(date(&first).map_err(|_| bad("not a date YYYY-MM-DD"))?)
            }
            "typ jednostki" => {
                p.unit_type =
                    Some(UnitType::from_label(&first).ok_or_else(|| bad("unknown unit type"))?)
            }
            "miejscowosc" => p.town = value,
            "powiat" => p.powiat = value,
            "wojewodztwo" => p.voivodeship = value,
            "kod pocztowy i poczta" | "kod pocztowy" => {
                let (code, office) = first
                    .split_once(char::is_whitespace)
                    .unwrap_or((first.as_str(), ""));
                if PostalCode::parse(code).is_none() {
                    return Err(bad("not a postal code NN-NNN"));
                }
                p.postal_code = Some(code.to_string());
                p.post_office = Some(office.trim().to_string()).filter(|o| !o.is_empty());
            }
            "poczta" => p.post_office = value,
            "jednostka wdrazajaca" => p.unit = value,
            "ulica" | "adres" => p.street = value,
            "telefon" | "tel" => p.phone = value,
            // The database misspells "Witryna" as "Wirtyna" on some pages.
            "witryna internetowa" | "wirtyna internetowa" | "strona internetowa" | "www" => {
                p.websites = first
                    .split([';', ',', ' '])
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            "adres email" | "adres e-mail" | "email" | "e-mail" => p.email = value,
            "liczba mieszkancow" => {
                p.population = Some(polish_int(&first).ok_or_else(|| bad("not a number"))?);
            }
            "osoby kontaktowe" | "osoba kontaktowa" => p.contacts = contacts(&values),
            _ => warnings.push(format!("line {line}: unknown metryka key {key:?} kept out")),
        }
    }
    if p.town.is_none() && p.postal_code.is_none() {
        warnings.push("metryka names no town and no postal code".to_string());
    }
    p.facts_from = facts.evidence();
    Ok(Parsed {
        text: String::new(),
        practice: p,
        warnings,
        free_text: None,
        doubts: facts.doubts(),
        unit_from_place: false,
    })
}

/// Contact persons from the lines of `Osoby kontaktowe`: a name, then role,
/// `tel. ...` and `e@mail: ...` lines; a further name line starts the next person.
pub fn contacts(lines: &[String]) -> Vec<Contact> {
    let mut out: Vec<Contact> = Vec::new();
    for l in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        let lower = fold(l).replace('@', "");
        if let Some(rest) = ["tel.", "tel", "telefon:", "telefon"].iter().find_map(|p| {
            lower
                .starts_with(p)
                .then(|| l[p.len()..].trim_start_matches([':', '.']).trim())
        }) {
            if let Some(c) = out.last_mut() {
                c.phone = Some(rest.to_string());
                continue;
            }
        }
        if lower.starts_with("email") || lower.starts_with("e-mail") || lower.starts_with("mail") {
            if let Some(c) = out.last_mut() {
                let v = l.split_once(':').map_or(l, |(_, v)| v).trim();
                c.email = Some(v.to_string());
                continue;
            }
        }
        let looks_like_name = {
            let words: Vec<&str> = l.split_whitespace().collect();
            (2..=4).contains(&words.len())
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        };
        // A name line after a person's phone or e-mail starts the next person.
        let starts_new = out.is_empty()
            || looks_like_name
                && out
                    .last()
                    .is_some_and(|c| c.phone.is_some() || c.email.is_some());
        if starts_new {
            out.push(Contact {
                name: l.to_string(),
                ..Default::default()
            });
        } else if let Some(c) = out.last_mut() {
            c.role = Some(match &c.role {
                Some(r) => format!("{r}; {l}"),
                None => l.to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_lines() {
        assert_eq!(
            area_from_line("Usługi społeczne : Pomoc społeczna"),
            Some(Area::PomocSpoleczna)
        );
        assert_eq!(
            area_from_line("Uslugi spoleczne : Kultura"),
            Some(Area::Kultura)
        );
        assert_eq!(
            area_from_line("Dialog społeczny"),
            Some(Area::DialogSpoleczny)
        );
        assert_eq!(area_from_line("Usługi techniczne : Pomoc społeczna"), None);
    }

    #[test]
    fn contacts_over_several_lines() {
        let lines: Vec<String> = [
            "Marzena Nawracaj",
            "starszy specjalista pracy socjalnej - koordynator",
            "tel. 33 488 63 89 , 32 745 33 91",
            "e@mail: marzena.nawracaj@poczta.fm",
        ]
        .map(String::from)
        .to_vec();
        let c = contacts(&lines);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "Marzena Nawracaj");
        assert_eq!(
            c[0].role.as_deref(),
            Some("starszy specjalista pracy socjalnej - koordynator")
        );
        assert_eq!(c[0].phone.as_deref(), Some("33 488 63 89 , 32 745 33 91"));
        assert_eq!(c[0].email.as_deref(), Some("marzena.nawracaj@poczta.fm"));
    }
}
