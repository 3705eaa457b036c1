// Measures how soon the page is interactive with 10,000 synthetic practices.
// Prints the figures; asserts only that everything arrived (tests never assert timings).
//
// "Interactive" is the moment the page has every practice on the map (clustered),
// the list and counts drawn, and its event handlers live: the page sets
// data-ready="1" then and records performance.now() (ms since navigation start)
// in window.__mapaInteractiveMs. A click on a cluster right after is timed too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_10K, launch, openPage, waitReady, shot, assertClean, apiJson, shownOnMap } from './lib.mjs';

let browser;

before(async () => {
  if (BASE_10K) browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

test('10,000 practices: time to interactive in headless Chromium', { skip: !BASE_10K && 'MAPA_E2E_URL_10K not set' }, async () => {
  const n = (await apiJson('/api/practices?limit=0', BASE_10K)).numberMatched;
  assert.equal(n, 10000, 'the perf server holds 10,000 practices');
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const { context, page, log } = await openPage(browser);
    await page.addInitScript(() => {
      window.__longTasks = [];
      try {
        new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
      } catch (_) { /* not supported */ }
    });
    await page.goto(BASE_10K + '/');
    await waitReady(page, { timeout: 60000 });
    const m = await page.evaluate(() => ({
      interactive: window.__mapaInteractiveMs,
      domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      longTasks: window.__longTasks.length,
      longest: Math.max(0, ...window.__longTasks),
      blocking: window.__longTasks.reduce((s, d) => s + Math.max(0, d - 50), 0),
    }));
    assert.equal(await shownOnMap(page), 10000, 'all 10,000 practices are on the map');
    if (i === 0) {
      // "Praktyka syntetyczna 2" comes before "… 10" and "… 100": numbers in titles sort as numbers.
      const nums = await page.$$eval('#list button[data-id] .t', (ts) => ts.map((t) => Number((t.textContent.match(/syntetyczna (\d+)/) || [])[1])));
      assert.ok(nums.length >= 50, `the list shows rows (${nums.length})`);
      assert.ok(nums.every((n, k) => k === 0 || n > nums[k - 1]), `titles in numeric order: ${nums.slice(0, 12).join(', ')}…`);
    }
    // Responsiveness right after: clicking the biggest cluster zooms in.
    const zoomBefore = await page.evaluate(() => new URL(location.href).searchParams.get('map').split('/')[0]);
    const t0 = Date.now();
    await page.locator('.marker-cluster-large').first().click();
    await page.waitForFunction((z) => new URL(location.href).searchParams.get('map').split('/')[0] !== z, zoomBefore, { timeout: 10000, polling: 50 });
    m.clusterClickMs = Date.now() - t0;
    runs.push(m);
    console.log(
      `run ${i + 1}: interactive_ms=${Math.round(m.interactive)} dom_content_loaded_ms=${Math.round(m.domContentLoaded)} ` +
        `long_tasks=${m.longTasks} longest_task_ms=${Math.round(m.longest)} total_blocking_ms=${Math.round(m.blocking)} ` +
        `cluster_click_to_zoom_ms=${m.clusterClickMs}`,
    );
    if (i === 0) await shot(page, '20-perf-10k');
    assertClean(assert, log);
    await context.close();
  }
  const med = Math.round(median(runs.map((r) => r.interactive)));
  console.log(`interactive_ms_10k=${med} (median of ${runs.length} cold loads; runs: ${runs.map((r) => Math.round(r.interactive)).join(', ')})`);
});
