// The map page as municipal staff and researchers use it: place
// choice, empty radius, keyboard, layout, radius input, Polish text, inflected
// search, share/embed/print, Excel CSV, details, filters. Each test fails on
// the page as it was before.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import {
  BASE, OUT, launch, openPage, waitReady, waitRevAfter, rev, settle, shot, assertClean, apiJson, shownOnMap, listIds,
} from './lib.mjs';

let browser;
let all;

before(async () => {
  browser = await launch();
  all = await apiJson('/api/practices?limit=10000');
});

after(async () => {
  if (browser) await browser.close();
});

const byTown = (town) => {
  const f = all.features.find((x) => x.properties.town === town);
  assert.ok(f, `a practice in ${town}`);
  return f;
};

async function suggestions(page, text) {
  const input = page.locator('#near-place');
  await input.fill('');
  // The list of the previous text closes first, so the options read below are the new ones.
  await page.locator('#near-suggest').waitFor({ state: 'hidden', timeout: 5000 });
  await input.pressSequentially(text, { delay: 30 });
  await page.locator('#near-suggest li[role="option"]').first().waitFor({ timeout: 10000 });
  return page.locator('#near-suggest li[role="option"]').allTextContents();
}

test('1. place search suggests candidates with gmina, powiat and voivodeship; the chosen one is named with its precision', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  const opts = await suggestions(page, 'Nowa Wieś');
  assert.ok(opts.length >= 3, `several places called Nowa Wieś: ${opts.join(' | ')}`);
  for (const o of opts) assert.match(o, /gm\. .+, pow\. .+, \S+/, o);
  assert.equal(await page.locator('#near-place').getAttribute('aria-expanded'), 'true');
  await shot(page, '30-suggestions-nowa-wies');
  // The keyboard picks the second candidate.
  const second = opts[1];
  const r0 = await rev(page);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await waitRevAfter(page, r0);
  const status = await page.locator('#near-status').textContent();
  const gmina = second.match(/gm\. ([^,]+),/)[1];
  assert.match(status, new RegExp(`Wybrane miejsce: Nowa Wieś \\(gm\\. ${gmina}`), status);
  assert.match(status, /miejscowość – środek miejscowości/, status);
  assert.equal(new URL(page.url()).searchParams.get('nprec'), 'locality');

  // A postal code: the precision says it is approximate; other candidates are offered.
  // Enter in the field searches (the suggestions under it are not chosen).
  await page.locator('#near-place').fill('99-999');
  const r1 = await rev(page);
  await page.locator('#near-place').press('Enter');
  await waitRevAfter(page, r1);
  await page.locator('#near-status').filter({ hasText: 'przybliżone położenie' }).waitFor();
  assert.match(await page.locator('#near-status').textContent(), /obszar kodu pocztowego – przybliżone położenie/);

  // "41300" without its dash is the postal code 41-300.
  await page.locator('#near-place').fill('41300');
  const r2 = await rev(page);
  await page.locator('#near-place').press('Enter');
  await waitRevAfter(page, r2);
  await page.locator('#near-status').filter({ hasText: 'W promieniu 30 km' }).waitFor();
  assert.ok((await listIds(page)).includes(byTown('Dąbrowa Górnicza').id));
  assertClean(assert, log);
  await context.close();
});

test('1b. a typed name with several candidates offers the others, one click away', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/?near=Nowa%20Wie%C5%9B&r=30');
  await waitReady(page);
  const others = page.locator('#near-extra button[data-other]');
  await others.first().waitFor();
  assert.ok((await others.count()) >= 2);
  const label = await others.nth(1).textContent();
  const r0 = await rev(page);
  await others.nth(1).click();
  await waitRevAfter(page, r0);
  assert.ok((await page.locator('#near-status').textContent()).includes(label.trim()), 'the status names the place clicked');
  assertClean(assert, log);
  await context.close();
});

