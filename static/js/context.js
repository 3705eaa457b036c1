// The page's shared state and small helpers: the language and its strings, the
// state object S every module reads, number and name formatting.

import { pickLang, strings } from './i18n.js';
import { parseState } from './state.js';

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

export const S = {
  state: parseState(location.search),
  records: [],
  byId: new Map(),
  total: 0, // practices in the dataset
  serverMode: false, // server clusters (server.js) instead of every practice in the page
  serverLayer: null,
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
  printRestore: null,
  choroLayer: null,
  openPopupId: '',
  hlEl: null,
  lastPush: { kind: '', at: 0 },
  applying: false,
  rev: 0,
  updateEmbedLink: null, // set in embedded mode: keeps the "open the full map" link current
};

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

export function areaName(slug, fallback) {
  return S.areaNames.get(slug) || fallback || slug;
}

export function regionName(v) {
  if (!v) return T.unknown;
  return (lang === 'en' && S.regionNames.get(v.teryt)) || v.name;
}

export function setBusy(on) {
  if (on) document.documentElement.dataset.busy = '1';
  else delete document.documentElement.dataset.busy;
}
