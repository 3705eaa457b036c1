//! The layers that `src/lib.rs`'s tour describes hold in the code: every
//! top-level module imports only from modules on a lower floor, no modules
//! below `src/` import each other in a circle, and the protocol folders of
//! `src/api` never import each other.
//!
//! Imports are read as text, the way a reader follows them: every
//! `crate::a::b` and `super::…` path outside `#[cfg(test)]` code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// `(module path under src, file text without its tests)` for every `.rs` file.
fn sources() -> Vec<(Vec<String>, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new(SRC), &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(SRC).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // The crate's root, the binary, and unit-test files (`tests.rs`,
            // compiled only under `#[cfg(test)]`).
            if parts == ["lib"] || parts == ["main"] || parts.last().is_some_and(|l| l == "tests") {
                return None;
            }
            if parts.last().is_some_and(|l| l == "mod") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let code = match text.find("#[cfg(test)]") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            Some((parts, code))
        })
        .collect()
}

/// Whether `path` (module components) names a file or folder under `src/`.
fn exists(path: &[String]) -> bool {
    let mut p = PathBuf::from(SRC);
    p.extend(path);
    p.is_dir() || p.with_extension("rs").is_file()
}

/// The modules a file's code refers to, each cut to the longest prefix that
/// is a file or folder.
fn targets(here: &[String], code: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        let at_word = i == 0 || !ident(b[i - 1]);
        let mut path: Vec<String> = if at_word && b[i..].starts_with(b"crate::") {
            i += "crate::".len();
            Vec::new()
        } else if at_word && b[i..].starts_with(b"super::") {
            let mut up = 0;
            while b[i..].starts_with(b"super::") {
                up += 1;
                i += "super::".len();
            }
            here[..here.len().saturating_sub(up)].to_vec()
        } else {
            i += 1;
            continue;
        };
        // `use super::{a::X, b}`: each item's first segment under the base.
        if b.get(i) == Some(&b'{') {
            let end = code[i..].find('}').map_or(b.len(), |e| i + e);
            for item in code[i + 1..end].split(',') {
                let first: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let mut p = path.clone();
                p.push(first);
                let longest = (1..=p.len()).rev().find(|&k| exists(&p[..k]));
                if let Some(k) = longest {
                    out.insert(p[..k].to_vec());
                }
            }
            i = end;
            continue;
        }
        // The path's segments: identifiers joined by `::`.
        loop {
            let start = i;
            while i < b.len() && ident(b[i]) {
                i += 1;
            }
            if start == i {
                break;
            }
            path.push(String::from_utf8_lossy(&b[start..i]).into_owned());
            if b[i..].starts_with(b"::") && b.get(i + 2).is_some_and(|&c| ident(c)) {
                i += 2;
            } else {
                break;
            }
        }
        let longest = (1..=path.len()).rev().find(|&k| exists(&path[..k]));
        if let Some(k) = longest {
            out.insert(path[..k].to_vec());
        }
    }
    out
}

/// Module-to-module edges with modules cut to `depth` components.
fn edges(depth: usize) -> BTreeMap<String, BTreeSet<String>> {
    let cut = |m: &[String]| m[..m.len().min(depth)].join("::");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (here, code) in sources() {
        let from = cut(&here);
        out.entry(from.clone()).or_default();
        for t in targets(&here, &code) {
            let to = cut(&t);
            if to != from {
                out.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    out
}

/// The floors table of the tour: lines `//!   N  module, module, …` between
/// the lines `//! Floors` and the first blank doc line after it.
fn floors() -> BTreeMap<String, u32> {
    let lib = std::fs::read_to_string(format!("{SRC}/lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in lib.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        let doc = doc.trim();
        if doc.starts_with("Floors") {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if doc.is_empty() || doc.starts_with("```") {
            if out.is_empty() {
                continue;
            }
            break;
        }
        let (n, mods) = doc.split_once(char::is_whitespace).unwrap();
        let n: u32 = n
            .parse()
            .unwrap_or_else(|_| panic!("floor number in {doc:?}"));
        for m in mods.split(',') {
            out.insert(m.trim().to_string(), n);
        }
    }
    assert!(!out.is_empty(), "src/lib.rs has no floors table");
    out
}

#[test]
fn every_module_imports_only_from_lower_floors() {
    let floors = floors();
    let mut wrong = Vec::new();
    for (from, tos) in edges(1) {
        let f = *floors
            .get(&from)
            .unwrap_or_else(|| panic!("module {from} is missing from the floors in src/lib.rs"));
        for to in tos {
            let t = *floors
                .get(&to)
                .unwrap_or_else(|| panic!("module {to} is missing from the floors in src/lib.rs"));
            if t >= f {
                wrong.push(format!("{from} (floor {f}) imports {to} (floor {t})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the floors:\n{}",
        wrong.join("\n")
    );
    for m in floors.keys() {
        assert!(
            exists(std::slice::from_ref(m)),
            "the floors name {m}, which is not a module"
        );
    }
}

/// Strongly connected groups of two or more modules (Tarjan).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<Vec<String>>,
    }
    impl<'a> T<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.g.get(v).into_iter().flatten() {
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let lw = self.low[w.as_str()];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.stack.contains(&w.as_str()) {
                    let iw = self.index[w.as_str()];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                loop {
                    let w = self.stack.pop().unwrap();
                    comp.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    for depth in [2, 3] {
        let found = cycles(&edges(depth));
        assert!(
            found.is_empty(),
            "import cycles at depth {depth}: {found:?}"
        );
    }
}

#[test]
fn protocol_folders_never_import_each_other() {
    let protocols = ["api::edit", "api::geocoding", "api::ogc", "api::practices"];
    for (from, tos) in edges(2) {
        for to in tos {
            assert!(
                !(protocols.contains(&from.as_str()) && protocols.contains(&to.as_str())),
                "{from} imports {to}: what two protocols share belongs a floor down"
            );
        }
    }
}

#[test]
fn the_reader_finds_a_known_import() {
    // The test's own reader must see an arrow that exists, or the checks above
    // could pass by reading nothing.
    let g = edges(1);
    assert!(g["api"].contains("gazetteer"), "{:?}", g["api"]);
}
