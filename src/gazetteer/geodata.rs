//! The gazetteer's files as text (`geodata/`, embedded at build time), the
//! error that names a bad line of one, and the reading of their rows: the
//! floor every loader stands on.

/// The gazetteer's files as text, as `scripts/build_geodata.py` writes them.
#[derive(Debug, Clone, Copy)]
pub struct GeodataText<'a> {
    /// `postal.tsv`: one row per (postal code, locality).
    pub postal: &'a str,
    /// `population.tsv`: populations and centres of localities from cities500.
    pub population: &'a str,
    /// `gminas.tsv`.
    pub gminas: &'a str,
    /// `powiats.tsv`.
    pub powiats: &'a str,
    /// `voivodeships.tsv`.
    pub voivodeships: &'a str,
    /// `voivodeships.geojson`: the 16 outlines.
    pub outlines: &'a str,
    /// `districts.tsv`: districts and estates of towns, from cities500.
    pub districts: &'a str,
    /// `altnames.tsv`: alternate and foreign names of towns, from cities500.
    pub altnames: &'a str,
    /// `inflections.tsv`: the inflected forms of every name SGJP can decline.
    pub inflections: &'a str,
}

impl GeodataText<'static> {
    /// The files embedded in the binary at build time.
    pub const EMBEDDED: GeodataText<'static> = GeodataText {
        postal: include_str!("../../geodata/postal.tsv"),
        population: include_str!("../../geodata/population.tsv"),
        gminas: include_str!("../../geodata/gminas.tsv"),
        powiats: include_str!("../../geodata/powiats.tsv"),
        voivodeships: include_str!("../../geodata/voivodeships.tsv"),
        outlines: include_str!("../../geodata/voivodeships.geojson"),
        districts: include_str!("../../geodata/districts.tsv"),
        altnames: include_str!("../../geodata/altnames.tsv"),
        inflections: include_str!("../../geodata/inflections.tsv"),
    };
}

/// A problem in the gazetteer files.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("geodata/{file}:{line}: {problem}")]
pub struct GazetteerError {
    /// The file, e.g. `postal.tsv`.
    pub file: &'static str,
    /// 1-based line number (0 for whole-file problems).
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

/// The data rows of a TSV file (after its header, blank lines skipped), each
/// with its 1-based line number, checked to have `columns` fields.
pub(super) fn rows<'a>(
    file: &'static str,
    text: &'a str,
    columns: usize,
) -> impl Iterator<Item = Result<(usize, Vec<&'a str>), GazetteerError>> + 'a {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.is_empty())
        .map(move |(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() != columns {
                return Err(GazetteerError {
                    file,
                    line: i + 1,
                    problem: format!("{} columns, expected {columns}", f.len()),
                });
            }
            Ok((i + 1, f))
        })
}

/// A finite number in a field, or an error naming the file, line and field.
pub(super) fn num(
    file: &'static str,
    line: usize,
    what: &str,
    s: &str,
) -> Result<f64, GazetteerError> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| GazetteerError {
            file,
            line,
            problem: format!("{what}: not a number: {s:?}"),
        })
}

/// A whole count (a population) in a field, or an error naming the file, line and field.
pub(super) fn count(
    file: &'static str,
    line: usize,
    what: &str,
    s: &str,
) -> Result<u32, GazetteerError> {
    s.parse().map_err(|_| GazetteerError {
        file,
        line,
        problem: format!("{what}: not a number: {s:?}"),
    })
}

/// What tells namesakes apart in the files: a locality's gmina TERYT, or its
/// voivodeship's where it has no gmina.
pub(super) fn group<'a>(gmina: &'a str, voivodeship: &'a str) -> &'a str {
    if gmina.is_empty() { voivodeship } else { gmina }
}
