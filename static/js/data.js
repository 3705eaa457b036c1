// The page's data: loading every practice in pages, the filter rule (the same as
// the API's), the selection and its refresh, and the server's text matches. Above
// a size the page switches to server clusters instead (server.js).

import * as api from './api.js';
import { areaMatches } from './areas.js';
import { queryStems, searchText, matches } from './text.js';
import { setBusy, L, T, collator, $, PAGE, S } from './context.js';
import { markerIcon, addClusterMarkers, setClusterMarkers } from './map.js';
import { updateChoropleth } from './choropleth.js';
import { updateList, updateDownloads } from './list.js';
import { serverRefresh } from './server.js';

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

/** The page's record of a practice feature (made on first sight, without a marker). */
export function recordOf(f) {
  const p = f.properties || {};
  const id = String(f.id ?? p.id);
  let r = S.byId.get(id);
  if (r) return r;
  r = { i: S.records.length, id, p, latlng: null, marker: null, rank: 0, text: undefined };
  const g = f.geometry;
  if (g && g.type === 'Point' && Array.isArray(g.coordinates)) r.latlng = L.latLng(g.coordinates[1], g.coordinates[0]);
  S.records.push(r);
  S.byId.set(id, r);
  return r;
}

/** The folded words a text filter searches, computed on the first search. */
function textOf(r) {
  if (r.text === undefined) r.text = searchText([r.p.title, r.p.summary, r.p.town, r.p.unit]);
  return r.text;
}

export function nearKey(n) {
  if (!n) return '';
  return n.place ? `p:${n.place.trim()}|${n.radius}` : `c:${n.lat},${n.lon}|${n.radius}`;
}

export function nearReady() {
  return S.state.near && S.nearResult && S.nearResult.key === nearKey(S.state.near) && S.nearResult.dist;
}

/** The ids the server matched for the text filter (it searches the bodies too), when known. */
function textIds() {
  const stems = queryStems(S.state.q);
  return stems.length && S.textResult && S.textResult.key === stems.join(' ') ? S.textResult.ids : null;
}

function filterKey() {
  const s = S.state;
  return JSON.stringify([s.area, s.woj, s.pow, s.gmi, s.ut, s.yf, s.yt, queryStems(s.q), textIds() ? 1 : 0, nearReady() ? nearKey(s.near) : '']);
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
    if (s.ut && r.p.unit_type !== s.ut) return false;
    if ((s.yf || s.yt) && !(r.p.year && (!s.yf || r.p.year >= s.yf) && (!s.yt || r.p.year <= s.yt))) return false;
    // The same rule as the API's q (text.js); the server's answer adds the matches in bodies.
    if (stems.length && !matches(stems, textOf(r)) && !(serverIds && serverIds.has(r.id))) return false;
    if (near && !near.has(r.id)) return false;
    return true;
  };
}

export function distOf(r) {
  return nearReady() ? S.nearResult.dist.get(r.id) : undefined;
}

let refreshChain = Promise.resolve();
/** Recomputes the selection (when filters changed), the markers, list and counts. Serialised. */

export function refresh() {
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
  if (S.serverMode) {
    await serverRefresh();
    return;
  }
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

let textAbort = null;
/** Asks the API which practices match the text filter (it searches the bodies too). */

export async function runText() {
  // With server clusters every answer already comes from the API's q.
  if (S.serverMode) return;
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

/** Loads every practice in pages, then clusters them in one pass (the cheapest way to cluster). */
export async function loadPractices() {
  const loading = $('loading');
  loading.textContent = T.loading;
  const max = (S.config && S.config.max_limit) || PAGE;
  const limit = Math.min(PAGE, max);
  // Filters from the URL apply while loading, so the markers are the right ones at once.
  const match = makeMatcher();
  const key = filterKey();
  await api.allPractices(new URLSearchParams(), {
    limit,
    // The size is known (main.js): one request when one page holds every practice.
    parallel: S.total && S.total <= limit ? 1 : 2,
    onPage: async (features, page, total) => {
      performance.mark(`mapa:page${page}:received`);
      S.selected.push(...addRecords(features).filter(match));
      loading.textContent = T.loadingProgress(S.records.length, Math.max(S.records.length, total));
    },
  });
  performance.mark('mapa:received');
  // The first clustering in one go, not in chunks: measured about a quarter faster
  // with 10,000 practices, and nothing waits for input before the markers are in.
  S.clusters.options.chunkedLoading = false;
  try {
    await addClusterMarkers(S.selected.filter((r) => r.marker).map((r) => r.marker));
  } finally {
    S.clusters.options.chunkedLoading = true;
  }
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
