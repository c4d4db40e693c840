// The contact sidebar of the open conversation: identities (phones, email,
// external id), custom attributes, texting consent (the ledger, its CSV, and consent
// an admin obtained elsewhere), the contact's other conversations, and edit (PATCH),
// merge a duplicate into it (POST …/merge) and erase (DELETE).
import { api, can, download } from './api.js';
import { confirmDialog, el, form, formatPhone, shortTime } from './ui.js';

const $ = (id) => document.getElementById(id);

const panel = {
  contact: null,
  conversationId: null,
  consent: [], // the ledger's entries for the contact's phones, newest first
  names: { lines: new Map(), teammates: new Map() }, // ids in the ledger, as people read them
  hooks: { onChanged: (_contact) => {}, onConsentChanged: () => {}, onErased: (_contactId) => {} },
};

export function wireContact(hooks) {
  panel.hooks = hooks;
  $('contact-toggle').onclick = () => {
    const open = $('contact-toggle').getAttribute('aria-expanded') !== 'true';
    $('contact-toggle').setAttribute('aria-expanded', String(open));
    $('contact-panel').hidden = !open;
  };
}

export async function showContact(conversation) {
  panel.conversationId = conversation.id;
  const body = $('contact-body');
  body.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  try {
    const none = { items: [] };
    const [contact, convs, consent, lines, people] = await Promise.all([
      api('GET', `/api/v1/contacts/${conversation.contact_id}`),
      api('GET', `/api/v1/conversations?contact_id=${conversation.contact_id}&status=all&limit=20`),
      api('GET', `/api/v1/contacts/${conversation.contact_id}/consent`).catch(() => none),
      api('GET', '/api/v1/numbers').catch(() => none),
      api('GET', '/api/v1/teammates').catch(() => none),
    ]);
    if (panel.conversationId !== conversation.id) return; // another conversation opened meanwhile
    panel.contact = contact;
    panel.consent = consent.items;
    panel.names = {
      lines: new Map(lines.items.map((n) => [n.id, formatPhone(n.number)])),
      teammates: new Map(people.items.map((t) => [t.id, t.name])),
    };
    render(convs.items.filter((c) => c.id !== conversation.id));
  } catch (e) {
    body.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}

// "key: value" lines for the attributes; non-string values are shown as JSON.
const attrText = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

function details(c) {
  const rows = [];
  const item = (term, ...values) => rows.push(el('dt', {}, term), ...values.map((v) => el('dd', {}, v)));
  if (c.phones.length) item(c.phones.length > 1 ? 'Phones' : 'Phone', ...c.phones.map((p) => el('a', { href: `tel:${p}` }, formatPhone(p))));
  if (c.email) item('Email', el('a', { href: `mailto:${c.email}` }, c.email));
  if (c.external_id) item('External id', c.external_id);
  for (const [k, v] of Object.entries(c.attributes || {})) item(k, attrText(v));
  return rows.length ? el('dl', { class: 'facts' }, rows) : el('p', { class: 'muted' }, 'No details yet.');
}

function pastConversations(items) {
  if (!items.length) return el('p', { class: 'muted' }, 'No other conversations.');
  return el('ul', { class: 'history', role: 'list' }, items.map((c) => el('li', {},
    el('a', { href: `#/conversations/${c.id}` }, c.subject || c.preview || `Conversation ${c.id}`),
    el('span', { class: 'muted' }, ` · ${c.status} · ${shortTime(c.last_message_at || c.created_at)}`))));
}

// Their CSAT answers (issue 21): the mean and the newest, each credited to the teammate it was sent for.
function csatSection(c) {
  const s = c.csat;
  if (!s || !s.count) return null;
  const name = (id) => (id ? panel.names.teammates.get(id) || `teammate ${id}` : 'nobody');
  return el('section', { class: 'csat', 'aria-label': 'Satisfaction' },
    el('h4', {}, 'Satisfaction'),
    el('p', {}, `Average ${s.average.toFixed(1)} of 5 over ${s.count} ${s.count === 1 ? 'rating' : 'ratings'}`),
    el('ul', { role: 'list' }, s.latest.map((r) => el('li', {},
      `${r.rating} of 5 for ${name(r.teammate_id)}${r.comment ? ` — “${r.comment}”` : ''}`))));
}

function render(others) {
  const c = panel.contact;
  const actions = el('div', { class: 'contact-actions' },
    can('contacts.update') ? el('button', { type: 'button', onclick: () => edit(others) }, 'Edit contact') : null,
    can('contacts.delete') ? el('button', { type: 'button', class: 'danger', onclick: erase }, 'Erase contact') : null);
  $('contact-body').replaceChildren(
    el('p', { class: 'contact-title' }, c.name || formatPhone(c.phones[0]) || c.email || `Contact ${c.id}`),
    details(c),
    csatSection(c),
    consentSection(others),
    el('h4', {}, 'Past conversations'),
    pastConversations(others),
    actions,
    can('contacts.merge') ? mergeSection(others) : null);
}

// ---------- texting consent (issue 18) ----------

const stateNames = { opted_out: 'Opted out', opted_in: 'Opted in' };
const sourceNames = { keyword: 'texted a keyword', agent: 'by a teammate', api: 'through the API', carrier: 'the carrier refused a text' };
const lineName = (id) => (id ? `on ${panel.names.lines.get(id) || `line ${id}`}` : 'on every line');

// Per phone, the state on each line the ledger names, and on every other line: on a
// line the newest entry for that line or for every line decides (routing.md).
function currentStates(entries) {
  const out = [];
  for (const phone of [...new Set(entries.map((e) => e.phone))]) {
    const mine = entries.filter((e) => e.phone === phone);
    for (const line of [...new Set(mine.map((e) => e.number_id).filter(Boolean))]) {
      const e = mine.find((x) => x.number_id === line || x.number_id === null);
      out.push({ phone, line, entry: e });
    }
    const everywhere = mine.find((x) => x.number_id === null);
    if (everywhere) out.push({ phone, line: null, entry: everywhere });
  }
  return out;
}

function consentEntry(e) {
  const who = e.teammate_id ? panel.names.teammates.get(e.teammate_id) || `teammate ${e.teammate_id}` : null;
  const how = [sourceNames[e.source] || e.source, who, e.note].filter(Boolean).join(' · ');
  return el('li', {},
    el('span', { class: `state-${e.state}` }, stateNames[e.state] || e.state),
    ` ${lineName(e.number_id)}, ${formatPhone(e.phone)} · ${how} · `,
    el('time', { datetime: e.created_at, title: new Date(e.created_at).toLocaleString() }, shortTime(e.created_at)));
}

function consentSection(others) {
  const c = panel.contact;
  const entries = panel.consent;
  const states = currentStates(entries);
  const exportButton = can('contacts.export') && entries.length
    ? el('button', { type: 'button', class: 'link', onclick: () => exportConsent(c) }, 'Export as CSV') : null;
  return el('section', { class: 'consent', 'aria-label': 'Texting consent' },
    el('h4', {}, 'Texting consent'),
    states.length
      ? el('ul', { class: 'history', role: 'list', 'aria-label': 'Current consent' }, states.map(({ phone, line, entry }) => el('li', {},
        el('span', { class: `state-${entry.state}` }, stateNames[entry.state] || entry.state),
        ` ${lineName(line)}${c.phones.length > 1 ? `, ${formatPhone(phone)}` : ''}`)))
      : el('p', { class: 'muted' }, c.phones.length ? 'No opt-out or opt-in recorded: texts may be sent.' : 'No phone that takes texts.'),
    entries.length ? el('details', {},
      el('summary', {}, `History (${entries.length})`),
      el('ul', { class: 'history', role: 'list', 'aria-label': 'Consent history' }, entries.map(consentEntry))) : null,
    exportButton,
    can('contacts.consent') && c.phones.length ? consentForm(others) : null);
}

async function exportConsent(c) {
  try {
    await download(`/api/v1/contacts/${c.id}/consent.csv`, `consent-${c.id}.csv`);
  } catch (e) {
    $('contact-body').append(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}

// Consent obtained elsewhere (a signed form, a call), with a note; admins only.
function consentForm(others) {
  const c = panel.contact;
  const lines = [['', 'Every line'], ...[...panel.names.lines].map(([id, number]) => [id, number])];
  const fields = [
    { name: 'state', label: 'Consent', type: 'select', options: [['opted_in', 'Opted in'], ['opted_out', 'Opted out']], value: 'opted_in' },
  ];
  if (c.phones.length > 1) fields.push({ name: 'phone', label: 'Phone', type: 'select', options: [['', 'Each phone'], ...c.phones.map((p) => [p, formatPhone(p)])] });
  fields.push({ name: 'number_id', label: 'Line', type: 'select', options: lines },
    { name: 'note', label: 'Note', placeholder: 'e.g. signed form at the counter', hint: 'How and when the customer said so.' });
  return form({
    title: 'Record consent',
    submit: 'Record consent',
    className: 'compact',
    fields,
    onSubmit: async (v) => {
      const body = { state: v.state };
      if (v.phone) body.phone = v.phone;
      if (v.number_id) body.number_id = v.number_id;
      if (v.note) body.note = v.note;
      await api('POST', `/api/v1/contacts/${c.id}/consent`, body);
      panel.consent = (await api('GET', `/api/v1/contacts/${c.id}/consent`)).items;
      panel.hooks.onConsentChanged();
      render(others);
      $('contact-body').append(el('p', { class: 'status', role: 'status' }, 'Consent recorded.'));
    },
  });
}

function parseAttributes(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

// A JSON merge patch for the attributes: changed keys set, removed keys null.
function attributesPatch(before, text) {
  const after = parseAttributes(text);
  const patch = {};
  for (const k of Object.keys(before)) if (!(k in after)) patch[k] = null;
  for (const [k, v] of Object.entries(after)) if (!(k in before) || attrText(before[k]) !== v) patch[k] = v;
  return patch;
}

function edit(others) {
  const c = panel.contact;
  const f = form({
    title: 'Edit contact',
    submit: 'Save contact',
    fields: [
      { name: 'name', label: 'Name', value: c.name || '' },
      { name: 'email', label: 'Email', type: 'email', value: c.email || '' },
      { name: 'phones', label: 'Phones', type: 'textarea', rows: 2, value: c.phones.join('\n'), hint: 'One per line, with the country code (+1…).' },
      { name: 'external_id', label: 'External id', value: c.external_id || '' },
      { name: 'attributes', label: 'Attributes', type: 'textarea', value: Object.entries(c.attributes || {}).map(([k, v]) => `${k}: ${attrText(v)}`).join('\n'), hint: 'One "key: value" per line.' },
    ],
    onCancel: () => render(others),
    onSubmit: async (v) => {
      const updated = await api('PATCH', `/api/v1/contacts/${c.id}`, {
        name: v.name || null,
        email: v.email || null,
        external_id: v.external_id || null,
        phones: v.phones.split(/[\n,]+/).map((p) => p.trim()).filter(Boolean),
        attributes: attributesPatch(c.attributes || {}, v.attributes),
      });
      panel.contact = updated;
      panel.hooks.onChanged(updated);
      render(others);
      $('contact-body').append(el('p', { class: 'status', role: 'status' }, 'Contact saved.'));
    },
  });
  $('contact-body').replaceChildren(f);
  f.querySelector('input').focus();
}

function mergeSection(others) {
  const results = el('ul', { class: 'history', role: 'list', 'aria-label': 'Contacts found' });
  const search = form({
    title: 'Merge a duplicate',
    submit: 'Find',
    className: 'compact',
    fields: [{ name: 'q', label: 'Name, email or phone', type: 'search' }],
    onSubmit: async (v) => {
      const found = (await api('GET', `/api/v1/contacts?q=${encodeURIComponent(v.q)}&limit=10`)).items
        .filter((x) => x.id !== panel.contact.id);
      results.replaceChildren(...found.map((x) => el('li', {},
        el('span', {}, `${x.name || x.email || formatPhone(x.phones[0]) || `Contact ${x.id}`} `),
        el('button', { type: 'button', onclick: () => merge(x, others) }, `Merge ${x.name || 'contact'} here`))));
      return found.length ? '' : 'No other contact matches.';
    },
  });
  return el('section', { class: 'merge' }, search, results);
}

async function merge(source, others) {
  const target = panel.contact;
  const ok = await confirmDialog(
    `Merge ${source.name || `contact ${source.id}`} into ${target.name || `contact ${target.id}`}? Its phones, emails and conversations move here and it is deleted.`,
    'Merge');
  if (!ok) return;
  try {
    panel.contact = await api('POST', `/api/v1/contacts/${target.id}/merge`, { from: source.id });
    panel.hooks.onChanged(panel.contact);
    const convs = await api('GET', `/api/v1/conversations?contact_id=${target.id}&status=all&limit=20`);
    render(convs.items.filter((c) => c.id !== panel.conversationId));
  } catch (e) {
    render(others);
    $('contact-body').append(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}

async function erase() {
  const c = panel.contact;
  const ok = await confirmDialog(
    `Erase ${c.name || `contact ${c.id}`}? This deletes the contact, all of their conversations and messages. It cannot be undone.`,
    'Erase');
  if (!ok) return;
  try {
    await api('DELETE', `/api/v1/contacts/${c.id}`);
    panel.hooks.onErased(c.id);
  } catch (e) {
    $('contact-body').append(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}
