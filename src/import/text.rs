//! Shared helpers of the page readers: HTML to text, Polish numbers,
//! sentences and town words (the facts read from prose are in `facts/`).

use regex::Regex;
use std::sync::LazyLock;

/// How deep HTML elements may nest. Real pages stay under a hundred; the bound
/// stops a hostile page of endlessly nested or unclosed elements early.
pub const MAX_HTML_DEPTH: usize = 2_000;

/// Why an HTML page could not be read, with the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: HTML nested deeper than {MAX_HTML_DEPTH} elements (<{element}>)")]
pub struct HtmlTooDeep {
    /// 1-based line of the element past the bound.
    pub line: u64,
    /// Its tag name.
    pub element: String,
}

/// Elements whose content is not text of the page.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "title", "textarea", "select", "iframe",
];
/// Elements that start a line.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "dt",
    "dd",
    "dl",
    "blockquote",
    "pre",
    "hr",
    "form",
    "main",
    "aside",
    "td",
    "th",
];
/// Elements without content (never closed).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];
/// Elements a following sibling of the same name closes (`<li>a<li>b`).
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody",
];

#[derive(Default)]
struct TextSink {
    out: String,
    /// Open elements, innermost last (void elements are never pushed).
    open: Vec<html5ever::LocalName>,
    /// Inside a skipped element: its name and how many of that name are open.
    skipping: Option<(html5ever::LocalName, usize)>,
    too_deep: Option<HtmlTooDeep>,
    /// The first `<link rel="canonical" href>`.
    canonical: Option<String>,
    /// The first `<meta property="og:url" content>`.
    og_url: Option<String>,
}

