//! CSV as handed to people (downloads and `export`): the dataset's columns
//! ([`crate::store::write_csv`]) with every cell that a spreadsheet would run as
//! a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! prefixed with `'`, in the plain dialect (UTF-8, `,`) or the one Polish
//! Excel opens as is (UTF-8 with a byte-order mark, `;`).

use std::io::Write;

use crate::practice::Practice;
use crate::store::{StoreError, write_rows};

/// The two CSV dialects offered to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// UTF-8 without a byte-order mark, comma-separated (RFC 4180).
    #[default]
    Plain,
    /// UTF-8 with a byte-order mark, semicolon-separated: what Excel set to a
    /// Polish locale opens with the right letters and columns.
    Excel,
}

/// A cell that a spreadsheet would not evaluate: `'` before a leading `=`,
/// `+`, `-`, `@`, tab or carriage return (OWASP's advice on CSV injection).
///
/// A value that already begins with `'` before such a character gets one
/// more, so that reading the file back (which drops one) restores it.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if crate::store::formula_start(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Writes practices for people to open: the dataset's columns, formulas
/// neutralised, in `dialect`, one row at a time.
pub fn write_user_csv<W: Write, P: std::borrow::Borrow<Practice>>(
    mut w: W,
    practices: impl IntoIterator<Item = P>,
    dialect: Dialect,
) -> Result<(), StoreError> {
    let delimiter = match dialect {
        Dialect::Plain => b',',
        Dialect::Excel => {
            w.write_all("\u{feff}".as_bytes())
                .map_err(|e| StoreError::Write(e.to_string()))?;
            b';'
        }
    };
    let wtr = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(w);
    write_rows(wtr, practices, |cell| match neutralise(&cell) {
        std::borrow::Cow::Borrowed(_) => cell,
        std::borrow::Cow::Owned(safe) => safe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(title: &str, phone: &str) -> Practice {
        let mut p =
            crate::synthetic::practices(crate::gazetteer::Gazetteer::bundled(), 1, 7).remove(0);
        p.title = title.into();
        p.phone = Some(phone.into());
        p
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+48 32 123"), "'+48 32 123");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Żłobek = dom"), "Żłobek = dom");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn excel_dialect_has_bom_semicolons_and_no_live_formula() {
        let rows = [practice("=1+1 Żłobek; \"nowy\"", "+48 32 000 00 00")];
        let mut out = Vec::new();
        write_user_csv(&mut out, &rows, Dialect::Excel).unwrap();
        assert!(out.starts_with("\u{feff}id;title;".as_bytes()));
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&out[3..]);
        let headers = rdr.headers().unwrap().clone();
        let row = rdr.records().next().unwrap().unwrap();
        let col = |name: &str| &row[headers.iter().position(|h| h == name).unwrap()];
        assert_eq!(col("title"), "'=1+1 Żłobek; \"nowy\"");
        assert_eq!(col("phone"), "'+48 32 000 00 00");
    }

    #[test]
    fn plain_dialect_is_comma_separated_without_bom() {
        let rows = [practice("Żłobek", "32 000 00 00")];
        let mut out = Vec::new();
        write_user_csv(&mut out, &rows, Dialect::Plain).unwrap();
        assert!(out.starts_with(b"id,title,"));
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(",Żłobek,"), "{text}");
    }
}
