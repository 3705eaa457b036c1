//! SVG charts and maps for the pages: the one place that writes SVG. Every
//! text is escaped here; the templates insert the result as it is.
//!
//! Maps use a plain equirectangular projection with longitudes shrunk by
//! the cosine of the middle latitude (Poland spans 5°, where this is close
//! to what a reader expects of a map of it).

use std::fmt::Write;
use std::sync::OnceLock;

use geo::{BoundingRect, MultiPolygon};

use crate::gazetteer::Gazetteer;

/// Escapes text for SVG/XML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A projection of a lon/lat box onto a width.
#[derive(Debug, Clone, Copy)]
struct Frame {
    min_lon: f64,
    max_lat: f64,
    k: f64,
    shrink: f64,
    width: f64,
    height: f64,
}

impl Frame {
    fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64, width: f64) -> Frame {
        let shrink = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let k = width / ((max_lon - min_lon) * shrink).max(1e-9);
        Frame {
            min_lon,
            max_lat,
            k,
            shrink,
            width,
            height: (max_lat - min_lat) * k,
        }
    }

    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.min_lon) * self.shrink * self.k,
            (self.max_lat - lat) * self.k,
        )
    }

    fn path(&self, mp: &MultiPolygon<f64>) -> String {
        let mut d = String::new();
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for (i, c) in ring.0.iter().enumerate() {
                    let (x, y) = self.xy(c.x, c.y);
                    let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { 'M' } else { 'L' });
                }
                d.push('Z');
            }
        }
        d
    }
}

/// A small map: a voivodeship's outline with a dot where the practice is.
pub fn locator(outline: &MultiPolygon<f64>, lon: f64, lat: f64, label: &str) -> String {
    let Some(r) = outline.bounding_rect() else {
        return String::new();
    };
    let pad = 0.1;
    let f = Frame::new(
        r.min().x - pad,
        r.min().y - pad,
        r.max().x + pad,
        r.max().y + pad,
        300.0,
    );
    let (x, y) = f.xy(lon, lat);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"{label}\">\
<title>{label}</title>\
<path d=\"{d}\" fill=\"#eef2f6\" stroke=\"#4a5159\" stroke-width=\"1\"/>\
<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" fill=\"#b3261e\" stroke=\"#fff\" stroke-width=\"2\"/></svg>",
        w = f.width,
        h = f.height,
        label = esc(label),
        d = f.path(outline),
    )
}

/// One bar of a chart.
pub struct Bar<'a> {
    /// Its label.
    pub label: &'a str,
    /// Its value.
    pub value: usize,
}

/// A horizontal bar chart with a label and the number beside each bar.
pub fn bars(bars: &[Bar<'_>], title: &str) -> String {
    let row = 22.0;
    let label_w = 230.0;
    let bar_w = 330.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let h = row * bars.len() as f64 + 4.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 {h:.0}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * row + 2.0;
        let w = (b.value as f64 / max * bar_w).max(if b.value > 0 { 1.0 } else { 0.0 });
        let _ = write!(
            s,
            "<text x=\"{lx:.0}\" y=\"{ty:.1}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1b1f23\">{label}</text>\
<rect x=\"{bx:.0}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bh:.0}\" fill=\"#0b4f8a\"/>\
<text x=\"{nx:.1}\" y=\"{ty:.1}\" font-size=\"13\" fill=\"#1b1f23\">{v}</text>",
            lx = label_w - 6.0,
            ty = y + 15.0,
            label = esc(&shorten(b.label, 34)),
            bx = label_w,
            bh = row - 6.0,
            nx = label_w + w + 5.0,
            v = b.value,
        );
    }
    s.push_str("</svg>");
    s
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Poland's frame for the country maps.
fn poland() -> Frame {
    Frame::new(14.0, 48.95, 24.25, 54.9, 600.0)
}

/// Seven classes of a sequential blue scale (light to dark), each with a
/// text-contrast-safe stroke; class 0 is "none".
const SCALE: [&str; 7] = [
    "#f3f5f7", "#d6e4f0", "#a9c8e0", "#74a6cc", "#4682b4", "#1f5e91", "#0b3c66",
];

/// The class of a count on a scale whose largest count is `max`.
fn class(count: usize, max: usize) -> usize {
    if count == 0 || max == 0 {
        return 0;
    }
    // Square-root steps: the few large counts do not wash out the rest.
    let r = (count as f64 / max as f64).sqrt();
    1 + ((r * 5.999) as usize).min(5)
}

/// The voivodeships coloured by their counts (`count(teryt)`).
pub fn voivodeship_map(g: &Gazetteer, count: impl Fn(&str) -> usize, title: &str) -> String {
    let f = poland();
    let max = g.voivodeships().map(|v| count(v.teryt)).max().unwrap_or(0);
    let mut s = open_map(&f, title);
    for v in g.voivodeships() {
        let n = count(v.teryt);
        let _ = write!(
            s,
            "<path d=\"{}\" fill=\"{}\" stroke=\"#4a5159\" stroke-width=\"0.8\"><title>{}: {n}</title></path>",
            f.path(v.outline),
            SCALE[class(n, max)],
            esc(v.name)
        );
    }
    s.push_str("</svg>");
    s
}

fn open_map(f: &Frame, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        w = f.width,
        h = f.height,
        t = esc(title)
    )
}

