// The inbox: the conversation list (views, status, team inbox, label, search,
// keyset paging as it scrolls), the open conversation (thread, reply/note,
// assign, priority, labels, resolve, snooze, call, Retry of a failed text, the
// SMS segment counter, typing indicators) and live updates.
import { newerMessage } from './status.js';
import { api, can, session } from './api.js';
import { attachArticleLink } from './article_link.js';
import { attachCanned } from './canned.js';
import { mediaList, outgoing, renderOutgoing, wireAttachments } from './attachments.js';
import { showContact } from './contact.js';
import { describeSegments } from './segments.js';
import { el, formatPhone, select, shortTime } from './ui.js';

const $ = (id) => document.getElementById(id);

export const inbox = {
  teammates: new Map(),
  teams: [],
  labels: [], // the label catalogue (GET /labels)
  view: 'mine',
  status: 'open',
  team: '',
  label: '',
  q: '',
  items: [], // conversations in the list, in order
  cursor: null,
  seq: 0, // the newest list request; older answers are dropped
  loadingMore: false,
  current: null, // the open conversation
  live: null, // conversations updated live while a list request is in flight
  thread: [],
  sendFrame: null, // (frame) => sends a JSON frame on /ws/agent when it is open (app.js)
};

export function who(c) {
  return c.contact?.name || formatPhone(c.contact?.phone) || `Contact ${c.contact_id}`;
}

// ---------- list ----------

function listQuery(cursor) {
  const q = new URLSearchParams({ limit: '25' });
  if (inbox.status !== 'all') q.set('status', inbox.status);
  if (inbox.view === 'mine') q.set('assignee', 'me');
  if (inbox.view === 'unassigned') q.set('assignee', 'unassigned');
  if (inbox.team) q.set('inbox', inbox.team);
  if (inbox.label) q.set('label', inbox.label);
  if (inbox.q) q.set('q', inbox.q);
  if (cursor) q.set('cursor', cursor);
  return q;
}

const sameLabel = (a, b) => a.toLowerCase() === b.toLowerCase();

function matchesView(c) {
  if (inbox.status !== 'all' && c.status !== inbox.status) return false;
  if (inbox.view === 'mine' && c.assignee_id !== session.me.id) return false;
  if (inbox.view === 'unassigned' && c.assignee_id !== null) return false;
  if (inbox.team && c.team_id !== inbox.team) return false;
  if (inbox.label && !(c.labels || []).some((l) => sameLabel(l, inbox.label))) return false;
  return !inbox.q; // a search result set only changes on a new search
}

export async function loadList(more = false) {
  if (more && (inbox.loadingMore || !inbox.cursor)) return;
  const seq = more ? inbox.seq : ++inbox.seq;
  inbox.loadingMore = more;
  // Live events that arrive while the page is on its way must not be lost to an older answer.
  const live = new Map();
  inbox.live = live;
  try {
    const page = await api('GET', `/api/v1/conversations?${listQuery(more ? inbox.cursor : null)}`);
    if (seq !== inbox.seq) return; // the filters changed meanwhile
    const fresh = page.items.map((c) => live.get(c.id) || c);
    const known = new Set([...(more ? inbox.items : []), ...fresh].map((c) => c.id));
    const extra = [...live.values()].filter((c) => matchesView(c) && !known.has(c.id));
    inbox.items = more ? [...inbox.items, ...fresh.filter((c) => !inbox.items.some((x) => x.id === c.id)), ...extra]
      : [...fresh, ...extra];
    inbox.cursor = page.next_cursor;
  } finally {
    if (inbox.live === live) inbox.live = null;
    if (more) inbox.loadingMore = false;
  }
  sortItems();
  renderList();
}