impl TextSink {
    /// Keeps the page's own address from `<link rel="canonical">` or
    /// `<meta property="og:url">` (the first of each).
    fn page_address(&mut self, tag: &html5ever::tokenizer::Tag) {
        let attr = |name: &str| {
            tag.attrs
                .iter()
                .find(|a| a.name.local.as_ref() == name)
                .map(|a| a.value.trim().to_string())
        };
        if tag.name.as_ref() == "link" && self.canonical.is_none() {
            let canonical = attr("rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
            });
            if canonical {
                self.canonical = attr("href").filter(|h| !h.is_empty());
            }
        } else if tag.name.as_ref() == "meta" && self.og_url.is_none() {
            let og = attr("property")
                .or_else(|| attr("name"))
                .is_some_and(|p| p.eq_ignore_ascii_case("og:url"));
            if og {
                self.og_url = attr("content").filter(|h| !h.is_empty());
            }
        }
    }

    fn newline(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn tag(
        &mut self,
        tag: html5ever::tokenizer::Tag,
        line: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<()> {
        use html5ever::tokenizer::states::RawKind;
        use html5ever::tokenizer::{TagKind, TokenSinkResult};
        let name = tag.name.clone();
        let n: &str = &name;
        if tag.kind == TagKind::StartTag && (n == "link" || n == "meta") {
            self.page_address(&tag);
        }
        if let Some((skip, depth)) = &mut self.skipping {
            if *skip == name {
                match tag.kind {
                    TagKind::StartTag if !tag.self_closing => *depth += 1,
                    TagKind::EndTag => *depth -= 1,
                    TagKind::StartTag => {}
                }
                if *depth == 0 {
                    self.skipping = None;
                }
            }
            return TokenSinkResult::Continue;
        }
        match tag.kind {
            TagKind::StartTag => {
                if SKIP.contains(&n) {
                    if tag.self_closing {
                        return TokenSinkResult::Continue;
                    }
                    self.skipping = Some((name.clone(), 1));
                    return match n {
                        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                        "style" | "noscript" | "iframe" => {
                            TokenSinkResult::RawData(RawKind::Rawtext)
                        }
                        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                        _ => TokenSinkResult::Continue,
                    };
                }
                if BLOCK.contains(&n) {
                    self.newline();
                }
                if VOID.contains(&n) || tag.self_closing {
                    return TokenSinkResult::Continue;
                }
                if SELF_CLOSING_SIBLINGS.contains(&n) && self.open.last() == Some(&name) {
                    self.open.pop();
                }
                self.open.push(tag.name);
                if self.open.len() > MAX_HTML_DEPTH && self.too_deep.is_none() {
                    self.too_deep = Some(HtmlTooDeep {
                        line,
                        element: n.to_string(),
                    });
                }
            }
            TagKind::EndTag => {
                // Close up to the matching element, if it is open near the top.
                if let Some(i) = self.open.iter().rev().take(64).position(|o| *o == name) {
                    let keep = self.open.len() - 1 - i;
                    self.open.truncate(keep);
                }
                if BLOCK.contains(&n) {
                    self.newline();
                }
                if n == "p" || n.len() == 2 && n.starts_with('h') && n != "hr" {
                    self.out.push('\n');
                }
            }
        }
        TokenSinkResult::Continue
    }
}

struct Sink(std::cell::RefCell<TextSink>);

impl html5ever::tokenizer::TokenSink for Sink {
    type Handle = ();

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        line: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<()> {
        use html5ever::tokenizer::{Token, TokenSinkResult};
        let mut s = self.0.borrow_mut();
        if s.too_deep.is_some() {
            return TokenSinkResult::Continue;
        }
        match token {
            Token::TagToken(tag) => s.tag(tag, line),
            Token::CharacterTokens(t) if s.skipping.is_none() => {
                for c in t.chars() {
                    s.out.push(if c == '\n' || c == '\r' { ' ' } else { c });
                }
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// Text of an HTML page with block elements on their own lines; scripts,
/// styles and other non-content elements are left out. One pass of the HTML
/// tokenizer, linear in the page's size whatever its nesting; a page nested
/// deeper than [`MAX_HTML_DEPTH`] is refused with the line where it went past.
pub fn html_to_text(html: &str) -> Result<String, HtmlTooDeep> {
    html_page(html).map(|p| p.text)
}

/// An HTML page read in one pass: its text (as [`html_to_text`] gives it) and
/// the address it names for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlPage {
    /// The text, block elements on their own lines.
    pub text: String,
    /// `<link rel="canonical" href>`, else `<meta property="og:url" content>`,
    /// as written (not yet checked).
    pub address: Option<String>,
}

/// Reads an HTML page's text and its own address in one pass.
pub fn html_page(html: &str) -> Result<HtmlPage, HtmlTooDeep> {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
    let tok = Tokenizer::new(Sink(Default::default()), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tok.feed(&input);
    tok.end();
    let sink = tok.sink.0.into_inner();
    match sink.too_deep {
        Some(e) => Err(e),
        None => Ok(HtmlPage {
            text: sink.out,
            address: sink.canonical.or(sink.og_url),
        }),
    }
}

/// Parses a Polish-formatted whole number: `40.419`, `203 609`, `2 606 029`
/// (dots, spaces and non-breaking spaces as thousands separators).
pub fn polish_int(s: &str) -> Option<u64> {
    let digits: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Splits prose into sentences at `.`, `!`, `?` followed by a space or the end,
/// keeping abbreviations such as `m.in.` and numbers together well enough for
/// finding facts.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    static END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[.!?](\s+[A-ZĄĆĘŁŃÓŚŹŻ„“]|\s*\n|\s*$)").expect("regex"));
    let mut out = Vec::new();
    let mut start = 0;
    for m in END.find_iter(text) {
        let end = m.start() + 1;
        out.push(&text[start..end]);
        start = end;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter().map(str::trim).filter(|s| !s.is_empty())
}

/// Words of a town after a preposition (or after `Gmina`): the first, and further ones only
/// while they look like parts of a place name (`Legnickim Polu`, `Bystrej
/// Podhalańskiej`) rather than a following person's name (`Lipnicy Katarzyna`).
pub fn town_words(town: &str) -> String {
    const FEMININE_PLACE_WORDS: &[&str] = &[
        "wielka",
        "mała",
        "dolna",
        "górna",
        "stara",
        "nowa",
        "wola",
        "wieś",
        "góra",
        "kościelna",
        "duża",
        "średnia",
        "szlachecka",
        "królewska",
        "wólka",
        "biała",
        "czarna",
        "zielona",
        "długa",
        "sucha",
        "ruda",
        "kamienna",
        "wysoka",
        "szeroka",
    ];
    let mut words = town.split_whitespace();
    let mut out = words.next().unwrap_or_default().to_string();
    for w in words {
        let l = w.to_lowercase();
        if ["pan", "pani", "panią", "panem", "pana", "państwo"].contains(&l.as_str()) {
            break;
        }
        let place_like = l.ends_with(['u', 'e', 'm', 'j', 'h', 'i', 'y'])
            || ["ska", "cka", "dzka"].iter().any(|s| l.ends_with(s))
            || FEMININE_PLACE_WORDS.contains(&l.as_str());
        if !place_like {
            break;
        }
        out.push(' ');
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_numbers() {
        assert_eq!(polish_int("40.419"), Some(40_419));
        assert_eq!(polish_int("2 606 029"), Some(2_606_029));
        assert_eq!(polish_int("203\u{a0}609"), Some(203_609));
        assert_eq!(polish_int("12a"), None);
        assert_eq!(polish_int(""), None);
    }

    #[test]
    fn html_blocks_become_lines() {
        let t = html_to_text(
            "<html><head><title>x</title><script>var a=1;</script></head><body><p>Jeden <b>dwa</b></p><div>Trzy &amp; cztery</div></body></html>",
        )
        .unwrap();
        assert!(t.contains("Jeden dwa\n"));
        assert!(t.contains("Trzy & cztery"));
        assert!(!t.contains('x'));
        assert!(!t.contains("var a"));
    }

    #[test]
    fn deep_or_unclosed_html_is_refused_quickly() {
        // 100,000 nested elements: no stack overflow, an error with the line.
        let deep = format!(
            "<p>x</p>\n{}{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let e = html_to_text(&deep).unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.element, "div");
        // 1,000,000 unclosed elements: refused in one pass.
        let unclosed = "<div>".repeat(1_000_000);
        assert!(html_to_text(&unclosed).is_err());
        // Deep but within the bound, and siblings that close each other, read.
        let ok = format!("{}Tekst{}", "<span>".repeat(500), "</span>".repeat(500));
        assert_eq!(html_to_text(&ok).unwrap(), "Tekst");
        let list = format!("<ul>{}</ul>", "<li>punkt".repeat(5_000));
        assert_eq!(
            html_to_text(&list)
                .unwrap()
                .lines()
                .filter(|l| *l == "punkt")
                .count(),
            5_000
        );
    }
}
