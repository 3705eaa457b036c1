// The list of practices beside the map, the counts, the download links (all
// drawn from the store), and the side panel's toggle on narrow screens.

import { apiFilterParams } from './state.js';
import { swatchHtml } from './areas.js';
import { nearDistances, distOf } from './filter.js';
import { esc, fmtKm, areaName, T, $, LIST_MAX, store, mapBbox } from './context.js';

let map = null;

/** The list and counts from the server's answer (server clusters: the page holds no full selection). */
function renderServerList(v) {
  const sv = v.server;
  if (!sv.version) return; // no answer yet
  const near = !!v.state.near;
  $('list-mode').textContent = near ? T.listNear : T.listInView;
  let counts = T.countSummary(sv.matched, v.total, sv.inView);
  if (near) counts += ' ' + T.countNear(sv.matched);
  $('counts').textContent = counts;
  $('list').innerHTML = sv.list.map((r) => rowHtml(r, sv.dist.get(r.id))).join('');
  const more = sv.listMatched - sv.list.length;
  $('list-more').textContent = more > 0 ? T.listMore(more) : sv.list.length === 0 ? T.listEmpty : '';
  const empty = sv.matched === 0 && v.total > 0;
  $('map-empty').hidden = !empty;
  $('map-empty-text').textContent = empty ? T.filterEmpty : '';
}

function rowHtml(r, d) {
  const p = r.p;
  const meta = [p.town, areaName(p.area, p.area_name)].filter(Boolean).join(' · ');
  const dist = d !== undefined ? `<span class="dist">${esc(fmtKm(d))}</span>` : '<span></span>';
  const label = [p.title, p.town, d !== undefined ? `${T.distance}: ${fmtKm(d)}` : ''].filter(Boolean).join(', ');
  return `<li><button type="button" data-id="${esc(r.id)}" aria-label="${esc(label)}">${swatchHtml(p.area, 22)}<span class="t">${esc(p.title)}</span>${dist}<span class="m">${esc(meta)}</span></button></li>`;
}

/** The list and the counts: near a place every selected practice, nearest first; else those in view, by title. */
function renderList(v) {
  if (v.serverMode) return renderServerList(v);
  const bounds = map.getBounds();
  const near = !!nearDistances(v);
  const dist = (r) => distOf(v, r);
  let inView = 0;
  let items;
  if (near) {
    items = v.selected.slice();
    items.sort((a, b) => dist(a) - dist(b) || a.i - b.i);
    for (const r of v.selected) if (r.latlng && bounds.contains(r.latlng)) inView++;
  } else {
    items = v.selected.filter((r) => r.latlng && bounds.contains(r.latlng));
    inView = items.length;
    items.sort((a, b) => a.rank - b.rank || a.i - b.i);
  }
  $('list-mode').textContent = near ? T.listNear : T.listInView;
  let counts = T.countSummary(v.selected.length, v.records.length, inView);
  if (near) counts += ' ' + T.countNear(v.selected.length);
  $('counts').textContent = counts;
  const shown = items.slice(0, LIST_MAX);
  $('list').innerHTML = shown.map((r) => rowHtml(r, dist(r))).join('');
  $('list-more').textContent = items.length > LIST_MAX ? T.listMore(items.length - LIST_MAX) : items.length === 0 && v.loaded ? T.listEmpty : '';
  // Nothing selected: say so on the map, with the way out.
  const empty = v.loaded && v.selected.length === 0 && v.records.length > 0 && !(v.state.near && v.nearResult && v.nearResult.nearest && v.nearResult.nearest.length);
  $('map-empty').hidden = !empty;
  $('map-empty-text').textContent = empty ? T.filterEmpty : '';
}

/** The download links: exactly the selection (in view only, when asked). */
function renderDownloads(v) {
  const params = apiFilterParams(v.state, v.state.inview ? mapBbox(map) : null).toString();
  const q = params ? `?${params}` : '';
  $('dl-geojson').href = `/api/practices.geojson${q}`;
  $('dl-csv').href = `/api/practices.csv${q}`;
  $('dl-excel').href = `/api/practices.csv?${params ? `${params}&` : ''}excel=1`;
  $('dl-inview').checked = v.state.inview;
}

const viewKey = (s) => (s.view ? `${s.view.zoom}/${s.view.lat}/${s.view.lon}` : '');

/** What the list shows depends on; it is drawn again when one of them changes. */
function listInputs(v) {
  return [v.loaded, v.selected, v.server, v.nearResult, v.state.near, viewKey(v.state)];
}

export function listHighlight(id, on) {
  const b = $('list').querySelector(`button[data-id="${CSS.escape(id)}"]`);
  if (b) b.classList.toggle('hl', on);
}

/** Opens or closes the side panel (narrow screens). */
export function setPanelOpen(open) {
  document.body.classList.toggle('panel-open', open);
  const b = $('panel-toggle');
  b.setAttribute('aria-expanded', String(open));
  b.textContent = open ? T.panelToggleClose : T.panelToggleOpen;
  if (!open) map.invalidateSize();
}

/**
 * Wires the list, the panel's toggle and the renders from the store.
 * `on`: {openPractice(id, opts), highlight(id, on)} (the map's).
 */
export function setupList(theMap, on) {
  map = theMap;
  $('panel-toggle').addEventListener('click', () => {
    setPanelOpen(!document.body.classList.contains('panel-open'));
  });
  const list = $('list');
  list.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-id]');
    if (!b) return;
    if (window.matchMedia('(max-width: 760px)').matches) setPanelOpen(false);
    on.openPractice(b.dataset.id, { fly: true });
  });
  const hl = (e, lit) => {
    const b = e.target.closest('button[data-id]');
    if (b) on.highlight(b.dataset.id, lit);
  };
  list.addEventListener('mouseover', (e) => hl(e, true));
  list.addEventListener('mouseout', (e) => hl(e, false));
  list.addEventListener('focusin', (e) => hl(e, true));
  list.addEventListener('focusout', (e) => hl(e, false));
  // Arrow keys move between rows.
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...list.querySelectorAll('button[data-id]')];
    const i = buttons.indexOf(document.activeElement);
    const next = buttons[e.key === 'ArrowDown' ? Math.min(buttons.length - 1, i + 1) : Math.max(0, i - 1)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });
  store.subscribe((next, prev) => {
    renderDownloads(next);
    if (!next.loaded) return;
    const a = listInputs(next);
    const b = listInputs(prev);
    if (a.some((x, i) => x !== b[i])) renderList(store.get());
  });
}
