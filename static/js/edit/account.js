// The editing side of the map page, for signed-in people: the sign-in
// dialog, the account bar (name, role, "Dodaj praktykę", "Moje zgłoszenia",
// "Wyloguj"), and the "Zaproponuj poprawkę" / "Edytuj" button of the detail
// panel. The form itself (form.js, place.js, mine.js) loads on first use, so
// the map page loads nothing more for a reader.
//
// Floors: session.js (requests, the account) ← account.js (this) ← form.js,
// mine.js, place.js, loaded on demand; context.js below them all.

import { T, $ } from '../context.js';
import { account, onAccount, restore, reviews, signIn, signInMessage, signOut } from './session.js';

const E = T.edit;
let lastTrigger = null;

/** The form's module, loaded once on first use. */
let formModule = null;
function form() {
  if (!formModule) formModule = import('./form.js');
  return formModule;
}

function buildSignIn() {
  const d = $('signin-dialog');
  d.innerHTML = `
    <h2 id="signin-title"></h2>
    <p id="signin-note" class="status" role="status" aria-live="polite"></p>
    <form id="signin-form" class="stack" novalidate>
      <label for="signin-email"></label>
      <input id="signin-email" name="email" type="email" autocomplete="username" required aria-describedby="signin-error">
      <label for="signin-password"></label>
      <input id="signin-password" name="password" type="password" autocomplete="current-password" required aria-describedby="signin-error">
      <p id="signin-error" class="status error" role="alert"></p>
      <div class="row">
        <button type="submit" id="signin-submit" class="btn btn-primary grow"></button>
        <button type="button" id="signin-cancel" class="btn btn-secondary"></button>
      </div>
    </form>`;
  $('signin-title').textContent = E.signInTitle;
  d.querySelector('label[for="signin-email"]').textContent = E.email;
  d.querySelector('label[for="signin-password"]').textContent = E.password;
  $('signin-submit').textContent = E.signIn;
  $('signin-cancel').textContent = E.cancel;
  $('signin-cancel').addEventListener('click', () => d.close());
  d.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') e.stopPropagation();
  });
  d.addEventListener('close', () => {
    if (lastTrigger && document.body.contains(lastTrigger)) lastTrigger.focus();
  });
  $('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const email = $('signin-email').value.trim();
    const password = $('signin-password').value;
    const err = $('signin-error');
    if (!email || !password) {
      err.textContent = E.errMissing;
      (email ? $('signin-password') : $('signin-email')).focus();
      return;
    }
    err.textContent = '';
    $('signin-submit').disabled = true;
    try {
      await signIn(email, password);
      $('signin-password').value = '';
      lastTrigger = null;
      d.close();
      $('account-bar').querySelector('button')?.focus();
    } catch (e) {
      err.textContent = signInMessage(e, E);
      $('signin-password').select();
      $('signin-password').focus();
    } finally {
      $('signin-submit').disabled = false;
    }
  });
}

/** Opens the sign-in dialog, with a note (the session ended) when given. */
export function openSignIn(note = '') {
  const d = $('signin-dialog');
  if (!d.firstElementChild) buildSignIn();
  lastTrigger = document.activeElement;
  $('signin-note').textContent = note;
  $('signin-note').classList.toggle('error', !!note);
  $('signin-error').textContent = '';
  if (!d.open) d.showModal();
  $('signin-email').focus();
}

function renderBar() {
  const a = account();
  const bar = $('account-bar');
  $('signin-open').hidden = !!a;
  bar.hidden = !a;
  document.documentElement.dataset.account = a ? a.role : '';
  if (!a) {
    bar.innerHTML = '';
    return;
  }
  bar.innerHTML = `
    <p class="who"><span id="who-name"></span> <span class="muted" id="who-role"></span></p>
    <button type="button" id="add-open" class="btn btn-primary" aria-haspopup="dialog"></button>
    <button type="button" id="mine-open" class="btn btn-secondary" aria-haspopup="dialog"></button>
    <button type="button" id="signout" class="btn btn-secondary"></button>`;
  $('who-name').textContent = a.name || a.email;
  $('who-role').textContent = `(${E.roles[a.role] || a.role})`;
  $('add-open').textContent = E.addPractice;
  $('mine-open').textContent = E.mine;
  $('signout').textContent = E.signOut;
  $('add-open').addEventListener('click', async (ev) => (await form()).openNew(ev.currentTarget));
  $('mine-open').addEventListener('click', async (ev) => (await form()).openMine(ev.currentTarget));
  $('signout').addEventListener('click', async () => {
    await signOut().catch(() => {});
    $('signin-open').focus();
  });
}

/** The detail panel's button: "Zaproponuj poprawkę" (contributor) or "Edytuj" (editor). */
function renderDetailButton() {
  const slot = $('detail-edit');
  const panel = $('detail');
  const id = panel.dataset.id;
  const a = account();
  if (!a || panel.hidden || !id) {
    slot.hidden = true;
    slot.innerHTML = '';
    return;
  }
  if (slot.dataset.for === `${id}:${a.role}` && !slot.hidden) return;
  slot.dataset.for = `${id}:${a.role}`;
  slot.hidden = false;
  slot.innerHTML = '<button type="button" id="detail-edit-open" class="btn btn-secondary" aria-haspopup="dialog"></button>';
  const b = $('detail-edit-open');
  b.textContent = reviews(a) ? E.editPractice : E.proposeChange;
  b.addEventListener('click', async () => (await form()).openExisting(id, b));
}

function setup() {
  const open = $('signin-open');
  open.textContent = E.signIn;
  open.addEventListener('click', () => openSignIn());
  onAccount((a, reason) => {
    renderBar();
    renderDetailButton();
    if (!a && reason === 'expired') openSignIn(E.sessionEnded);
  });
  new MutationObserver(renderDetailButton).observe($('detail'), { attributes: true, attributeFilter: ['hidden', 'data-id'] });
  renderBar();
  restore();
}

setup();
