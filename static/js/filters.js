// The filter form (area, voivodeship, powiat, gmina, years, text) and the
// panel's chrome on narrow screens.

import { parseRadius, parseYear, DEFAULT_RADIUS_KM, UNIT_TYPES } from './state.js';
import { swatchHtml, AREA_STYLE, SOCIAL_SUBAREAS } from './areas.js';
import { esc, fmtNum, areaName, lang, T, collator, $, S } from './context.js';
import { commit } from './history.js';
import { updateChoropleth } from './choropleth.js';
import { refresh, runText } from './data.js';
import { updateDownloads } from './list.js';
import { closeDetail } from './detail.js';
import { fmtRadius } from './near.js';
import * as api from './api.js';

export function fillFilterOptions() {
  const area = $('f-area');
  const cats = S.categories.slice();
  // Parents first, subareas under their parent.
  const opts = [];
  for (const c of cats) {
    if (SOCIAL_SUBAREAS.has(c.slug)) continue;
    opts.push(c);
    if (c.slug === 'uslugi-spoleczne') for (const s of cats) if (SOCIAL_SUBAREAS.has(s.slug)) opts.push(s);
  }
  for (const c of opts) {
    const o = document.createElement('option');
    o.value = c.slug;
    const name = lang === 'en' ? c.name_en : c.name_pl;
    o.textContent = `${SOCIAL_SUBAREAS.has(c.slug) ? '\u00a0\u00a0– ' : ''}${name} (${fmtNum(c.count || 0)})`;
    area.appendChild(o);
  }
  const woj = $('f-woj');
  if (S.regions) {
    const regs = S.regions.features.map((f) => f.properties).slice();
    regs.sort((a, b) => collator.compare(lang === 'en' ? a.name_en : a.name, lang === 'en' ? b.name_en : b.name));
    for (const r of regs) {
      const o = document.createElement('option');
      o.value = r.teryt;
      o.textContent = lang === 'en' ? r.name_en || r.name : r.name;
      woj.appendChild(o);
    }
  }
  const ut = $('f-ut');
  for (const u of UNIT_TYPES) {
    const o = document.createElement('option');
    o.value = u;
    o.textContent = T.unitTypeNames[u] || u;
    ut.appendChild(o);
  }
  // Legend of marker shapes.
  const slugs = opts.length ? opts.map((c) => c.slug) : Object.keys(AREA_STYLE);
  $('legend-list').innerHTML = slugs
    .map((s) => `<li>${swatchHtml(s, 18)}<span>${esc(areaName(s))}</span></li>`)
    .join('');
}

/** Sets a select to a state value; a value it does not offer (a bad link) falls back to "all". */
function syncSelect(id, key) {
  const el = $(id);
  const options = [...el.options].map((o) => o.value);
  // Before the options arrive, a value is kept as it is.
  if (options.length > 1 && !options.includes(S.state[key])) S.state[key] = '';
  el.value = S.state[key];
  if (el.selectedIndex < 0) el.selectedIndex = 0;
}

