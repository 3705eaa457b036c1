// Voivodeships shaded by the number of selected practices, with a legend,
// drawn from the store; a click on one sets the voivodeship filter.

import { changed } from './store.js';
import { esc, fmtNum, L, lang, T, $, store, setState } from './context.js';

const CHORO_COLOURS = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

/** Lower bounds of the classes of non-zero counts (at most four classes). */
function choroBreaks(max) {
  const out = [];
  for (const f of [0, 0.25, 0.5, 0.75]) {
    const b = Math.max(1, Math.ceil(max * f));
    if (b <= max && !out.includes(b)) out.push(b);
  }
  return out;
}

let map = null;
let layer = null;
let shownCounts = new Map();

function regionCounts(v) {
  // With server clusters the server counted them (server.js).
  if (v.serverMode) return v.server.regions || new Map();
  const counts = new Map();
  for (const r of v.selected) {
    const t = r.p.voivodeship && r.p.voivodeship.teryt;
    if (t) counts.set(t, (counts.get(t) || 0) + 1);
  }
  return counts;
}

/** Draws the choropleth from the store, when on; from the store's changes once set up. */
export function setupChoropleth(theMap) {
  map = theMap;
  draw(store.get());
  store.subscribe((next, prev) => {
    const sv = next.server !== prev.server;
    // With server clusters the counts come with the next answer: drawn then.
    if (next.serverMode && next.state.choro && !prev.state.choro && !sv) return;
    if (changed(next, prev, 'server', 'selected', 'regions') || next.state.choro !== prev.state.choro) draw(store.get());
  });
}

function draw(v) {
  const on = v.state.choro && v.regions;
  $('l-choro').checked = v.state.choro;
  const legend = $('choro-legend');
  if (!on) {
    if (layer) {
      map.removeLayer(layer);
      layer = null;
    }
    legend.hidden = true;
    return;
  }
  const counts = regionCounts(v);
  shownCounts = counts;
  const max = Math.max(0, ...counts.values());
  const breaks = choroBreaks(max);
  const colour = (n) => {
    if (n <= 0) return '#ffffff';
    let i = 0;
    while (i + 1 < breaks.length && n >= breaks[i + 1]) i++;
    return CHORO_COLOURS[1 + i];
  };
  const style = (f) => {
    const n = counts.get(f.properties.teryt) || 0;
    return { pane: 'choro', color: '#333', weight: 1, fillColor: colour(n), fillOpacity: 0.7 };
  };
  const label = (f) => T.practicesInRegion(lang === 'en' ? f.properties.name_en || f.properties.name : f.properties.name, shownCounts.get(f.properties.teryt) || 0);
  if (!layer) {
    layer = L.geoJSON(v.regions, {
      pane: 'choro',
      style,
      onEachFeature: (f, layer) => {
        layer.bindTooltip(() => label(f), { sticky: true });
        layer.on('click', () => {
          if (store.get().state.woj !== f.properties.teryt) setState({ woj: f.properties.teryt }, { push: 'filter', sync: true });
        });
      },
    }).addTo(map);
  } else {
    layer.setStyle(style);
  }
  // Legend: one row per class.
  const rows = [];
  rows.push(`<div><span class="swatch" style="background:#ffffff"></span>0</div>`);
  breaks.forEach((b, i) => {
    const hi = i + 1 < breaks.length ? breaks[i + 1] - 1 : max;
    const text = hi > b ? `${fmtNum(b)}–${fmtNum(hi)}` : fmtNum(b);
    rows.push(`<div><span class="swatch" style="background:${colour(b)}"></span>${text}</div>`);
  });
  legend.innerHTML = `<h3>${esc(T.choroplethLegend)}</h3>${rows.join('')}`;
  legend.hidden = false;
}
