// The filter form (area, voivodeship, powiat, gmina, unit type, years, text,
// the choropleth and in-view switches): it sets the store's state, and shows
// it again when the whole state is replaced (a note with `sync`).

import { parseRadius, parseYear, DEFAULT_RADIUS_KM, UNIT_TYPES } from './state.js';
import { swatchHtml, AREA_STYLE, SOCIAL_SUBAREAS } from './areas.js';
import { esc, fmtNum, fmtRadius, areaName, lang, T, collator, $, store, setState } from './context.js';
import * as api from './api.js';

export function fillFilterOptions() {
  const { categories, regions } = store.get();
  const area = $('f-area');
  const cats = categories.slice();
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
  if (regions) {
    const regs = regions.features.map((f) => f.properties).slice();
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
  if (options.length > 1 && !options.includes(store.get().state[key])) setState({ [key]: '' });
  el.value = store.get().state[key];
  if (el.selectedIndex < 0) el.selectedIndex = 0;
}

/** Shows the store's state in the form. */
export function syncControls() {
  fillAdminOptions();
  syncSelect('f-area', 'area');
  syncSelect('f-woj', 'woj');
  syncSelect('f-pow', 'pow');
  syncSelect('f-gmi', 'gmi');
  syncSelect('f-ut', 'ut');
  const s = store.get().state;
  $('f-yf').value = s.yf || '';
  $('f-yt').value = s.yt || '';
  if (s.pow || s.gmi || s.ut || s.yf || s.yt) $('more-filters').open = true;
  $('f-q').value = s.q;
  const n = s.near;
  const shown = n ? n.place || (n.name ? n.name.replace(/ \(.*$/, '') : '') : '';
  $('near-place').value = shown;
  $('near-place').dataset.chosen = n && !n.place ? shown : '';
  if (n || !Number.isFinite(parseRadius($('near-radius').value))) $('near-radius').value = fmtRadius(n ? n.radius : DEFAULT_RADIUS_KM);
  $('near-clear').hidden = !n;
  $('l-choro').checked = s.choro;
  $('dl-inview').checked = s.inview;
}

/** Powiat and gmina options from the loaded practices: those of the chosen voivodeship (and powiat). */
let adminKey = '';

/** The same from the server's counts, when the page does not hold every practice (server clusters). */
let adminAbort = null;
async function fillAdminOptionsFromServer() {
  // Counting a large dataset per unit costs the server: asked for only once the
  // choices can be seen (the "more filters" box open).
  if (!$('more-filters').open) return;
  const s = store.get().state;
  const key = `${s.woj}|${s.pow}`;
  if (key === adminKey) return;
  adminKey = key;
  if (adminAbort) adminAbort.abort();
  adminAbort = new AbortController();
  const within = new URLSearchParams();
  if (s.woj) within.set('voivodeship', s.woj);
  const gminasWithin = new URLSearchParams(within);
  if (s.pow) gminasWithin.set('powiat', s.pow);
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
  const v = store.get();
  if (!v.loaded) return;
  if (v.serverMode) {
    fillAdminOptionsFromServer();
    return;
  }
  const s = v.state;
  const key = `${s.woj}|${s.pow}|${v.records.length}`;
  if (key === adminKey) return;
  adminKey = key;
  const pows = new Map();
  const gmis = new Map();
  for (const r of v.records) {
    const p = r.p;
    if (s.woj && !(p.voivodeship && p.voivodeship.teryt === s.woj)) continue;
    if (p.powiat && p.powiat.teryt) pows.set(p.powiat.teryt, p.powiat.name);
    if (s.pow && !(p.powiat && p.powiat.teryt === s.pow)) continue;
    if (p.gmina && p.gmina.teryt) gmis.set(p.gmina.teryt, p.gmina.name);
  }
  fillAdmin(pows, gmis);
}

/** Sets one filter (and `also`, e.g. the units under a changed voivodeship): a new history entry. */
function setFilter(name, value, also = {}) {
  if (store.get().state[name] === value) return;
  setState({ ...also, [name]: value }, { push: 'filter', sync: true });
}

/** Wires the form; shows the state again whenever a change asks for it (`sync`). */
export function setupFilters() {
  store.subscribe((next, prev, note) => {
    if (note && note.sync) syncControls();
  });
  $('more-filters').addEventListener('toggle', () => {
    if ($('more-filters').open && store.get().serverMode) syncControls();
  });
  $('f-area').addEventListener('change', (e) => setFilter('area', e.target.value));
  $('f-woj').addEventListener('change', (e) => setFilter('woj', e.target.value, { pow: '', gmi: '' }));
  $('f-pow').addEventListener('change', (e) => setFilter('pow', e.target.value, { gmi: '' }));
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
      if (store.get().state.q === v) return;
      setState({ q: v }, { push: 'q' });
    }, 200);
  });
  const clear = () => {
    setState({ area: '', woj: '', pow: '', gmi: '', ut: '', yf: null, yt: null, q: '' }, { push: 'filter', sync: true, refresh: true });
  };
  $('f-clear').addEventListener('click', clear);
  $('map-empty-clear').addEventListener('click', clear);
  // The choropleth draws itself (with server clusters, from the next answer, which asks for its counts).
  $('l-choro').addEventListener('change', (e) => setState({ choro: e.target.checked }, { push: 'choro' }));
  $('dl-inview').addEventListener('change', (e) => setState({ inview: e.target.checked }, { push: 'inview' }));
}