test('2. an empty radius lists the nearest practices with their distance and widens with one click', async () => {
  const nearest = await apiJson('/api/practices?near=Krak%C3%B3w&k=3');
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/?near=Krak%C3%B3w&r=30');
  await waitReady(page);
  await page.locator('#near-status').filter({ hasText: 'nie ma praktyk' }).waitFor();
  const rows = await page.locator('#near-extra .near-nearest li').allTextContents();
  assert.equal(rows.length, 3);
  nearest.features.forEach((f, i) => {
    assert.ok(rows[i].includes(f.properties.title), rows[i]);
    assert.match(rows[i], new RegExp(`${Math.round(f.properties.distance_km)} km`), rows[i]);
  });
  await shot(page, '31-empty-radius-nearest');
  const widen = page.locator('#near-widen');
  assert.match(await widen.textContent(), /Poszerz promień do \d+ km/);
  const r0 = await rev(page);
  await widen.click();
  await waitRevAfter(page, r0);
  assert.equal((await listIds(page)).length, 3, 'the widened circle holds the three');
  assert.ok(Number(new URL(page.url()).searchParams.get('r')) > 50);
  assertClean(assert, log);
  await context.close();
});

test('3. keyboard: a skip link reaches the markers; Enter opens a marker popup; clusters have names', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  const labels = await page.locator('.marker-cluster').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.ok(labels.length > 0, 'clusters at the first view');
  for (const l of labels) assert.match(l, /^Grupa: \d+ praktyk(i|a)?; naciśnij, aby przybliżyć$/, l);
  // From the top of the page: the first Tab reaches the skip link to the map.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Przejdź do mapy');
  await page.keyboard.press('Enter');
  let onMarker = false;
  for (let i = 0; i < 8 && !onMarker; i++) {
    await page.keyboard.press('Tab');
    onMarker = await page.evaluate(() => document.activeElement.classList.contains('leaflet-marker-icon'));
  }
  assert.ok(onMarker, 'a marker within a few tab stops of the skip link');
  // Enter on a cluster zooms in; then Enter on a single marker opens its popup.
  const f = byTown('Oświęcim');
  const [lon, lat] = f.geometry.coordinates;
  await page.goto(`${BASE}/?map=12/${lat}/${lon}`);
  await waitReady(page);
  const marker = page.locator(`.pm-marker[title="${f.properties.title}"]`);
  await marker.focus();
  await page.keyboard.press('Enter');
  await page.locator('.leaflet-popup-content h3').waitFor({ timeout: 5000 });
  assert.equal((await page.locator('.leaflet-popup-content h3').textContent()).trim(), f.properties.title);
  await page.keyboard.press('Escape');
  await marker.focus();
  await page.keyboard.press(' ');
  await page.locator('.leaflet-popup-content h3').waitFor({ timeout: 5000 });
  assertClean(assert, log);
  await context.close();
});

test('4. at 1280×800 the counts and the list are in sight; an empty filter says so on the map', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/?map=6/52/19');
  await waitReady(page);
  for (const sel of ['#counts', '#list li:first-child']) {
    const box = await page.locator(sel).boundingBox();
    assert.ok(box && box.y + box.height <= 800, `${sel} ends at ${box && box.y + box.height} px, within 800`);
  }
  const r0 = await rev(page);
  await page.locator('#f-q').fill('zzzqqqxxx');
  await waitRevAfter(page, r0);
  await page.locator('#map-empty').waitFor({ state: 'visible' });
  assert.match(await page.locator('#map-empty').textContent(), /Żadna praktyka nie spełnia wybranych kryteriów/);
  await shot(page, '32-empty-filter');
  const r1 = await rev(page);
  await page.locator('#map-empty-clear').click();
  await waitRevAfter(page, r1);
  assert.ok(await page.locator('#map-empty').isHidden());
  assert.equal(await page.locator('#f-q').inputValue(), '');
  assertClean(assert, log);
  await context.close();
});

