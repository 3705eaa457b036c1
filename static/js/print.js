// Print: before the browser prints, the sheet under the map is filled with the
// selection (in the list's order), the filters in words and the date.

import { fillPrintSheet } from './share.js';
import { areaName, T, $, S } from './context.js';
import { nearReady, distOf } from './data.js';
import { fmtRadius } from './near.js';

/** The filters in words, for the printed sheet's header. */
function filtersInWords() {
  const s = S.state;
  const out = [];
  const sel = (id) => $(id).options[$(id).selectedIndex]?.textContent.trim();
  if (s.area) out.push(`${T.area}: ${areaName(s.area)}`);
  if (s.woj) out.push(`${T.voivodeship}: ${sel('f-woj')}`);
  if (s.pow) out.push(`${T.powiat}: ${sel('f-pow')}`);
  if (s.gmi) out.push(`${T.gmina}: ${sel('f-gmi')}`);
  if (s.ut) out.push(`${T.unitType}: ${sel('f-ut')}`);
  if (s.yf || s.yt) out.push(`${T.year}: ${s.yf || '…'}–${s.yt || '…'}`);
  if (s.q) out.push(`${T.search}: ${s.q}`);
  if (s.near && S.nearResult && !S.nearResult.error) out.push(T.nearCentre(S.nearResult.label || S.nearResult.name, fmtRadius(s.near.radius)));
  return out;
}

function preparePrint() {
  const near = nearReady();
  // With server clusters the sheet holds the list's page (the downloads hold every match).
  const rows = (S.serverMode ? S.server.list : S.selected).slice();
  if (near) rows.sort((a, b) => distOf(a) - distOf(b) || a.i - b.i);
  else rows.sort((a, b) => a.rank - b.rank || a.i - b.i);
  fillPrintSheet({
    T,
    rows: rows.map((r) => ({ title: r.p.title, town: r.p.town, area: areaName(r.p.area, r.p.area_name), year: r.p.year || '' })),
    total: S.serverMode ? Math.max(S.server.listMatched, rows.length) : rows.length,
    filters: filtersInWords(),
    creditsHtml: T.creditsText,
  });
  // The sheet's map is another size than the screen's: show there what the
  // screen showed, and go back to the screen's view after printing.
  const shown = S.map.getBounds();
  S.printRestore = { center: S.map.getCenter(), zoom: S.map.getZoom() };
  S.map.invalidateSize({ pan: false });
  S.map.fitBounds(shown, { animate: false });
}

function afterPrint() {
  S.map.invalidateSize({ pan: false });
  if (S.printRestore) S.map.setView(S.printRestore.center, S.printRestore.zoom, { animate: false });
  S.printRestore = null;
}

/** The print button, and the sheet filled before every print (the browser's menu too). */
export function setupPrint() {
  $('print-open').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', preparePrint);
  window.addEventListener('afterprint', afterPrint);
}
