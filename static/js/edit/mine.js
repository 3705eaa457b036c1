// "Moje zgłoszenia": the account's drafts, submissions and pending changes
// (GET /api/mine) with their status and the reviewers' comments; each opens
// in the form to be fixed and sent again.

import { T, esc } from '../context.js';
import { call } from './session.js';

const E = T.edit;

/** The status an entry shows: its pending change's, when it has one. */
export function statusOf(e) {
  if (e.pending) return E.pendingStatus(E.statuses[e.pending.status] || e.pending.status);
  return E.statuses[e.status] || e.status_label || e.status;
}

/** Renders the list into `box`; `open(entry, button)` opens one in the form. */
export async function renderMine(box, { open, failMessage }) {
  box.innerHTML = `<p class="status" role="status" aria-live="polite">${esc(E.loadingMine)}</p>`;
  let entries;
  try {
    entries = (await call('GET', '/api/mine')).body || [];
  } catch (err) {
    box.innerHTML = `<p class="status error" role="alert">${esc(failMessage(err))}</p>`;
    return;
  }
  if (!entries.length) {
    box.innerHTML = `<p class="status" role="status">${esc(E.mineEmpty)}</p>`;
    return;
  }
  box.innerHTML = `<p class="status" role="status">${esc(E.mineCount(entries.length))}</p><ul class="mine-list"></ul>`;
  const ul = box.querySelector('ul');
  entries.forEach((e, i) => {
    const p = e.feature.properties || {};
    const li = document.createElement('li');
    li.className = 'mine-item';
    li.dataset.id = e.feature.id;
    li.dataset.status = e.pending ? `pending-${e.pending.status}` : e.status;
    const comments = (e.comments || [])
      .map((c) => `<li><span class="muted">${esc(c.author_name)}, ${esc(String(c.at).slice(0, 16).replace('T', ' '))}:</span> ${esc(c.text)}</li>`)
      .join('');
    li.innerHTML = `
      <h3 id="mine-${i}">${esc(p.title || e.feature.id)}</h3>
      <p><span class="badge status-${esc(li.dataset.status)}">${esc(statusOf(e))}</span>
        <span class="muted">${esc([p.town, p.gmina && p.gmina.name].filter(Boolean).join(', '))}</span></p>
      ${comments ? `<p class="muted">${esc(E.comments)}</p><ul class="comments">${comments}</ul>` : ''}
      <button type="button" class="btn btn-secondary" aria-describedby="mine-${i}">${esc(e.status === 'rejected' ? E.view : E.openToEdit)}</button>`;
    li.querySelector('button').addEventListener('click', (ev) => open(e, ev.currentTarget));
    ul.appendChild(li);
  });
}
