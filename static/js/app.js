// The map page: loads every practice in pages, filters them in the browser
// (the same rules as the API, so downloads from the API hold exactly what is
// shown), keeps the URL in step with the view, and asks the API for what needs
// the server: geocoding, distances, the full record, downloads.

import { pickLang, strings } from './i18n.js';
import { parseState, formatState, apiFilterParams, parseRadius, parseYear, DEFAULT_RADIUS_KM } from './state.js';
import * as api from './api.js';
import { areaStyle, areaMatches, swatchHtml, AREA_STYLE, SOCIAL_SUBAREAS, SOCIAL_SERVICES } from './areas.js';
import { queryStems, searchText, matches } from './text.js';
import { attachSuggestions, normalisePlaceQuery, placeOf, placeLabel } from './places.js';
import { setupShareDialog, setupEmbed, fillPrintSheet } from './share.js';

const L = window.L;
const lang = pickLang(location.search);
const T = strings(lang);
// Numeric, so "2, 10, 100" sort as numbers do.
const collator = new Intl.Collator(T.locale, { numeric: true });
const $ = (id) => document.getElementById(id);
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
const coarsePointer = window.matchMedia('(pointer: coarse)').matches;

/** Poland, for the first view. */
const POLAND = L.latLngBounds([49.0, 14.1], [54.85, 24.15]);
/** Practices per API request while loading (the API caps a page at 10,000). */
const PAGE = 5000;
/** Most rows the list shows at once. */
const LIST_MAX = 200;

const S = {
  state: parseState(location.search),
  records: [],
  byId: new Map(),
  total: 0,
  selected: [],
  selKey: null,
  loaded: false,
  nearResult: null, // {key, lat, lon, name, label, precision, others, nearest, dist: Map(id -> km)} or {key, error}
  textResult: null, // {key, ids: Set}: what the API's q matched (bodies included)
  nearLayer: null,
  categories: [],
  areaNames: new Map(),
  regions: null,
  regionNames: new Map(),
  config: null,
  tileLayer: null,
  tileErrors: 0,
  tileLoads: 0,
  map: null,
  clusters: null,
  choroLayer: null,
  openPopupId: '',
  hlEl: null,
  lastPush: { kind: '', at: 0 },
  applying: false,
  rev: 0,
};

// ---------------------------------------------------------------- helpers

function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** An API error in the page's language: the message for its code, else a general one. */
function apiMessage(e) {
  return (e && e.code && T.apiErrors[e.code]) || T.loadFailed;
}

function fmtNum(n, digits = 0) {
  return Number(n).toLocaleString(T.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function fmtKm(km) {
  return `${fmtNum(km, km < 10 ? 1 : 0)} ${T.km}`;
}

function fmtCost(n) {
  return n === null || n === undefined ? T.unknown : `${fmtNum(n)} ${T.pln}`;
}

function areaName(slug, fallback) {
  return S.areaNames.get(slug) || fallback || slug;
}

function regionName(v) {
  if (!v) return T.unknown;
  return (lang === 'en' && S.regionNames.get(v.teryt)) || v.name;
}

function setBusy(on) {
  if (on) document.documentElement.dataset.busy = '1';
  else delete document.documentElement.dataset.busy;
}

// ---------------------------------------------------------------- URL and history

function pageUrl(state) {
  return location.pathname + formatState(state);
}

/** Writes the state to the URL: a new history entry when `push`, else in place. */
function commit(push, kind = '') {
  if (S.applying) return;
  const url = pageUrl(S.state);
  const now = Date.now();
  // Typing in the search box makes one history entry, not one per key.
  const coalesce = kind && kind === S.lastPush.kind && now - S.lastPush.at < 1500;
  if (url !== location.pathname + location.search) {
    if (push && !coalesce) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }
  if (push) S.lastPush = { kind, at: now };
  updateLangLink();
}

function updateLangLink() {
  const other = lang === 'en' ? 'pl' : 'en';
  $('lang-switch').href = pageUrl({ ...S.state, lang: other });
}

function currentView() {
  const c = S.map.getCenter();
  return { zoom: S.map.getZoom(), lat: c.lat, lon: c.lng };
}

// ---------------------------------------------------------------- static text

function applyStrings() {
  document.documentElement.lang = T.htmlLang;
  document.title = T.appTitle;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    const v = T[el.dataset.i18n];
    if (typeof v === 'string') el.textContent = v;
  }
  for (const el of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':');
      if (typeof T[key] === 'string') el.setAttribute(attr, T[key]);
    }
  }
  $('lang-switch').setAttribute('hreflang', lang === 'en' ? 'pl' : 'en');
  $('lang-switch').setAttribute('lang', lang === 'en' ? 'pl' : 'en');
  $('credits-text').innerHTML = T.creditsText;
}

// ---------------------------------------------------------------- map