test('5. the radius takes 2,5; 0 and 5000 are refused with a message that replaces the old status', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  await page.locator('#near-place').fill('Zawiercie');
  await page.locator('#near-radius').fill('2,5');
  const r0 = await rev(page);
  await page.getByRole('button', { name: 'Szukaj w pobliżu' }).click();
  await waitRevAfter(page, r0);
  assert.equal(new URL(page.url()).searchParams.get('r'), '2.5');
  assert.match(await page.locator('#near-status').textContent(), /W promieniu 2,5 km od: Zawiercie/);
  for (const bad of ['0', '5000']) {
    await page.locator('#near-radius').fill(bad);
    await page.getByRole('button', { name: 'Szukaj w pobliżu' }).click();
    const st = page.locator('#near-status');
    await st.filter({ hasText: 'Promień musi być liczbą większą od 0' }).waitFor({ timeout: 3000 });
    assert.ok(!(await st.textContent()).includes('W promieniu 2,5 km'), 'the old status is gone');
    assert.equal(await page.locator('#near-radius').getAttribute('aria-invalid'), 'true');
  }
  assertClean(assert, log);
  await context.close();
});

test('6. errors are in Polish; counts use Polish plural forms', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/?near=Xyzzyqq&r=30');
  await waitReady(page);
  const st = await page.locator('#near-status').textContent();
  assert.match(st, /Nie znaleziono miejsca „Xyzzyqq”/, st);
  assert.ok(!/no place found/.test(st), st);
  // Two practices in one voivodeship: "2 praktyki", not "2 praktyk".
  const byWoj = new Map();
  for (const f of all.features) byWoj.set(f.properties.voivodeship.teryt, (byWoj.get(f.properties.voivodeship.teryt) || 0) + 1);
  const [teryt, n] = [...byWoj].find(([, c]) => c >= 2 && c <= 4);
  await page.goto(`${BASE}/?woj=${teryt}&map=6/52/19`);
  await waitReady(page);
  assert.match(await page.locator('#counts').textContent(), new RegExp(`Wybrano ${n} z \\d+ praktyk`));
  const clusterLabels = await page.locator('.marker-cluster').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  for (const l of clusterLabels) {
    const k = Number(l.match(/\d+/)[0]);
    assert.ok(k < 2 || k > 4 || /praktyki;/.test(l), l);
  }
  assertClean(assert, log);
  await context.close();
});

test('7. text search matches inflected words and bodies, the same on the page as in the API', async () => {
  const { context, page, log } = await openPage(browser);
  for (const [q, town] of [['bezdomność', 'Gdańsk'], ['osiedle Sitowie', 'Gdańsk'], ['Rudniki', 'Gdańsk']]) {
    await page.goto(`${BASE}/?map=6/52/19&q=${encodeURIComponent(q)}`);
    await waitReady(page);
    await page.waitForFunction(() => document.querySelectorAll('#list button[data-id]').length > 0, null, { timeout: 10000 });
    await settle(page);
    const api = await apiJson(`/api/practices?q=${encodeURIComponent(q)}`);
    const ids = await listIds(page);
    assert.deepEqual(new Set(ids), new Set(api.features.map((f) => f.id)), `page and API agree on ${q}`);
    assert.ok(ids.includes(byTown(town).id), `${q} finds the practice in ${town}`);
  }
  assertClean(assert, log);
  await context.close();
});

