// The map page's entry point: wires the modules, loads the data, and marks the
// page ready (data-ready="1", window.__mapaInteractiveMs) for the tests.
//
// The modules, in floors; each imports only from the floors below it:
//   pure       store.js (the store: set, update, subscribe), state.js (the URL
//              state), filter.js (the filter rule), text.js, plural.js, areas.js,
//              i18n.js, api.js, places.js, share.js (store, state, filter, text,
//              plural and share are tested under node: tests/js/)
//   shared     context.js (the page's store, its strings, formatting),
//              markers.js (icons), records.js (the records of practices)
//   features   filters.js, near.js, history.js, map.js (popups too), detail.js
//              SET the store; map.js, list.js (list, counts, downloads),
//              choropleth.js RENDER from it (they subscribe); data.js (the
//              selection when the page holds every practice) and server.js
//              (server clusters) follow the filters. No feature imports another:
//              the actions one offers another (open a practice, highlight a row)
//              are handed over here.
//   top        main.js

import { parseState } from './state.js';
import * as api from './api.js';
import { setupShareDialog, setupEmbed } from './share.js';
import { lang, T, $, store, setState, mapView } from './context.js';
import { setupPrint } from './print.js';
import { commit, updateLangLink, applyState, setupHistory } from './history.js';
import { initMap, setupBase, setupOutlines, highlight, withPopup, openPractice, onMap } from './map.js';
import { setupChoropleth } from './choropleth.js';
import { setupData, refresh, runText, loadPractices } from './data.js';
import { setupList, listHighlight } from './list.js';
import { setupDetail, openDetail, closeDetailPanel } from './detail.js';
import { runNear, setupNear } from './near.js';
import { fillFilterOptions, syncControls, setupFilters } from './filters.js';
import { wantServerMode, setupServerMode, serverRefresh } from './server.js';

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

async function main() {
  performance.mark('mapa:modules');
  const state = () => store.get().state;
  applyStrings();
  const map = initMap({ hover: listHighlight, openDetail, closeDetailPanel });
  if (state().embed) {
    // Embedded: the "open the full map" link follows the state.
    const updateEmbedLink = setupEmbed({ current: state });
    store.subscribe((next, prev) => {
      if (next.state !== prev.state) updateEmbedLink();
    });
  }
  setupShareDialog({ T, current: () => ({ ...state(), view: mapView(map) }) });
  setupPrint(map);
  // Subscribers run in this order: the form shows a state before it is written
  // to the URL and before the selection follows it.
  setupFilters();
  setupHistory(map, { onMap, openPractice, openDetail, closeDetailPanel });
  setupData();
  setupDetail(map);
  setupNear(map, { openPractice });
  setupList(map, { openPractice, highlight });
  setupChoropleth(map);
  updateLangLink();

  performance.mark('mapa:start');
  // The dataset's size (in the preloaded configuration) decides how the map is
  // drawn: every practice in the page, or server clusters above a size
  // (server.js). The page's furniture is asked for meanwhile.
  const config = api.config();
  const furniture = Promise.allSettled([config, api.categories(), api.voivodeships()]);
  const total = await config.then(
    (c) => c.practices || 0,
    () => 0,
  );
  store.set({ total });
  if (wantServerMode(total)) setupServerMode(map, { withPopup });
  const serverMode = store.get().serverMode;
  document.documentElement.dataset.mode = serverMode ? 'server' : 'client';
  const redraw = serverMode ? serverRefresh : refresh;
  // The practices (unless the server clusters) and the near-me answer are asked for at once.
  const loaded = (serverMode ? Promise.resolve() : loadPractices()).then(
    () => true,
    () => false,
  );
  const nearDone = state().near ? runNear({ fit: !state().view }) : Promise.resolve();
  const textDone = runText();
  const [cfg, cats, regions] = await furniture;
  performance.mark('mapa:config');
  const categories = cats.status === 'fulfilled' ? cats.value.categories || [] : [];
  const regionsFc = regions.status === 'fulfilled' ? regions.value : null;
  store.set({
    config: cfg.status === 'fulfilled' ? cfg.value : { tile_url: '', tile_attribution: '', max_limit: 10000 },
    categories,
    areaNames: new Map(categories.map((c) => [c.slug, lang === 'en' ? c.name_en : c.name_pl])),
    regions: regionsFc,
    regionNames: new Map(regionsFc ? regionsFc.features.map((f) => [f.properties.teryt, f.properties.name_en || f.properties.name]) : []),
  });
  setupBase();
  setupOutlines();
  fillFilterOptions();
  syncControls();

  if (!(await loaded)) {
    $('loading').textContent = T.loadFailed;
    document.documentElement.dataset.ready = 'error';
    return;
  }
  store.set({ loaded: true });
  performance.mark('mapa:loaded');
  await nearDone;
  syncControls();
  await redraw();
  textDone.then(() => redraw());
  const { p, d } = state();
  if (p && serverMode) {
    if (d) await openDetail(p, { push: false, focus: false });
  } else if (p) {
    const r = store.get().byId.get(p);
    if (onMap(r)) await openPractice(p, { fly: !state().view });
    if (d) await openDetail(p, { push: false, focus: false });
    if (!r) setState({ p: '' });
  }
  setState({ view: mapView(map) });
  commit(false);
  window.addEventListener('popstate', () => applyState(parseState(location.search)));
  performance.mark('mapa-interactive');
  window.__mapaInteractiveMs = performance.now();
  document.documentElement.dataset.ready = '1';
}

main();
