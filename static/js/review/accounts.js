// "Konta" (admins only): every account with its role, units and state, each
// changed in place; invitations by a one-time link; open invitations with
// "Odwołaj". The server says 403 to anyone else; this view is only built
// for an admin.

import { call } from './api.js';
import { el, when, say, errorText, fieldError } from './dom.js';

const ROLES = ['contributor', 'editor', 'admin'];

/** The TERYT codes typed in a field, or null when one is malformed. */
export function parseUnits(text) {
  const codes = text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  return codes.every((c) => /^\d{2}$|^\d{4}$|^\d{6,7}$/.test(c)) ? codes : null;
}

/** Builds the accounts view into `root`; returns {load}. */
export function setupAccounts(root, { W, en, me, status }) {
  const roleSelect = (id, value) => el('select', { id }, ROLES.map((r) => el('option', { value: r, selected: r === value }, W.roles[r])));

  // The invitation form.
  const email = el('input', { id: 'ac-i-email', type: 'email', autocomplete: 'off', required: true, 'aria-describedby': 'ac-i-email-err' });
  const emailErr = el('p', { id: 'ac-i-email-err', class: 'status error' });
  const name = el('input', { id: 'ac-i-name', type: 'text', autocomplete: 'off' });
  const role = roleSelect('ac-i-role', 'contributor');
  const units = el('input', { id: 'ac-i-units', type: 'text', autocomplete: 'off', inputmode: 'numeric', 'aria-describedby': 'ac-i-units-hint ac-i-units-err' });
  const unitsErr = el('p', { id: 'ac-i-units-err', class: 'status error' });
  const result = el('div', { id: 'ac-i-result', class: 'ac-result', hidden: true });
  const inviteForm = el(
    'form',
    { class: 'stack', id: 'ac-invite', novalidate: true, onsubmit: (e) => { e.preventDefault(); invite(); } },
    el('label', { for: 'ac-i-email' }, `${W.email} *`), email, emailErr,
    el('label', { for: 'ac-i-name' }, W.name), name,
    el('label', { for: 'ac-i-role' }, W.role), role,
    el('label', { for: 'ac-i-units' }, W.units), el('p', { id: 'ac-i-units-hint', class: 'muted' }, W.unitsHint), units, unitsErr,
    el('button', { type: 'submit', class: 'btn btn-primary' }, W.inviteSend),
  );
  const invites = el('ul', { class: 'ac-invites', id: 'ac-invites' });
  const accounts = el('ul', { class: 'ac-list', id: 'ac-list' });
  root.append(
    el('div', { class: 'rv-columns' },
      el('section', { 'aria-labelledby': 'ac-list-title' }, el('h3', { id: 'ac-list-title', tabindex: '-1' }, W.accountsList), accounts),
      el('div', {},
        el('section', { 'aria-labelledby': 'ac-i-title' }, el('h3', { id: 'ac-i-title' }, W.inviteTitle), inviteForm, result),
        el('section', { 'aria-labelledby': 'ac-o-title' }, el('h3', { id: 'ac-o-title', tabindex: '-1' }, W.invitesOpen), invites))),
  );

  async function invite() {
    const e = email.value.trim();
    const u = parseUnits(units.value);
    fieldError(email, emailErr, !e ? W.emailRequired : e.includes('@') ? '' : W.emailBad);
    fieldError(units, unitsErr, u ? '' : W.unitsBad);
    if (!e || !e.includes('@')) return email.focus();
    if (!u) return units.focus();
    try {
      const { body } = await call('POST', '/api/admin/invites', { json: { email: e, name: name.value.trim(), role: role.value, units: u } });
      const link = el('input', { id: 'ac-i-link', type: 'text', readonly: true, value: body.link, 'aria-describedby': 'ac-i-link-hint' });
      const copied = el('p', { class: 'status', role: 'status' });
      result.replaceChildren(
        el('label', { for: 'ac-i-link' }, W.inviteLink),
        el('div', { class: 'row' }, el('div', { class: 'grow' }, link),
          el('button', { type: 'button', class: 'btn btn-secondary', onclick: () => copy(link, copied) }, W.copy)),
        el('p', { id: 'ac-i-link-hint', class: 'muted' }, W.inviteLinkHint),
        copied,
      );
      result.hidden = false;
      say(status, W.inviteMade(e));
      inviteForm.reset();
      link.focus();
      link.select();
      await loadInvites();
    } catch (err) {
      if (err.status === 409) fieldError(email, emailErr, W.accountExists);
      else if (err.status === 422 && /^email/.test(err.message)) fieldError(email, emailErr, W.emailBad);
      else if (err.status === 422 && /unit/.test(err.message)) fieldError(units, unitsErr, W.unitsBad);
      say(status, errorText(W, err), true);
    }
  }

  async function copy(input, out) {
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      say(out, W.copied);
    } catch (_) {
      // No clipboard permission: the link stays selected for Ctrl+C.
      say(out, '');
    }
  }

  function accountItem(a) {
    const self = a.id === me.id;
    const rid = `ac-role-${a.id}`;
    const uid = `ac-units-${a.id}`;
    const r = roleSelect(rid, a.role);
    const u = el('input', { id: uid, type: 'text', value: a.units.join(', '), inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': `${uid}-err` });
    const uErr = el('p', { id: `${uid}-err`, class: 'status error' });
    const save = async () => {
      const list = parseUnits(u.value);
      fieldError(u, uErr, list ? '' : W.unitsBad);
      if (!list) return u.focus();
      await change(a, { role: r.value, units: list }, W.saved(a.email), rid);
    };
    const toggle = async () => {
      const off = !a.disabled_at;
      await change(a, { disabled: off }, off ? W.disabledDone(a.email) : W.enabledDone(a.email), `ac-toggle-${a.id}`);
    };
    return el(
      'li',
      { class: `ac-item${a.disabled_at ? ' ac-off' : ''}`, 'data-email': a.email },
      el('p', { class: 'ac-who' }, el('strong', {}, a.name), ' ', self ? W.you : '', el('br'), a.email),
      el('p', { class: 'muted' }, `${W.state}: ${a.disabled_at ? W.disabled : W.active}. ${W.created(when(a.created_at, en))}`),
      el('div', { class: 'ac-fields' },
        el('div', {}, el('label', { for: rid }, W.role), r),
        el('div', {}, el('label', { for: uid }, W.units), u, uErr)),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'btn btn-primary', onclick: save }, W.save),
        self ? null : el('button', { type: 'button', id: `ac-toggle-${a.id}`, class: 'btn btn-secondary', onclick: toggle }, a.disabled_at ? W.enable : W.disable)),
    );
  }

  async function change(a, json, done, focusId) {
    try {
      await call('PATCH', `/api/admin/accounts/${a.id}`, { json });
      say(status, done);
      await loadAccounts();
      const f = document.getElementById(focusId);
      if (f) f.focus();
    } catch (e) {
      say(status, e.status === 409 ? W.ownAccount : e.status === 422 && /unit/.test(e.message) ? W.unitsBad : errorText(W, e), true);
    }
  }

  function inviteItem(i) {
    return el('li', { 'data-email': i.email },
      el('span', {}, `${i.email} · ${W.roles[i.role] || i.role}${i.units.length ? ` · ${i.units.join(', ')}` : ''} · `,
        i.expired ? el('strong', {}, W.inviteExpired) : W.inviteExpires(when(i.expires_at, en))),
      el('button', { type: 'button', class: 'btn btn-secondary', 'aria-label': W.revokeInviteLabel(i.email), onclick: () => revoke(i) }, W.revokeInvite));
  }

  async function revoke(i) {
    try {
      await call('DELETE', `/api/admin/invites/${i.id}`);
      say(status, W.inviteRevoked(i.email));
      await loadInvites();
      document.getElementById('ac-o-title').focus();
    } catch (e) {
      say(status, errorText(W, e), true);
    }
  }

  async function loadAccounts() {
    const { body } = await call('GET', '/api/admin/accounts');
    accounts.replaceChildren(...body.map(accountItem));
  }

  async function loadInvites() {
    const { body } = await call('GET', '/api/admin/invites');
    invites.replaceChildren(...(body.length ? body.map(inviteItem) : [el('li', { class: 'muted' }, W.invitesNone)]));
  }

  return {
    async load() {
      try {
        await Promise.all([loadAccounts(), loadInvites()]);
      } catch (e) {
        say(status, errorText(W, e), true);
      }
    },
  };
}