/// The grid of the powiat map: cells of this many degrees of latitude (and
/// as many kilometres of longitude).
const CELL_LAT: f64 = 0.05;

/// A run of cells in a row: `(row, first column, columns)`.
type Run = (u32, u32, u32);

/// The powiat map's cells: for each powiat (TERYT), the runs of cells that
/// belong to it.
struct PowiatCells {
    runs: Vec<(String, Vec<Run>)>,
}

/// Built once: every cell of a grid over Poland whose centre lies inside a
/// voivodeship outline goes to the powiat of the nearest locality of that
/// voivodeship (the gazetteer has no powiat outlines; its 52,000
/// localities draw them closely enough for a map of counts).
fn powiat_cells(g: &'static Gazetteer) -> &'static PowiatCells {
    static CELLS: OnceLock<PowiatCells> = OnceLock::new();
    CELLS.get_or_init(|| {
        let f = poland();
        let cell_lon = CELL_LAT / f.shrink;
        let (min_lat, max_lat) = (48.95, 54.9);
        let (min_lon, max_lon) = (14.0, 24.25);
        let rows = ((max_lat - min_lat) / CELL_LAT).ceil() as usize;
        let cols = ((max_lon - min_lon) / cell_lon).ceil() as usize;
        // Localities bucketed by cell, with their voivodeship and powiat.
        let mut buckets: Vec<Vec<(f64, f64, String, String)>> = vec![Vec::new(); rows * cols];
        for (i, (_, lon, lat, voiv)) in g.localities().enumerate() {
            let Some(pw) = g.locality_admin(i).powiat else {
                continue;
            };
            let r = ((max_lat - lat) / CELL_LAT).floor();
            let c = ((lon - min_lon) / cell_lon).floor();
            if r < 0.0 || c < 0.0 || r as usize >= rows || c as usize >= cols {
                continue;
            }
            buckets[r as usize * cols + c as usize].push((
                lon,
                lat,
                voiv.to_string(),
                pw.teryt.to_string(),
            ));
        }
        // Each cell's voivodeship, by scanlines through the cells' centres
        // (even-odd crossings of every ring's edges).
        let mut voiv_of: Vec<Option<&str>> = vec![None; rows * cols];
        for v in g.voivodeships() {
            for r in 0..rows {
                let lat = max_lat - (r as f64 + 0.5) * CELL_LAT;
                let mut xs = crossings(v.outline, lat);
                xs.sort_by(f64::total_cmp);
                for pair in xs.chunks_exact(2) {
                    let c0 = ((pair[0] - min_lon) / cell_lon - 0.5).ceil().max(0.0) as usize;
                    let c1 = ((pair[1] - min_lon) / cell_lon - 0.5).floor();
                    if c1 < 0.0 {
                        continue;
                    }
                    for c in c0..=(c1 as usize).min(cols - 1) {
                        voiv_of[r * cols + c].get_or_insert(v.teryt);
                    }
                }
            }
        }
        let mut owner: Vec<Option<String>> = vec![None; rows * cols];
        for r in 0..rows {
            for c in 0..cols {
                let lat = max_lat - (r as f64 + 0.5) * CELL_LAT;
                let lon = min_lon + (c as f64 + 0.5) * cell_lon;
                let Some(voiv) = voiv_of[r * cols + c] else {
                    continue;
                };
                let mut best: Option<(f64, &str)> = None;
                for radius in 1..12usize {
                    let (r0, r1) = (r.saturating_sub(radius), (r + radius).min(rows - 1));
                    let (c0, c1) = (c.saturating_sub(radius), (c + radius).min(cols - 1));
                    for rr in r0..=r1 {
                        for cc in c0..=c1 {
                            for (x, y, v, pw) in &buckets[rr * cols + cc] {
                                if v != voiv {
                                    continue;
                                }
                                let d = ((x - lon) * f.shrink).powi(2) + (y - lat).powi(2);
                                if best.is_none_or(|(b, _)| d < b) {
                                    best = Some((d, pw));
                                }
                            }
                        }
                    }
                    if best.is_some() && radius >= 2 {
                        break;
                    }
                }
                owner[r * cols + c] = best.map(|(_, pw)| pw.to_string());
            }
        }
        let mut by_powiat: std::collections::BTreeMap<String, Vec<Run>> = Default::default();
        for r in 0..rows {
            let mut c = 0;
            while c < cols {
                let Some(pw) = &owner[r * cols + c] else {
                    c += 1;
                    continue;
                };
                let start = c;
                while c < cols && owner[r * cols + c].as_ref() == Some(pw) {
                    c += 1;
                }
                by_powiat.entry(pw.clone()).or_default().push((
                    r as u32,
                    start as u32,
                    (c - start) as u32,
                ));
            }
        }
        PowiatCells {
            runs: by_powiat.into_iter().collect(),
        }
    })
}

/// The longitudes where the rings of `mp` cross the latitude `lat`.
fn crossings(mp: &MultiPolygon<f64>, lat: f64) -> Vec<f64> {
    let mut xs = Vec::new();
    for poly in &mp.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for w in ring.0.windows(2) {
                let (a, b) = (w[0], w[1]);
                if (a.y > lat) != (b.y > lat) {
                    xs.push(a.x + (lat - a.y) / (b.y - a.y) * (b.x - a.x));
                }
            }
        }
    }
    xs
}

