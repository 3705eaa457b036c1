//! Name normalisation: case and diacritic folding, tokens, Polish inflection.

/// Folds one character to lower-case ASCII where it is a Latin letter with a
/// diacritic (Polish first, then the common Western and Central European ones).
fn fold_char(c: char, out: &mut String) {
    let f = match c {
        'ą' | 'Ą' => 'a',
        'ć' | 'Ć' => 'c',
        'ę' | 'Ę' => 'e',
        'ł' | 'Ł' => 'l',
        'ń' | 'Ń' => 'n',
        'ó' | 'Ó' => 'o',
        'ś' | 'Ś' => 's',
        'ź' | 'Ź' | 'ż' | 'Ż' => 'z',
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ě' | 'É' | 'È' | 'Ê' | 'Ë' | 'Ě' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ò' | 'ô' | 'ö' | 'õ' | 'ő' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ő' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'ű' | 'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ů' | 'Ű' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'č' | 'ç' | 'Č' | 'Ç' => 'c',
        'ď' | 'Ď' => 'd',
        'ň' | 'ñ' | 'Ň' | 'Ñ' => 'n',
        'ř' | 'Ř' => 'r',
        'š' | 'Š' => 's',
        'ť' | 'Ť' => 't',
        'ž' | 'Ž' => 'z',
        'ß' => {
            out.push_str("ss");
            return;
        }
        c if c.is_ascii() => c.to_ascii_lowercase(),
        c => {
            // Anything else as the page folds it: compatibility forms to their
            // letters (NFKC: full-width "Ｋ" → "K", "ﬁ" → "fi"), lower case,
            // canonical decomposition, marks dropped ("ș" → "s");
            // tests/fixtures/folding.json.
            unicode_normalization::char::decompose_compatible(c, |k| {
                for l in k.to_lowercase() {
                    unicode_normalization::char::decompose_canonical(l, |d| {
                        if !unicode_normalization::char::is_combining_mark(d) {
                            out.push(d);
                        }
                    });
                }
            });
            return;
        }
    };
    out.push(f);
}

/// Folds compatibility forms, case and diacritics: `"Dąbrowa Górnicza"` →
/// `"dabrowa gornicza"`, `"ＫＲＡＫÓＷ"` → `"krakow"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// The lookup key of a name: folded, every run of characters other than letters
/// and digits turned into one space (`"Bielsko-Biała"` → `"bielsko biala"`).
pub fn key(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut folded);
    }
    let mut out = String::with_capacity(folded.len());
    for w in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Nominative candidates of a folded word that may be a locative (after "w"/"we")
/// or genitive form of a Polish place name or adjective, the word itself first.
/// `"zawierciu"` → `["zawierciu", "zawiercie", ...]`, `"dabrowie"` → `[..., "dabrowa"]`.
pub fn nominatives(word: &str) -> Vec<String> {
    // (suffix, replacements), tried in order; several may apply.
    const RULES: &[(&str, &[&str])] = &[
        ("ymstoku", &["ystok"]),
        ("iego", &["i"]),
        ("ego", &["y"]),
        // Plural adjectives of multi-word names: "Nowych Czaplach" → "Nowe
        // Czaple", "Wielkich" → "Wielkie".
        ("ych", &["e", "y"]),
        ("ich", &["ie", "i"]),
        ("ach", &["e", "y", "i", "a"]),
        ("iej", &["a"]),
        ("ej", &["a"]),
        ("dzie", &["da"]),
        ("cie", &["ta", "t"]),
        ("rze", &["ra"]),
        ("dze", &["ga"]),
        ("ce", &["ka"]),
        ("le", &["la"]),
        ("ie", &["a", "", "o"]),
        ("iu", &["ie", "", "ia"]),
        ("ku", &["ek"]),
        ("cu", &["iec", "ec"]),
        ("u", &["", "o", "e"]),
        ("ym", &["y", "e"]),
        ("im", &["i", "ie"]),
        ("i", &["", "a", "ia", "e"]),
        ("y", &["", "a"]),
    ];
    let mut out = vec![word.to_string()];
    if word.len() < 3 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return out;
    }
    for (suffix, repls) in RULES {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.len() < 2 {
                continue;
            }
            for r in *repls {
                let cand = format!("{stem}{r}");
                if !out.contains(&cand) {
                    out.push(cand);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folding cases shared with the page's `static/js/text.js` tests.
    #[test]
    fn folds_like_the_page() {
        let cases: Vec<(String, String)> =
            serde_json::from_str(include_str!("../../tests/fixtures/folding.json")).unwrap();
        assert!(cases.len() >= 10);
        for (input, folded) in cases {
            assert_eq!(fold(&input), folded, "fold({input:?})");
        }
    }

    #[test]
    fn folds_polish_letters() {
        assert_eq!(fold("ŁÓDŹ Żółć Ęą"), "lodz zolc ea");
        assert_eq!(key("  Bielsko-Biała,  śląskie "), "bielsko biala slaskie");
        assert_eq!(
            key("ul. Jana III Sobieskiego 15 b"),
            "ul jana iii sobieskiego 15 b"
        );
    }

    #[test]
    fn locatives_reach_their_nominative() {
        for (loc, nom) in [
            ("zawierciu", "zawiercie"),
            ("wloclawku", "wloclawek"),
            ("dabrowie", "dabrowa"),
            ("gorniczej", "gornicza"),
            ("bielsku", "bielsko"),
            ("bialej", "biala"),
            ("nowym", "nowy"),
            ("saczu", "sacz"),
            ("kielcach", "kielce"),
            ("lodzi", "lodz"),
            ("krakowie", "krakow"),
            ("gdansku", "gdansk"),
            ("poznaniu", "poznan"),
            ("oswiecimiu", "oswiecim"),
            ("sosnowcu", "sosnowiec"),
            ("gorze", "gora"),
            ("gdyni", "gdynia"),
            ("bydgoszczy", "bydgoszcz"),
            ("opolu", "opole"),
            ("tychach", "tychy"),
            ("sopocie", "sopot"),
            ("bialymstoku", "bialystok"),
            ("zawiercianskim", "zawiercianski"),
            ("oswiecimskiego", "oswiecimski"),
            ("nowych", "nowe"),
            ("wielkich", "wielkie"),
            ("czaplach", "czaple"),
            ("rasztowskiej", "rasztowska"),
        ] {
            assert!(
                nominatives(loc).contains(&nom.to_string()),
                "{loc} -> {nom}"
            );
        }
    }
}
