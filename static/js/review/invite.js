// The invitee's page (zaproszenie.html#mi_…): reads who is invited, sets the
// password (POST /api/invitations/accept: the link's secret in the body, the
// browser's Origin checked by the server), then signs in with it. The
// secret is in the URL's fragment, which the browser never sends; the page
// removes it from the address bar and history at once. Messages in Polish.

import { call, mark } from './api.js';
import { fieldError } from './dom.js';

const $ = (id) => document.getElementById(id);
const MIN = 10;
const ROLES = { contributor: 'zgłaszający', editor: 'redaktor', admin: 'administrator' };
const INVALID = 'Ten link zaproszenia nie działa: jest nieznany, został już użyty, odwołany albo wygasł. Poproś administratora o nowe zaproszenie.';

const token = location.hash.replace(/^#/, '');
history.replaceState(null, '', location.pathname);

function say(text, error = false) {
  const s = $('inv-status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function failure(e) {
  if (e.status === 404) return INVALID;
  if (e.status === 409) return 'Konto z tym adresem e-mail już istnieje. Zaloguj się na mapie.';
  if (e.status === 403) return 'Serwer odrzucił formularz (wysłany spoza tej strony albo serwis działa tylko do odczytu).';
  if (e.status === 422) return `Serwer nie przyjął hasła: ${e.message}`;
  return `Nie udało się: ${e.message}`;
}

async function start() {
  if (!token) {
    say(INVALID, true);
    return;
  }
  let invite;
  try {
    invite = (await call('POST', '/api/invitations/lookup', { json: { token } })).body;
  } catch (e) {
    say(failure(e), true);
    return;
  }
  $('inv-who').textContent = `Konto dla: ${invite.name} (${invite.email}), rola: ${ROLES[invite.role] || invite.role}. Ustaw hasło, którym będziesz się logować.`;
  say('');
  const form = $('inv-form');
  form.hidden = false;
  $('inv-password').focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const p1 = $('inv-password');
    const p2 = $('inv-password2');
    const short = [...p1.value].length < MIN ? `Hasło musi mieć co najmniej ${MIN} znaków.` : '';
    const differ = !short && p1.value !== p2.value ? 'Hasła się różnią: wpisz to samo hasło dwa razy.' : '';
    fieldError(p1, $('inv-password-err'), short);
    fieldError(p2, $('inv-password2-err'), differ);
    if (short) return p1.focus();
    if (differ) return p2.focus();
    $('inv-submit').disabled = true;
    say('Zapisuję hasło…');
    try {
      await call('POST', '/api/invitations/accept', { json: { token, password: p1.value } });
    } catch (err) {
      $('inv-submit').disabled = false;
      say(failure(err), true);
      return;
    }
    form.hidden = true;
    $('inv-done').hidden = false;
    try {
      await call('POST', '/api/session', { json: { email: invite.email, password: p1.value } });
      mark(true);
      say(`Gotowe: konto ${invite.email} ma hasło i jesteś zalogowany(-a).`);
    } catch (_) {
      say(`Hasło ustawione. Zaloguj się na mapie adresem ${invite.email}.`);
    }
    $('inv-done').querySelector('a').focus();
  });
}

start();