function initMap() {
  const map = L.map('map', {
    zoomControl: true,
    keyboard: true,
    minZoom: 5,
    maxZoom: 18,
    worldCopyJump: false,
    zoomSnap: 0.5,
  });
  S.map = map;
  map.attributionControl.addAttribution(T.outlinesAttribution);
  map.createPane('land').style.zIndex = 150; // under the tiles: seen when they are missing
  map.createPane('choro').style.zIndex = 300;
  map.createPane('borders').style.zIndex = 350;
  map.getPane('borders').style.pointerEvents = 'none';
  map.getPane('land').style.pointerEvents = 'none';
  const v = S.state.view;
  if (v) map.setView([v.lat, v.lon], v.zoom, { animate: false });
  else map.fitBounds(POLAND, { animate: false });

  S.clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 80,
    chunkDelay: 8,
    chunkProgress: onClusterProgress,
    showCoverageOnHover: false,
    maxClusterRadius: 60,
    spiderfyOnMaxZoom: true,
    removeOutsideVisibleBounds: true,
    iconCreateFunction: clusterIcon,
  });
  map.addLayer(S.clusters);
  // One set of listeners on the group serves every marker (cheaper than
  // listeners and popups on 10,000 markers up front).
  S.clusters.on('click', (e) => {
    const r = S.byId.get(e.layer.practiceId);
    if (r && !r.marker.getPopup()) withPopup(r).openPopup();
  });
  S.clusters.on('mouseover', (e) => listHighlight(e.layer.practiceId, true));
  S.clusters.on('mouseout', (e) => listHighlight(e.layer.practiceId, false));

  // data-moving is set while the map pans or zooms (tests wait for it to clear).
  map.on('movestart zoomstart', () => {
    document.documentElement.dataset.moving = '1';
  });
  map.on('moveend', () => {
    delete document.documentElement.dataset.moving;
  });
  map.on('moveend', onMoveEnd);
  map.on('popupopen', onPopupOpen);
  map.on('popupclose', onPopupClose);
  map.getContainer().addEventListener('keydown', onMarkerKey);
  map.getContainer().addEventListener('click', (e) => {
    const a = e.target.closest('a[data-detail]');
    if (a) {
      e.preventDefault();
      openDetail(a.dataset.detail, { push: true });
    }
  });
}

/** A div icon that names itself to screen readers (clusters have no title of their own). */
const LabelledIcon = L.DivIcon.extend({
  createIcon(old) {
    const el = L.DivIcon.prototype.createIcon.call(this, old);
    el.setAttribute('aria-label', this.options.label);
    el.setAttribute('title', this.options.label);
    el.setAttribute('role', 'button');
    return el;
  },
});

function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
  const px = coarsePointer ? 48 : 40;
  return new LabelledIcon({
    html: `<div><span>${n}</span></div>`,
    className: `marker-cluster marker-cluster-${size}`,
    iconSize: L.point(px, px),
    label: T.clusterLabel(n),
  });
}

/** Enter or Space on a focused marker opens its popup; on a cluster, zooms into it. */
function onMarkerKey(e) {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const el = e.target.closest('.leaflet-marker-icon');
  if (!el) return;
  e.preventDefault();
  e.stopPropagation();
  if (el.classList.contains('marker-cluster')) {
    S.clusters._featureGroup.eachLayer((c) => {
      if (c._icon === el && c.zoomToBounds) c.zoomToBounds({ padding: [20, 20] });
    });
    return;
  }
  const r = S.selected.find((x) => x.marker && x.marker._icon === el);
  if (r) withPopup(r).openPopup();
}

const iconCache = new Map();
function markerIcon(slug) {
  let icon = iconCache.get(slug);
  if (!icon) {
    const s = areaStyle(slug);
    const px = coarsePointer ? 44 : 28;
    icon = L.divIcon({
      className: `pm-marker ${s.shape}`,
      html: `<span style="background:${s.color}">${s.letter}</span>`,
      iconSize: [px, px],
      iconAnchor: [px / 2, px / 2],
      popupAnchor: [0, -px / 2],
    });
    iconCache.set(slug, icon);
  }
  return icon;
}

let clusterWaiters = [];
function onClusterProgress(processed, total) {
  if (processed >= total) {
    const w = clusterWaiters;
    clusterWaiters = [];
    // chunkProgress runs just before the last clustering step of the same
    // task; resolving afterwards lets that step finish first.
    setTimeout(() => w.forEach((f) => f()), 0);
  }
}

function addClusterMarkers(markers) {
  if (!markers.length) return Promise.resolve();
  return new Promise((resolve) => {
    clusterWaiters.push(resolve);
    S.clusters.addLayers(markers);
  });
}

async function setClusterMarkers(markers) {
  S.clusters.clearLayers();
  await addClusterMarkers(markers);
}

// ---------------------------------------------------------------- base layers and outlines

function setupBase() {
  const cfg = S.config || { tile_url: '', tile_attribution: '' };
  const offlineOnly = !cfg.tile_url;
  const box = $('l-offline');
  if (offlineOnly) {
    box.checked = true;
    box.disabled = true;
  }
  applyBase();
  box.addEventListener('change', () => {
    S.state.base = box.checked ? 'outline' : '';
    applyBase();
    commit(true, 'base');
  });
}

