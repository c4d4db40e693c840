// The agent web app: plain ES modules, no build step. This module signs in and
// out, routes between the inbox, the reports and the settings pages by the URL
// hash (#/inbox, #/conversations/<id>, #/reports, #/settings/<page>), keeps the inbox current
// over /ws/agent and shows browser notifications (and, to admins, a notice when a
// webhook endpoint is disabled).
import { showSettings, settingsPages } from './admin.js';
import { api, can, session, setToken, signIn } from './api.js';
import { loadCanned } from './canned.js';
import { wireContact } from './contact.js';
import {
  closeConversation, inbox, loadDirectory, loadList, openConversation, refreshReply, showTyping, upsert, upsertMessage,
  who, wireInbox,
} from './inbox.js';
import { reportsAllowed, showReports } from './reports.js';
import { el, toast } from './ui.js';

const $ = (id) => document.getElementById(id);

const app = { socket: null, retry: 0 };

// ---------- sign in / out ----------

function showLogin(message = '') {
  $('shell').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('email').focus();
}

function signOut(message) {
  setToken('');
  session.me = null;
  if (app.socket) {
    const s = app.socket;
    app.socket = null;
    s.close();
  }
  showLogin(message);
}
session.onSignedOut = signOut;

async function login(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  const data = await signIn($('email').value, $('password').value);
  if (data.error) {
    $('login-error').textContent = data.error;
    return;
  }
  setToken(data.token);
  $('password').value = '';
  await start();
}

// ---------- routes ----------

// name: 'inbox', 'reports' or 'settings'.
function showSection(name) {
  for (const section of ['inbox', 'reports', 'settings']) {
    $(`nav-${section}`).setAttribute('aria-current', name === section ? 'page' : 'false');
  }
  const inboxShown = name === 'inbox';
  $('inbox-nav').hidden = !inboxShown;
  $('settings-nav').hidden = name !== 'settings';
  $('list').hidden = !inboxShown;
  $('conversation').hidden = !inboxShown;
  $('settings').hidden = name !== 'settings';
  $('reports').hidden = name !== 'reports';
  // Both full-width pages share the two-column layout.
  $('shell').classList.toggle('in-settings', !inboxShown);
}

async function route() {
  if (!session.me) return;
  const [, section, id] = location.hash.split('/');
  if (section === 'reports') {
    showSection('reports');
    await showReports();
    return;
  }
  if (section === 'settings') {
    showSection('settings');
    await showSettings(id || settingsPages()[0]?.id);
    return;
  }
  showSection('inbox');
  if (section === 'conversations' && id && id !== inbox.current?.id) {
    await openConversation(id).catch((e) => { $('reply-error').textContent = e.message; });
  }
}

// ---------- live updates and notifications ----------

function connect() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/ws/agent?token=${encodeURIComponent(session.token)}`);
  app.socket = ws;
  ws.onopen = () => { app.retry = 0; };
  ws.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    if (ev.type === 'conversation.created' || ev.type === 'conversation.updated') upsert(ev.data);
    if (ev.type === 'typing') showTyping(ev.data);
    if (ev.type === 'message.created' || ev.type === 'message.updated') {
      upsertMessage(ev.data, ev.type === 'message.created');
      if (ev.type === 'message.created' && ev.data.sender?.kind === 'contact') notify(ev.data);
    }
    // The answer bot handed a conversation over: the team is told even if the
    // customer's words were already notified.
    if (ev.type === 'conversation.handoff') notify({ conversation_id: ev.data.conversation_id, body: 'The answer bot handed this conversation to the team.' });
    // An outbound webhook endpoint was turned off after days of failed deliveries: its admins hear it.
    if (ev.type === 'webhook.disabled' && can('webhooks.manage')) {
      toast(`The webhook endpoint on ${ev.data.host} was disabled: ${ev.data.disabled_reason || 'its deliveries kept failing'}. `,
        el('a', { href: '#/settings/webhooks' }, 'Open webhook settings'));
    }
  };
  ws.onclose = () => {
    if (app.socket !== ws) return; // signed out
    const wait = Math.min(30000, 500 * 2 ** app.retry++);
    setTimeout(() => { if (session.token) { connect(); loadList().catch(() => {}); } }, wait);
  };
}

// A new customer message while the tab is hidden; clicking it opens the conversation.
function notify(m) {
  if (!document.hidden || !('Notification' in window) || Notification.permission !== 'granted') return;
  const c = inbox.items.find((x) => x.id === m.conversation_id);
  const n = new Notification(c ? who(c) : 'New message', { body: (m.body || '').slice(0, 120), tag: `conversation-${m.conversation_id}` });
  n.onclick = () => {
    window.focus();
    location.hash = `#/conversations/${m.conversation_id}`;
    n.close();
  };
}

// Browsers ask for the permission only on a user gesture: a button, shown while undecided.
function renderNotifyButton() {
  $('notify').hidden = !('Notification' in window) || Notification.permission !== 'default';
}

// ---------- wiring ----------

function wire() {
  $('login-form').onsubmit = login;
  $('logout').onclick = async () => {
    await api('POST', '/api/v1/auth/logout').catch(() => {});
    signOut('');
  };
  $('available').onchange = () => api('PATCH', `/api/v1/teammates/${session.me.id}`,
    { availability: $('available').checked ? 'available' : 'away' }).catch(() => {});
  $('notify').onclick = () => Notification.requestPermission().then(renderNotifyButton, renderNotifyButton);
  wireInbox();
  inbox.sendFrame = (frame) => {
    if (app.socket?.readyState === WebSocket.OPEN) app.socket.send(JSON.stringify(frame));
  };
  wireContact({
    onChanged: (contact) => {
      for (const c of [...inbox.items, inbox.current].filter((x) => x?.contact_id === contact.id)) {
        c.contact = { ...c.contact, name: contact.name, phone: contact.phones[0] ?? null };
      }
      if (inbox.current) upsert(inbox.current);
    },
    onConsentChanged: () => { if (inbox.current) refreshReply(inbox.current.id, { contact: false }); },
    onErased: (contactId) => {
      inbox.items = inbox.items.filter((c) => c.contact_id !== contactId);
      closeConversation();
      location.hash = '#/inbox';
    },
  });
  window.addEventListener('hashchange', () => route());
}

async function start() {
  try {
    session.me = await api('GET', '/api/v1/me');
  } catch {
    return; // api() already showed the login
  }
  $('login').hidden = true;
  $('shell').hidden = false;
  $('me-name').textContent = session.me.name;
  $('nav-settings').hidden = settingsPages().length === 0;
  $('nav-reports').hidden = !reportsAllowed();
  $('available').checked = session.me.availability === 'available';
  $('available').disabled = !can('me.update');
  renderNotifyButton();
  await Promise.all([loadDirectory(), can('conversations.reply') ? loadCanned() : null]);
  await loadList();
  connect();
  await route();
}

wire();
if (session.token) start();
else showLogin();
