// The page on server clusters above a size: exact counts for the view, the
// zoom and every filter; pan, zoom and filter changes ask again; the list and
// downloads stay exact; near a place, every practice in the circle.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_100K, launch, openPage, waitReady, waitRevAfter, rev, settle, shot, assertClean, apiJson, shownOnMap, listIds, centralCluster,
} from './lib.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('100,000 practices: server clusters with exact counts; pan, zoom and filters ask again; list and downloads exact', { skip: !BASE_100K && 'MAPA_E2E_URL_100K not set' }, async () => {
  const total = (await apiJson('/api/practices?limit=0', BASE_100K)).numberMatched;
  assert.equal(total, 100000);
  const { context, page, log } = await openPage(browser);
  const asked = [];
  page.on('request', (req) => {
    if (/\/api\/clusters\?/.test(req.url())) asked.push(req.url());
  });
  await page.goto(BASE_100K + '/');
  await waitReady(page, { timeout: 60000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.mode), 'server');
  // The page loaded no pages of every practice.
  const pages = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\/api\/practices\?limit=5000/.test(n)));
  assert.deepEqual(pages, [], 'no load of every practice');

  // The page's last view question, asked again here: the map, the counts and
  // the list agree with it exactly.
  const check = async (label, filters = '') => {
    const last = new URL(asked[asked.length - 1]);
    for (const [k, v] of new URLSearchParams(filters)) assert.equal(last.searchParams.get(k), v, `${label}: the view asks with ${k}=${v}`);
    const inView = await apiJson(last.pathname + last.search, BASE_100K);
    const listQ = new URLSearchParams(last.search);
    listQ.delete('zoom');
    listQ.set('limit', '0');
    assert.equal((await apiJson('/api/practices?' + listQ, BASE_100K)).numberMatched, inView.numberMatched, `${label}: clusters and list agree`);
    listQ.delete('bbox');
    const matched = (await apiJson('/api/practices?' + listQ, BASE_100K)).numberMatched;
    assert.equal(await shownOnMap(page), inView.numberMatched, `${label}: the map adds up to every match in view`);
    const counts = (await page.locator('#counts').textContent()).replace(/\s/g, ' ');
    const fmt = (n) => n.toLocaleString('pl-PL').replace(/\s/g, ' ');
    assert.ok(counts.includes(`${fmt(matched)} z ${fmt(total)}`), `${label}: "${counts}" has ${matched} of ${total}`);
    assert.ok(counts.endsWith(`${fmt(inView.numberMatched)}.`), `${label}: "${counts}" ends with ${inView.numberMatched} in view`);
    return { inView: inView.numberMatched, matched, clustered: inView.clustered };
  };

  const whole = await check('start');
  assert.equal(whole.matched, total);
  assert.equal(whole.clustered, true);
  assert.ok((await page.locator('.server-cluster').count()) > 10, 'clusters on the map');
  await shot(page, '41-clusters-100k');

  // Zoom in (the control, twice): new questions, new exact counts.
  let n0 = asked.length;
  for (let i = 0; i < 2; i++) {
    const r0 = await rev(page);
    await page.locator('.leaflet-control-zoom-in').click();
    await waitRevAfter(page, r0);
  }
  assert.ok(asked.length >= n0 + 2, 'zooming asks the server again');
  const zoomed = await check('zoomed in');
  assert.ok(zoomed.inView < whole.inView && zoomed.inView > 0, `fewer in view (${zoomed.inView})`);
  const ids = await listIds(page);
  assert.ok(ids.length > 0 && ids.length <= 200, `${ids.length} rows`);

  // A filter: the map, counts and list follow it.
  let r0 = await rev(page);
  await page.locator('#f-area').selectOption('kultura');
  await waitRevAfter(page, r0);
  const culture = await check('culture', 'category=kultura');
  assert.ok(culture.matched < total);
  const metas = await page.locator('#list .m').allTextContents();
  assert.ok(metas.length > 0 && metas.every((t) => /Kultura/.test(t)), metas.slice(0, 3).join(' | '));
  assert.match(await page.locator('#dl-geojson').getAttribute('href'), /category=kultura/);
  // Printed, the sheet holds the list's rows and says how many more the downloads hold.
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const printed = await page.locator('#print-table tbody tr').count();
  assert.equal(printed, (await listIds(page)).length);
  assert.ok(printed < culture.inView, `${printed} rows printed of ${culture.inView} in view`);
  const meta = (await page.locator('#print-meta').textContent()).replace(/\s/g, ' ');
  const fmtN = (n) => n.toLocaleString('pl-PL').replace(/\s/g, ' ');
  assert.ok(meta.includes(`pierwsze ${fmtN(printed)} z ${fmtN(culture.inView)} praktyk`) && /wszystkie są w pobieranym pliku/.test(meta), meta);

  // Fast panning with the keyboard: only the last view counts.
  n0 = asked.length;
  r0 = await rev(page);
  await page.locator('#map').focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight', { delay: 10 });
  await waitRevAfter(page, r0);
  await settle(page);
  assert.ok(asked.length > n0, 'panning asks the server again');
  await check('after panning', 'category=kultura');

  // A cluster opens by click: the map zooms into it.
  const z0 = new URL(page.url()).searchParams.get('map').split('/')[0];
  r0 = await rev(page);
  const at = await centralCluster(page, '.server-cluster');
  assert.ok(at, 'a cluster in view');
  await page.mouse.click(at.x, at.y);
  await waitRevAfter(page, r0);
  const z1 = new URL(page.url()).searchParams.get('map').split('/')[0];
  assert.ok(Number(z1) > Number(z0), `zoomed into the cluster (${z0} → ${z1})`);
  await check('inside a cluster', 'category=kultura');

  // The powiat choices and the shaded voivodeships come from the server's counts.
  r0 = await rev(page);
  await page.locator('#f-woj').selectOption('24');
  await waitRevAfter(page, r0);
  await check('śląskie', 'category=kultura&voivodeship=24');
  // The choices are counted once they can be seen.
  await page.locator('#more-filters summary').click();
  const pows = await apiJson('/api/counts?by=powiat&voivodeship=24', BASE_100K);
  await page.waitForFunction((n) => document.querySelectorAll('#f-pow option').length === n + 1, pows.counts.length, { timeout: 10000 });
  const powNames = await page.locator('#f-pow option').allTextContents();
  assert.ok(pows.counts.every((c) => powNames.includes(c.name)), 'every powiat with practices is offered');
  const perRegion = await apiJson('/api/counts?by=voivodeship&category=kultura&voivodeship=24', BASE_100K);
  assert.equal(perRegion.counts.length, 1);
  r0 = await rev(page);
  await page.locator('#l-choro').check();
  await waitRevAfter(page, r0);
  const legend = (await page.locator('#choro-legend').textContent()).replace(/\s/g, ' ');
  assert.ok(legend.includes(perRegion.counts[0].count.toLocaleString('pl-PL').replace(/\s/g, ' ')), `legend "${legend}" up to ${perRegion.counts[0].count}`);
  assertClean(assert, log);
  await context.close();
});

test('100,000 practices on server clusters: near a place, the list is every practice in the circle, nearest first', { skip: !BASE_100K && 'MAPA_E2E_URL_100K not set' }, async () => {
  const api = await apiJson('/api/practices?near=Krak%C3%B3w&radius_km=10&limit=1000', BASE_100K);
  assert.ok(api.numberMatched > 5 && api.numberMatched <= 200, `a circle with a few dozen practices (${api.numberMatched})`);
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE_100K}/?near=Krak%C3%B3w&r=10`);
  await waitReady(page, { timeout: 60000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.mode), 'server');
  assert.deepEqual(await listIds(page), api.features.map((f) => f.id), 'the API\'s answer, nearest first');
  const counts = (await page.locator('#counts').textContent()).replace(/\s/g, ' ');
  assert.ok(counts.startsWith(`Wybrano ${api.numberMatched} z 100 000`), counts);
  assert.equal(await shownOnMap(page), api.numberMatched, 'the circle is in view: the map shows every practice in it');
  assertClean(assert, log);
  await context.close();
});
