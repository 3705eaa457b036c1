// Voivodeships shaded by the number of selected practices, with a legend.

import { esc, fmtNum, L, lang, T, $, S } from './context.js';
import { setFilter } from './filters.js';

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

function regionCounts() {
  // With server clusters the server counted them (server.js).
  if (S.serverMode) return S.server.regions || new Map();
  const counts = new Map();
  for (const r of S.selected) {
    const t = r.p.voivodeship && r.p.voivodeship.teryt;
    if (t) counts.set(t, (counts.get(t) || 0) + 1);
  }
  return counts;
}

export function updateChoropleth() {
  const on = S.state.choro && S.regions;
  $('l-choro').checked = S.state.choro;
  const legend = $('choro-legend');
  if (!on) {
    if (S.choroLayer) {
      S.map.removeLayer(S.choroLayer);
      S.choroLayer = null;
    }
    legend.hidden = true;
    return;
  }
  const counts = regionCounts();
  S.choroCounts = counts;
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
  const label = (f) => T.practicesInRegion(lang === 'en' ? f.properties.name_en || f.properties.name : f.properties.name, S.choroCounts.get(f.properties.teryt) || 0);
  if (!S.choroLayer) {
    S.choroLayer = L.geoJSON(S.regions, {
      pane: 'choro',
      style,
      onEachFeature: (f, layer) => {
        layer.bindTooltip(() => label(f), { sticky: true });
        layer.on('click', () => {
          setFilter('woj', f.properties.teryt);
        });
      },
    }).addTo(S.map);
  } else {
    S.choroLayer.setStyle(style);
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