function sortItems() {
  const key = (c) => c.last_message_at || c.created_at;
  inbox.items.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

function listItem(c) {
  const top = el('span', { class: 'top' },
    el('span', { class: 'name' }, who(c)),
    el('time', { datetime: c.last_message_at || c.created_at }, shortTime(c.last_message_at || c.created_at)));
  if (c.unread_count > 0) top.append(el('span', { class: 'badge', 'aria-label': `${c.unread_count} unread` }, String(c.unread_count)));
  const tags = (c.labels || []).length ? el('span', { class: 'tags' }, c.labels.map((l) => labelChip(l))) : null;
  const b = el('button', {
    class: `conv-item${c.unread_count > 0 ? ' unread' : ''}`,
    'data-id': c.id,
    'aria-current': inbox.current?.id === c.id ? 'true' : null,
    onclick: () => { location.hash = `#/conversations/${c.id}`; },
  }, top, el('span', { class: 'preview' }, c.preview || ''), tags);
  return el('li', {}, b);
}

export function renderList() {
  $('conversations').replaceChildren(...inbox.items.map(listItem));
  $('list-empty').hidden = inbox.items.length > 0;
  $('more').hidden = !inbox.cursor;
  const unread = inbox.items.filter((c) => c.unread_count > 0).length;
  document.title = unread ? `(${unread}) Inbox · Switchboard` : 'Inbox · Switchboard';
}

export function upsert(c) {
  if (inbox.live) inbox.live.set(c.id, c);
  const i = inbox.items.findIndex((x) => x.id === c.id);
  if (matchesView(c)) {
    if (i >= 0) inbox.items[i] = { ...inbox.items[i], ...c };
    else inbox.items.push(c);
  } else if (i >= 0 && !inbox.q) {
    inbox.items.splice(i, 1);
  }
  if (inbox.current?.id === c.id) {
    inbox.current = { ...inbox.current, ...c };
    renderHeader();
  }
  sortItems();
  renderList();
}

// ---------- filters ----------

function labelChip(name, onRemove) {
  const color = inbox.labels.find((l) => sameLabel(l.name, name))?.color;
  const chip = el('span', { class: 'chip' }, name);
  if (color) chip.style.setProperty('--chip', color); // CSSOM, allowed by the CSP
  if (onRemove) chip.append(el('button', { type: 'button', class: 'chip-x', 'aria-label': `Remove label ${name}`, onclick: onRemove }, '×'));
  return chip;
}

// Label names for the filter and the add-label suggestions: the catalogue plus any seen on conversations.
function knownLabels() {
  const names = new Map(inbox.labels.map((l) => [l.name.toLowerCase(), l.name]));
  for (const c of [...inbox.items, inbox.current].filter(Boolean)) for (const l of c.labels || []) names.set(l.toLowerCase(), l);
  return [...names.values()].sort((a, b) => a.localeCompare(b));
}

export function renderFilters() {
  const teams = $('team-filter');
  teams.replaceWith(select([['', 'All inboxes'], ...inbox.teams.map((t) => [t.id, t.name])], inbox.team,
    { id: 'team-filter', onchange: (e) => { inbox.team = e.target.value; loadList(); } }));
  const labels = $('label-filter');
  labels.replaceWith(select([['', 'Any label'], ...knownLabels().map((l) => [l, l])], inbox.label,
    { id: 'label-filter', onchange: (e) => { inbox.label = e.target.value; loadList(); } }));
  $('label-options').replaceChildren(...knownLabels().map((l) => el('option', { value: l })));
}

// ---------- conversation ----------

// ---------- typing ----------

// Ours, sent on /ws/agent: at most one typing:true per 2 s while the agent types
// a reply, and typing:false on send, blur, another conversation or 4 s idle. A
// private note is never announced (the server forwards typing to the visitor).
const TYPING_EVERY_MS = 2000;
const TYPING_IDLE_MS = 4000;
const typingOut = { conversation: null, sentAt: 0, idle: null };

const writingNote = () => document.querySelector('input[name=mode]:checked')?.value === 'note';

export function stopTyping() {
  clearTimeout(typingOut.idle);
  if (typingOut.conversation) inbox.sendFrame?.({ type: 'typing', conversation_id: typingOut.conversation, typing: false });
  typingOut.conversation = null;
  typingOut.sentAt = 0;
}

function noteTyping() {
  const c = inbox.current;
  if (!c || !can('typing.send') || writingNote() || !$('reply-text').value.trim()) {
    stopTyping();
    return;
  }
  if (typingOut.conversation !== c.id) stopTyping();
  const now = Date.now();
  if (typingOut.conversation !== c.id || now - typingOut.sentAt >= TYPING_EVERY_MS) {
    inbox.sendFrame?.({ type: 'typing', conversation_id: c.id, typing: true });
    typingOut.conversation = c.id;
    typingOut.sentAt = now;
  }
  clearTimeout(typingOut.idle);
  typingOut.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
}

// Theirs: who is typing where, from `typing` events (a visitor's or a teammate's;
// our own echo is ignored). An entry ends with typing:false, their message, or
// after 6 s without news.
const TYPING_SHOWN_MS = 6000;
const typingIn = new Map(); // "v<contact>:<conversation>" or "t<teammate>:<conversation>" -> {conversation, name, timer}

function dropTyping(key) {
  clearTimeout(typingIn.get(key)?.timer);
  typingIn.delete(key);
}

export function showTyping(d) {
  if (!d?.conversation_id || (!d.visitor && d.teammate_id === session.me?.id)) return;
  const key = `${d.visitor ? `v${d.contact_id}` : `t${d.teammate_id}`}:${d.conversation_id}`;
  dropTyping(key);
  if (d.typing !== false) {
    const timer = setTimeout(() => { typingIn.delete(key); renderTyping(); }, TYPING_SHOWN_MS);
    typingIn.set(key, { conversation: d.conversation_id, visitor: !!d.visitor, name: d.name, timer });
  }
  renderTyping();
}

function renderTyping() {
  const c = inbox.current;
  const names = c ? [...typingIn.values()].filter((t) => t.conversation === c.id)
    .map((t) => (t.visitor ? c.contact?.name || formatPhone(c.contact?.phone) || 'The visitor' : t.name || 'A teammate')) : [];
  $('typing').textContent = names.length ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…` : '';
}

// Their message arrived: they are no longer typing it.
function typingEndedBy(m) {
  const key = m.sender?.kind === 'contact' ? null : m.sender?.kind === 'teammate' ? `t${m.sender.id}:${m.conversation_id}` : undefined;
  if (key === undefined) return;
  for (const k of [...typingIn.keys()]) {
    if (key ? k === key : k.startsWith('v') && k.endsWith(`:${m.conversation_id}`)) dropTyping(k);
  }
  renderTyping();
}

// The composer's "Article" button (article_link.js), wired once.
let articleLink = null;

// ---------- SMS segments ----------

// Characters, encoding and segments of a reply that goes by SMS, as it is typed.
function renderSegments() {
  const text = $('reply-text').value;
  const sms = !writingNote() && !$('reply-via').hidden && $('reply-channel').value === 'sms';
  $('segments').hidden = !sms || !text;
  $('segments').textContent = sms && text ? describeSegments(text) : '';
}

export async function openConversation(id) {
  const [c, thread] = await Promise.all([
    api('GET', `/api/v1/conversations/${id}`),
    api('GET', `/api/v1/conversations/${id}/messages?limit=100`),
  ]);
  if (inbox.current?.id !== c.id) {
    stopTyping();
    articleLink?.close();
  }
  inbox.current = c;
  inbox.thread = thread.items;
  $('placeholder').hidden = true;
  $('detail').hidden = false;
  renderHeader();
  renderThread();
  renderTyping();
  renderList();
  showContact(c);
  if (c.unread_count > 0 && can('conversations.update')) {
    api('PATCH', `/api/v1/conversations/${id}`, { unread_count: 0 }).then(upsert).catch(() => {});
  }
  if (!$('composer').hidden) $('reply-text').focus();
}

export function closeConversation() {
  stopTyping();
  articleLink?.close();
  inbox.current = null;
  inbox.thread = [];
  $('detail').hidden = true;
  $('placeholder').hidden = false;
  renderList();
}

// The conversation's CSAT survey (issue 21): its rating, or that it was sent (a link survey's link to share).
function csatText(s) {
  if (!s) return '';
  if (s.rating) return `Rated ${s.rating} of 5${s.comment ? `: “${s.comment}”` : ''}`;
  return s.link ? `Survey link: ${s.link}` : 'Survey sent';
}

function renderHeader() {
  const c = inbox.current;
  $('contact-name').textContent = who(c);
  $('contact-sub').textContent = [formatPhone(c.contact?.phone), c.channel.toUpperCase(), c.status, csatText(c.csat)].filter(Boolean).join(' · ');
  const sel = $('assignee');
  sel.replaceChildren(new Option('Unassigned', ''));
  for (const t of inbox.teammates.values()) if (t.role !== 'viewer') sel.append(new Option(t.name, t.id));
  sel.value = c.assignee_id || '';
  $('priority').value = c.priority;
  $('resolve').textContent = c.status === 'resolved' ? 'Reopen' : 'Resolve';
  const writable = can('conversations.update');
  for (const el_ of [sel, $('priority'), $('resolve'), $('snooze')]) el_.disabled = !writable;
  $('call').hidden = !c.contact?.phone || !can('conversations.reply');
  $('insert-article').hidden = !can('articles.read');
  $('composer').hidden = !can('conversations.reply');
  renderReplyChannel();
  renderLabels();
}

const channelNames = { sms: 'SMS', chat: 'Website chat' };

// Which channel a reply takes (never the call's voice) and the others the contact
// has; when none can carry one, why (issue 16 item 15).
function renderReplyChannel() {
  const r = inbox.current?.reply;
  const pick = $('reply-channel');
  if (!r) { $('reply-via').hidden = true; return; }
  $('reply-via').hidden = false;
  pick.replaceChildren(...(r.channels || []).map((c) => new Option(channelNames[c] || c, c)));
  const picked = inbox.picked?.id === inbox.current.id && (r.channels || []).includes(inbox.picked.channel);
  pick.value = picked ? inbox.picked.channel : r.channel || '';
  pick.onchange = () => { inbox.picked = { id: inbox.current.id, channel: pick.value }; renderSegments(); };
  pick.hidden = !r.channel;
  pick.disabled = (r.channels || []).length < 2;
  $('reply-none').textContent = r.channel
    ? (r.opted_out ? 'Opted out of texts' : '')
    : r.reason || 'No channel can deliver a reply.';
  syncSendable();
  renderSegments();
}

// A reply nothing can carry (the customer opted out of texts, issue 18; or no
// channel at all) cannot be sent; a private note always can.
function syncSendable() {
  const r = inbox.current?.reply;
  const note = document.querySelector('input[name=mode]:checked')?.value === 'note';
  const refused = !note && r && !r.channel;
  $('send').disabled = !!refused;
  $('reply-text').placeholder = refused
    ? `${r.reason || 'No channel can deliver a reply.'} A private note still works.`
    : 'Reply… (Ctrl+Enter to send, / for canned responses)';
}

function renderLabels() {
  const c = inbox.current;
  const editable = can('conversations.update') && can('labels.apply');
  const remove = (name) => () => patch({ labels: c.labels.filter((l) => l !== name) });
  $('label-chips').replaceChildren(...c.labels.map((l) => el('li', {}, labelChip(l, editable ? remove(l) : null))));
  $('label-form').hidden = !editable;
  $('no-labels').hidden = c.labels.length > 0;
}

function addLabel(event) {
  event.preventDefault();
  const name = $('label-input').value.trim();
  if (!name || !inbox.current) return;
  $('label-input').value = '';
  patch({ labels: [...inbox.current.labels, name] }).then(renderFilters);
}

function renderThread() {
  const list = $('thread');
  list.replaceChildren(...inbox.thread.map(messageItem));
  list.scrollTop = list.scrollHeight;
}

function voicemailBody(m) {
  return [
    el('strong', {}, `Voicemail (${m.metadata?.duration ?? 0} s)`),
    m.metadata?.recording_url ? el('audio', { controls: true, preload: 'none', src: m.metadata.recording_url }) : null,
    el('p', {}, m.metadata?.transcript ? `“${m.metadata.transcript}”` : 'Transcript pending…'),
  ];
}

// A failed reply says why in words (the server's error_explanation, with the
// carrier's own text after it) and, for a text, offers Retry (issue 18).
function deliveryError(m) {
  const retry = m.channel === 'sms' && can('conversations.reply')
    ? el('button', { type: 'button', class: 'retry', onclick: (e) => retryMessage(m, e.currentTarget) }, 'Retry')
    : null;
  return el('div', { class: 'delivery-error', role: 'note' },
    el('span', { class: 'why' }, m.error_explanation || 'The message could not be delivered.'),
    m.error ? el('span', { class: 'detail' }, ` (${m.error})`) : null,
    retry);
}

// A customer's words that may revoke consent ("please stop texting me", issue 18):
// never applied on its own; an agent records the opt-out or dismisses the notice.
function consentSuggestion(m) {
  const meta = m.metadata || {};
  if (m.direction !== 'inbound' || meta.consent_suggestion !== 'opt_out' || meta.consent_suggestion_resolved) return null;
  const error = el('span', { class: 'error', role: 'alert' });
  const buttons = [];
  const resolve = (action) => async () => {
    for (const b of buttons) b.disabled = true;
    error.textContent = '';
    try {
      const r = await api('POST', `/api/v1/conversations/${m.conversation_id}/messages/${m.id}/consent-suggestion`, { action });
      upsertMessage(r.message);
      if (r.event) upsertMessage(r.event);
    } catch (e) {
      error.textContent = e.message;
      for (const b of buttons) b.disabled = false;
    }
  };
  if (can('contacts.opt_out')) {
    buttons.push(el('button', { type: 'button', class: 'danger', onclick: resolve('confirm') }, 'Record opt-out'),
      el('button', { type: 'button', onclick: resolve('dismiss') }, 'Dismiss'));
  }
  return el('div', { class: 'consent-suggestion', role: 'group', 'aria-label': 'Possible opt-out' },
    el('span', {}, 'This may be a request to stop texting.'), buttons, error);
}

// The composer's channels again (GET /conversations/{id}): a consent change (a STOP,
// START, or an agent's confirmation) turns SMS off or on at once; and the contact
// panel's consent unless the change came from there.
export async function refreshReply(id, { contact = true } = {}) {
  try {
    const c = await api('GET', `/api/v1/conversations/${id}`);
    if (inbox.current?.id !== id) return;
    inbox.current = { ...inbox.current, ...c };
    renderHeader();
    if (contact) showContact(inbox.current);
  } catch {
    // the next open reads it again
  }
}

function messageItem(m) {
  const sender = m.sender?.name || (m.sender?.kind === 'contact' ? 'Customer'
    : m.sender?.kind === 'bot' ? (m.metadata?.answer_bot ? 'Answer bot' : 'Auto-reply') : m.sender?.kind);
  const reply = m.direction === 'outbound' && m.kind === 'text';
  const failed = reply && m.status === 'failed';
  const status = reply ? ` · ${m.status}` : '';
  return el('li', { 'data-id': m.id, class: `msg ${m.direction} kind-${m.kind}${m.private ? ' note' : ''}${failed ? ' failed' : ''}` },
    m.body || m.kind !== 'text' || !m.media?.length
      ? el('div', { class: 'body' }, m.kind === 'voicemail' ? voicemailBody(m) : m.body) : null,
    mediaList(m.media),
    el('div', { class: 'meta' }, `${m.private ? 'Note · ' : ''}${sender} · ${shortTime(m.created_at)}${status}`),
    failed ? deliveryError(m) : null,
    consentSuggestion(m));
}

async function retryMessage(m, button) {
  button.disabled = true;
  $('reply-error').textContent = '';
  try {
    upsertMessage(await api('POST', `/api/v1/conversations/${m.conversation_id}/messages/${m.id}/retry`));
  } catch (e) {
    $('reply-error').textContent = e.message;
    button.disabled = false;
  }
}

export function upsertMessage(m, created = false) {
  if (created) typingEndedBy(m);
  if (inbox.current?.id !== m.conversation_id) return;
  const i = inbox.thread.findIndex((x) => x.id === m.id);
  if (i >= 0) inbox.thread[i] = newerMessage(inbox.thread[i], m);
  else inbox.thread.push(m);
  renderThread();
  // A new system item is how a consent change shows in the thread.
  if (i < 0 && m.kind === 'event' && m.sender?.kind === 'system') refreshReply(m.conversation_id);
}

async function send(event) {
  event.preventDefault();
  const text = $('reply-text').value.trim();
  if ((!text && outgoing.items.length === 0) || !inbox.current || outgoing.uploading) return;
  const note = document.querySelector('input[name=mode]:checked').value === 'note';
  stopTyping();
  $('send').disabled = true;
  $('reply-error').textContent = '';
  try {
    const body = { body: text, private: note };
    if (outgoing.items.length) body.media_ids = outgoing.ids();
    // Only the agent's own pick is sent: otherwise the server decides, from the newest state.
    if (!note && inbox.picked?.id === inbox.current.id) body.channel = inbox.picked.channel;
    const m = await api('POST', `/api/v1/conversations/${inbox.current.id}/messages`, body);
    upsertMessage(m);
    $('reply-text').value = '';
    outgoing.clear();
    renderSegments();
  } catch (e) {
    $('reply-error').textContent = e.message;
  } finally {
    syncSendable();
  }
}

async function patch(fields) {
  try {
    const id = inbox.current.id;
    upsert(await api('PATCH', `/api/v1/conversations/${id}`, fields));
    // A resolution may have sent a CSAT survey: the conversation shows it.
    if (fields.status === 'resolved') {
      const c = await api('GET', `/api/v1/conversations/${id}`);
      if (inbox.current?.id === id) { inbox.current = { ...inbox.current, csat: c.csat }; renderHeader(); }
    }
  } catch (e) {
    $('reply-error').textContent = e.message;
  }
}

function snoozeUntilTomorrow() {
  const t = new Date();
  t.setDate(t.getDate() + 1);
  t.setHours(9, 0, 0, 0);
  patch({ status: 'snoozed', snoozed_until: t.toISOString() });
}

async function call() {
  try {
    await api('POST', `/api/v1/conversations/${inbox.current.id}/call`);
    $('reply-error').textContent = 'Calling: your phone rings first.';
  } catch (e) {
    $('reply-error').textContent = e.message;
  }
}

function openRelative(step) {
  const i = inbox.items.findIndex((c) => c.id === inbox.current?.id);
  const next = inbox.items[Math.max(0, Math.min(inbox.items.length - 1, i + step))];
  if (next) location.hash = `#/conversations/${next.id}`;
}

// ---------- wiring ----------

export function wireInbox() {
  for (const b of document.querySelectorAll('[data-view]')) {
    b.onclick = () => {
      inbox.view = b.dataset.view;
      for (const x of document.querySelectorAll('[data-view]')) x.setAttribute('aria-pressed', String(x === b));
      loadList();
    };
  }
  $('status-filter').onchange = () => { inbox.status = $('status-filter').value; loadList(); };
  $('search-form').onsubmit = (e) => { e.preventDefault(); inbox.q = $('search').value.trim(); loadList(); };
  $('more').onclick = () => loadList(true);
  // Keyset paging: the next page loads when the end of the list scrolls into view.
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) loadList(true).catch(() => {});
  }, { root: $('list-scroll'), rootMargin: '150px' }).observe($('more'));
  $('composer').onsubmit = send;
  outgoing.onChange = () => renderOutgoing($('attachments'));
  wireAttachments({
    button: $('attach'), input: $('attach-input'), dropTarget: $('composer'), textarea: $('reply-text'),
    onError: (message) => { $('reply-error').textContent = message; },
  });
  $('reply-text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('composer').requestSubmit();
  });
  $('reply-text').addEventListener('input', () => { renderSegments(); noteTyping(); });
  $('reply-text').addEventListener('blur', stopTyping);
  attachCanned($('reply-text'), $('canned-list'));
  articleLink = attachArticleLink({
    button: $('insert-article'), popover: $('article-popover'), input: $('article-search'),
    listbox: $('article-list'), status: $('article-status'), textarea: $('reply-text'),
  });
  for (const r of document.querySelectorAll('input[name=mode]')) {
    r.onchange = () => {
      $('composer').classList.toggle('note', r.value === 'note' && r.checked);
      syncSendable();
      renderSegments();
      if (writingNote()) stopTyping();
    };
  }
  $('label-form').onsubmit = addLabel;
  $('assignee').onchange = () => patch({ assignee_id: $('assignee').value || null });
  $('priority').onchange = () => patch({ priority: $('priority').value });
  $('resolve').onclick = () => patch({ status: inbox.current.status === 'resolved' ? 'open' : 'resolved' });
  $('snooze').onclick = snoozeUntilTomorrow;
  $('call').onclick = call;
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input, textarea, select, dialog') || $('inbox-nav').hidden) return;
    if (e.key === '/') { e.preventDefault(); $('search').focus(); }
    if (e.key === 'r' && !$('composer').hidden && inbox.current) { e.preventDefault(); $('reply-text').focus(); }
    if (e.key === 'j' || e.key === 'k') openRelative(e.key === 'j' ? 1 : -1);
  });
}

// Teammates, teams and labels for the menus and filters.
export async function loadDirectory() {
  const none = { items: [] };
  const [people, teams, labels] = await Promise.all([
    api('GET', '/api/v1/teammates').catch(() => none),
    api('GET', '/api/v1/teams').catch(() => none),
    api('GET', '/api/v1/labels').catch(() => none),
  ]);
  inbox.teammates = new Map(people.items.map((t) => [t.id, t]));
  inbox.teams = teams.items;
  inbox.labels = labels.items;
  renderFilters();
}
