// Measures how soon the page is interactive at 10,000 synthetic practices (on
// server clusters, as the page chooses above 5,000, and with every practice
// loaded into the page, ?cl=client, the mode below 5,000), at 100,000 and (with
// E2E_1M=1 scripts/e2e, not in CI) 1,000,000; on server clusters also how soon a
// zoom and a filter change are answered. Prints the figures; asserts only that
// everything arrived (tests never assert timings).
//
// "Interactive" is the moment the page has the map drawn (every practice
// clustered in the page, or the server's clusters for the view), the list and
// counts drawn, and its event handlers live: the page sets data-ready="1" then
// and records performance.now() (ms since navigation start) in
// window.__mapaInteractiveMs. A click on a cluster right after is timed too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_10K, BASE_100K, BASE_1M, launch, openPage, waitReady, waitRevAfter, rev, settle, shot, assertClean, apiJson, shownOnMap, centralCluster } from './lib.mjs';

let browser;

before(async () => {
  if (BASE_10K || BASE_100K || BASE_1M) browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Clicks the cluster nearest the map's centre (away from the controls); resolves when the zoom changed in the URL. */
async function clickCentralCluster(page) {
  const at = await centralCluster(page, '.marker-cluster', { preferLarge: true });
  assert.ok(at, 'a cluster on the map');
  const zoomBefore = await page.evaluate(() => new URL(location.href).searchParams.get('map').split('/')[0]);
  const t0 = Date.now();
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((z) => new URL(location.href).searchParams.get('map').split('/')[0] !== z, zoomBefore, { timeout: 10000, polling: 50 });
  return Date.now() - t0;
}

async function measure(base, n, label, query = '') {
  const total = (await apiJson('/api/practices?limit=0', base)).numberMatched;
  assert.equal(total, n, `the perf server holds ${n} practices`);
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const { context, page, log } = await openPage(browser);
    await page.addInitScript(() => {
      window.__longTasks = [];
      try {
        new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
      } catch (_) { /* not supported */ }
    });
    await page.goto(base + '/' + query);
    await waitReady(page, { timeout: 120000 });
    const m = await page.evaluate(() => ({
      mode: document.documentElement.dataset.mode,
      interactive: window.__mapaInteractiveMs,
      domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      longTasks: window.__longTasks.length,
      longest: Math.max(0, ...window.__longTasks),
      blocking: window.__longTasks.reduce((s, d) => s + Math.max(0, d - 50), 0),
    }));
    assert.equal(await shownOnMap(page), n, `all ${n} practices are counted on the map`);
    if (i === 0 && m.mode === 'client') {
      // "Praktyka syntetyczna 2" comes before "… 10" and "… 100": numbers in titles sort as numbers.
      const nums = await page.$$eval('#list button[data-id] .t', (ts) => ts.map((t) => Number((t.textContent.match(/syntetyczna (\d+)/) || [])[1])));
      assert.ok(nums.length >= 50, `the list shows rows (${nums.length})`);
      assert.ok(nums.every((x, k) => k === 0 || x > nums[k - 1]), `titles in numeric order: ${nums.slice(0, 12).join(', ')}…`);
    }
    // Responsiveness right after: clicking the biggest central cluster zooms in.
    m.clusterClickMs = await clickCentralCluster(page);
    if (m.mode === 'server') {
      // A zoom answered: from the move's end to the server's clusters drawn.
      await settle(page);
      let r0 = await rev(page);
      await page.locator('.leaflet-control-zoom-in').click();
      await waitRevAfter(page, r0, { timeout: 60000 });
      // A filter change answered: from the change to the map, list and counts drawn.
      r0 = await rev(page);
      await page.locator('#f-area').selectOption('kultura');
      await waitRevAfter(page, r0, { timeout: 60000 });
      const answered = await page.evaluate(() => performance.getEntriesByName('mapa:view-answered').map((e) => e.duration));
      // [first view, cluster click, zoom, filter]
      m.zoomAnsweredMs = answered[answered.length - 2];
      m.filterAnsweredMs = answered[answered.length - 1];
    }
    runs.push(m);
    console.log(
      `${label} run ${i + 1}: mode=${m.mode} interactive_ms=${Math.round(m.interactive)} dom_content_loaded_ms=${Math.round(m.domContentLoaded)} ` +
        `long_tasks=${m.longTasks} longest_task_ms=${Math.round(m.longest)} total_blocking_ms=${Math.round(m.blocking)} ` +
        `cluster_click_to_zoom_ms=${m.clusterClickMs}` +
        (m.mode === 'server' ? ` zoom_answered_ms=${Math.round(m.zoomAnsweredMs)} filter_answered_ms=${Math.round(m.filterAnsweredMs)}` : ''),
    );
    if (i === 0) await shot(page, `20-perf-${label}`);
    assertClean(assert, log);
    await context.close();
  }
  const fmt = (k) => `${Math.round(median(runs.map((r) => r[k])))} (runs: ${runs.map((r) => Math.round(r[k])).join(', ')})`;
  console.log(`interactive_ms_${label}=${fmt('interactive')} median of ${runs.length} cold loads, mode=${runs[0].mode}`);
  if (runs[0].mode === 'server') {
    console.log(`zoom_answered_ms_${label}=${fmt('zoomAnsweredMs')}`);
    console.log(`filter_answered_ms_${label}=${fmt('filterAnsweredMs')}`);
  }
}

test('10,000 practices: time to interactive in headless Chromium', { skip: !BASE_10K && 'MAPA_E2E_URL_10K not set' }, async () => {
  await measure(BASE_10K, 10000, '10k');
});

test('10,000 practices, every one loaded into the page (?cl=client, as below 5,000): time to interactive', { skip: !BASE_10K && 'MAPA_E2E_URL_10K not set' }, async () => {
  await measure(BASE_10K, 10000, '10k_client', '?cl=client');
});

test('100,000 practices (server clusters): time to interactive, zoom and filter answered', { skip: !BASE_100K && 'MAPA_E2E_URL_100K not set' }, async () => {
  await measure(BASE_100K, 100000, '100k');
});

test('1,000,000 practices (server clusters): time to interactive, zoom and filter answered', { skip: !BASE_1M && 'MAPA_E2E_URL_1M not set (E2E_1M=1 scripts/e2e)' }, async () => {
  await measure(BASE_1M, 1000000, '1m');
});