function applyBase() {
  const cfg = S.config || { tile_url: '' };
  const offline = !cfg.tile_url || S.state.base === 'outline';
  $('l-offline').checked = offline;
  S.map.getContainer().classList.toggle('offline', offline);
  if (S.tilesDead) $('tile-notice').hidden = offline;
  if (offline) {
    if (S.tileLayer) {
      S.map.removeLayer(S.tileLayer);
      S.tileLayer = null;
    }
    $('tile-notice').hidden = true;
    return;
  }
  if (S.tileLayer || S.tilesDead) return;
  S.tileErrors = 0;
  S.tileLoads = 0;
  const layer = L.tileLayer(cfg.tile_url, {
    attribution: cfg.tile_attribution,
    maxZoom: 19,
    crossOrigin: false,
  });
  layer.on('tileload', () => {
    S.tileLoads += 1;
  });
  layer.on('tileerror', () => {
    S.tileErrors += 1;
    const note = $('tile-notice');
    note.textContent = T.tilesFailed;
    note.hidden = false;
    // No tile has ever come: stop asking; the outlines underneath stay.
    if (S.tileLoads === 0 && S.tileErrors >= 4 && S.tileLayer === layer) {
      S.tilesDead = true; // until the page is reloaded
      S.map.removeLayer(layer);
      S.tileLayer = null;
      S.map.getContainer().classList.add('offline');
    }
  });
  S.tileLayer = layer.addTo(S.map);
}

function setupOutlines() {
  if (!S.regions) return;
  L.geoJSON(S.regions, {
    pane: 'land',
    interactive: false,
    style: { stroke: false, fill: true, fillColor: '#fbf9f3', fillOpacity: 1 },
  }).addTo(S.map);
  L.geoJSON(S.regions, {
    pane: 'borders',
    interactive: false,
    style: { color: '#5b5b5b', weight: 1.2, opacity: 0.9, fill: false },
  }).addTo(S.map);
}

// ---------------------------------------------------------------- choropleth

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
  const counts = new Map();
  for (const r of S.selected) {
    const t = r.p.voivodeship && r.p.voivodeship.teryt;
    if (t) counts.set(t, (counts.get(t) || 0) + 1);
  }
  return counts;
}