export function syncControls() {
  fillAdminOptions();
  syncSelect('f-area', 'area');
  syncSelect('f-woj', 'woj');
  syncSelect('f-pow', 'pow');
  syncSelect('f-gmi', 'gmi');
  syncSelect('f-ut', 'ut');
  $('f-yf').value = S.state.yf || '';
  $('f-yt').value = S.state.yt || '';
  if (S.state.pow || S.state.gmi || S.state.ut || S.state.yf || S.state.yt) $('more-filters').open = true;
  $('f-q').value = S.state.q;
  const n = S.state.near;
  const shown = n ? n.place || (n.name ? n.name.replace(/ \(.*$/, '') : '') : '';
  $('near-place').value = shown;
  $('near-place').dataset.chosen = n && !n.place ? shown : '';
  if (n || !Number.isFinite(parseRadius($('near-radius').value))) $('near-radius').value = fmtRadius(n ? n.radius : DEFAULT_RADIUS_KM);
  $('near-clear').hidden = !n;
  $('l-choro').checked = S.state.choro;
  $('dl-inview').checked = S.state.inview;
}

/** Powiat and gmina options from the loaded practices: those of the chosen voivodeship (and powiat). */
let adminKey = '';

/** The same from the server's counts, when the page does not hold every practice (server clusters). */
let adminAbort = null;
async function fillAdminOptionsFromServer() {
  // Counting a large dataset per unit costs the server: asked for only once the
  // choices can be seen (the "more filters" box open).
  if (!$('more-filters').open) return;
  const key = `${S.state.woj}|${S.state.pow}`;
  if (key === adminKey) return;
  adminKey = key;
  if (adminAbort) adminAbort.abort();
  adminAbort = new AbortController();
  const within = new URLSearchParams();
  if (S.state.woj) within.set('voivodeship', S.state.woj);
  const gminasWithin = new URLSearchParams(within);
  if (S.state.pow) gminasWithin.set('powiat', S.state.pow);
  try {
    const [pows, gmis] = await Promise.all([api.counts('powiat', within, adminAbort.signal), api.counts('gmina', gminasWithin, adminAbort.signal)]);
    fillAdmin(new Map(pows.counts.map((c) => [c.teryt, c.name])), new Map(gmis.counts.map((c) => [c.teryt, c.name])));
    syncSelect('f-pow', 'pow');
    syncSelect('f-gmi', 'gmi');
  } catch (e) {
    if (e.name !== 'AbortError') adminKey = ''; // asked again next time
  }
}

function fillAdmin(pows, gmis) {
  const fill = (id, all, m) => {
    const el = $(id);
    const opts = [...m].sort((a, b) => collator.compare(a[1], b[1]));
    el.innerHTML = `<option value="">${esc(all)}</option>` + opts.map(([v, name]) => `<option value="${esc(v)}">${esc(name)}</option>`).join('');
  };
  fill('f-pow', T.allPowiats, pows);
  fill('f-gmi', T.allGminas, gmis);
}

function fillAdminOptions() {
  if (!S.loaded) return;
  if (S.serverMode) {
    fillAdminOptionsFromServer();
    return;
  }
  const key = `${S.state.woj}|${S.state.pow}|${S.records.length}`;
  if (key === adminKey) return;
  adminKey = key;
  const pows = new Map();
  const gmis = new Map();
  for (const r of S.records) {
    const p = r.p;
    if (S.state.woj && !(p.voivodeship && p.voivodeship.teryt === S.state.woj)) continue;
    if (p.powiat && p.powiat.teryt) pows.set(p.powiat.teryt, p.powiat.name);
    if (S.state.pow && !(p.powiat && p.powiat.teryt === S.state.pow)) continue;
    if (p.gmina && p.gmina.teryt) gmis.set(p.gmina.teryt, p.gmina.name);
  }
  fillAdmin(pows, gmis);
}

export function setFilter(name, value) {
  if (S.state[name] === value) return;
  S.state[name] = value;
  syncControls();
  commit(true, name === 'q' ? 'q' : 'filter');
  refresh();
}

export function setupFilters() {
  $('more-filters').addEventListener('toggle', () => {
    if ($('more-filters').open && S.serverMode) syncControls();
  });
  $('f-area').addEventListener('change', (e) => setFilter('area', e.target.value));
  $('f-woj').addEventListener('change', (e) => {
    S.state.pow = '';
    S.state.gmi = '';
    setFilter('woj', e.target.value);
  });
  $('f-pow').addEventListener('change', (e) => {
    S.state.gmi = '';
    setFilter('pow', e.target.value);
  });
  $('f-gmi').addEventListener('change', (e) => setFilter('gmi', e.target.value));
  $('f-ut').addEventListener('change', (e) => setFilter('ut', e.target.value));
  const year = (id, key) => {
    $(id).addEventListener('change', (e) => {
      const y = parseYear(e.target.value);
      if (Number.isNaN(y)) {
        $('year-status').textContent = T.badYear;
        $('year-status').classList.add('error');
        e.target.setAttribute('aria-invalid', 'true');
        return;
      }
      $('year-status').textContent = '';
      $('year-status').classList.remove('error');
      e.target.removeAttribute('aria-invalid');
      setFilter(key, y);
    });
  };
  year('f-yf', 'yf');
  year('f-yt', 'yt');
  let t = null;
  $('f-q').addEventListener('input', (e) => {
    clearTimeout(t);
    const v = e.target.value;
    t = setTimeout(() => {
      if (S.state.q === v) return;
      S.state.q = v;
      commit(true, 'q');
      refresh();
      runText();
    }, 200);
  });
  const clear = () => {
    Object.assign(S.state, { area: '', woj: '', pow: '', gmi: '', ut: '', yf: null, yt: null, q: '' });
    syncControls();
    commit(true, 'filter');
    refresh();
  };
  $('f-clear').addEventListener('click', clear);
  $('map-empty-clear').addEventListener('click', clear);
  $('l-choro').addEventListener('change', (e) => {
    S.state.choro = e.target.checked;
    // With server clusters the counts per voivodeship come with the next answer.
    if (S.serverMode && S.state.choro) refresh();
    else updateChoropleth();
    commit(true, 'choro');
  });
  $('dl-inview').addEventListener('change', (e) => {
    S.state.inview = e.target.checked;
    updateDownloads();
    commit(true, 'inview');
  });
}

export function setPanelOpen(open) {
  document.body.classList.toggle('panel-open', open);
  const b = $('panel-toggle');
  b.setAttribute('aria-expanded', String(open));
  b.textContent = open ? T.panelToggleClose : T.panelToggleOpen;
  if (!open) S.map.invalidateSize();
}

export function setupChrome() {
  $('panel-toggle').addEventListener('click', () => {
    setPanelOpen(!document.body.classList.contains('panel-open'));
  });
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('detail').hidden) {
      e.preventDefault();
      closeDetail();
    }
  });
}
