// The editing form in the map page (issue 23, items 1–3) in Chromium against
// the editable server (MAPA_E2E_URL_EDIT): signing in with a wrong and the
// right password; "Dodaj praktykę" filled from a municipality's saved page
// (tests/fixtures/edit/) with the words each field came from; another place of
// the same name chosen and the pin dragged (the gmina shown follows); the
// server's field errors beside their field; "Zapisz szkic" (another
// contributor cannot see it: 404 and not in their list), "Wyślij do
// redakcji", and "Moje zgłoszenia" saying "czeka na redakcję"; an editor's
// "Edytuj" from the detail panel saved as a pending change while the map keeps
// the published version; axe-core on the form at desktop and phone size, and
// screenshots of both (target/e2e, copied into docs/screenshots/).
//
// The store is shared with other test files: this file's practices have
// titles of their own, and no list is assumed empty.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_EDIT, PASSWORD, launch, openPage, waitReady, until, shot, assertClean } from './lib.mjs';
import { api, apiSignIn, chooseTown, signIn } from './edit-lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const FIXTURE = path.join(ROOT, 'tests/fixtures/edit/rozdrazew-male-projekty.html');
const AXE = readFileSync(path.join(HERE, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAG = `form23-${Date.now()}`;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
});

/** axe-core's serious and critical violations inside `selector`. */
async function axeViolations(page, selector) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(
    (sel) => window.axe.run(sel, { resultTypes: ['violations'] }),
    selector,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Drops the answers a test provoked on purpose from the page's error log. */
function expected(log, pattern) {
  log.errors = log.errors.filter((e) => !pattern.test(e));
}

const whereText = (page) => page.locator('#ef-where').textContent();

test('a contributor signs in, fills the form from a saved page, corrects the place and submits', { skip: !BASE_EDIT && 'MAPA_E2E_URL_EDIT not set' }, async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE_EDIT}/`);
  await waitReady(page);

  // A wrong password, with the keyboard alone: the message in Polish,
  // announced (role=alert), the dialog stays, the focus back in "Hasło".
  await page.locator('#signin-open').focus();
  await page.keyboard.press('Enter');
  await until(page, `document.activeElement && document.activeElement.id === 'signin-email'`);
  await page.keyboard.type('anna@example.org');
  await page.keyboard.press('Tab');
  await page.keyboard.type('to-nie-jest-haslo');
  await page.keyboard.press('Enter');
  await until(page, `document.getElementById('signin-error').textContent.length > 0`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-password');
  assert.deepEqual(await axeViolations(page, '#signin-dialog'), []);
  assert.equal(await page.locator('#signin-error').textContent(), 'Nieprawidłowy e-mail lub hasło.');
  assert.equal(await page.locator('#signin-error').getAttribute('role'), 'alert');
  expected(log, /HTTP 401 .*\/api\/session|status of 401/);

  // The right one: the name and role shown, "Wyloguj" offered.
  await page.locator('#signin-password').fill(PASSWORD);
  await page.locator('#signin-dialog').getByRole('button', { name: 'Zaloguj' }).click();
  await until(page, `!document.getElementById('account-bar').hidden`);
  const bar = await page.locator('#account-bar').textContent();
  assert.match(bar, /Anna Zgłaszająca/);
  assert.match(bar, /zgłaszający/);
  assert.ok(await page.getByRole('button', { name: 'Wyloguj' }).isVisible());
  assert.ok(!(await page.locator('#signin-open').isVisible()));

  // "Dodaj praktykę": the page chosen as a saved file and read by the importer.
  await page.getByRole('button', { name: 'Dodaj praktykę' }).click();
  const form = page.locator('#edit-dialog');
  await until(page, `document.getElementById('edit-dialog').open`);
  await form.getByLabel('Zapisany plik strony (HTML)').setInputFiles(FIXTURE);
  await form.getByRole('button', { name: 'Wczytaj' }).click();
  await until(page, `/Wypełniono/.test(document.getElementById('ef-paste-status').textContent)`, { timeout: 20000 });
  assert.equal(await form.getByLabel('Tytuł').inputValue(), 'Zakończona realizacja małych projektów');
  assert.equal(await form.getByLabel('Koszt (zł)').inputValue(), '96939');
  assert.equal(
    await form.getByLabel('Adres źródła').inputValue(),
    'http://www.rozdrazew.pl/komunikaty-wasne/863-2013-08-09-08-49-04.html',
  );
  // The words beside the field they filled, and tied to it for screen readers.
  assert.match(await page.locator('#ef-cost_pln-from').textContent(), /«[^»]*96\.939[^»]*»/);
  assert.match(await page.locator('#ef-cost_pln').getAttribute('aria-describedby'), /ef-cost_pln-from/);
  assert.match(await page.locator('#ef-town-from').textContent(), /^Ze strony: «/);
  // The importer placed it by the office's address in the footer (Rozdrażew);
  // the works were in Budy, a name many villages share. Typed, chosen from the
  // suggestions with the keyboard.
  assert.equal(await form.getByLabel('Miejscowość').inputValue(), 'Rozdrażew');
  await until(page, `/Położenie: gm\\. Rozdrażew/.test(document.getElementById('ef-where').textContent)`);
  const town = 'Budy';
  await chooseTown(form, page, town);
  await until(page, `/Położenie: gm\\./.test(document.getElementById('ef-where').textContent) && !/Rozdrażew,/.test(document.getElementById('ef-where').textContent)`);
  const placedAt = await whereText(page);

  // Another place of the same name chosen: the gmina shown changes.
  await until(page, `document.querySelectorAll('#ef-candidates button').length > 0`, { timeout: 10000 });
  const other = page.locator('#ef-candidates button').first();
  const otherLabel = await other.textContent();
  assert.ok(otherLabel.startsWith(town), `${otherLabel} is named ${town}`);
  await other.click();
  await until(page, `document.getElementById('ef-where').textContent !== ${JSON.stringify(placedAt)}`);
  const chosenAt = await whereText(page);
  assert.notEqual(chosenAt, placedAt);
  const gminaOf = (w) => (/gm\. ([^,]+)/.exec(w) || [])[1];
  assert.ok(otherLabel.includes(`gm. ${gminaOf(chosenAt)}`), `${chosenAt} names the chosen place's gmina (${otherLabel})`);

  // The pin dragged far enough to leave that gmina: /api/reverse names another.
  const pin = page.locator('#ef-map .leaflet-marker-icon');
  await pin.scrollIntoViewIfNeeded();
  const box = await pin.boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height - 4;
  const latBefore = await form.getByLabel('Szerokość geograficzna').inputValue();
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(x + 18 * i, y - 10 * i);
  await page.mouse.up();
  await until(page, `/Położenie: gm\\./.test(document.getElementById('ef-where').textContent) && document.getElementById('ef-where').textContent !== ${JSON.stringify(chosenAt)}`);
  assert.notEqual(await form.getByLabel('Szerokość geograficzna').inputValue(), latBefore);
  assert.notEqual(gminaOf(await whereText(page)), gminaOf(chosenAt));

  // A required field left empty: the error beside it, announced and focused.
  await form.getByLabel('Tytuł').fill('');
  await form.getByRole('button', { name: 'Wyślij do redakcji' }).click();
  assert.equal(await page.locator('#ef-title-err').textContent(), 'To pole jest wymagane.');
  assert.equal(await page.locator('#ef-title').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#ef-errors').getAttribute('role'), 'alert');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ef-title');
  const title = `Małe projekty w Rozdrażewie ${TAG}`;
  await form.getByLabel('Tytuł').fill(title);

  // axe on the filled form, and its screenshot, at desktop size.
  assert.deepEqual(await axeViolations(page, '#edit-dialog'), []);
  await page.locator('#ef-paste').evaluate((d) => {
    d.open = false;
  });
  await page.locator('#edit-title').focus();
  await page.locator('#ef-area-box').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  const desktop = await shot(page, 'form-desktop-1280x800');

  // "Zapisz szkic": a draft only its author sees.
  await form.getByRole('button', { name: 'Zapisz szkic' }).click();
  await until(page, `/Zapisano szkic/.test(document.getElementById('ef-status').textContent)`);
  const id = await page.locator('#edit-dialog').getAttribute('data-entry');
  assert.ok(id, 'the draft has an id');
  const piotr = await apiSignIn('piotr@example.org');
  assert.equal((await api(piotr, 'GET', `/api/entries/${encodeURIComponent(id)}`)).status, 404);
  const theirs = await api(piotr, 'GET', '/api/mine');
  assert.equal(theirs.status, 200);
  assert.ok(!theirs.body.some((e) => e.feature.id === id), 'not in the other contributor\'s list');
  const anon = await fetch(`${BASE_EDIT}/api/practices/${encodeURIComponent(id)}`);
  assert.equal(anon.status, 404);

  // "Wyślij do redakcji", then "Moje zgłoszenia": czeka na redakcję.
  await form.getByRole('button', { name: 'Wyślij do redakcji' }).click();
  await until(page, `/Wysłano do redakcji/.test(document.getElementById('ef-status').textContent)`);
  assert.match(await page.locator('#ef-status').textContent(), /czeka na redakcję/);
  await page.locator('#edit-close').click();
  await page.getByRole('button', { name: 'Moje zgłoszenia' }).click();
  const item = page.locator(`#edit-view-mine li.mine-item[data-id="${id}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), new RegExp(TAG));
  assert.equal((await item.locator('.badge').textContent()).trim(), 'czeka na redakcję');
  // Its saved place is the dragged one (hand-set), in the gmina last shown.
  const mine = await apiSignIn('anna@example.org');
  const entry = await api(mine, 'GET', `/api/entries/${encodeURIComponent(id)}`);
  assert.equal(entry.body.status, 'submitted');
  assert.equal(entry.body.feature.properties.precision, 'manual');
  assert.equal(entry.body.feature.properties.cost_pln, 96939);

  // The same form at phone size: one column, the map under the fields; axe again.
  await page.setViewportSize({ width: 390, height: 844 });
  await item.getByRole('button').click();
  await until(page, `document.getElementById('edit-dialog').dataset.view === 'form'`);
  const widths = await page.evaluate(() => {
    const r = (id) => document.getElementById(id).getBoundingClientRect();
    return { dialog: r('edit-dialog').width, lat: r('ef-lat').width, map: r('ef-map').width, mapTop: r('ef-map').top, townTop: r('ef-town').top };
  });
  assert.ok(widths.dialog <= 390, JSON.stringify(widths));
  assert.ok(widths.lat > 300, `one column: ${JSON.stringify(widths)}`);
  assert.ok(widths.mapTop > widths.townTop, 'the map under the place field');
  assert.deepEqual(await axeViolations(page, '#edit-dialog'), []);
  await page.locator('#edit-title').focus();
  await page.locator('#ef-map').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const phone = await shot(page, 'form-phone-390x844');
  for (const f of [desktop, phone]) copyFileSync(f, path.join(ROOT, 'docs/screenshots', path.basename(f)));

  // Signing out: the bar goes, "Zaloguj" comes back.
  await page.locator('#edit-close').click();
  await page.getByRole('button', { name: 'Wyloguj' }).click();
  await until(page, `document.getElementById('account-bar').hidden`);
  assertClean(assert, log);
  await context.close();
});

test('an editor edits from the detail panel: a pending change, the map keeps the published version', { skip: !BASE_EDIT && 'MAPA_E2E_URL_EDIT not set' }, async () => {
  const list = await (await fetch(`${BASE_EDIT}/api/practices?limit=1&offset=4`)).json();
  const target = list.features[0];
  const id = target.id;
  const before = await (await fetch(`${BASE_EDIT}/api/practices/${encodeURIComponent(id)}`)).json();
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE_EDIT}/?p=${encodeURIComponent(id)}&d=1`);
  await waitReady(page);
  await signIn(page, 'redaktor@example.org', PASSWORD);
  await until(page, `!document.getElementById('account-bar').hidden`);
  assert.match(await page.locator('#account-bar').textContent(), /redaktor/);
  const edit = page.locator('#detail-edit').getByRole('button', { name: 'Edytuj' });
  await edit.click();
  await until(page, `document.getElementById('edit-dialog').open && document.getElementById('ef-title').value.length > 0`);
  const form = page.locator('#edit-dialog');
  assert.equal(await form.getByLabel('Tytuł').inputValue(), before.properties.title);
  assert.ok(await form.getByRole('button', { name: 'Opublikuj' }).isVisible(), 'an editor publishes');
  await form.getByLabel('Streszczenie').fill(`Poprawione streszczenie ${TAG}`);
  await form.getByRole('button', { name: 'Zapisz szkic' }).click();
  await until(page, `/Zapisano poprawkę/.test(document.getElementById('ef-status').textContent)`);
  assert.match(await page.locator('#ef-status').textContent(), /na mapie nadal widać opublikowaną wersję/);
  const after = await (await fetch(`${BASE_EDIT}/api/practices/${encodeURIComponent(id)}`)).json();
  assert.equal(after.properties.summary, before.properties.summary, 'the public version stays');

  // The session ends (its cookie gone): the next request brings the sign-in
  // back, with a message, the focus in its first field.
  await page.locator('#edit-close').click();
  await context.clearCookies();
  await page.getByRole('button', { name: 'Moje zgłoszenia' }).click();
  await until(page, `document.getElementById('signin-dialog').open`);
  assert.match(await page.locator('#signin-note').textContent(), /Sesja wygasła/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-email');
  assert.ok(await page.locator('#account-bar').isHidden());
  expected(log, /HTTP 401 .*\/api\/mine|status of 401/);
  assertClean(assert, log);
  await context.close();
});
