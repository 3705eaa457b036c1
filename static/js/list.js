// The list of practices beside the map, the counts, and the download links.

import { apiFilterParams } from './state.js';
import * as api from './api.js';
import { swatchHtml } from './areas.js';
import { esc, fmtKm, areaName, T, $, LIST_MAX, S } from './context.js';
import { mapHighlight } from './map.js';
import { nearReady, distOf } from './data.js';
import { openPractice } from './detail.js';
import { setPanelOpen } from './filters.js';

/** The list and counts from the server's answer (server clusters: the page holds no full selection). */
function updateServerList() {
  const sv = S.server;
  const near = !!S.state.near;
  $('list-mode').textContent = near ? T.listNear : T.listInView;
  let counts = T.countSummary(sv.matched, S.total, sv.inView);
  if (near) counts += ' ' + T.countNear(sv.matched);
  $('counts').textContent = counts;
  $('list').innerHTML = sv.list.map((r) => rowHtml(r, sv.dist.get(r.id))).join('');
  const more = sv.listMatched - sv.list.length;
  $('list-more').textContent = more > 0 ? T.listMore(more) : sv.list.length === 0 ? T.listEmpty : '';
  const empty = sv.matched === 0 && S.total > 0;
  $('map-empty').hidden = !empty;
  $('map-empty-text').textContent = empty ? T.filterEmpty : '';
  if (S.updateEmbedLink) S.updateEmbedLink();
}

function rowHtml(r, d) {
  const p = r.p;
  const meta = [p.town, areaName(p.area, p.area_name)].filter(Boolean).join(' · ');
  const dist = d !== undefined ? `<span class="dist">${esc(fmtKm(d))}</span>` : '<span></span>';
  const label = [p.title, p.town, d !== undefined ? `${T.distance}: ${fmtKm(d)}` : ''].filter(Boolean).join(', ');
  return `<li><button type="button" data-id="${esc(r.id)}" aria-label="${esc(label)}">${swatchHtml(p.area, 22)}<span class="t">${esc(p.title)}</span>${dist}<span class="m">${esc(meta)}</span></button></li>`;
}

export function updateList() {
  if (S.serverMode) return updateServerList();
  const bounds = S.map.getBounds();
  const near = nearReady();
  let inView = 0;
  let items;
  if (near) {
    items = S.selected.slice();
    items.sort((a, b) => distOf(a) - distOf(b) || a.i - b.i);
    for (const r of S.selected) if (r.latlng && bounds.contains(r.latlng)) inView++;
  } else {
    items = S.selected.filter((r) => r.latlng && bounds.contains(r.latlng));
    inView = items.length;
    items.sort((a, b) => a.rank - b.rank || a.i - b.i);
  }
  $('list-mode').textContent = near ? T.listNear : T.listInView;
  let counts = T.countSummary(S.selected.length, S.records.length, inView);
  if (near) counts += ' ' + T.countNear(S.selected.length);
  $('counts').textContent = counts;
  const shown = items.slice(0, LIST_MAX);
  const html = shown.map((r) => rowHtml(r, distOf(r)));
  $('list').innerHTML = html.join('');
  $('list-more').textContent = items.length > LIST_MAX ? T.listMore(items.length - LIST_MAX) : items.length === 0 && S.loaded ? T.listEmpty : '';
  // Nothing selected: say so on the map, with the way out.
  const empty = S.loaded && S.selected.length === 0 && S.records.length > 0 && !(S.state.near && S.nearResult && S.nearResult.nearest && S.nearResult.nearest.length);
  $('map-empty').hidden = !empty;
  $('map-empty-text').textContent = empty ? T.filterEmpty : '';
  if (S.updateEmbedLink) S.updateEmbedLink();
}

export function currentBbox() {
  const b = S.map.getBounds();
  const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
}

export function updateDownloads() {
  const params = apiFilterParams(S.state, S.state.inview ? currentBbox() : null).toString();
  const q = params ? `?${params}` : '';
  $('dl-geojson').href = `/api/practices.geojson${q}`;
  $('dl-csv').href = `/api/practices.csv${q}`;
  $('dl-excel').href = `/api/practices.csv?${params ? `${params}&` : ''}excel=1`;
  $('dl-inview').checked = S.state.inview;
}

export function listHighlight(id, on) {
  const b = $('list').querySelector(`button[data-id="${CSS.escape(id)}"]`);
  if (b) b.classList.toggle('hl', on);
}

export function setupList() {
  const list = $('list');
  list.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-id]');
    if (!b) return;
    if (window.matchMedia('(max-width: 760px)').matches) setPanelOpen(false);
    openPractice(b.dataset.id, { fly: true });
  });
  const hl = (e, on) => {
    const b = e.target.closest('button[data-id]');
    if (b) mapHighlight(b.dataset.id, on);
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
}
