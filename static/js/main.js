// The map page's entry point: wires the modules, loads the data, and marks the
// page ready (data-ready="1", window.__mapaInteractiveMs) for the tests.

import { parseState } from './state.js';
import * as api from './api.js';
import { setupShareDialog, setupEmbed } from './share.js';
import { setupPrint } from './print.js';
import { lang, T, $, S } from './context.js';
import { commit, updateLangLink, currentView, applyState } from './history.js';
import { initMap, setupBase, setupOutlines } from './map.js';
import { updateChoropleth } from './choropleth.js';
import { refresh, runText, loadPractices } from './data.js';
import { setupList } from './list.js';
import { openPractice, openDetail } from './detail.js';
import { runNear, setupNear } from './near.js';
import { fillFilterOptions, syncControls, setupFilters, setupChrome } from './filters.js';
import { wantServerMode, setupServerMode } from './server.js';

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
  if (S.state.embed) S.updateEmbedLink = setupEmbed({ current: () => S.state });
  setupShareDialog({ T, current: () => ({ ...S.state, view: currentView() }) });
  setupPrint();
  applyStrings();
  initMap();
  setupChrome();
  setupFilters();
  setupNear();
  setupList();
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
  S.total = total;
  if (wantServerMode(total)) setupServerMode();
  document.documentElement.dataset.mode = S.serverMode ? 'server' : 'client';
  // The practices (unless the server clusters) and the near-me answer are asked for at once.
  const loaded = (S.serverMode ? Promise.resolve() : loadPractices()).then(
    () => true,
    () => false,
  );
  const nearDone = S.state.near ? runNear({ fit: !S.state.view }) : Promise.resolve();
  const textDone = runText();
  const [cfg, cats, regions] = await furniture;
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
  if (S.state.p && S.serverMode) {
    if (S.state.d) await openDetail(S.state.p, { push: false, focus: false });
  } else if (S.state.p) {
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