/// The powiats coloured by their counts (`count(teryt)`, names by
/// `name(teryt)`), over the voivodeships' outlines.
pub fn powiat_map(
    g: &'static Gazetteer,
    count: impl Fn(&str) -> usize,
    name: impl Fn(&str) -> Option<String>,
    title: &str,
) -> String {
    let f = poland();
    let cells = powiat_cells(g);
    // A cell is CELL_LAT degrees of latitude high and as wide on the map.
    let (cell_w, cell_h) = (CELL_LAT * f.k, CELL_LAT * f.k);
    let max = cells.runs.iter().map(|(t, _)| count(t)).max().unwrap_or(0);
    let mut s = open_map(&f, title);
    for (teryt, runs) in &cells.runs {
        let n = count(teryt);
        let mut d = String::new();
        for &(r, c, len) in runs {
            let (x, y) = (f64::from(c) * cell_w, f64::from(r) * cell_h);
            let _ = write!(
                d,
                "M{x:.1},{y:.1}h{:.1}v{:.1}h-{:.1}Z",
                f64::from(len) * cell_w + 0.3,
                cell_h + 0.3,
                f64::from(len) * cell_w + 0.3
            );
        }
        let label = name(teryt).unwrap_or_else(|| teryt.clone());
        let _ = write!(
            s,
            "<path d=\"{d}\" fill=\"{}\"><title>{}: {n}</title></path>",
            SCALE[class(n, max)],
            esc(&label)
        );
    }
    for v in g.voivodeships() {
        let _ = write!(
            s,
            "<path d=\"{}\" fill=\"none\" stroke=\"#4a5159\" stroke-width=\"0.8\"/>",
            f.path(v.outline)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_bars_scale_to_the_largest() {
        let s = bars(
            &[
                Bar {
                    label: "<b>&",
                    value: 10,
                },
                Bar {
                    label: "b",
                    value: 5,
                },
            ],
            "t\"",
        );
        assert!(s.contains("&lt;b&gt;&amp;") && s.contains("t&quot;"), "{s}");
        assert!(
            s.contains("width=\"330.0\"") && s.contains("width=\"165.0\""),
            "{s}"
        );
        assert_eq!(class(0, 10), 0);
        assert_eq!(class(10, 10), 6);
        assert!(class(1, 10) >= 1);
    }

    /// The powiat a cell of the map belongs to.
    fn powiat_at(lon: f64, lat: f64) -> Option<String> {
        let cell_lon = CELL_LAT / poland().shrink;
        let r = ((54.9 - lat) / CELL_LAT).floor() as u32;
        let c = ((lon - 14.0) / cell_lon).floor() as u32;
        powiat_cells(Gazetteer::bundled())
            .runs
            .iter()
            .find(|(_, runs)| {
                runs.iter()
                    .any(|&(rr, c0, n)| rr == r && (c0..c0 + n).contains(&c))
            })
            .map(|(t, _)| t.clone())
    }

    #[test]
    fn cells_lie_in_the_powiat_of_their_place() {
        // Kraków, Warszawa, Oświęcim (powiat oświęcimski), Gdańsk; the Baltic
        // and Berlin belong to none.
        assert_eq!(powiat_at(19.94, 50.06).as_deref(), Some("1261"));
        assert_eq!(powiat_at(21.01, 52.23).as_deref(), Some("1465"));
        assert_eq!(powiat_at(19.23, 50.03).as_deref(), Some("1213"));
        assert_eq!(powiat_at(18.64, 54.35).as_deref(), Some("2261"));
        assert_eq!(powiat_at(16.0, 54.8), None);
        assert_eq!(powiat_at(14.1, 52.52), None);
    }

    #[test]
    fn every_powiat_of_the_gazetteer_gets_cells() {
        let g = Gazetteer::bundled();
        let cells = powiat_cells(g);
        // 380 powiats; a few tiny city powiats may share every cell with the
        // powiat around them.
        assert!(cells.runs.len() > 330, "{}", cells.runs.len());
        let map = powiat_map(g, |_| 1, |_| None, "x");
        assert!(map.starts_with("<svg") && map.ends_with("</svg>"));
    }
}
