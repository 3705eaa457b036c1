// What every part of the page shares: the language and its strings, the page's
// one store (its value is described below), formatting, and small helpers.
// Only pure modules below it; every feature module imports it, none another.

import { pickLang, strings } from './i18n.js';
import { parseState, formatState } from './state.js';
import { createStore } from './store.js';

export const L = window.L;
export const lang = pickLang(location.search);
export const T = strings(lang);
// Numeric, so "2, 10, 100" sort as numbers do.
export const collator = new Intl.Collator(T.locale, { numeric: true });
export const $ = (id) => document.getElementById(id);
export const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
export const coarsePointer = window.matchMedia('(pointer: coarse)').matches;

/** Poland, for the first view. */
export const POLAND = L.latLngBounds([49.0, 14.1], [54.85, 24.15]);
/** Practices per API request while loading (the API caps a page at 10,000). */
export const PAGE = 5000;
/** Most rows the list shows at once. */
export const LIST_MAX = 200;

/**
 * The page's store. Filters, the near-me form, popups and history SET it;
 * the map, the list and counts, the choropleth and the downloads RENDER from
 * it (they subscribe). Its value:
 */
export const store = createStore({
  state: parseState(location.search), // what a link carries (state.js): filters, view, open practice…
  records: [], // every practice record the page knows ({i, id, p, latlng, marker, rank, text}), added by records.js
  byId: new Map(), // id → record
  total: 0, // practices in the dataset
  serverMode: false, // server clusters (server.js) instead of every practice in the page
  loaded: false, // the practices (or, with server clusters, the furniture) are in
  selected: [], // the records the filters select (client mode)
  nearResult: null, // {key, lat, lon, name, label, precision, others, nearest, dist: Map(id -> km)} or {key, error}
  textResult: null, // {key, ids: Set}: what the API's q matched (bodies included)
  server: { list: [], dist: new Map(), listMatched: 0, matched: 0, inView: 0, regions: null, version: 0 }, // the server's answer for the view
  popupId: '', // the practice whose popup is open
  config: null, // /api/config
  categories: [], // /api/categories
  areaNames: new Map(), // slug → name in the page's language
  regions: null, // the voivodeships' GeoJSON
  regionNames: new Map(), // TERYT → English name
});

/** Changes part of the link's state (`store.state`); `note` as for store.set. */
export function setState(patch, note) {
  return store.set({ state: { ...store.get().state, ...patch } }, note);
}

/** The page's address for a state. */
export function pageUrl(state) {
  return location.pathname + formatState(state);
}

let rev = 0;
/** Marks an update of the page done (data-rev counts them; the tests wait for it). */
export function markRendered() {
  rev += 1;
  document.documentElement.dataset.rev = String(rev);
}

export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** An API error in the page's language: the message for its code, else a general one. */
export function apiMessage(e) {
  return (e && e.code && T.apiErrors[e.code]) || T.loadFailed;
}

export function fmtNum(n, digits = 0) {
  return Number(n).toLocaleString(T.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtKm(km) {
  return `${fmtNum(km, km < 10 ? 1 : 0)} ${T.km}`;
}

export function fmtCost(n) {
  return n === null || n === undefined ? T.unknown : `${fmtNum(n)} ${T.pln}`;
}

export function fmtRadius(r) {
  return fmtNum(r, r % 1 ? 1 : 0);
}

export function areaName(slug, fallback) {
  return store.get().areaNames.get(slug) || fallback || slug;
}

export function regionName(v) {
  if (!v) return T.unknown;
  return (lang === 'en' && store.get().regionNames.get(v.teryt)) || v.name;
}

/** The map's view as a lon/lat box [west, south, east, north], clamped to the world. */
export function mapBbox(map) {
  const b = map.getBounds();
  const clamp = (x, lo, hi) => Math.max(lo, Math.min(hi, x));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
}

/** The map's view as the link's state has it. */
export function mapView(map) {
  const c = map.getCenter();
  return { zoom: map.getZoom(), lat: c.lat, lon: c.lng };
}

export function setBusy(on) {
  if (on) document.documentElement.dataset.busy = '1';
  else delete document.documentElement.dataset.busy;
}
