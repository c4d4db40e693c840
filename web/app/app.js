// The agent inbox: plain ES module, no build step. Talks to /api/v1 with the
// session token and keeps itself current over /ws/agent.
const $ = (id) => document.getElementById(id);
const ls = window.localStorage;

const state = {
  token: ls.getItem('sb.token') || '',
  me: null,
  teammates: new Map(),
  view: 'mine',
  status: 'open',
  q: '',
  items: [], // conversations in the list, in order
  cursor: null,
  current: null, // the open conversation
  live: null, // conversations updated live while a list request is in flight
  thread: [],
  socket: null,
  retry: 0,
};

// ---------- API ----------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: {
      Authorization: `Bearer ${state.token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401) {
    signOut(data?.error?.code === 'SESSION_EXPIRED' ? 'Your session expired. Please sign in again.' : '');
    throw new ApiError(401, data?.error?.code, 'signed out');
  }
  if (!res.ok) throw new ApiError(res.status, data?.error?.code, data?.error?.message || `HTTP ${res.status}`);
  return data;
}

const can = (perm) => state.me && perms[state.me.role]?.has(perm);
// The role table as the server has it (docs/api.md "Roles and permissions"); only used to hide controls.
const perms = (() => {
  const viewer = ['conversations.read'];
  const agent = [...viewer, 'conversations.reply', 'conversations.note', 'conversations.update'];
  return { viewer: new Set(viewer), agent: new Set(agent), admin: new Set(agent), owner: new Set(agent) };
})();

// ---------- sign in / out ----------

function showLogin(message = '') {
  $('shell').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('email').focus();
}

function signOut(message) {
  state.token = '';
  ls.removeItem('sb.token');
  if (state.socket) {
    const s = state.socket;
    state.socket = null;
    s.close();
  }
  showLogin(message);
}

async function login(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: $('email').value, password: $('password').value }),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    $('login-error').textContent = data.error?.code === 'RATE_LIMITED'
      ? 'Too many attempts. Wait a moment and try again.' : 'Wrong email or password.';
    return;
  }
  state.token = data.token;
  ls.setItem('sb.token', data.token);
  $('password').value = '';
  await start();
}

// ---------- list ----------

function listQuery(cursor) {
  const q = new URLSearchParams({ limit: '25' });
  if (state.status !== 'all') q.set('status', state.status);
  if (state.view === 'mine') q.set('assignee', 'me');
  if (state.view === 'unassigned') q.set('assignee', 'unassigned');
  if (state.q) q.set('q', state.q);
  if (cursor) q.set('cursor', cursor);
  return q;
}

function matchesView(c) {
  if (state.status !== 'all' && c.status !== state.status) return false;
  if (state.view === 'mine' && c.assignee_id !== state.me.id) return false;
  if (state.view === 'unassigned' && c.assignee_id !== null) return false;
  return !state.q; // a search result set only changes on a new search
}

async function loadList(more = false) {
  // Live events that arrive while the page is on its way must not be lost to an older answer.
  const live = new Map();
  state.live = live;
  const page = await api('GET', `/api/v1/conversations?${listQuery(more ? state.cursor : null)}`);
  if (state.live === live) state.live = null;
  const fresh = page.items.map((c) => live.get(c.id) || c);
  const extra = [...live.values()].filter((c) => matchesView(c) && !fresh.some((x) => x.id === c.id));
  state.items = more ? [...state.items, ...fresh, ...extra] : [...fresh, ...extra];
  state.cursor = page.next_cursor;
  sortItems();
  renderList();
}

function sortItems() {
  const key = (c) => c.last_message_at || c.created_at;
  state.items.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

function who(c) {
  return c.contact?.name || c.contact?.phone || `Contact ${c.contact_id}`;
}

function renderList() {
  const list = $('conversations');
  list.replaceChildren();
  for (const c of state.items) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.className = 'conv-item';
    b.dataset.id = c.id;
    if (state.current?.id === c.id) b.setAttribute('aria-current', 'true');
    const top = document.createElement('span');
    top.className = 'top';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = who(c);
    const when = document.createElement('time');
    when.textContent = shortTime(c.last_message_at || c.created_at);
    top.append(name, when);
    const prev = document.createElement('span');
    prev.className = 'preview';
    prev.textContent = c.preview || '';
    b.append(top, prev);
    if (c.unread_count > 0) {
      b.classList.add('unread');
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = c.unread_count;
      badge.setAttribute('aria-label', `${c.unread_count} unread`);
      top.append(badge);
    }
    b.onclick = () => openConversation(c.id);
    li.append(b);
    list.append(li);
  }
  $('list-empty').hidden = state.items.length > 0;
  $('more').hidden = !state.cursor;
  const unread = state.items.filter((c) => c.unread_count > 0).length;
  document.title = unread ? `(${unread}) Inbox · Switchboard` : 'Inbox · Switchboard';
}

function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

function upsert(c) {
  if (state.live) state.live.set(c.id, c);
  const i = state.items.findIndex((x) => x.id === c.id);
  if (matchesView(c)) {
    if (i >= 0) state.items[i] = { ...state.items[i], ...c };
    else state.items.push(c);
  } else if (i >= 0 && !state.q) {
    state.items.splice(i, 1);
  }
  if (state.current?.id === c.id) {
    state.current = { ...state.current, ...c };
    renderHeader();
  }
  sortItems();
  renderList();
}

// ---------- conversation ----------

async function openConversation(id) {
  const [c, thread] = await Promise.all([
    api('GET', `/api/v1/conversations/${id}`),
    api('GET', `/api/v1/conversations/${id}/messages?limit=100`),
  ]);
  state.current = c;
  state.thread = thread.items;
  $('placeholder').hidden = true;
  $('detail').hidden = false;
  renderHeader();
  renderThread();
  renderList();
  if (c.unread_count > 0 && can('conversations.update')) {
    api('PATCH', `/api/v1/conversations/${id}`, { unread_count: 0 }).then(upsert).catch(() => {});
  }
  if (!$('composer').hidden) $('reply-text').focus();
}

function renderHeader() {
  const c = state.current;
  $('contact-name').textContent = who(c);
  $('contact-sub').textContent = [c.contact?.phone, c.channel.toUpperCase(), c.status].filter(Boolean).join(' · ');
  const sel = $('assignee');
  sel.replaceChildren(new Option('Unassigned', ''));
  for (const t of state.teammates.values()) if (t.role !== 'viewer') sel.append(new Option(t.name, t.id));
  sel.value = c.assignee_id || '';
  $('priority').value = c.priority;
  $('resolve').textContent = c.status === 'resolved' ? 'Reopen' : 'Resolve';
  const writable = can('conversations.update');
  for (const el of [sel, $('priority'), $('resolve'), $('snooze')]) el.disabled = !writable;
  $('call').hidden = !c.contact?.phone || !can('conversations.reply');
  $('composer').hidden = !can('conversations.reply');
}

function renderThread() {
  const list = $('thread');
  list.replaceChildren();
  for (const m of state.thread) list.append(messageItem(m));
  list.scrollTop = list.scrollHeight;
}

function messageItem(m) {
  const li = document.createElement('li');
  li.dataset.id = m.id;
  li.className = `msg ${m.direction} kind-${m.kind}${m.private ? ' note' : ''}`;
  const body = document.createElement('div');
  body.className = 'body';
  if (m.kind === 'voicemail') {
    const title = document.createElement('strong');
    title.textContent = `Voicemail (${m.metadata?.duration ?? 0} s)`;
    body.append(title);
    if (m.metadata?.recording_url) {
      const audio = document.createElement('audio');
      audio.controls = true;
      audio.preload = 'none';
      audio.src = m.metadata.recording_url;
      body.append(audio);
    }
    const t = document.createElement('p');
    t.textContent = m.metadata?.transcript ? `“${m.metadata.transcript}”` : 'Transcript pending…';
    body.append(t);
  } else if (m.kind === 'call') {
    body.textContent = m.body;
  } else {
    body.textContent = m.body;
  }
  const meta = document.createElement('div');
  meta.className = 'meta';
  const sender = m.sender?.name || (m.sender?.kind === 'contact' ? 'Customer' : m.sender?.kind);
  const status = m.direction === 'outbound' && m.kind === 'text' ? ` · ${m.status}${m.error ? `: ${m.error}` : ''}` : '';
  meta.textContent = `${m.private ? 'Note · ' : ''}${sender} · ${shortTime(m.created_at)}${status}`;
  li.append(body, meta);
  return li;
}

function upsertMessage(m) {
  if (state.current?.id !== m.conversation_id) return;
  const i = state.thread.findIndex((x) => x.id === m.id);
  if (i >= 0) state.thread[i] = m;
  else state.thread.push(m);
  renderThread();
}

async function send(event) {
  event.preventDefault();
  const text = $('reply-text').value.trim();
  if (!text || !state.current) return;
  const note = document.querySelector('input[name=mode]:checked').value === 'note';
  $('send').disabled = true;
  $('reply-error').textContent = '';
  try {
    const m = await api('POST', `/api/v1/conversations/${state.current.id}/messages`, { body: text, private: note });
    upsertMessage(m);
    $('reply-text').value = '';
  } catch (e) {
    $('reply-error').textContent = e.message;
  } finally {
    $('send').disabled = false;
  }
}

async function patch(fields) {
  try {
    upsert(await api('PATCH', `/api/v1/conversations/${state.current.id}`, fields));
  } catch (e) {
    $('reply-error').textContent = e.message;
  }
}

// ---------- live updates ----------

function connect() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${location.host}/ws/agent?token=${encodeURIComponent(state.token)}`);
  state.socket = ws;
  ws.onopen = () => { state.retry = 0; };
  ws.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    if (ev.type === 'conversation.created' || ev.type === 'conversation.updated') upsert(ev.data);
    if (ev.type === 'message.created' || ev.type === 'message.updated') {
      upsertMessage(ev.data);
      if (ev.type === 'message.created' && ev.data.direction === 'inbound') notify(ev.data);
    }
  };
  ws.onclose = () => {
    if (state.socket !== ws) return; // signed out
    const wait = Math.min(30000, 500 * 2 ** state.retry++);
    setTimeout(() => { if (state.token) { connect(); loadList().catch(() => {}); } }, wait);
  };
}