test('8. share gives the link and the iframe code; ?embed=1 is map and list with an open-full link; print is a sheet', async () => {
  const { context, page, log } = await openPage(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await page.goto(`${BASE}/?area=pomoc-spoleczna&map=6/52/19`);
  await waitReady(page);
  await page.getByRole('button', { name: 'Udostępnij' }).click();
  await page.locator('#share-dialog').waitFor({ state: 'visible' });
  const link = await page.locator('#share-link').inputValue();
  const code = await page.locator('#share-embed').inputValue();
  assert.equal(new URL(link).searchParams.get('area'), 'pomoc-spoleczna');
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?[^"]*area=pomoc-spoleczna[^"]*&amp;embed=1" title="[^"]+"/);
  await page.locator('#share-dialog button[data-copy="share-link"]').click();
  await page.locator('#share-status').filter({ hasText: 'Skopiowano' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await shot(page, '33-share-dialog');
  await page.keyboard.press('Escape');

  // Print: the sheet under the map holds the selection, the filters, the date and the credits.
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const rows = await page.locator('#print-table tbody tr').count();
  const expected = await apiJson('/api/practices?category=pomoc-spoleczna');
  assert.equal(rows, expected.numberMatched);
  assert.match(await page.locator('#print-meta').textContent(), /Filtry: Obszar: Pomoc społeczna\. Stan na: /);
  assert.ok(await page.locator('#print-table').isVisible());
  // The sheet's map shows what the screen showed: every marker of the selection inside it.
  const outside = await page.evaluate(() => {
    const m = document.getElementById('map').getBoundingClientRect();
    return [...document.querySelectorAll('#map .leaflet-marker-icon')]
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.right < m.left || r.left > m.right || r.bottom < m.top || r.top > m.bottom).length;
  });
  assert.equal(outside, 0, 'every marker on the printed map');
  assert.ok(await page.locator('#panel').isHidden(), 'no form controls on paper');
  assert.match(await page.locator('#print-credits').textContent(), /GeoNames.*Natural Earth.*OpenStreetMap.*SGJP.*Leaflet/s);
  for (const landscape of [false, true]) {
    const name = landscape ? '36-print-a4-landscape' : '35-print-a4-portrait';
    const pdf = path.join(OUT, `${name}.pdf`);
    writeFileSync(pdf, await page.pdf({ format: 'A4', landscape, printBackground: true }));
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(OUT, name)]);
    assert.ok(existsSync(path.join(OUT, `${name}.png`)));
  }
  await page.emulateMedia({ media: 'screen' });

  // Embedded.
  const embed = await browser.newContext({ viewport: { width: 700, height: 500 }, bypassCSP: true });
  const ep = await embed.newPage();
  await ep.goto(code.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&'));
  await waitReady(ep);
  assert.ok(await ep.locator('.topbar').isHidden(), 'no header');
  assert.ok(await ep.locator('#f-area').isHidden(), 'no filter form');
  assert.ok(await ep.locator('#list button[data-id]').first().isVisible(), 'a compact list');
  const full = await ep.locator('#open-full').getAttribute('href');
  assert.equal(new URL(full).searchParams.get('area'), 'pomoc-spoleczna');
  assert.equal(new URL(full).searchParams.get('embed'), null);
  await ep.screenshot({ path: path.join(OUT, '34-embed.png') });
  await embed.close();
  assertClean(assert, log);
  await context.close();
});

test('9. the Excel CSV has a byte-order mark, semicolons and no live formulas', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE}/?area=pomoc-spoleczna`);
  await waitReady(page);
  const href = await page.locator('#dl-excel').getAttribute('href');
  assert.match(href, /excel=1/);
  assert.match(href, /category=pomoc-spoleczna/);
  const bytes = new Uint8Array(await (await fetch(BASE + href)).arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
  const text = new TextDecoder().decode(bytes.slice(3));
  assert.match(text.split('\n')[0], /^id;title;area;/);
  for (const line of text.split('\n').slice(1)) assert.ok(!/(^|;)[=+\-@]/.test(line), `no cell starts a formula: ${line.slice(0, 80)}`);
  assertClean(assert, log);
  await context.close();
});

test('10. details: no repeated summary; English area path; full short title on a phone; bad links fall back; ?_= is accepted', async () => {
  const f = byTown('Oświęcim');
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE}/?lang=en&p=${f.id}&d=1`);
  await waitReady(page);
  await page.locator('#detail-body dl').waitFor();
  const detail = await page.locator('#detail-body').textContent();
  assert.match(detail, /Social services › /, detail.slice(0, 300));
  const body = await page.locator('#detail-body div.text').count() ? await page.locator('#detail-body div.text').textContent() : '';
  const summary = f.properties.summary.replace(/\s+/g, ' ').trim();
  assert.ok(!body.replace(/\s+/g, ' ').trim().startsWith(summary.slice(0, 60)), 'the description does not repeat the summary');

  await page.goto(`${BASE}/?woj=99&area=nonsense`);
  await waitReady(page);
  assert.equal(await page.locator('#f-woj').evaluate((el) => el.options[el.selectedIndex].textContent), 'Wszystkie województwa');
  assert.equal(await page.locator('#f-area').evaluate((el) => el.options[el.selectedIndex].textContent), 'Wszystkie obszary');
  assert.equal(await shownOnMap(page), all.features.filter((x) => x.geometry).length);
  assert.ok(!/woj=|area=/.test(page.url()), page.url());
  assert.equal((await fetch(`${BASE}/api/practices?_=1700000000&limit=1`)).status, 200);
  // Numbers in titles sorting as numbers is checked on the 10,000 synthetic practices (perf.test.mjs).
  await context.close();

  const phone = await openPage(browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await phone.page.goto(BASE + '/');
  await waitReady(phone.page);
  const cut = await phone.page.locator('.app-title').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  assert.equal(cut, false, 'the title is not cut');
  assert.equal((await phone.page.locator('.app-title .short').textContent()).trim(), 'Mapa praktyk');
  await shot(phone.page, '37-phone');
  assertClean(assert, phone.log);
  assertClean(assert, log);
  await phone.context.close();
});

