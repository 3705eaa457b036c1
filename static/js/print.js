// Print: before the browser prints, the sheet under the map is filled with the
// selection (in the list's order), the filters in words and the date.

import { fillPrintSheet } from './share.js';
import { nearDistances, distOf } from './filter.js';
import { areaName, fmtRadius, T, $, store } from './context.js';

let map = null;
let restore = null;

/** The filters in words, for the printed sheet's header. */
function filtersInWords(v) {
  const s = v.state;
  const out = [];
  const sel = (id) => $(id).options[$(id).selectedIndex]?.textContent.trim();
  if (s.area) out.push(`${T.area}: ${areaName(s.area)}`);
  if (s.woj) out.push(`${T.voivodeship}: ${sel('f-woj')}`);
  if (s.pow) out.push(`${T.powiat}: ${sel('f-pow')}`);
  if (s.gmi) out.push(`${T.gmina}: ${sel('f-gmi')}`);
  if (s.ut) out.push(`${T.unitType}: ${sel('f-ut')}`);
  if (s.yf || s.yt) out.push(`${T.year}: ${s.yf || '…'}–${s.yt || '…'}`);
  if (s.q) out.push(`${T.search}: ${s.q}`);
  const res = v.nearResult;
  if (s.near && res && !res.error) out.push(T.nearCentre(res.label || res.name, fmtRadius(s.near.radius)));
  return out;
}

function preparePrint() {
  const v = store.get();
  const near = nearDistances(v);
  const dist = (r) => distOf(v, r);
  // With server clusters the sheet holds the list's page (the downloads hold every match).
  const rows = (v.serverMode ? v.server.list : v.selected).slice();
  if (near) rows.sort((a, b) => dist(a) - dist(b) || a.i - b.i);
  else rows.sort((a, b) => a.rank - b.rank || a.i - b.i);
  fillPrintSheet({
    T,
    rows: rows.map((r) => ({ title: r.p.title, town: r.p.town, area: areaName(r.p.area, r.p.area_name), year: r.p.year || '' })),
    total: v.serverMode ? Math.max(v.server.listMatched, rows.length) : rows.length,
    filters: filtersInWords(v),
    creditsHtml: T.creditsText,
  });
  // The sheet's map is another size than the screen's: show there what the
  // screen showed, and go back to the screen's view after printing.
  const shown = map.getBounds();
  restore = { center: map.getCenter(), zoom: map.getZoom() };
  map.invalidateSize({ pan: false });
  map.fitBounds(shown, { animate: false });
}

function afterPrint() {
  map.invalidateSize({ pan: false });
  if (restore) map.setView(restore.center, restore.zoom, { animate: false });
  restore = null;
}

/** The print button, and the sheet filled before every print (the browser's menu too). */
export function setupPrint(theMap) {
  map = theMap;
  $('print-open').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', preparePrint);
  window.addEventListener('afterprint', afterPrint);
}