function updateChoropleth() {
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

// ---------------------------------------------------------------- records and filters

function addRecords(features) {
  const out = [];
  for (const f of features) {
    const p = f.properties || {};
    const id = String(f.id ?? p.id);
    const r = { i: S.records.length, id, p, latlng: null, marker: null, rank: 0, text: undefined };
    const g = f.geometry;
    if (g && g.type === 'Point' && Array.isArray(g.coordinates)) {
      r.latlng = L.latLng(g.coordinates[1], g.coordinates[0]);
      const m = L.marker(r.latlng, { icon: markerIcon(p.area), title: p.title, keyboard: true, riseOnHover: true });
      m.practiceId = id;
      r.marker = m;
    }
    S.records.push(r);
    S.byId.set(id, r);
    out.push(r);
  }
  return out;
}

/** The folded words a text filter searches, computed on the first search. */
function textOf(r) {
  if (r.text === undefined) r.text = searchText([r.p.title, r.p.summary, r.p.town, r.p.unit]);
  return r.text;
}

/** The practice's marker with its popup bound (bound on first use). */
function withPopup(r) {
  if (!r.marker.getPopup()) r.marker.bindPopup(() => popupHtml(r), { maxWidth: 320, autoPanPadding: [30, 30] });
  return r.marker;
}

function nearKey(n) {
  if (!n) return '';
  return n.place ? `p:${n.place.trim()}|${n.radius}` : `c:${n.lat},${n.lon}|${n.radius}`;
}

function nearReady() {
  return S.state.near && S.nearResult && S.nearResult.key === nearKey(S.state.near) && S.nearResult.dist;
}

/** The ids the server matched for the text filter (it searches the bodies too), when known. */
function textIds() {
  const stems = queryStems(S.state.q);
  return stems.length && S.textResult && S.textResult.key === stems.join(' ') ? S.textResult.ids : null;
}

function filterKey() {
  const s = S.state;
  return JSON.stringify([s.area, s.woj, s.pow, s.gmi, s.yf, s.yt, queryStems(s.q), textIds() ? 1 : 0, nearReady() ? nearKey(s.near) : '']);
}

function selectionKey() {
  return `${filterKey()}#${S.records.length}`;
}

function makeMatcher() {
  const s = S.state;
  const stems = queryStems(s.q);
  const serverIds = textIds();
  const near = nearReady() ? S.nearResult.dist : null;
  return (r) => {
    if (!areaMatches(s.area, r.p.area)) return false;
    if (s.woj && !(r.p.voivodeship && r.p.voivodeship.teryt === s.woj)) return false;
    if (s.pow && !(r.p.powiat && r.p.powiat.teryt === s.pow)) return false;
    if (s.gmi && !(r.p.gmina && r.p.gmina.teryt === s.gmi)) return false;
    if ((s.yf || s.yt) && !(r.p.year && (!s.yf || r.p.year >= s.yf) && (!s.yt || r.p.year <= s.yt))) return false;
    // The same rule as the API's q (text.js); the server's answer adds the matches in bodies.
    if (stems.length && !matches(stems, textOf(r)) && !(serverIds && serverIds.has(r.id))) return false;
    if (near && !near.has(r.id)) return false;
    return true;
  };
}

function distOf(r) {
  return nearReady() ? S.nearResult.dist.get(r.id) : undefined;
}

// ---------------------------------------------------------------- refresh

let refreshChain = Promise.resolve();
/** Recomputes the selection (when filters changed), the markers, list and counts. Serialised. */
function refresh() {
  refreshChain = refreshChain.then(doRefresh).catch((e) => {
    $('loading').textContent = T.loadFailed;
    setTimeout(() => {
      throw e;
    });
  });
  return refreshChain;
}

async function doRefresh() {
  if (!S.loaded) return;
  setBusy(true);
  const key = selectionKey();
  if (key !== S.selKey) {
    S.selKey = key;
    const match = makeMatcher();
    S.selected = S.records.filter(match);
    await setClusterMarkers(S.selected.filter((r) => r.marker).map((r) => r.marker));
    updateChoropleth();
  }
  updateList();
  updateDownloads();
  S.rev += 1;
  document.documentElement.dataset.rev = String(S.rev);
  setBusy(false);
}

function updateList() {
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
  const html = shown.map((r) => {
    const p = r.p;
    const d = distOf(r);
    const meta = [p.town, areaName(p.area, p.area_name)].filter(Boolean).join(' · ');
    const dist = d !== undefined ? `<span class="dist">${esc(fmtKm(d))}</span>` : '<span></span>';
    const label = [p.title, p.town, d !== undefined ? `${T.distance}: ${fmtKm(d)}` : ''].filter(Boolean).join(', ');
    return `<li><button type="button" data-id="${esc(r.id)}" aria-label="${esc(label)}">${swatchHtml(p.area, 22)}<span class="t">${esc(p.title)}</span>${dist}<span class="m">${esc(meta)}</span></button></li>`;
  });
  $('list').innerHTML = html.join('');
  $('list-more').textContent = items.length > LIST_MAX ? T.listMore(items.length - LIST_MAX) : items.length === 0 && S.loaded ? T.listEmpty : '';
  // Nothing selected: say so on the map, with the way out.
  const empty = S.loaded && S.selected.length === 0 && S.records.length > 0 && !(S.state.near && S.nearResult && S.nearResult.nearest && S.nearResult.nearest.length);
  $('map-empty').hidden = !empty;
  $('map-empty-text').textContent = empty ? T.filterEmpty : '';
  if (updateEmbedLink) updateEmbedLink();
}

function currentBbox() {
  const b = S.map.getBounds();
  const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
}

function updateDownloads() {
  const params = apiFilterParams(S.state, S.state.inview ? currentBbox() : null).toString();
  const q = params ? `?${params}` : '';
  $('dl-geojson').href = `/api/practices.geojson${q}`;
  $('dl-csv').href = `/api/practices.csv${q}`;
  $('dl-excel').href = `/api/practices.csv?${params ? `${params}&` : ''}excel=1`;
  $('dl-inview').checked = S.state.inview;
}

// ---------------------------------------------------------------- highlight

function markerElement(r) {
  if (!r || !r.marker) return null;
  const vis = S.clusters.getVisibleParent(r.marker);
  return vis && vis.getElement ? vis.getElement() : null;
}

function mapHighlight(id, on) {
  if (S.hlEl) {
    S.hlEl.classList.remove('hl');
    S.hlEl = null;
  }
  if (!on) return;
  const el = markerElement(S.byId.get(id));
  if (el) {
    el.classList.add('hl');
    S.hlEl = el;
  }
}

function listHighlight(id, on) {
  const b = $('list').querySelector(`button[data-id="${CSS.escape(id)}"]`);
  if (b) b.classList.toggle('hl', on);
}

// ---------------------------------------------------------------- popups and detail

function popupHtml(r) {
  const p = r.p;
  const d = distOf(r);
  const rows = [
    [T.town, p.town],
    [T.unit, p.unit],
    [T.area, areaName(p.area, p.area_name)],
    [T.cost, fmtCost(p.cost_pln)],
  ];
  if (d !== undefined) rows.push([T.distance, fmtKm(d)]);
  const dl = rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v || T.unknown)}</dd>`).join('');
  const href = pageUrl({ ...S.state, p: r.id, d: true });
  return `<div class="pm-popup"><h3>${esc(p.title)}</h3><dl>${dl}</dl><a class="btn btn-secondary" href="${esc(href)}" data-detail="${esc(r.id)}" aria-label="${esc(T.detailsOf(p.title))}">${esc(T.details)}</a></div>`;
}

function onPopupOpen(e) {
  const m = e.popup._source;
  if (!m || !m.practiceId) return;
  S.openPopupId = m.practiceId;
  if (S.state.p !== m.practiceId) {
    S.state.p = m.practiceId;
    S.state.d = false;
    closeDetailPanel();
  }
  S.state.view = currentView();
  commit(true, 'popup');
}

function onPopupClose(e) {
  const m = e.popup._source;
  if (!m || !m.practiceId) return;
  if (S.openPopupId === m.practiceId) S.openPopupId = '';
  setTimeout(() => {
    if (!S.openPopupId && !S.state.d && S.state.p === m.practiceId) {
      S.state.p = '';
      commit(false);
    }
  }, 0);
}

/** Shows a practice: flies to its marker and opens its popup. */
function openPractice(id, { fly = true } = {}) {
  const r = S.byId.get(id);
  if (!r) return Promise.resolve(false);
  if (!r.marker || !S.clusters.hasLayer(r.marker)) {
    return openDetail(id, { push: true }).then(() => true);
  }
  return new Promise((resolve) => {
    const show = () => {
      S.clusters.zoomToShowLayer(r.marker, () => {
        withPopup(r).openPopup();
        resolve(true);
      });
    };
    const targetZoom = Math.max(S.map.getZoom(), 12);
    const visible = S.map.getBounds().contains(r.latlng) && markerElement(r) === r.marker.getElement();
    if (!fly || visible) {
      show();
    } else {
      S.map.flyTo(r.latlng, targetZoom, { animate: !reducedMotion, duration: 0.6 });
      S.map.once('moveend', show);
    }
  });
}

let detailReturnFocus = null;
let detailAbort = null;

async function openDetail(id, { push = true, focus = true } = {}) {
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
  S.state.p = id;
  S.state.d = true;
  if (push) commit(true, 'detail');
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

function closeDetailPanel() {
  const panel = $('detail');
  if (panel.hidden) return;
  panel.hidden = true;
  panel.dataset.id = '';
  if (detailAbort) detailAbort.abort();
  mapResized();
}

/** Tells Leaflet the map's box changed (a side panel opened or closed); keeps an open popup in view. */
function mapResized() {
  S.map.invalidateSize({ pan: false });
  const popup = S.map._popup; // Leaflet 1.9.4: the open popup
  if (popup && S.map.hasLayer(popup) && popup._adjustPan) popup._adjustPan();
}

function closeDetail() {
  closeDetailPanel();
  S.state.d = false;
  if (!S.openPopupId) S.state.p = '';
  commit(true, 'detail');
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
  if (p.source) add(T.source, linkHtml(p.source, T.sourceLink), true);
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

// ---------------------------------------------------------------- near me

function drawNear() {
  if (S.nearLayer) {
    S.map.removeLayer(S.nearLayer);
    S.nearLayer = null;
  }
  const n = S.state.near;
  const res = S.nearResult;
  $('near-clear').hidden = !n;
  if (!n || !res || !res.dist) return;
  const c = L.latLng(res.lat, res.lon);
  S.nearLayer = L.layerGroup([
    L.circle(c, { radius: n.radius * 1000, color: '#0b4f8a', weight: 2, fillOpacity: 0.06, interactive: false }),
    L.circleMarker(c, { radius: 6, color: '#fff', weight: 2, fillColor: '#0b4f8a', fillOpacity: 1, interactive: false }),
  ]).addTo(S.map);
}

function fmtRadius(r) {
  return fmtNum(r, r % 1 ? 1 : 0);
}

/** The status under the near-me form: the centre, the chosen place and its precision, the others, the nearest when none is in the radius. */
function showNearStatus() {
  const n = S.state.near;
  const res = S.nearResult;
  const status = $('near-status');
  const extra = $('near-extra');
  status.classList.remove('error');
  extra.innerHTML = '';
  if (!n || !res) {
    status.textContent = '';
    return;
  }
  if (res.error) {
    status.textContent = res.error;
    status.classList.add('error');
    return;
  }
  const parts = [`${T.nearCentre(res.name, fmtRadius(n.radius))}.`];
  if (res.precision) parts.push(T.nearChosen(res.label || res.name, T.precisionWords[res.precision] || T.precisionNames[res.precision] || res.precision));
  if (!res.dist.size) parts.push(T.nearNone(fmtRadius(n.radius)));
  status.textContent = parts.join(' ');
  const html = [];
  if (res.others && res.others.length) {
    html.push(`<p class="muted">${esc(T.nearOthers)}</p><ul class="near-others">`);
    res.others.forEach((pl, i) => {
      html.push(`<li><button type="button" class="btn btn-ghost linkish" data-other="${i}">${esc(placeLabel(pl, T))}</button></li>`);
    });
    html.push('</ul>');
  }
  if (!res.dist.size && res.nearest && res.nearest.length) {
    html.push(`<p class="muted">${esc(T.nearNearest)}</p><ol class="near-nearest">`);
    for (const f of res.nearest) {
      html.push(`<li><button type="button" class="btn btn-ghost linkish" data-nearest="${esc(f.id)}">${esc(f.title)}</button> <span class="dist">${esc(fmtKm(f.km))}</span></li>`);
    }
    html.push('</ol>');
    const widen = Math.min(1000, Math.ceil(Math.max(...res.nearest.map((f) => f.km)) / 5) * 5 + 5);
    html.push(`<button type="button" id="near-widen" class="btn btn-primary" data-radius="${widen}">${esc(T.nearWiden(fmtRadius(widen)))}</button>`);
  }
  extra.innerHTML = html.join('');
}

let nearAbort = null;
/** Finds the centre (geocoding a typed place), the practices within the radius and, when none, the nearest few. `fit` zooms to the circle. */
async function runNear({ fit }) {
  const n = S.state.near;
  if (nearAbort) nearAbort.abort();
  if (!n) {
    S.nearResult = null;
    showNearStatus();
    drawNear();
    await refresh();
    return;
  }
  const key = nearKey(n);
  nearAbort = new AbortController();
  const signal = nearAbort.signal;
  const dist = new Map();
  try {
    let centre;
    let others = [];
    if (n.place) {
      const q = normalisePlaceQuery(n.place);
      let fc;
      try {
        fc = await api.geocode(q, 5, signal);
      } catch (e) {
        if (e.code === 'not_found') throw new Error(T.nearNotFound(n.place));
        throw e;
      }
      const places = (fc.features || []).map(placeOf);
      if (!places.length) throw new Error(T.nearNotFound(n.place));
      centre = places[0];
      others = places.slice(1);
    } else {
      centre = { lat: n.lat, lon: n.lon, name: n.name || T.nearMyLocation, precision: n.prec || '' };
    }
    const params = new URLSearchParams({ lat: String(centre.lat), lon: String(centre.lon), radius_km: String(n.radius) });
    const limit = (S.config && S.config.max_limit) || 10000;
    await api.allPractices(params, {
      limit,
      parallel: 1,
      signal,
      onPage: (features) => {
        for (const f of features) dist.set(String(f.id ?? f.properties.id), f.properties.distance_km);
      },
    });
    let nearest = [];
    if (!dist.size) {
      const fc = await api.nearest(centre.lat, centre.lon, 3, signal);
      nearest = (fc.features || []).map((f) => ({ id: String(f.id ?? f.properties.id), title: f.properties.title, km: f.properties.distance_km }));
    }
    S.nearResult = {
      key,
      lat: centre.lat,
      lon: centre.lon,
      name: centre.name || n.place,
      label: n.place ? placeLabel(centre, T) : centre.name,
      precision: centre.precision,
      others,
      nearest,
      dist,
    };
    showNearStatus();
    drawNear();
    if (fit && S.nearLayer) {
      const circle = S.nearLayer.getLayers()[0];
      S.map.fitBounds(circle.getBounds(), { animate: !reducedMotion, padding: [10, 10] });
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
    S.nearResult = { key, error: e instanceof api.ApiError ? apiMessage(e) : e.message || T.loadFailed };
    showNearStatus();
    drawNear();
  }
  await refresh();
}

function nearError(text, field) {
  const status = $('near-status');
  status.textContent = text;
  status.classList.add('error');
  $('near-extra').innerHTML = '';
  field.setAttribute('aria-invalid', 'true');
  field.focus();
}

/** Moves the near-me search to a chosen place (a suggestion or one of the others). */
function nearPlace(place) {
  const r = parseRadius($('near-radius').value);
  S.state.near = {
    lat: place.lat,
    lon: place.lon,
    radius: Number.isFinite(r) ? r : S.state.near ? S.state.near.radius : DEFAULT_RADIUS_KM,
    name: placeLabel(place, T),
    prec: place.precision || '',
  };
  $('near-place').value = place.name;
  $('near-place').dataset.chosen = place.name;
  commit(true, 'near');
  runNear({ fit: true });
}

function setupNear() {
  const suggest = attachSuggestions({ input: $('near-place'), list: $('near-suggest'), T, onPick: nearPlace });
  for (const id of ['near-place', 'near-radius']) $(id).addEventListener('input', (e) => e.target.removeAttribute('aria-invalid'));
  $('near').addEventListener('submit', (e) => {
    e.preventDefault();
    suggest.close();
    const status = $('near-status');
    const place = $('near-place').value.trim();
    const r = parseRadius($('near-radius').value);
    status.classList.remove('error');
    if (!place) return nearError(T.nearNeedPlace, $('near-place'));
    if (!Number.isFinite(r)) return nearError(T.nearBadRadius, $('near-radius'));
    const n = S.state.near;
    // The same place with another radius keeps a chosen candidate.
    if (n && !n.place && n.name && place === $('near-place').dataset.chosen) S.state.near = { ...n, radius: r };
    else S.state.near = { place, radius: r };
    commit(true, 'near');
    runNear({ fit: true });
  });
  $('near-extra').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.dataset.other !== undefined) {
      const pl = S.nearResult && S.nearResult.others[Number(b.dataset.other)];
      if (pl) nearPlace(pl);
    } else if (b.dataset.nearest) {
      openPractice(b.dataset.nearest, { fly: true });
    } else if (b.id === 'near-widen') {
      const r = Number(b.dataset.radius);
      S.state.near = { ...S.state.near, radius: r };
      $('near-radius').value = fmtRadius(r);
      commit(true, 'near');
      runNear({ fit: true });
    }
  });
  $('near-locate').addEventListener('click', () => {
    const status = $('near-status');
    status.classList.remove('error');
    const r = parseRadius($('near-radius').value) || DEFAULT_RADIUS_KM;
    if (!navigator.geolocation) {
      status.textContent = T.nearGeoUnavailable;
      status.classList.add('error');
      return;
    }
    status.textContent = T.nearLocating;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        S.state.near = { lat: pos.coords.latitude, lon: pos.coords.longitude, radius: r };
        $('near-place').value = '';
        commit(true, 'near');
        runNear({ fit: true });
      },
      () => {
        status.textContent = T.nearGeoDenied;
        status.classList.add('error');
      },
      { timeout: 10000, maximumAge: 600000 },
    );
  });
  $('near-clear').addEventListener('click', () => {
    S.state.near = null;
    commit(true, 'near');
    runNear({ fit: false });
    $('near-place').focus();
  });
}

// ---------------------------------------------------------------- text search on the server

let textAbort = null;
/** Asks the API which practices match the text filter (it searches the bodies too). */
async function runText() {
  const stems = queryStems(S.state.q);
  if (textAbort) textAbort.abort();
  if (!stems.length) {
    S.textResult = null;
    return;
  }
  const key = stems.join(' ');
  if (S.textResult && S.textResult.key === key) return;
  textAbort = new AbortController();
  const ids = new Set();
  try {
    await api.allPractices(new URLSearchParams({ q: S.state.q.trim() }), {
      limit: (S.config && S.config.max_limit) || 10000,
      parallel: 1,
      signal: textAbort.signal,
      onPage: (features) => {
        for (const f of features) ids.add(String(f.id ?? f.properties.id));
      },
    });
    S.textResult = { key, ids };
    await refresh();
  } catch (e) {
    if (e.name !== 'AbortError') S.textResult = null; // the page's own matches stand
  }
}

// ---------------------------------------------------------------- filters UI

function fillFilterOptions() {
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

function syncControls() {
  fillAdminOptions();
  syncSelect('f-area', 'area');
  syncSelect('f-woj', 'woj');
  syncSelect('f-pow', 'pow');
  syncSelect('f-gmi', 'gmi');
  $('f-yf').value = S.state.yf || '';
  $('f-yt').value = S.state.yt || '';
  if (S.state.pow || S.state.gmi || S.state.yf || S.state.yt) $('more-filters').open = true;
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
function fillAdminOptions() {
  if (!S.loaded) return;
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
  const fill = (id, all, m) => {
    const el = $(id);
    const opts = [...m].sort((a, b) => collator.compare(a[1], b[1]));
    el.innerHTML = `<option value="">${esc(all)}</option>` + opts.map(([v, name]) => `<option value="${esc(v)}">${esc(name)}</option>`).join('');
  };
  fill('f-pow', T.allPowiats, pows);
  fill('f-gmi', T.allGminas, gmis);
}

function setFilter(name, value) {
  if (S.state[name] === value) return;
  S.state[name] = value;
  syncControls();
  commit(true, name === 'q' ? 'q' : 'filter');
  refresh();
}

function setupFilters() {
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
    Object.assign(S.state, { area: '', woj: '', pow: '', gmi: '', yf: null, yt: null, q: '' });
    syncControls();
    commit(true, 'filter');
    refresh();
  };
  $('f-clear').addEventListener('click', clear);
  $('map-empty-clear').addEventListener('click', clear);
  $('l-choro').addEventListener('change', (e) => {
    S.state.choro = e.target.checked;
    updateChoropleth();
    commit(true, 'choro');
  });
  $('dl-inview').addEventListener('change', (e) => {
    S.state.inview = e.target.checked;
    updateDownloads();
    commit(true, 'inview');
  });
}

function setupList() {
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

function setPanelOpen(open) {
  document.body.classList.toggle('panel-open', open);
  const b = $('panel-toggle');
  b.setAttribute('aria-expanded', String(open));
  b.textContent = open ? T.panelToggleClose : T.panelToggleOpen;
  if (!open) S.map.invalidateSize();
}

function setupChrome() {
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

// ---------------------------------------------------------------- moves and history

let moveTimer = null;
function onMoveEnd() {
  S.state.view = currentView();
  clearTimeout(moveTimer);
  moveTimer = setTimeout(() => {
    commit(false);
    if (S.loaded) {
      updateList();
      updateDownloads();
    }
  }, 60);
}

async function applyState(next) {
  const prev = S.state;
  S.applying = true;
  S.state = next;
  try {
    syncControls();
    applyBase();
    if (next.view) {
      const c = S.map.getCenter();
      if (Math.abs(c.lat - next.view.lat) > 1e-5 || Math.abs(c.lng - next.view.lon) > 1e-5 || S.map.getZoom() !== next.view.zoom) {
        S.map.setView([next.view.lat, next.view.lon], next.view.zoom, { animate: false });
      }
    }
    runText();
    if (nearKey(prev.near) !== nearKey(next.near)) {
      await runNear({ fit: false });
    } else {
      await refresh();
    }
    updateChoropleth();
    // The open practice.
    if (!next.p) {
      S.map.closePopup();
      closeDetailPanel();
    } else {
      if (S.openPopupId !== next.p) {
        S.map.closePopup();
        const r = S.byId.get(next.p);
        if (r && r.marker && S.clusters.hasLayer(r.marker)) await openPractice(next.p, { fly: false });
      }
      if (next.d) await openDetail(next.p, { push: false, focus: false });
      else closeDetailPanel();
    }
  } finally {
    S.state = next;
    S.applying = false;
    S.state.view = currentView();
    commit(false);
  }
}

// ---------------------------------------------------------------- start

/** Loads every practice in pages, then clusters them in one pass (the cheapest way to cluster). */
async function loadPractices() {
  const loading = $('loading');
  loading.textContent = T.loading;
  const max = (S.config && S.config.max_limit) || PAGE;
  const limit = Math.min(PAGE, max);
  // Filters from the URL apply while loading, so the markers are the right ones at once.
  const match = makeMatcher();
  const key = filterKey();
  await api.allPractices(new URLSearchParams(), {
    limit,
    parallel: 2,
    onPage: async (features, page, total) => {
      performance.mark(`mapa:page${page}:received`);
      S.selected.push(...addRecords(features).filter(match));
      loading.textContent = T.loadingProgress(S.records.length, Math.max(S.records.length, total));
    },
  });
  performance.mark('mapa:received');
  await addClusterMarkers(S.selected.filter((r) => r.marker).map((r) => r.marker));
  performance.mark('mapa:clustered');
  // What is on the map is the selection, unless a near-me answer came meanwhile.
  if (filterKey() === key) S.selKey = selectionKey();
  // Titles sorted once; the list sorts rows by this rank.
  const order = S.records.slice().sort((a, b) => collator.compare(a.p.title || '', b.p.title || ''));
  order.forEach((r, i) => {
    r.rank = i;
  });
  loading.textContent = '';
}

let updateEmbedLink = null;

/** The filters in words, for the printed sheet's header. */
function filtersInWords() {
  const s = S.state;
  const out = [];
  const sel = (id) => $(id).options[$(id).selectedIndex]?.textContent.trim();
  if (s.area) out.push(`${T.area}: ${areaName(s.area)}`);
  if (s.woj) out.push(`${T.voivodeship}: ${sel('f-woj')}`);
  if (s.pow) out.push(`${T.powiat}: ${sel('f-pow')}`);
  if (s.gmi) out.push(`${T.gmina}: ${sel('f-gmi')}`);
  if (s.yf || s.yt) out.push(`${T.year}: ${s.yf || '…'}–${s.yt || '…'}`);
  if (s.q) out.push(`${T.search}: ${s.q}`);
  if (s.near && S.nearResult && !S.nearResult.error) out.push(T.nearCentre(S.nearResult.label || S.nearResult.name, fmtRadius(s.near.radius)));
  return out;
}

function preparePrint() {
  const near = nearReady();
  const rows = S.selected.slice();
  if (near) rows.sort((a, b) => distOf(a) - distOf(b) || a.i - b.i);
  else rows.sort((a, b) => a.rank - b.rank || a.i - b.i);
  fillPrintSheet({
    T,
    rows: rows.map((r) => ({ title: r.p.title, town: r.p.town, area: areaName(r.p.area, r.p.area_name), year: r.p.year || '' })),
    filters: filtersInWords(),
    creditsHtml: T.creditsText,
  });
  S.map.invalidateSize({ pan: false });
}

async function main() {
  if (S.state.embed) updateEmbedLink = setupEmbed({ current: () => S.state });
  setupShareDialog({ T, current: () => ({ ...S.state, view: currentView() }) });
  $('print-open').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', preparePrint);
  window.addEventListener('afterprint', () => S.map.invalidateSize({ pan: false }));
  applyStrings();
  initMap();
  setupChrome();
  setupFilters();
  setupNear();
  setupList();
  updateLangLink();

  performance.mark('mapa:start');
  // The practices, the page's furniture and the near-me answer are asked for at once.
  const loaded = loadPractices().then(
    () => true,
    () => false,
  );
  const nearDone = S.state.near ? runNear({ fit: !S.state.view }) : Promise.resolve();
  const textDone = runText();
  const [cfg, cats, regions] = await Promise.allSettled([api.config(), api.categories(), api.voivodeships()]);
  performance.mark('mapa:config');
  S.config = cfg.status === 'fulfilled' ? cfg.value : { tile_url: '', tile_attribution: '', max_limit: 10000 };
  S.categories = cats.status === 'fulfilled' ? cats.value.categories || [] : [];
  for (const c of S.categories) S.areaNames.set(c.slug, lang === 'en' ? c.name_en : c.name_pl);
  S.regions = regions.status === 'fulfilled' ? regions.value : null;
  if (S.regions) for (const f of S.regions.features) S.regionNames.set(f.properties.teryt, f.properties.name_en || f.properties.name);
  setupBase();
  setupOutlines();
  fillFilterOptions();
  syncControls();

  if (!(await loaded)) {
    $('loading').textContent = T.loadFailed;
    document.documentElement.dataset.ready = 'error';
    return;
  }
  S.loaded = true;
  performance.mark('mapa:loaded');
  await nearDone;
  syncControls();
  await refresh();
  textDone.then(() => refresh());
  updateChoropleth();
  if (S.state.p) {
    const id = S.state.p;
    const r = S.byId.get(id);
    if (r && r.marker && S.clusters.hasLayer(r.marker)) await openPractice(id, { fly: !S.state.view });
    if (S.state.d) await openDetail(id, { push: false, focus: false });
    if (!r) S.state.p = '';
  }
  S.state.view = currentView();
  commit(false);
  window.addEventListener('popstate', () => applyState(parseState(location.search)));
  performance.mark('mapa-interactive');
  window.__mapaInteractiveMs = performance.now();
  document.documentElement.dataset.ready = '1';
}

main();