test('11. powiat, gmina and year filters narrow the selection, as the API does', async () => {
  const f = byTown('Zawiercie');
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE}/?map=6/52/19`);
  await waitReady(page);
  await page.locator('#more-filters summary').click();
  const r0 = await rev(page);
  await page.locator('#f-pow').selectOption(f.properties.powiat.teryt);
  await waitRevAfter(page, r0);
  const expected = await apiJson(`/api/practices?powiat=${f.properties.powiat.teryt}`);
  assert.deepEqual(await listIds(page), expected.features.map((x) => x.id));
  assert.equal(new URL(page.url()).searchParams.get('pow'), f.properties.powiat.teryt);
  assert.match(await page.locator('#dl-csv').getAttribute('href'), new RegExp(`powiat=${f.properties.powiat.teryt}`));
  // Years: from 2007 keeps the practices of 2007 and later.
  const r1 = await rev(page);
  await page.locator('#f-pow').selectOption('');
  await waitRevAfter(page, r1);
  const r2 = await rev(page);
  await page.locator('#f-yf').fill('2007');
  await page.locator('#f-yf').press('Tab');
  await waitRevAfter(page, r2);
  const years = await apiJson('/api/practices?year_from=2007');
  assert.equal(await shownOnMap(page), years.features.filter((x) => x.geometry).length);
  assert.ok(years.numberMatched < all.numberMatched, 'the year filter removes some');
  await page.locator('#f-yt').fill('20');
  await page.locator('#f-yt').press('Tab');
  await page.locator('#year-status').filter({ hasText: 'czterocyfrową' }).waitFor();
  assertClean(assert, log);
  await context.close();
});

test('screenshots of the final page: desktop', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE}/`);
  await waitReady(page);
  await shot(page, '38-desktop');
  assertClean(assert, log);
  await context.close();
});

test('1c. suggestions as you type a prefix: "Oświę" offers Oświęcim, "Dąbrowa G" Dąbrowa Górnicza', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  for (const [prefix, name] of [['Oświę', 'Oświęcim'], ['Dąbrowa G', 'Dąbrowa Górnicza']]) {
    const opts = await suggestions(page, prefix);
    assert.ok(opts.some((o) => o.startsWith(name)), `${prefix} → ${opts.join(' | ')}`);
  }
  // Choosing with the mouse names the place in the status.
  const r0 = await rev(page);
  await page.locator('#near-suggest li[role="option"]', { hasText: 'Dąbrowa Górnicza' }).first().click();
  await waitRevAfter(page, r0);
  assert.match(await page.locator('#near-status').textContent(), /Wybrane miejsce: Dąbrowa Górnicza/);
  assert.ok((await listIds(page)).includes(byTown('Dąbrowa Górnicza').id));
  assertClean(assert, log);
  await context.close();
});
