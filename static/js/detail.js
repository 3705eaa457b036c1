// The detail panel of one practice: opened from a popup, the list or a link,
// closed with its button or Escape.

import * as api from './api.js';
import { SOCIAL_SUBAREAS, SOCIAL_SERVICES } from './areas.js';
import { esc, fmtNum, fmtCost, areaName, regionName, lang, T, $, store, setState } from './context.js';

let map = null;

/** Wires the panel's close button and Escape. */
export function setupDetail(theMap) {
  map = theMap;
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('detail').hidden) {
      e.preventDefault();
      closeDetail();
    }
  });
}

let detailReturnFocus = null;

let detailAbort = null;

/** Opens the panel on a practice (a history entry when `push`; the focus moves to it when `focus`). */
export async function openDetail(id, { push = true, focus = true } = {}) {
  const panel = $('detail');
  const body = $('detail-body');
  if (!panel.hidden && panel.dataset.id === id) {
    if (focus) $('detail-title').focus();
    return;
  }
  if (focus && document.activeElement && !panel.contains(document.activeElement)) detailReturnFocus = document.activeElement;
  panel.dataset.id = id;
  const wasHidden = panel.hidden;
  panel.hidden = false;
  if (wasHidden) mapResized();
  setState({ p: id, d: true }, push ? { push: 'detail' } : undefined);
  body.innerHTML = `<p class="muted">${esc(T.loading)}</p>`;
  $('detail-title').setAttribute('tabindex', '-1');
  if (focus) $('detail-title').focus();
  if (detailAbort) detailAbort.abort();
  detailAbort = new AbortController();
  try {
    const f = await api.practice(id, detailAbort.signal);
    if (panel.dataset.id !== id) return;
    body.innerHTML = detailHtml(f);
  } catch (e) {
    if (e.name === 'AbortError') return;
    body.innerHTML = `<p class="status error">${esc(e.status === 404 ? T.notFound : T.detailFailed)}</p>`;
  }
}

/** Closes the panel (the state is left to the caller). */
export function closeDetailPanel() {
  const panel = $('detail');
  if (panel.hidden) return;
  panel.hidden = true;
  panel.dataset.id = '';
  if (detailAbort) detailAbort.abort();
  mapResized();
}

/** Tells Leaflet the map's box changed (a side panel opened or closed); keeps an open popup in view. */
function mapResized() {
  map.invalidateSize({ pan: false });
  const popup = map._popup; // Leaflet 1.9.4: the open popup
  if (popup && map.hasLayer(popup) && popup._adjustPan) popup._adjustPan();
}

/** The close button and Escape: the panel closes, the state says so, the focus goes back. */
function closeDetail() {
  closeDetailPanel();
  setState({ d: false, ...(store.get().popupId ? {} : { p: '' }) }, { push: 'detail' });
  if (detailReturnFocus && document.body.contains(detailReturnFocus)) detailReturnFocus.focus();
  detailReturnFocus = null;
}

function detailHtml(f) {
  const p = f.properties || {};
  const rows = [];
  const add = (k, v, html = false) => {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return;
    rows.push(`<dt>${esc(k)}</dt><dd>${html ? v : esc(v)}</dd>`);
  };
  add(T.area, areaPath(p));
  add(T.town, p.town);
  add(T.unit, p.unit);
  add(T.unitType, p.unit_type);
  add(T.address, [p.street, [p.postal_code, p.post_office].filter(Boolean).join(' ')].filter(Boolean).join(', '));
  add(T.admin, [p.gmina && p.gmina.name, p.powiat && p.powiat.name, p.voivodeship && regionName(p.voivodeship)].filter(Boolean).join(', '));
  add(T.cost, p.cost_pln !== null && p.cost_pln !== undefined ? fmtCost(p.cost_pln) : null);
  add(T.funding, p.funding);
  add(T.period, p.period_start || p.period_end ? `${p.period_start || '…'} – ${p.period_end || '…'}` : null);
  add(T.year, p.year);
  add(T.dateAdded, p.date_added);
  add(T.dateUpdated, p.date_updated);
  add(T.population, p.population !== null && p.population !== undefined ? fmtNum(p.population) : null);
  add(T.phone, p.phone);
  if (p.email) add(T.email, `<a href="mailto:${esc(p.email)}">${esc(p.email)}</a>`, true);
  if (Array.isArray(p.websites) && p.websites.length) {
    add(T.websites, p.websites.map((w) => linkHtml(w)).join('<br>'), true);
  }
  if (Array.isArray(p.contacts) && p.contacts.length) {
    add(T.contacts, p.contacts.map((c) => esc([c.name, c.role].filter(Boolean).join(', '))).join('<br>'), true);
  }
  // The original page when its address is known (http or https only); else the file name, as plain text.
  const sourceUrl = typeof p.source_url === 'string' && /^https?:\/\/[^\s]/i.test(p.source_url) ? p.source_url : '';
  if (sourceUrl) add(T.source, linkHtml(sourceUrl, T.sourceLink), true);
  else if (p.source) add(T.source, /^https?:\/\//i.test(p.source) ? linkHtml(p.source, T.sourceLink) : `${esc(p.source)} <span class="muted">(${esc(T.sourceNoUrl)})</span>`, true);
  const c = p.coordinates || (f.geometry && f.geometry.coordinates ? { lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], precision: p.precision } : null);
  if (c) {
    add(T.coordinates, `${fmtNum(c.lat, 5)}, ${fmtNum(c.lon, 5)}`);
    add(T.precision, (T.precisionNames[c.precision] || c.precision || T.unknown) + (typeof c.score === 'number' ? ` (${fmtNum(c.score, 2)})` : ''));
  } else {
    add(T.coordinates, T.notPlaced);
  }
  const summary = p.summary ? `<h4>${esc(T.summary)}</h4><p class="text">${esc(p.summary)}</p>` : '';
  const body = bodyAfterSummary(p.body, p.summary);
  const text = body ? `<h4>${esc(T.body)}</h4><div class="text">${esc(body)}</div>` : '';
  return `<h3 id="detail-practice-title">${esc(p.title)}</h3><dl>${rows.join('')}</dl>${summary}${text}`;
}

/** The area with its parent, in the page's language ("Social services › Culture"). */
function areaPath(p) {
  if (lang !== 'en' && p.area_path) return p.area_path;
  const name = areaName(p.area, p.area_name);
  return SOCIAL_SUBAREAS.has(p.area) ? `${areaName(SOCIAL_SERVICES)} › ${name}` : name;
}

/** The description without the summary it often starts with (imported pages repeat it). */
function bodyAfterSummary(body, summary) {
  const b = String(body || '').trim();
  const sum = String(summary || '').trim();
  if (!sum) return b;
  let i = 0;
  let j = 0;
  while (i < b.length && j < sum.length) {
    if (/\s/.test(sum[j])) j++;
    else if (/\s/.test(b[i])) i++;
    else if (b[i] !== sum[j]) return b;
    else {
      i++;
      j++;
    }
  }
  if (j < sum.length) return b;
  return b.slice(i).replace(/^[\s.,;:–-]+/, '');
}

function linkHtml(url, label) {
  const u = String(url);
  const href = /^https?:\/\//i.test(u) ? u : /^www\./i.test(u) ? `http://${u}` : null;
  if (!href) return esc(u);
  return `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(label || u)}</a>`;
}
