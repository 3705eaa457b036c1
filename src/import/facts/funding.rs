//! Who paid: the programmes and funders a page names, in the nominative
//! (`ze środków Europejskiego Funduszu Społecznego w ramach Regionalnego
//! Programu Operacyjnego Województwa Kujawsko-Pomorskiego` → `Europejski
//! Fundusz Społeczny; Regionalny Program Operacyjny Województwa
//! Kujawsko-Pomorskiego`). Each funder is a pattern over its name in any case
//! and its abbreviation; the European Union alone counts only when nothing
//! more precise is named.

use std::sync::LazyLock;

use regex::Regex;

use super::Fact;

/// A capitalised word of a name (`Kujawsko-Pomorskiego`, `Warmia`).
const NAME: &str = r"\p{Lu}[\p{L}-]+";

/// Funders: the pattern, and the nominative name; `{1}` in the name is the
/// pattern's first group (a region, a town), kept as written.
static FUNDERS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let rpo_tail =
        format!(r"(?:\s+((?:Województwa\s+{NAME}(?:\s+{NAME})?)|(?:{NAME}(?:\s+i\s+{NAME})?)))?");
    let table: Vec<(String, &'static str)> = vec![
        (
            format!(r"\bRegionaln\p{{L}}*\s+Program\p{{L}}*\s+Operacyjn\p{{L}}*{rpo_tail}"),
            "Regionalny Program Operacyjny {1}",
        ),
        (
            r"\bRPO\s*(W[\p{Lu}\p{Ll}-]{1,8})?\b".into(),
            "Regionalny Program Operacyjny {1}",
        ),
        (
            r"\bProgram\p{L}*\s+Operacyjn\p{L}*\s+Wiedza\s+Edukacja\s+Rozw\p{L}*|\bPO\s*WER\b".into(),
            "Program Operacyjny Wiedza Edukacja Rozwój",
        ),
        (
            r"\bProgram\p{L}*\s+Operacyjn\p{L}*\s+Polska\s+Cyfrowa|\bPOPC\b".into(),
            "Program Operacyjny Polska Cyfrowa",
        ),
        (
            r"\bProgram\p{L}*\s+Operacyjn\p{L}*\s+Infrastruktura\s+i\s+Środowisko|\bPOIiŚ\b".into(),
            "Program Operacyjny Infrastruktura i Środowisko",
        ),
        (
            r"\bProgram\p{L}*\s+Operacyjn\p{L}*\s+Polska\s+Wschodnia".into(),
            "Program Operacyjny Polska Wschodnia",
        ),
        (
            r"(?i)\bProgram\p{L}*\s+Rozwoju\s+Obszarów\s+Wiejskich|\bPROW\b".into(),
            "Program Rozwoju Obszarów Wiejskich",
        ),
        (
            r"(?i)\bEuropejsk\p{L}*\s+Fundusz\p{L}*\s+Społeczn\p{L}*|\bEFS\b".into(),
            "Europejski Fundusz Społeczny",
        ),
        (
            r"(?i)\bEuropejsk\p{L}*\s+Fundusz\p{L}*\s+Rozwoju\s+Regionalnego|\bEFRR\b".into(),
            "Europejski Fundusz Rozwoju Regionalnego",
        ),
        (
            r"(?i)\bFundusz\p{L}*\s+Europejsk\p{L}*\s+dla\s+((?:\p{Lu}[\p{L}-]+)(?:\s+i\s+\p{Lu}[\p{L}-]+)?)".into(),
            "Fundusze Europejskie dla {1}",
        ),
        (
            r"(?i)\bRządow\p{L}*\s+Fundusz\p{L}*\s+Polski\s+Ład|\bPolski\p{L}*\s+Ład\p{L}*|\bProgram\p{L}*\s+Inwestycji\s+Strategicznych".into(),
            "Rządowy Fundusz Polski Ład",
        ),
        (
            r"(?i)\bRządow\p{L}*\s+Fundusz\p{L}*\s+Inwestycji\s+Lokalnych|\bRFIL\b".into(),
            "Rządowy Fundusz Inwestycji Lokalnych",
        ),
        (
            r"(?i)\bRządow\p{L}*\s+Fundusz\p{L}*\s+Rozwoju\s+Dróg|\bFundusz\p{L}*\s+Dróg\s+Samorządowych|\bRFRD\b".into(),
            "Rządowy Fundusz Rozwoju Dróg",
        ),
        (
            r"(?i)\bPFRON\p{L}*|\bPaństwow\p{L}*\s+Fundusz\p{L}*\s+Rehabilitacji".into(),
            "PFRON",
        ),
        (
            r"(?i)\bSolidarnościow\p{L}*\s+Fundusz\p{L}*".into(),
            "Solidarnościowy Fundusz Wsparcia Osób Niepełnosprawnych",
        ),
        (
            r"(?i)\bbudżet\p{L}*\s+(?:obywatelsk|partycypacyjn)\p{L}*".into(),
            "budżet obywatelski",
        ),
        (r"(?i)\bfundusz\p{L}*\s+sołeck\p{L}*".into(), "fundusz sołecki"),
        (
            format!(
                r"(?i)\bWojewódzk\p{{L}}*\s+Fundusz\p{{L}}*\s+Ochrony\s+Środowiska(?:\s+i\s+Gospodarki\s+Wodnej)?(?-i:\s+w\s+({NAME}))?|\bWFO[ŚS]\p{{L}}*"
            ),
            "Wojewódzki Fundusz Ochrony Środowiska i Gospodarki Wodnej w {1}",
        ),
        (
            r"(?i)\bNarodow\p{L}*\s+Fundusz\p{L}*\s+Ochrony\s+Środowiska|\bNFO[ŚS]\p{L}*".into(),
            "Narodowy Fundusz Ochrony Środowiska i Gospodarki Wodnej",
        ),
        (
            r"(?i)\bCzyste\s+Powietrze\b".into(),
            "program Czyste Powietrze",
        ),
        (
            r"(?i)\bFundusz\p{L}*\s+Inicjatyw\s+Obywatelskich|\bFIO\b".into(),
            "Fundusz Inicjatyw Obywatelskich",
        ),
        (r"(?i)\bSenior\s*\+".into(), "program Senior+"),
        (r"\bFundusz\p{L}*\s+Pracy\b".into(), "Fundusz Pracy"),
        (
            r"(?i)\bNorweski\p{L}*\s+Mechanizm\p{L}*\s+Finansow\p{L}*|\bFundusz\p{L}*\s+EOG\b|\bFunduszy\s+Norweskich".into(),
            "Norweski Mechanizm Finansowy / Fundusze EOG",
        ),
        (
            format!(r"\bMinisterstw\p{{L}}*\s+((?:{NAME}|i)(?:\s+(?:{NAME}|i)){{0,4}})"),
            "Ministerstwo {1}",
        ),
        (
            format!(r"\bMinist(?:er|ra|rowi)\s+((?:{NAME}|i)(?:\s+(?:{NAME}|i)){{0,4}})"),
            "Minister {1}",
        ),
    ];
    table
        .into_iter()
        .map(|(p, name)| (Regex::new(&p).expect("regex"), name))
        .collect()
});