function notify(m) {
  if (document.hasFocus() || !('Notification' in window) || Notification.permission !== 'granted') return;
  const c = state.items.find((x) => x.id === m.conversation_id);
  new Notification(c ? who(c) : 'New message', { body: m.body.slice(0, 120) });
}

// ---------- wiring ----------

function wire() {
  $('login-form').onsubmit = login;
  $('logout').onclick = async () => {
    await api('POST', '/api/v1/auth/logout').catch(() => {});
    signOut('');
  };
  for (const b of document.querySelectorAll('[data-view]')) {
    b.onclick = () => {
      state.view = b.dataset.view;
      for (const x of document.querySelectorAll('[data-view]')) x.setAttribute('aria-pressed', String(x === b));
      loadList();
    };
  }
  $('status-filter').onchange = () => { state.status = $('status-filter').value; loadList(); };
  $('search-form').onsubmit = (e) => { e.preventDefault(); state.q = $('search').value.trim(); loadList(); };
  $('more').onclick = () => loadList(true);
  $('composer').onsubmit = send;
  $('reply-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('composer').requestSubmit();
  });
  for (const r of document.querySelectorAll('input[name=mode]')) {
    r.onchange = () => $('composer').classList.toggle('note', r.value === 'note' && r.checked);
  }
  $('assignee').onchange = () => patch({ assignee_id: $('assignee').value || null });
  $('priority').onchange = () => patch({ priority: $('priority').value });
  $('resolve').onclick = () => patch({ status: state.current.status === 'resolved' ? 'open' : 'resolved' });
  $('snooze').onclick = () => {
    const t = new Date();
    t.setDate(t.getDate() + 1);
    t.setHours(9, 0, 0, 0);
    patch({ status: 'snoozed', snoozed_until: t.toISOString() });
  };
  $('call').onclick = async () => {
    try {
      await api('POST', `/api/v1/conversations/${state.current.id}/call`);
      $('reply-error').textContent = 'Calling: your phone rings first.';
    } catch (e) {
      $('reply-error').textContent = e.message;
    }
  };
  $('available').onchange = () =>
    api('PATCH', `/api/v1/teammates/${state.me.id}`, { availability: $('available').checked ? 'available' : 'away' });
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input, textarea, select')) return;
    if (e.key === '/') { e.preventDefault(); $('search').focus(); }
    if (e.key === 'r' && !$('composer').hidden && state.current) { e.preventDefault(); $('reply-text').focus(); }
    if (e.key === 'j' || e.key === 'k') {
      const i = state.items.findIndex((c) => c.id === state.current?.id);
      const next = state.items[Math.max(0, Math.min(state.items.length - 1, i + (e.key === 'j' ? 1 : -1)))];
      if (next) openConversation(next.id);
    }
  });
}

async function start() {
  try {
    state.me = await api('GET', '/api/v1/me');
  } catch {
    return; // api() already showed the login
  }
  $('login').hidden = true;
  $('shell').hidden = false;
  $('me-name').textContent = state.me.name;
  const team = await api('GET', '/api/v1/teammates').catch(() => ({ items: [] }));
  state.teammates = new Map(team.items.map((t) => [t.id, t]));
  $('available').checked = (state.teammates.get(state.me.id)?.availability ?? 'available') === 'available';
  await loadList();
  connect();
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
}

wire();
if (state.token) start();
else showLogin();
