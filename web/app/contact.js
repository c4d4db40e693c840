// The contact sidebar of the open conversation: identities (phones, email,
// external id), custom attributes, the contact's other conversations, and
// edit (PATCH), merge a duplicate into it (POST …/merge) and erase (DELETE).
import { api, can } from './api.js';
import { confirmDialog, el, form, formatPhone, shortTime } from './ui.js';

const $ = (id) => document.getElementById(id);

const panel = {
  contact: null,
  conversationId: null,
  hooks: { onChanged: (_contact) => {}, onErased: (_contactId) => {} },
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
    const [contact, convs] = await Promise.all([
      api('GET', `/api/v1/contacts/${conversation.contact_id}`),
      api('GET', `/api/v1/conversations?contact_id=${conversation.contact_id}&status=all&limit=20`),
    ]);
    if (panel.conversationId !== conversation.id) return; // another conversation opened meanwhile
    panel.contact = contact;
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

function render(others) {
  const c = panel.contact;
  const actions = el('div', { class: 'contact-actions' },
    can('contacts.update') ? el('button', { type: 'button', onclick: () => edit(others) }, 'Edit contact') : null,
    can('contacts.delete') ? el('button', { type: 'button', class: 'danger', onclick: erase }, 'Erase contact') : null);
  $('contact-body').replaceChildren(
    el('p', { class: 'contact-title' }, c.name || formatPhone(c.phones[0]) || c.email || `Contact ${c.id}`),
    details(c),
    el('h4', {}, 'Past conversations'),
    pastConversations(others),
    actions,
    can('contacts.merge') ? mergeSection(others) : null);
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