/// The funder named when only the European Union is.
pub const EUROPEAN_UNION: &str = "Unia Europejska";

static UNION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bUni\p{L}*\s+Europejsk\p{L}*|\bunijn\p{L}*|\bśrodk\p{L}*\s+UE\b|\bz\s+UE\b")
        .expect("regex")
});

/// The funders a text names, in the order they first appear (see the module's
/// documentation); `None` when it names none.
pub fn funding(text: &str) -> Option<Fact<String>> {
    let mut found: Vec<(usize, String, String)> = Vec::new();
    for (re, name) in FUNDERS.iter() {
        for c in re.captures_iter(text) {
            let m = c.get(0).expect("match");
            let tail = c.get(1).map_or("", |t| t.as_str().trim());
            let tail = tail.trim_end_matches(" i").trim();
            let value = if tail.is_empty() {
                name.replace(" w {1}", "").replace(" {1}", "")
            } else {
                name.replace("{1}", tail)
            };
            if !found.iter().any(|(_, v, _)| *v == value) {
                found.push((m.start(), value, m.as_str().to_string()));
            }
        }
    }
    // A name without its region (`RPO`) gives way to the same name with one.
    let named: Vec<String> = found.iter().map(|(_, v, _)| v.clone()).collect();
    found.retain(|(_, v, _)| !named.iter().any(|o| o != v && o.starts_with(v.as_str())));
    if found.is_empty()
        && let Some(m) = UNION.find(text)
    {
        found.push((m.start(), EUROPEAN_UNION.into(), m.as_str().to_string()));
    }
    found.sort_by_key(|(at, ..)| *at);
    if found.is_empty() {
        return None;
    }
    Some(Fact::sure(
        found
            .iter()
            .map(|(_, v, _)| v.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        found
            .iter()
            .map(|(_, _, w)| super::excerpt(w, 120))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str) -> Option<String> {
        funding(text).map(|f| f.value)
    }

    #[test]
    fn programmes_in_the_nominative() {
        assert_eq!(
            f("współfinansowanego ze środków Europejskiego Funduszu Społecznego w ramach Regionalnego Programu Operacyjnego Województwa Kujawsko-Pomorskiego na lata 2014-2020").as_deref(),
            Some("Europejski Fundusz Społeczny; Regionalny Program Operacyjny Województwa Kujawsko-Pomorskiego")
        );
        assert_eq!(
            f("dotacja pochodzi z Regionalnego Programu Operacyjnego Warmia i Mazury na lata 2007-2013").as_deref(),
            Some("Regionalny Program Operacyjny Warmia i Mazury")
        );
        assert_eq!(
            f("Zadanie sfinansowano z Rządowego Funduszu Polski Ład.").as_deref(),
            Some("Rządowy Fundusz Polski Ład")
        );
        assert_eq!(
            f("Dofinansowanie z PROW i ze środków PFRON-u.").as_deref(),
            Some("Program Rozwoju Obszarów Wiejskich; PFRON")
        );
        assert_eq!(
            f("Plac zabaw zbudowano z budżetu obywatelskiego.").as_deref(),
            Some("budżet obywatelski")
        );
        assert_eq!(
            f("przy wsparciu Wojewódzkiego Funduszu Ochrony Środowiska i Gospodarki Wodnej w Olsztynie").as_deref(),
            Some("Wojewódzki Fundusz Ochrony Środowiska i Gospodarki Wodnej w Olsztynie")
        );
        assert_eq!(
            f("z WFOŚiGW").as_deref(),
            Some("Wojewódzki Fundusz Ochrony Środowiska i Gospodarki Wodnej")
        );
    }

    #[test]
    fn the_union_only_when_nothing_more_precise() {
        assert_eq!(
            f("Projekt dofinansowany przez Unię Europejską.").as_deref(),
            Some("Unia Europejska")
        );
        assert_eq!(
            f("Projekt dofinansowany przez Unię Europejską z EFS.").as_deref(),
            Some("Europejski Fundusz Społeczny")
        );
        assert_eq!(f("Gmina sama zapłaciła za remont."), None);
    }
}
