// The page's data when it holds every practice: loading them in pages, the
// selection (filter.js's rule) recomputed when the filters or the API's
// answers for them change, and the server's text matches. Above a size the
// page uses server clusters instead (server.js).

import * as api from './api.js';
import { queryStems } from './text.js';
import { filterKey, pageMatcher, selectionChanged } from './filter.js';
import { addRecords } from './records.js';
import { setBusy, T, collator, $, PAGE, store, markRendered } from './context.js';

/** The selection follows the store: recomputed when the filters change, the text asked for when it does. */
export function setupData() {
  store.subscribe((next, prev, note) => {
    if (next.state.q !== prev.state.q) runText();
    if (!next.serverMode && selectionChanged(next, prev, note)) return refresh();
  });
}

/** The key of the selection drawn: the filters and the records' number. */
let selKey = null;

function selectionKey(v) {
  return `${filterKey(v)}#${v.records.length}`;
}

let refreshChain = Promise.resolve();
/** Recomputes the selection when the filters changed (map, list and counts draw it). Serialised. */
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
  const v = store.get();
  if (!v.loaded || v.serverMode) return;
  setBusy(true);
  const key = selectionKey(v);
  if (key !== selKey) {
    selKey = key;
    await store.set({ selected: v.records.filter(pageMatcher(v)) });
  }
  markRendered();
  setBusy(false);
}

let textAbort = null;
/** Asks the API which practices match the text filter (it searches the bodies too). */
export async function runText() {
  const v = store.get();
  // With server clusters every answer already comes from the API's q.
  if (v.serverMode) return;
  const stems = queryStems(v.state.q);
  if (textAbort) textAbort.abort();
  if (!stems.length) {
    if (v.textResult) store.set({ textResult: null });
    return;
  }
  const key = stems.join(' ');
  if (v.textResult && v.textResult.key === key) return;
  textAbort = new AbortController();
  const ids = new Set();
  try {
    await api.allPractices(new URLSearchParams({ q: v.state.q.trim() }), {
      limit: (v.config && v.config.max_limit) || 10000,
      parallel: 1,
      signal: textAbort.signal,
      onPage: (features) => {
        for (const f of features) ids.add(String(f.id ?? f.properties.id));
      },
    });
    await store.set({ textResult: { key, ids } }, { refresh: true });
  } catch (e) {
    if (e.name !== 'AbortError' && store.get().textResult) store.set({ textResult: null }); // the page's own matches stand
  }
}

/** Loads every practice in pages, then clusters them in one pass (the cheapest way to cluster). */
export async function loadPractices() {
  const loading = $('loading');
  loading.textContent = T.loading;
  const v = store.get();
  const max = (v.config && v.config.max_limit) || PAGE;
  const limit = Math.min(PAGE, max);
  // Filters from the URL apply while loading, so the markers are the right ones at once.
  const match = pageMatcher(v);
  const key = filterKey(v);
  const selected = [];
  await api.allPractices(new URLSearchParams(), {
    limit,
    // The size is known (main.js): one request when one page holds every practice.
    parallel: v.total && v.total <= limit ? 1 : 2,
    onPage: async (features, page, total) => {
      performance.mark(`mapa:page${page}:received`);
      selected.push(...addRecords(features).filter(match));
      const n = store.get().records.length;
      loading.textContent = T.loadingProgress(n, Math.max(n, total));
    },
  });
  performance.mark('mapa:received');
  // The map clusters the first selection in one go (firstDraw).
  await store.set({ selected }, { firstDraw: true });
  performance.mark('mapa:clustered');
  // What is on the map is the selection, unless a near-me answer came meanwhile.
  if (filterKey(store.get()) === key) selKey = selectionKey(store.get());
  // Titles sorted once; the list sorts rows by this rank.
  const order = store.get().records.slice().sort((a, b) => collator.compare(a.p.title || '', b.p.title || ''));
  order.forEach((r, i) => {
    r.rank = i;
  });
  loading.textContent = '';
}
