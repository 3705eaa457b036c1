// The review tools' entry on the map page: after the page has loaded, and
// only when this browser signed in, asks who is signed in (GET /api/me); for
// an editor or an admin it adds "Redakcja" to the top bar. The views
// themselves (review.js, accounts.js) load when the button is first used.
// A sign-in or sign-out on the page dispatches `mapa:account` on window;
// the button follows it.

import { whoAmI, maybeSignedIn } from './api.js';
import { words } from './strings.js';
import { el, say } from './dom.js';

const W = words();
const en = new URLSearchParams(location.search).get('lang') === 'en';
let me = null;
let button = null;
let dialog = null;
let views = null;

async function check() {
  me = maybeSignedIn() ? await whoAmI() : null;
  const staff = me && (me.role === 'editor' || me.role === 'admin');
  if (!staff) {
    if (button) button.hidden = true;
    if (dialog && dialog.open) dialog.close();
    return;
  }
  const who = `${me.id}:${me.role}`;
  if (dialog && dialog.dataset.who !== who) {
    if (dialog.open) dialog.close();
    dialog.remove();
    dialog = null;
    views = null;
  }
  if (!button) {
    button = el('button', { type: 'button', id: 'review-open', class: 'btn btn-ghost', 'aria-haspopup': 'dialog', onclick: open }, W.open);
    const before = document.getElementById('share-open');
    before.parentNode.insertBefore(button, before);
  }
  button.hidden = false;
  document.documentElement.dataset.review = me.role;
}

function build() {
  const status = el('p', { id: 'rv-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const queueRoot = el('div', { id: 'rv-queue-view', role: 'tabpanel', 'aria-labelledby': 'rv-tab-queue' });
  const accountsRoot = el('div', { id: 'rv-accounts-view', role: 'tabpanel', 'aria-labelledby': 'rv-tab-accounts', hidden: true });
  const admin = me.role === 'admin';
  const tab = (id, label, panel, selected) => el('button', {
    type: 'button', role: 'tab', id, 'aria-controls': panel, 'aria-selected': selected ? 'true' : 'false', tabindex: selected ? '0' : '-1', class: 'rv-tab',
  }, label);
  const tabs = admin
    ? el('div', { role: 'tablist', class: 'rv-tabs', 'aria-label': W.tabs }, tab('rv-tab-queue', W.tabQueue, 'rv-queue-view', true), tab('rv-tab-accounts', W.tabAccounts, 'rv-accounts-view', false))
    : null;
  if (!admin) queueRoot.removeAttribute('role');
  dialog = el(
    'dialog',
    { id: 'review-dialog', class: 'rv-dialog', 'aria-labelledby': 'rv-title' },
    el('div', { class: 'rv-head' },
      el('h2', { id: 'rv-title' }, W.title),
      tabs,
      el('button', { type: 'button', class: 'btn btn-secondary', id: 'rv-close', onclick: () => dialog.close() }, W.close)),
    status,
    el('div', { class: 'rv-body' }, queueRoot, accountsRoot),
  );
  dialog.dataset.who = `${me.id}:${me.role}`;
  document.body.append(dialog);
  dialog.addEventListener('close', () => {
    if (views && views.queue) views.queue.close();
    if (button) button.focus();
  });
  views = { status, queueRoot, accountsRoot, queue: null, accounts: null };
  if (tabs) {
    const all = [...tabs.querySelectorAll('[role=tab]')];
    const pick = (t) => {
      for (const x of all) {
        const on = x === t;
        x.setAttribute('aria-selected', on ? 'true' : 'false');
        x.tabIndex = on ? 0 : -1;
        document.getElementById(x.getAttribute('aria-controls')).hidden = !on;
      }
      t.focus();
      showView(t.id === 'rv-tab-accounts' ? 'accounts' : 'queue');
    };
    for (const t of all) t.addEventListener('click', () => pick(t));
    tabs.addEventListener('keydown', (e) => {
      const i = all.indexOf(document.activeElement);
      if (i < 0) return;
      const next = e.key === 'ArrowRight' ? all[(i + 1) % all.length] : e.key === 'ArrowLeft' ? all[(i + all.length - 1) % all.length] : null;
      if (next) {
        e.preventDefault();
        pick(next);
      }
    });
  }
}

async function showView(which) {
  say(views.status, '');
  if (which === 'accounts') {
    if (!views.accounts) {
      const { setupAccounts } = await import('./accounts.js');
      views.accounts = setupAccounts(views.accountsRoot, { W, en, me, status: views.status });
    }
    await views.accounts.load();
  } else {
    if (!views.queue) {
      const { setupReview } = await import('./review.js');
      views.queue = setupReview(views.queueRoot, { W, en, status: views.status });
    }
    await views.queue.load();
  }
  document.documentElement.dataset.reviewView = which;
}

async function open() {
  if (!dialog) build();
  dialog.showModal();
  document.getElementById('rv-title').setAttribute('tabindex', '-1');
  const sel = dialog.querySelector('[role=tab][aria-selected=true]');
  await showView(sel && sel.id === 'rv-tab-accounts' ? 'accounts' : 'queue');
}

function start() {
  check();
  window.addEventListener('mapa:account', check);
}

if (document.readyState === 'complete') start();
else window.addEventListener('load', start, { once: true });
