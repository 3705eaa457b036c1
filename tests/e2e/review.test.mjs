// "Redakcja" and "Konta" in real Chromium against the editable server
// (MAPA_E2E_URL_EDIT): a contributor cannot reach the queue; an editor asks
// for changes with a comment, publishes the resubmission, sees a pending
// revision's diff with both pins, restores an earlier revision; an admin
// invites an account whose invitee sets a password through the link and is
// signed in. axe-core finds no serious or critical violation on the queue
// and the diff at desktop and phone size; screenshots go to docs/screenshots.
//
// The store is shared with the other test files: this file makes its own
// practices (as anna, through the API) with titles of its own and never
// assumes an empty queue.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch, openPage, until, assertClean, BASE_EDIT, PASSWORD } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/screenshots');
const STAMP = `${Date.now().toString(36)}`;
const ITEMS = '/ogc/collections/practices/items';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const skip = !BASE_EDIT || !PASSWORD ? 'MAPA_E2E_URL_EDIT and MAPA_E2E_PASSWORD not set (run scripts/e2e)' : false;

let browser;
before(async () => {
  if (!skip) browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
});

/** Signs in from node as a script would: the cookie and the CSRF token. */
async function apiSignIn(email) {
  const r = await fetch(`${BASE_EDIT}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `sign-in of ${email}: ${await r.clone().text()}`);
  const me = await r.json();
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return { cookie, csrf: me.csrf_token };
}

/** A request in a node-side session; {status, body, etag}. */
async function api(s, method, url, { json, type = 'application/json', headers = {} } = {}) {
  const h = { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Accept: 'application/json', ...headers };
  if (json !== undefined) h['Content-Type'] = type;
  const r = await fetch(BASE_EDIT + url, { method, headers: h, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, etag: r.headers.get('etag') };
}

/** A new practice in Oświęcim submitted by `s` (a contributor): its id. */
async function submitPractice(s, title, lonlat = [19.2343, 50.0352]) {
  const r = await api(s, 'POST', ITEMS, {
    type: 'application/geo+json',
    json: { type: 'Feature', geometry: { type: 'Point', coordinates: lonlat }, properties: { title, area: 'kultura', summary: `Zgłoszenie testowe ${STAMP}.` } },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.feature.id;
}

/** A page signed in as `email` through the API from the page itself, then loaded again. */
async function signedInPage(email, viewport = DESKTOP, opts = {}) {
  const { context, page, log } = await openPage(browser, { viewport, ...opts });
  await page.goto(`${BASE_EDIT}/`);
  const status = await page.evaluate(async ([e, p]) => {
    const r = await fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: e, password: p }) });
    await r.text();
    localStorage.setItem('mapa-signed-in', '1');
    return r.status;
  }, [email, PASSWORD]);
  assert.equal(status, 200);
  await page.reload();
  return { context, page, log };
}

async function openReview(page) {
  await until(page, `!!document.getElementById('review-open') && !document.getElementById('review-open').hidden`);
  await page.focus('#review-open');
  await page.keyboard.press('Enter');
  await until(page, `document.getElementById('review-dialog')?.open && document.documentElement.dataset.reviewView === 'queue'`);
  await until(page, `/W kolejce|pusta/.test(document.getElementById('rv-count').textContent)`);
}

/** axe-core on `selector`: the serious and critical violations. */
async function axeProblems(page, selector) {
  await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(async (sel) => {
    const r = await window.axe.run(document.querySelector(sel), { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
  return found;
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name) });
}

/** Opens the queue item of `title` (the queue reloaded first). */
async function openQueueItem(page, title) {
  await page.selectOption('#rv-f-area', 'kultura');
  await until(page, `[...document.querySelectorAll('#rv-queue-list .rv-open')].some((b) => b.textContent === ${JSON.stringify(title)})`);
  await page.locator('#rv-queue-list .rv-open', { hasText: title }).first().click();
  await until(page, `document.getElementById('rv-i-title')?.textContent === ${JSON.stringify(title)} && !document.getElementById('rv-item').hasAttribute('aria-busy')`);
}

test('a contributor cannot reach the queue: no Redakcja, and the API says 403', { skip }, async () => {
  const { context, page, log } = await signedInPage('piotr@example.org');
  await until(page, `document.documentElement.dataset.ready === '1'`, { timeout: 30000 });
  // The check runs after load: wait for /api/me to have been answered.
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#review-open').count(), 0);
  const statuses = await page.evaluate(async () => Promise.all(['/api/review/queue', '/api/admin/accounts'].map(async (u) => (await fetch(u)).status)));
  assert.deepEqual(statuses, [403, 403]);
  log.errors = log.errors.filter((e) => !/HTTP 403 .*\/api\/(review\/queue|admin\/accounts)/.test(e) && !/status of 403/.test(e));
  assertClean(assert, log);
  await context.close();
});

test('an editor asks for changes with a comment, then publishes the resubmission', { skip }, async () => {
  const anna = await apiSignIn('anna@example.org');
  const title = `R23 Świetlica sąsiedzka ${STAMP}`;
  const id = await submitPractice(anna, title);
  // Under the page's own Content-Security-Policy: no inline script, no eval.
  const { context, page, log } = await signedInPage('redaktor@example.org', DESKTOP, { bypassCSP: false });
  await openReview(page);
  await openQueueItem(page, title);
  const kind = await page.locator(`#rv-queue-list li[data-id="${id}"] .rv-badge`).textContent();
  assert.equal(kind, 'Nowe zgłoszenie');
  // Without a comment: refused next to the field, focus on it.
  await page.click('[data-action=request_changes]');
  assert.equal(await page.getAttribute('#rv-comment', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#rv-comment-err'), /Wpisz komentarz/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rv-comment');
  await page.keyboard.type('Dopisz, ile to kosztowało.');
  await page.click('[data-action=request_changes]');
  await until(page, `document.getElementById('rv-status').textContent.includes('Odesłano')`);
  const e1 = await api(anna, 'GET', `/api/entries/${id}`);
  assert.equal(e1.body.status, 'changes_requested');
  assert.equal(e1.body.comments.at(-1).text, 'Dopisz, ile to kosztowało.');
  // Anna corrects and sends it again.
  const patched = await api(anna, 'PATCH', `${ITEMS}/${id}`, { type: 'application/merge-patch+json', headers: { 'If-Match': e1.etag }, json: { properties: { cost_pln: 1200 } } });
  assert.ok([200, 202].includes(patched.status), JSON.stringify(patched.body));
  const e2 = await api(anna, 'GET', `/api/entries/${id}`);
  if (e2.body.status !== 'submitted') {
    const sent = await api(anna, 'POST', `/api/entries/${id}/actions`, { json: { action: 'submit' }, headers: { 'If-Match': e2.etag } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
  }
  // The editor sees it again and publishes it.
  await page.selectOption('#rv-f-area', '');
  await openQueueItem(page, title);
  assert.equal(await page.locator('#rv-diff tr[data-field=cost_pln] td').first().textContent(), '1200');
  await page.click('[data-action=publish]');
  await until(page, `document.getElementById('rv-status').textContent === 'Opublikowano.'`);
  const pub = await fetch(`${BASE_EDIT}/api/practices/${id}`);
  assert.equal(pub.status, 200);
  assert.equal((await pub.json()).properties.title, title);
  // Escape closes the view and gives the focus back to its button.
  await page.keyboard.press('Escape');
  await until(page, `!document.getElementById('review-dialog').open && document.activeElement.id === 'review-open'`);
  assertClean(assert, log);
  await context.close();
});

test('the diff of a pending revision shows changed fields and both pins; axe finds nothing serious; the editor restores an earlier revision', { skip }, async () => {
  const anna = await apiSignIn('anna@example.org');
  const editor = await apiSignIn('redaktor@example.org');
  const title = `R23 Biblioteka plenerowa ${STAMP}`;
  const id = await submitPractice(anna, title);
  const e0 = await api(editor, 'GET', `/api/entries/${id}`);
  const pub = await api(editor, 'POST', `/api/entries/${id}/actions`, { json: { action: 'publish' }, headers: { 'If-Match': e0.etag } });
  assert.equal(pub.status, 200, JSON.stringify(pub.body));
  // Anna proposes a new title and a moved pin: a pending revision.
  const cur = await fetch(`${BASE_EDIT}${ITEMS}/${id}`);
  const changed = `R23 Biblioteka plenerowa nad Sołą ${STAMP}`;
  const prop = await api(anna, 'PATCH', `${ITEMS}/${id}`, {
    type: 'application/merge-patch+json',
    headers: { 'If-Match': cur.headers.get('etag') },
    json: { geometry: { type: 'Point', coordinates: [19.2205, 50.0421] }, properties: { title: changed } },
  });
  assert.equal(prop.status, 202, JSON.stringify(prop.body));

  for (const [viewport, size] of [[DESKTOP, 'desktop'], [PHONE, 'phone']]) {
    const { context, page, log } = await signedInPage('redaktor@example.org', viewport);
    await openReview(page);
    const queueProblems = await axeProblems(page, '#review-dialog');
    assert.deepEqual(queueProblems, [], `queue at ${size}`);
    await shot(page, `review-queue-${size}.png`);
    await openQueueItem(page, changed);
    const rows = await page.$$eval('#rv-diff tbody tr', (trs) => trs.map((t) => ({ field: t.dataset.field, changed: t.classList.contains('rv-row-changed'), mark: t.querySelector('.rv-mark')?.textContent })));
    const titleRow = rows.find((r) => r.field === 'title');
    assert.equal(titleRow.changed, true);
    assert.match(titleRow.mark, /zmienione/, 'marked in words, not only by colour');
    assert.equal(rows.find((r) => r.field === 'summary').changed, false);
    assert.equal(await page.locator('#rv-diff tr[data-field=title] del').textContent(), title);
    assert.equal(await page.locator('#rv-diff tr[data-field=title] ins').textContent(), changed);
    const pins = await page.$$eval('#rv-mini .rv-pin', (ps) => ps.map((p) => p.textContent));
    assert.deepEqual(pins.sort(), ['Opublikowane', 'Proponowane']);
    await page.waitForTimeout(300);
    const diffProblems = await axeProblems(page, '#review-dialog');
    assert.deepEqual(diffProblems, [], `diff at ${size}`);
    await page.evaluate(() => document.getElementById('rv-i-title').scrollIntoView());
    await shot(page, `review-diff-${size}.png`);
    log.errors = log.errors.filter((e) => !e.includes('127.0.0.1:9/'));
    assertClean(assert, log);
    await context.close();
  }

  // The editor publishes the change, then restores the first revision.
  const { context, page, log } = await signedInPage('redaktor@example.org');
  await openReview(page);
  await openQueueItem(page, changed);
  await page.click('[data-action=publish]');
  await until(page, `document.getElementById('rv-status').textContent === 'Opublikowano.'`);
  const after1 = await (await fetch(`${BASE_EDIT}/api/practices/${id}`)).json();
  assert.equal(after1.properties.title, changed);
  const first = page.locator('.rv-history li[data-revision="1"] .rv-restore');
  assert.equal(await first.getAttribute('aria-label'), 'Przywróć wersję 1');
  await first.focus();
  await page.keyboard.press('Enter');
  await until(page, `document.getElementById('rv-status').textContent.includes('Przywrócono treść wersji 1')`);
  const restored = await (await fetch(`${BASE_EDIT}/api/practices/${id}`)).json();
  assert.equal(restored.properties.title, title);
  assert.deepEqual(restored.geometry.coordinates, [19.2343, 50.0352]);
  const kinds = await page.$$eval('.rv-history li .rv-h-line', (ls) => ls.map((l) => l.textContent));
  assert.match(kinds[0], /przywrócenie/);
  log.errors = log.errors.filter((e) => !e.includes('127.0.0.1:9/'));
  assertClean(assert, log);
  await context.close();
});

test('an admin invites an account; the invitee sets a password through the link and is signed in', { skip }, async () => {
  const email = `zaproszona-${STAMP}@example.org`;
  const { context, page, log } = await signedInPage('admin@example.org');
  await openReview(page);
  await page.click('#rv-tab-accounts');
  await until(page, `document.documentElement.dataset.reviewView === 'accounts' && document.querySelectorAll('#ac-list li').length >= 4`);
  // A bad e-mail is named next to the field.
  await page.fill('#ac-i-email', 'bez-malpy');
  await page.click('#ac-invite button[type=submit]');
  assert.match(await page.textContent('#ac-i-email-err'), /nie jest adres/);
  await page.fill('#ac-i-email', email);
  await page.fill('#ac-i-name', 'Zofia Zaproszona');
  await page.selectOption('#ac-i-role', 'editor');
  await page.fill('#ac-i-units', '12');
  await page.click('#ac-invite button[type=submit]');
  await until(page, `!!document.getElementById('ac-i-link')`);
  const link = await page.inputValue('#ac-i-link');
  assert.match(link, /\/zaproszenie\.html#mi_[0-9a-f]{64}$/);
  await until(page, `document.querySelectorAll('#ac-invites li[data-email="${email}"]').length === 1`);
  const problems = await axeProblems(page, '#review-dialog');
  assert.deepEqual(problems, [], 'accounts view');
  assertClean(assert, log);

  // The invitee, in a browser of their own.
  const inv = await openPage(browser, { viewport: PHONE, bypassCSP: false });
  await inv.page.goto(link);
  await until(inv.page, `!document.getElementById('inv-form').hidden`);
  assert.equal(await inv.page.evaluate(() => location.hash), '', 'the secret leaves the address bar');
  assert.match(await inv.page.textContent('#inv-who'), new RegExp(email));
  await inv.page.fill('#inv-password', 'krótkie');
  await inv.page.click('#inv-submit');
  assert.match(await inv.page.textContent('#inv-password-err'), /co najmniej 10 znaków/);
  await inv.page.fill('#inv-password', 'zaproszenie-haslo-2026');
  await inv.page.fill('#inv-password2', 'zaproszenie-haslo-2026');
  await inv.page.click('#inv-submit');
  await until(inv.page, `document.getElementById('inv-status').textContent.startsWith('Gotowe')`);
  const me = await inv.page.evaluate(async () => (await fetch('/api/me')).json());
  assert.equal(me.email, email);
  assert.equal(me.role, 'editor');
  assert.deepEqual(me.units, ['12']);
  // The link works once (a new load: the fragment alone would not reload the page).
  await inv.page.goto('about:blank');
  await inv.page.goto(link);
  await until(inv.page, `document.getElementById('inv-status').classList.contains('error')`);
  assert.match(await inv.page.textContent('#inv-status'), /nie działa/);
  inv.log.errors = inv.log.errors.filter((e) => !/invitations\/lookup|status of 404/.test(e));
  assertClean(assert, inv.log);
  await inv.context.close();

  // The admin's list now holds the account.
  await page.click('#rv-tab-queue');
  await page.click('#rv-tab-accounts');
  await until(page, `!!document.querySelector('#ac-list li[data-email="${email}"]')`);
  await context.close();
});
