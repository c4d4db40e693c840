// Settings pages (#/settings/<page>): teammates, numbers, teams, business
// hours and greetings, canned responses, labels, the website widget, the help
// center (helpcenter.js), the answer bot, outbound webhooks. Each page is shown only with its permission; the
// server checks again. Every page is built from the same
// form() and table() helpers and one page frame (title, messages, editor slot).
import { api, can, session } from './api.js';
import { setCanned } from './canned.js';
import { helpCenterPage } from './helpcenter.js';
import { loadDirectory } from './inbox.js';
import { confirmDialog, el, form, formatPhone, select, table } from './ui.js';

const $ = (id) => document.getElementById(id);

const pages = [
  { id: 'teammates', title: 'Teammates', allowed: () => can('teammates.manage'), render: teammatesPage },
  { id: 'numbers', title: 'Numbers', allowed: () => can('numbers.manage'), render: numbersPage },
  { id: 'teams', title: 'Teams', allowed: () => can('teams.manage'), render: teamsPage },
  { id: 'hours', title: 'Business hours', allowed: () => can('me.update'), render: hoursPage },
  { id: 'canned', title: 'Canned responses', allowed: () => can('canned.manage'), render: cannedPage },
  { id: 'labels', title: 'Labels', allowed: () => can('labels.manage'), render: labelsPage },
  { id: 'widget', title: 'Widget', allowed: () => can('widget.manage'), render: widgetPage },
  { id: 'helpcenter', title: 'Help center', allowed: () => can('articles.write'), render: helpCenterPage },
  { id: 'answerbot', title: 'Answer bot', allowed: () => can('answer_bot.manage'), render: answerBotPage },
  { id: 'webhooks', title: 'Webhooks', allowed: () => can('webhooks.manage'), render: webhooksPage },
];

export const settingsPages = () => pages.filter((p) => p.allowed());

export function renderSettingsNav(current) {
  $('settings-nav').replaceChildren(...settingsPages().map((p) => el('li', {},
    el('a', { href: `#/settings/${p.id}`, 'aria-current': p.id === current ? 'page' : null }, p.title))));
}

// The page frame: a title, a status line (flash), an alert line, an editor slot and the body.
export async function showSettings(id, flash = '') {
  const page = settingsPages().find((p) => p.id === id);
  const root = $('settings');
  if (!page) {
    root.replaceChildren(el('h2', {}, 'Settings'), el('p', { class: 'empty' }, 'Your role has no settings to manage.'));
    return;
  }
  renderSettingsNav(page.id);
  const alert = el('p', { class: 'error', role: 'alert' });
  const editor = el('div', { class: 'editor' });
  const body = el('div', { class: 'page-body' }, el('p', { class: 'muted' }, 'Loading…'));
  root.replaceChildren(el('h2', {}, page.title), el('div', { class: 'flash', role: 'status' }, flash), alert, editor, body);
  const ctx = {
    reload: (message) => showSettings(page.id, message),
    edit(node) {
      editor.replaceChildren(...(node ? [node] : []));
      node?.querySelector('input, select, textarea')?.focus();
    },
    // Runs an inline action (a select change, a delete): its error goes to the alert line.
    async act(fn) {
      alert.textContent = '';
      try {
        await fn();
      } catch (e) {
        alert.textContent = e.message;
      }
    },
  };
  try {
    body.replaceChildren(...await page.render(ctx));
  } catch (e) {
    body.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
  }
}

const items = async (path) => (await api('GET', path)).items;

// Only the fields whose value changed, for a PATCH.
function changed(before, values) {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => (before[k] ?? '') !== v));
}

// ---------- teammates ----------

const roles = [['viewer', 'Viewer'], ['agent', 'Agent'], ['admin', 'Admin'], ['owner', 'Owner']];
// Owner is offered only with roles.grant_owner, or when it is the teammate's role already.
const roleOptions = (current) => roles.filter(([r]) => r !== 'owner' || r === current || can('roles.grant_owner'));
const availabilityOptions = [['available', 'Available'], ['away', 'Away'], ['offline', 'Offline']];
const forwardingOptions = [['off', 'Off'], ['phone', 'Forward to phone']];

async function teammatesPage(ctx) {
  const [people, numbers] = await Promise.all([items('/api/v1/teammates'), items('/api/v1/numbers')]);
  const numbersOf = (t) => numbers.filter((n) => n.owner_teammate_id === t.id).map((n) => formatPhone(n.number)).join(', ');
  const create = form({
    title: 'Add a teammate',
    submit: 'Add teammate',
    fields: [
      { name: 'name', label: 'Name', required: true },
      { name: 'email', label: 'Email', type: 'email', required: true },
      { name: 'role', label: 'Role', type: 'select', options: roleOptions(), value: 'agent' },
      { name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: 'Leave blank to generate one; it is shown once.' },
      { name: 'physical_number', label: 'Mobile phone', type: 'tel', placeholder: '+1 415 555 0100' },
    ],
    onSubmit: async (v) => {
      const body = { name: v.name, email: v.email, role: v.role };
      if (v.password) body.password = v.password;
      if (v.physical_number) body.physical_number = v.physical_number;
      const t = await api('POST', '/api/v1/teammates', body);
      const flash = [`${t.name} was added.`];
      if (t.initial_password) flash.push(' Initial password (shown once): ', el('code', { class: 'secret' }, t.initial_password));
      await ctx.reload(el('span', {}, ...flash));
    },
  });
  const editTeammate = (t) => ctx.edit(form({
    title: `Edit ${t.name}`,
    submit: 'Save teammate',
    fields: [
      { name: 'name', label: 'Name', value: t.name, required: true },
      { name: 'role', label: 'Role', type: 'select', options: roleOptions(t.role), value: t.role },
      { name: 'physical_number', label: 'Mobile phone', type: 'tel', value: t.physical_number || '' },
      { name: 'availability', label: 'Availability', type: 'select', options: availabilityOptions, value: t.availability },
      { name: 'sms_forwarding', label: 'SMS forwarding', type: 'select', options: forwardingOptions, value: t.sms_forwarding },
    ],
    onCancel: () => ctx.edit(null),
    onSubmit: async (v) => {
      const patch = changed(t, v);
      if ('physical_number' in patch && !patch.physical_number) patch.physical_number = null;
      await api('PATCH', `/api/v1/teammates/${t.id}`, patch);
      await ctx.reload(`${v.name} was saved.`);
    },
  }));
  const label = (options, v) => options.find(([k]) => k === v)?.[1] ?? v;
  return [create, el('h3', {}, 'Everyone'), table({
    caption: 'Teammates',
    rows: people,
    columns: [
      { label: 'Name', cell: (t) => t.name },
      { label: 'Email', cell: (t) => t.email },
      { label: 'Role', cell: (t) => label(roles, t.role) },
      { label: 'Mobile phone', cell: (t) => formatPhone(t.physical_number) || '—' },
      { label: 'Availability', cell: (t) => label(availabilityOptions, t.availability) },
      { label: 'SMS forwarding', cell: (t) => label(forwardingOptions, t.sms_forwarding) },
      { label: 'Numbers', cell: (t) => numbersOf(t) || '—' },
      { label: 'Actions', cell: (t) => el('button', { type: 'button', onclick: () => editTeammate(t), 'aria-label': `Edit ${t.name}` }, 'Edit') },
    ],
  })];
}

// ---------- numbers ----------

// One select for "who owns this number": a teammate or a team, as "teammate:ID" / "team:ID".
function ownerOptions(people, teams) {
  return [['', 'Unassigned'],
    { group: 'Teammates', options: people.filter((t) => t.role !== 'viewer').map((t) => [`teammate:${t.id}`, t.name]) },
    { group: 'Teams', options: teams.map((t) => [`team:${t.id}`, t.name]) }];
}
const ownerValue = (n) => (n.owner_teammate_id ? `teammate:${n.owner_teammate_id}` : n.owner_team_id ? `team:${n.owner_team_id}` : '');
function ownerBody(value) {
  const [kind, id] = value.split(':');
  if (kind === 'teammate') return { owner_teammate_id: id };
  if (kind === 'team') return { owner_team_id: id };
  return { owner_teammate_id: null, owner_team_id: null };
}
const carrierOptions = [['', 'Configured carrier'], ['sandbox', 'Sandbox'], ['twilio', 'Twilio'], ['signalwire', 'SignalWire']];
const withCarrier = (body, carrier) => (carrier ? { ...body, carrier } : body);

async function numbersPage(ctx) {
  const [numbers, people, teams] = await Promise.all([items('/api/v1/numbers'), items('/api/v1/teammates'), items('/api/v1/teams')]);
  const owners = ownerOptions(people, teams);
  const areaCode = { name: 'area_code', label: 'Area code', required: true, pattern: '\\d{3}', inputmode: 'numeric', placeholder: '415' };
  const provision = form({
    title: 'Get a new number',
    submit: 'Provision number',
    fields: [areaCode, { name: 'carrier', label: 'Carrier', type: 'select', options: carrierOptions },
      { name: 'owner', label: 'Assign to', type: 'select', options: owners }],
    onSubmit: async (v) => {
      const n = await api('POST', '/api/v1/numbers', withCarrier({ area_code: v.area_code, ...ownerBody(v.owner) }, v.carrier));
      await ctx.reload(`${formatPhone(n.number)} is yours.`);
    },
  });
  const found = el('div', { class: 'found' });
  const buy = (a, carrier) => ctx.act(async () => {
    const n = await api('POST', '/api/v1/numbers', withCarrier({ number: a.number, buy: true }, carrier || a.carrier));
    await ctx.reload(`${formatPhone(n.number)} is yours.`);
  });
  const search = form({
    title: 'Search available numbers',
    submit: 'Search',
    className: 'compact',
    fields: [areaCode, { name: 'carrier', label: 'Carrier', type: 'select', options: carrierOptions }],
    onSubmit: async (v) => {
      const q = new URLSearchParams({ area_code: v.area_code, limit: '10' });
      if (v.carrier) q.set('carrier', v.carrier);
      const avail = await items(`/api/v1/numbers/available?${q}`);
      found.replaceChildren(table({
        caption: 'Available numbers',
        rows: avail,
        empty: 'No numbers available there.',
        columns: [
          { label: 'Number', cell: (a) => formatPhone(a.number) },
          { label: 'Where', cell: (a) => [a.locality, a.region].filter(Boolean).join(', ') || '—' },
          { label: 'Buy', cell: (a) => el('button', { type: 'button', onclick: () => buy(a, v.carrier), 'aria-label': `Buy ${formatPhone(a.number)}` }, 'Buy') },
        ],
      }));
    },
  });
  const assign = (n, value) => ctx.act(async () => {
    await api('PATCH', `/api/v1/numbers/${n.id}`, ownerBody(value));
    await ctx.reload(`${formatPhone(n.number)} was reassigned.`);
  });
  const release = (n) => ctx.act(async () => {
    if (!await confirmDialog(`Release ${formatPhone(n.number)}? Texts and calls to it will stop reaching you, and the carrier may give it to someone else.`, 'Release')) return;
    await api('DELETE', `/api/v1/numbers/${n.id}`);
    await ctx.reload(`${formatPhone(n.number)} was released.`);
  });
  return [el('div', { class: 'two-forms' }, provision, el('div', {}, search, found)), el('h3', {}, 'Your numbers'), table({
    caption: 'Numbers',
    rows: numbers,
    empty: 'No numbers yet.',
    columns: [
      { label: 'Number', cell: (n) => el('span', { title: n.number }, formatPhone(n.number)) },
      { label: 'Carrier', cell: (n) => n.carrier },
      { label: 'Kind', cell: (n) => (n.kind === 'shared' ? 'Shared line' : 'Virtual') },
      { label: 'Assigned to', cell: (n) => select(owners, ownerValue(n), { 'aria-label': `Assign ${formatPhone(n.number)}`, onchange: (e) => assign(n, e.target.value) }) },
      { label: 'Actions', cell: (n) => el('button', { type: 'button', class: 'danger', onclick: () => release(n), 'aria-label': `Release ${formatPhone(n.number)}` }, 'Release') },
    ],
  })];
}

// ---------- teams ----------

async function teamsPage(ctx) {
  const [teams, people] = await Promise.all([items('/api/v1/teams'), items('/api/v1/teammates')]);
  const name = (id) => people.find((t) => t.id === id)?.name ?? `Teammate ${id}`;
  const done = (message) => ctx.reload(message).then(loadDirectory);
  const create = form({
    title: 'Create a team',
    submit: 'Create team',
    fields: [{ name: 'name', label: 'Team name', required: true },
      { name: 'round_robin', label: 'Assign new conversations round robin', type: 'checkbox', value: true }],
    onSubmit: async (v) => {
      await api('POST', '/api/v1/teams', v);
      await done(`${v.name} was created.`);
    },
  });
  const teamCard = (team) => el('section', { class: 'team', 'aria-label': team.name },
    form({
      title: team.name,
      submit: 'Save team',
      className: 'compact',
      fields: [{ name: 'name', label: 'Team name', value: team.name, required: true },
        { name: 'round_robin', label: 'Round robin', type: 'checkbox', value: team.round_robin }],
      onSubmit: async (v) => {
        await api('PATCH', `/api/v1/teams/${team.id}`, v);
        await done(`${v.name} was saved.`);
      },
    }),
    el('h4', {}, 'Members'),
    team.member_ids.length
      ? el('ul', { class: 'members', role: 'list' }, team.member_ids.map((id) => el('li', {}, name(id), ' ',
        el('button', {
          type: 'button', class: 'link', 'aria-label': `Remove ${name(id)} from ${team.name}`,
          onclick: () => ctx.act(async () => {
            await api('DELETE', `/api/v1/teams/${team.id}/members/${id}`);
            await done(`${name(id)} left ${team.name}.`);
          }),
        }, 'Remove'))))
      : el('p', { class: 'muted' }, 'No members yet.'),
    form({
      submit: 'Add member',
      className: 'compact inline',
      fields: [{ name: 'teammate_id', label: `Add to ${team.name}`, type: 'select',
        options: people.filter((t) => !team.member_ids.includes(t.id)).map((t) => [t.id, t.name]) }],
      onSubmit: async (v) => {
        if (!v.teammate_id) return 'Everyone is already a member.';
        await api('POST', `/api/v1/teams/${team.id}/members`, v);
        await done(`${name(v.teammate_id)} joined ${team.name}.`);
      },
    }));
  return [create, el('div', { class: 'teams' }, teams.length ? teams.map(teamCard) : el('p', { class: 'empty' }, 'No teams yet.'))];
}

// ---------- business hours, greetings ----------

export const days = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];

// [["09:00","12:00"],["13:00","17:30"]] <-> "09:00-12:00, 13:00-17:30"
export const spansText = (spans = []) => spans.map(([a, b]) => `${a}-${b}`).join(', ');
export function parseSpans(text, day) {
  if (!text) return [];
  return text.split(',').map((part) => {
    const m = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!m) throw new Error(`${day}: write hours like 09:00-17:00, separated by commas.`);
    return [m[1].padStart(5, '0'), m[2].padStart(5, '0')];
  });
}

function hoursBody(v, isTeam) {
  const body = { voicemail_greeting: v.voicemail_greeting || null };
  if (isTeam) body.after_hours_reply = v.after_hours_reply || null;
  if (!v.enabled) return { ...body, business_hours: null };
  const weekly = {};
  for (const [key, day] of days) {
    const spans = parseSpans(v[key], day);
    if (spans.length) weekly[key] = spans;
  }
  const holidays = v.holidays.split(/[\s,]+/).filter(Boolean);
  return { ...body, business_hours: { timezone: v.timezone, weekly, holidays } };
}

async function hoursPage(ctx) {
  const me = session.me;
  const people = can('teammates.manage') ? await items('/api/v1/teammates') : [me];
  const teams = can('teams.manage') ? await items('/api/v1/teams') : [];
  const choices = [{ group: 'Teammates', options: people.map((t) => [`teammate:${t.id}`, t.id === me.id ? `${t.name} (you)` : t.name]) },
    { group: 'Teams', options: teams.map((t) => [`team:${t.id}`, t.name]) }];
  const slot = el('div', { class: 'hours' });
  const show = async (value) => {
    const [kind, id] = value.split(':');
    const path = `/api/v1/${kind === 'team' ? 'teams' : 'teammates'}/${id}/routing`;
    const s = await api('GET', path);
    const h = s.business_hours;
    const zone = h?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
    slot.replaceChildren(form({
      title: 'Hours and greetings',
      submit: 'Save hours',
      fields: [
        { name: 'enabled', label: 'Use business hours (otherwise always open)', type: 'checkbox', value: Boolean(h) },
        { name: 'timezone', label: 'Time zone', value: zone, list: 'timezones', hint: 'An IANA name, e.g. America/New_York.' },
        ...days.map(([key, day]) => ({ name: key, label: day, value: spansText(h?.weekly?.[key]), placeholder: 'Closed', hint: key === 'mon' ? 'Hours like 09:00-12:00, 13:00-17:30; empty means closed.' : null })),
        { name: 'holidays', label: 'Holidays', value: (h?.holidays || []).join(', '), placeholder: '2026-12-25, 2027-01-01' },
        { name: 'voicemail_greeting', label: 'Voicemail greeting', type: 'textarea', value: s.voicemail_greeting || '', hint: 'Read to callers before the tone.' },
        ...(kind === 'team' ? [{ name: 'after_hours_reply', label: 'After-hours reply', type: 'textarea', value: s.after_hours_reply || '', hint: 'Texted back to customers who write outside business hours.' }] : []),
      ],
      onSubmit: async (v) => {
        await api('PATCH', path, hoursBody(v, kind === 'team'));
        return 'Saved.';
      },
    }));
  };
  const picker = select(choices, `teammate:${me.id}`, { id: 'hours-owner', onchange: (e) => ctx.act(() => show(e.target.value)) });
  await show(picker.value);
  return [el('div', { class: 'field' }, el('label', { for: 'hours-owner' }, 'Settings for'), picker), slot, timezoneList()];
}

export function timezoneList() {
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : [];
  return el('datalist', { id: 'timezones' }, zones.map((z) => el('option', { value: z })));
}

// ---------- canned responses ----------

async function cannedPage(ctx) {
  const list = await items('/api/v1/canned_responses');
  setCanned(list);
  const fields = (c = {}) => [
    { name: 'shortcut', label: 'Shortcut', value: c.shortcut || '', required: true, placeholder: 'thanks', hint: 'Type /shortcut in a reply to use it.' },
    { name: 'body', label: 'Text', type: 'textarea', value: c.body || '', required: true },
  ];
  const create = form({
    title: 'New canned response',
    submit: 'Add response',
    fields: fields(),
    onSubmit: async (v) => {
      const c = await api('POST', '/api/v1/canned_responses', v);
      await ctx.reload(`/${c.shortcut} was added.`);
    },
  });
  const edit = (c) => ctx.edit(form({
    title: `Edit /${c.shortcut}`,
    submit: 'Save response',
    fields: fields(c),
    onCancel: () => ctx.edit(null),
    onSubmit: async (v) => {
      const saved = await api('PATCH', `/api/v1/canned_responses/${c.id}`, changed(c, v));
      await ctx.reload(`/${saved.shortcut} was saved.`);
    },
  }));
  const remove = (c) => ctx.act(async () => {
    if (!await confirmDialog(`Delete the canned response /${c.shortcut}?`, 'Delete')) return;
    await api('DELETE', `/api/v1/canned_responses/${c.id}`);
    await ctx.reload(`/${c.shortcut} was deleted.`);
  });
  return [create, el('h3', {}, 'Responses'), table({
    caption: 'Canned responses',
    rows: list,
    columns: [
      { label: 'Shortcut', cell: (c) => el('code', {}, `/${c.shortcut}`) },
      { label: 'Text', cell: (c) => el('span', { class: 'clip' }, c.body) },
      { label: 'Actions', cell: (c) => [
        el('button', { type: 'button', onclick: () => edit(c), 'aria-label': `Edit /${c.shortcut}` }, 'Edit'), ' ',
        el('button', { type: 'button', class: 'danger', onclick: () => remove(c), 'aria-label': `Delete /${c.shortcut}` }, 'Delete')] },
    ],
  })];
}

// ---------- labels ----------

async function labelsPage(ctx) {
  const list = await items('/api/v1/labels');
  const done = (message) => ctx.reload(message).then(loadDirectory);
  const create = form({
    title: 'New label',
    submit: 'Add label',
    fields: [{ name: 'name', label: 'Name', required: true }, { name: 'color', label: 'Colour', type: 'color', value: '#888888' }],
    onSubmit: async (v) => {
      await api('POST', '/api/v1/labels', v);
      await done(`${v.name} was added.`);
    },
  });
  const remove = (l) => ctx.act(async () => {
    if (!await confirmDialog(`Delete the label ${l.name}? Conversations keep it until someone removes it.`, 'Delete')) return;
    await api('DELETE', `/api/v1/labels/${l.id}`);
    await done(`${l.name} was deleted.`);
  });
  const swatch = (l) => {
    const s = el('span', { class: 'chip' }, l.name);
    s.style.setProperty('--chip', l.color);
    return s;
  };
  return [create, el('h3', {}, 'Labels'), table({
    caption: 'Labels',
    rows: list,
    columns: [
      { label: 'Label', cell: swatch },
      { label: 'Colour', cell: (l) => l.color },
      { label: 'Actions', cell: (l) => el('button', { type: 'button', class: 'danger', onclick: () => remove(l), 'aria-label': `Delete label ${l.name}` }, 'Delete') },
    ],
  })];
}

// ---------- website widget ----------

const identityModes = [['off', 'Off'], ['optional', 'Optional (verify when a hash is given)'], ['required', 'Required for identified users']];

async function widgetPage(ctx) {
  const w = await api('GET', '/api/v1/widget/settings');
  const snippet = el('div', { class: 'field' },
    el('label', { for: 'widget-snippet' }, 'Install snippet'),
    el('textarea', { id: 'widget-snippet', readonly: true, rows: 3, 'aria-describedby': 'widget-snippet-hint' }, w.snippet),
    el('small', { id: 'widget-snippet-hint', class: 'hint' }, 'Paste it before </body> on every page of your site.'),
    // A loopback public_url works only in a browser on this machine (issue 16 item 19).
    w.public_url_loopback
      ? el('p', { id: 'widget-url-warning', class: 'error', role: 'alert' },
        `This snippet points at ${w.public_url}, a loopback address: the widget will load only in a browser on this machine. Set public_url to the address your visitors can reach (see docs/configuration.md).`)
      : null);
  const settings = form({
    title: 'Appearance and access',
    submit: 'Save widget settings',
    fields: [
      { name: 'allowed_origins', label: 'Allowed origins', type: 'textarea', value: w.allowed_origins.join('\n'),
        hint: 'One per line, like https://shop.example.com or https://*.example.com. Empty: only this server.' },
      { name: 'color', label: 'Colour', type: 'color', value: w.color },
      { name: 'greeting', label: 'Greeting', value: w.greeting },
      { name: 'reply_time', label: 'Expected reply time', value: w.reply_time },
      { name: 'office_hours', label: 'Office hours (shown when nobody is available)', value: w.office_hours },
      { name: 'identity_mode', label: 'Identity verification', type: 'select', options: identityModes, value: w.identity_mode },
    ],
    onSubmit: async (v) => {
      const origins = v.allowed_origins.split(/\s+/).map((o) => o.trim()).filter(Boolean);
      await api('PATCH', '/api/v1/widget/settings', { ...changed(w, { color: v.color, greeting: v.greeting, reply_time: v.reply_time, office_hours: v.office_hours, identity_mode: v.identity_mode }), allowed_origins: origins });
      await ctx.reload('Widget settings saved.');
    },
  });
  const secretOut = el('p', { class: 'secret', role: 'status' });
  const rotate = () => ctx.act(async () => {
    const msg = w.identity_secret_set
      ? 'Create a new identity secret? The current one keeps working for the grace period (widget.secret_grace_hours), then stops.'
      : 'Create an identity secret?';
    if (!await confirmDialog(msg, 'Create secret')) return;
    const r = await api('POST', '/api/v1/widget/settings/identity_secret');
    secretOut.replaceChildren('New secret (shown once; keep it on your server): ', el('code', {}, r.identity_secret));
  });
  const identity = el('section', { 'aria-label': 'Identity secret' },
    el('h3', {}, 'Identity secret'),
    el('p', {}, w.identity_secret_set
      ? `A secret is set.${w.previous_secret_valid_until ? ` The previous one is accepted until ${new Date(w.previous_secret_valid_until).toLocaleString()}.` : ''}`
      : 'No secret yet: identity verification cannot be turned on.'),
    el('p', { class: 'hint' }, "Your server signs each logged-in user: user_hash = HMAC-SHA256(secret, external_id) in hex, passed with Switchboard('identify', {external_id, email, name, user_hash})."),
    el('button', { type: 'button', onclick: rotate }, w.identity_secret_set ? 'Rotate secret' : 'Create secret'),
    secretOut);
  return [snippet, settings, identity];
}

// ---------- answer bot ----------

const thresholds = [['0.3', 'Answer often (0.3)'], ['0.4', '0.4'], ['0.5', 'Balanced (0.5)'], ['0.6', '0.6'], ['0.7', '0.7'], ['0.8', 'Answer only when sure (0.8)'], ['0.9', '0.9']];
const handoffReasons = {
  asked_for_human: 'asked for a person', not_helpful: 'said the answer did not help', low_confidence: 'confidence too low',
  no_source: 'no article matched', llm_unavailable: 'language model unavailable', llm_declined: 'language model declined',
  llm_uncited: 'language model cited nothing', undeliverable: 'could not be delivered',
};

async function answerBotPage(ctx) {
  const s = await api('GET', '/api/v1/answer_bot/settings');
  const h = s.schedule;
  const level = String(s.threshold);
  const levels = thresholds.some(([v]) => v === level) ? thresholds : [...thresholds, [level, level]];
  const settings = form({
    title: 'Answer bot',
    submit: 'Save answer bot settings',
    fields: [
      { name: 'enabled', label: 'Answer customers from the help center before the team does', type: 'checkbox', value: s.enabled },
      { name: 'widget', label: 'On the website widget', type: 'checkbox', value: s.channels.includes('widget') },
      { name: 'sms', label: 'By SMS', type: 'checkbox', value: s.channels.includes('sms') },
      { name: 'threshold', label: 'Confidence needed to answer', type: 'select', options: levels, value: level,
        hint: 'Below it the conversation goes straight to the team.' },
      { name: 'business_hours', label: 'When', type: 'select', value: s.business_hours,
        options: [['always', 'Always'], ['outside', 'Only outside business hours']] },
      { name: 'timezone', label: 'Time zone (for business hours)', value: h?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone, list: 'timezones' },
      ...days.map(([key, day]) => ({ name: key, label: day, value: spansText(h?.weekly?.[key]), placeholder: 'Closed',
        hint: key === 'mon' ? 'Used with "Only outside business hours": hours like 09:00-17:00; empty means closed.' : null })),
      { name: 'handoff_message', label: 'Handoff message', type: 'textarea', value: s.handoff_message, required: true,
        hint: 'Sent when the bot passes the conversation to the team.' },
    ],
    onSubmit: async (v) => {
      const weekly = {};
      for (const [key, day] of days) {
        const spans = parseSpans(v[key], day);
        if (spans.length) weekly[key] = spans;
      }
      // "Only outside business hours" with no hours: closed every day, so the bot always answers.
      const schedule = v.business_hours === 'outside' || Object.keys(weekly).length > 0
        ? { timezone: v.timezone, weekly, holidays: h?.holidays || [] } : null;
      await api('PATCH', '/api/v1/answer_bot/settings', {
        enabled: v.enabled,
        channels: [...(v.widget ? ['widget'] : []), ...(v.sms ? ['sms'] : [])],
        threshold: Number(v.threshold),
        business_hours: v.business_hours,
        schedule,
        handoff_message: v.handoff_message,
      });
      await ctx.reload('Answer bot settings saved.');
    },
  });
  const c = s.counters || { answers: 0, resolutions: 0, handoffs: {} };
  const handoffs = Object.entries(c.handoffs || {}).filter(([, n]) => n > 0);
  const about = el('section', { 'aria-label': 'How the answer bot works' },
    el('h3', {}, 'How it answers'),
    el('p', {}, s.llm.configured
      ? `Answers are written by the language model ${s.llm.model} from the best passages of your published articles, citing them; when it declines, fails or is slow, the team takes over.`
      : 'Answers quote the best passage of your published articles with a link to the article. (A language model can write them instead: answer_bot.llm.* in the configuration.)'),
    el('p', {}, 'After an answer it asks "Did that answer your question?": yes closes the conversation, no or a request for a person hands it to the team, who are notified. It stays out of conversations a teammate has answered.'),
    el('h3', {}, 'Since this server started'),
    el('p', { id: 'answer-bot-counters' }, `${c.answers} answered, ${c.resolutions} resolved by the bot, ${handoffs.reduce((n, [, k]) => n + k, 0)} handed to the team`
      + (handoffs.length ? ` (${handoffs.map(([r, n]) => `${n} ${handoffReasons[r] || r}`).join(', ')}).` : '.')));
  return [settings, about, timezoneList()];
}

// ---------- webhooks ----------

// Outbound webhooks (issue 21): endpoints, their one-time signing secrets, a test
// event, and each endpoint's delivery log with replays.
const deliveryStatuses = [['', 'All'], ['pending', 'Pending'], ['succeeded', 'Succeeded'], ['failed', 'Failed']];
const statusClass = { succeeded: 'st-published', failed: 'st-failed', pending: 'st-pending' };
const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' }) : '');
const openLogs = new Set(); // endpoints whose delivery log is open: it stays open across reloads of the page

// A datetime-local input's value for a Date (local time, to the minute).
function localInput(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A signing secret, shown once: selectable text and a Copy button.
function secretNotice(lead, secret) {
  const code = el('code', { class: 'secret', id: 'webhook-secret' }, secret);
  const copied = el('span', { class: 'muted' });
  const copy = el('button', {
    type: 'button',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(secret);
        copied.textContent = 'Copied.';
      } catch {
        getSelection().selectAllChildren(code);
        copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy it.';
      }
    },
  }, 'Copy secret');
  return el('span', { class: 'secret-notice' }, lead, ' ', code, ' ', copy, ' ', copied,
    el('br'), "Store it on the receiving server to verify the signatures now: it won't be shown again.");
}

async function webhooksPage(ctx) {
  const { items: endpoints, event_types: types } = await api('GET', '/api/v1/webhooks');
  const fields = (e = {}) => [
    { name: 'url', label: 'Endpoint URL', type: 'url', value: e.url || '', required: true, placeholder: 'https://example.com/webhooks/switchboard',
      hint: 'An https URL on a public address; each event is POSTed to it as JSON.' },
    { name: 'description', label: 'Description', value: e.description || '', placeholder: 'CRM sync' },
    { name: 'events', label: 'Events', type: 'checkboxes', options: types.map((t) => [t, t]), value: e.events || [], selectAll: 'Select all events' },
  ];
  const needEvents = (v) => {
    if (!v.events.length) throw new Error('Choose at least one event.');
  };
  const create = form({
    title: 'Add an endpoint',
    submit: 'Add endpoint',
    fields: fields(),
    onSubmit: async (v) => {
      needEvents(v);
      const e = await api('POST', '/api/v1/webhooks', { url: v.url, events: v.events, ...(v.description ? { description: v.description } : {}) });
      await ctx.reload(secretNotice(`${e.url} was added. Its signing secret:`, e.secret));
    },
  });
  const edit = (e) => ctx.edit(form({
    title: `Edit ${e.url}`,
    submit: 'Save endpoint',
    fields: [...fields(e), { name: 'enabled', label: 'Enabled: send events to this endpoint', type: 'checkbox', value: e.enabled }],
    onCancel: () => ctx.edit(null),
    onSubmit: async (v) => {
      needEvents(v);
      const patch = changed(e, { url: v.url, description: v.description });
      if ([...v.events].sort().join() !== [...e.events].sort().join()) patch.events = v.events;
      if (v.enabled !== e.enabled) patch.enabled = v.enabled;
      const saved = await api('PATCH', `/api/v1/webhooks/${e.id}`, patch);
      await ctx.reload(`${saved.url} was saved.`);
    },
  }));
  const setEnabled = (e, enabled) => ctx.act(async () => {
    await api('PATCH', `/api/v1/webhooks/${e.id}`, { enabled });
    await ctx.reload(`${e.url} was ${enabled ? 'enabled' : 'disabled'}.`);
  });
  const sendTest = (e) => ctx.act(async () => {
    await api('POST', `/api/v1/webhooks/${e.id}/test`);
    openLogs.add(e.id);
    await ctx.reload(`A webhook.test event was queued for ${e.url}; its delivery log shows how it went.`);
  });
  const rotate = (e) => ctx.act(async () => {
    if (!await confirmDialog(`Rotate the signing secret of ${e.url}? Deliveries are signed with the old secret too for 24 hours, so the receiver can switch over.`, 'Rotate secret')) return;
    const r = await api('POST', `/api/v1/webhooks/${e.id}/rotate`);
    await ctx.reload(secretNotice(`The new signing secret of ${r.url}:`, r.secret));
  });
  const remove = (e) => ctx.act(async () => {
    if (!await confirmDialog(`Delete the endpoint ${e.url}? No more events are sent to it, and its delivery log goes with it.`, 'Delete')) return;
    await api('DELETE', `/api/v1/webhooks/${e.id}`);
    openLogs.delete(e.id);
    await ctx.reload(`${e.url} was deleted.`);
  });

  const card = (e) => {
    const log = el('div', { id: `webhook-log-${e.id}`, class: 'delivery-log', hidden: true });
    const toggle = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': log.id, 'aria-label': `Delivery log of ${e.url}` }, 'Delivery log');
    const show = (open) => {
      toggle.setAttribute('aria-expanded', String(open));
      log.hidden = !open;
      if (open) {
        openLogs.add(e.id);
        deliveryLog(e, log);
      } else {
        openLogs.delete(e.id);
        log.replaceChildren();
      }
    };
    toggle.addEventListener('click', () => show(log.hidden));
    const secretUntil = e.previous_secret_expires_at && new Date(e.previous_secret_expires_at) > new Date() ? e.previous_secret_expires_at : null;
    const node = el('section', { class: `webhook${e.enabled ? '' : ' disabled'}`, 'aria-label': `Endpoint ${e.url}` },
      el('h4', {}, e.url),
      e.description ? el('p', {}, e.description) : null,
      el('p', { class: 'webhook-state' },
        el('span', { class: `st ${e.enabled ? 'st-published' : 'st-failed'}` }, e.enabled ? 'Enabled' : 'Disabled'),
        e.disabled_reason ? ` — ${e.disabled_reason}.` : '',
        e.failing_since ? el('span', { class: 'failing' }, ` Failing since ${when(e.failing_since)}.`) : ''),
      el('p', {}, el('span', { class: 'muted' }, 'Events: '), e.events.join(', ')),
      secretUntil ? el('p', { class: 'muted' }, `Secret rotated: the previous secret also signs deliveries until ${when(secretUntil)}.`) : null,
      el('div', { class: 'actions' },
        el('button', { type: 'button', onclick: () => edit(e), 'aria-label': `Edit ${e.url}` }, 'Edit'),
        el('button', { type: 'button', onclick: () => sendTest(e), disabled: !e.enabled, 'aria-label': `Send test event to ${e.url}` }, 'Send test event'),
        el('button', { type: 'button', onclick: () => rotate(e), 'aria-label': `Rotate secret of ${e.url}` }, 'Rotate secret'),
        el('button', { type: 'button', onclick: () => setEnabled(e, !e.enabled), 'aria-label': `${e.enabled ? 'Disable' : 'Enable'} ${e.url}` }, e.enabled ? 'Disable' : 'Enable'),
        toggle,
        el('button', { type: 'button', class: 'danger', onclick: () => remove(e), 'aria-label': `Delete ${e.url}` }, 'Delete')),
      log);
    if (openLogs.has(e.id)) show(true);
    return node;
  };

  const about = el('p', { class: 'muted about' },
    'Switchboard POSTs each event as JSON, signed as the Standard Webhooks specification says (headers webhook-id, webhook-timestamp and webhook-signature). ',
    'A failed delivery is tried again for up to 3 days; an endpoint whose deliveries all fail for 5 days is disabled.');
  return [about, create, el('h3', {}, 'Endpoints'),
    endpoints.length ? el('div', { class: 'webhooks' }, endpoints.map(card)) : el('p', { class: 'empty' }, 'No endpoints yet.')];
}

// One endpoint's deliveries, newest first: a status filter, "Load more", the
// payload of a delivery, Replay, and "Replay failed since…". While a delivery is
// pending the log looks again when it is due.
function deliveryLog(e, box) {
  const base = `/api/v1/webhooks/${e.id}`;
  const state = { status: '', items: [], cursor: null, timer: null };
  const alert = el('p', { class: 'error', role: 'alert' });
  const note = el('p', { class: 'flash', role: 'status' });
  const run = async (fn) => {
    alert.textContent = '';
    try {
      await fn();
    } catch (err) {
      alert.textContent = err.message;
    }
  };
  const filterId = `${box.id}-status`;
  const filter = select(deliveryStatuses, '', { id: filterId, onchange: () => { state.status = filter.value; run(() => load()); } });
  const listing = el('div', { class: 'deliveries' });
  const more = el('button', { type: 'button', class: 'link more', hidden: true, onclick: () => run(() => load(true)) }, 'Load more');
  const since = form({
    submit: 'Replay failed',
    className: 'compact inline replay-since',
    fields: [{ name: 'since', label: 'Replay every failed delivery since', type: 'datetime-local', required: true, value: localInput(new Date(Date.now() - 24 * 3600e3)) }],
    onSubmit: async (v) => {
      const at = new Date(v.since);
      if (Number.isNaN(at.getTime())) throw new Error('Give a date and time.');
      const r = await api('POST', `${base}/replay`, { since: at.toISOString().replace(/\.\d{3}Z$/, 'Z') });
      await load();
      return r.replayed === 1 ? '1 failed delivery is sent again.' : `${r.replayed} failed deliveries are sent again.`;
    },
  });

  async function load(next = false) {
    clearTimeout(state.timer);
    // A refresh keeps as many rows as are shown (up to 100).
    const q = new URLSearchParams({ limit: String(next ? 20 : Math.min(100, Math.max(20, state.items.length))) });
    if (state.status) q.set('status', state.status);
    if (next && state.cursor) q.set('cursor', state.cursor);
    const page = await api('GET', `${base}/deliveries?${q}`);
    if (!box.isConnected || box.hidden) return;
    state.items = next ? [...state.items, ...page.items] : page.items;
    state.cursor = page.next_cursor;
    render();
    // Pending deliveries: look again when the next one is due (every second while one is
    // being sent, at most a minute apart), as long as the log is on screen.
    const due = state.items.filter((d) => d.status === 'pending').map((d) => (d.next_attempt_at ? Date.parse(d.next_attempt_at) : 0));
    if (due.length) {
      const wait = Math.min(60000, Math.max(1000, Math.min(...due) - Date.now() + 500));
      state.timer = setTimeout(() => { if (box.isConnected && !box.closest('[hidden]')) run(() => load()); }, wait);
    }
  }

  const replay = (d) => run(async () => {
    await api('POST', `${base}/deliveries/${d.id}/replay`);
    note.textContent = `The ${d.event_type} delivery of ${when(d.created_at)} is sent again.`;
    await load();
  });

  function render() {
    // A refresh must not take the keyboard focus away from a row's button.
    const focused = listing.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const rows = state.items;
    const t = table({
      caption: `Deliveries to ${e.url}`,
      rows,
      empty: state.status ? `No ${state.status} deliveries.` : 'No deliveries yet: events appear here as they are sent.',
      columns: [
        { label: 'Time', cell: (d) => el('time', { datetime: d.created_at }, when(d.created_at)) },
        { label: 'Event', cell: (d) => el('button', { type: 'button', class: 'link', 'data-key': `payload-${d.id}`, 'aria-label': `${d.event_type} of ${when(d.created_at)}: show payload`, onclick: () => run(() => showPayload(base, d)) }, d.event_type) },
        { label: 'Status', cell: (d) => [el('span', { class: `st ${statusClass[d.status] || ''}` }, d.status),
          d.status === 'pending' && d.next_attempt_at && d.attempts > 0 ? el('small', { class: 'muted' }, ` next try ${when(d.next_attempt_at)}`) : null] },
        { label: 'Attempts', cell: (d) => String(d.attempts) },
        { label: 'HTTP status', cell: (d) => (d.response_status === null ? '—' : String(d.response_status)) },
        { label: 'Latency', cell: (d) => (d.latency_ms === null ? '—' : `${d.latency_ms} ms`) },
        { label: 'Error or response', cell: (d) => {
          const text = d.error || d.response_excerpt || '';
          return text ? el('span', { class: `clip${d.error ? ' failing' : ''}`, title: text }, text) : '—';
        } },
        { label: 'Actions', cell: (d) => (d.status === 'pending' ? '—'
          : el('button', { type: 'button', 'data-key': `replay-${d.id}`, onclick: () => replay(d), 'aria-label': `Replay ${d.event_type} of ${when(d.created_at)}` }, 'Replay')) },
      ],
    });
    // A click anywhere on a row (not on its buttons) opens its payload too.
    const tbody = t.querySelector('tbody');
    if (tbody) {
      t.querySelector('table').classList.add('clickable');
      tbody.addEventListener('click', (ev) => {
        if (ev.target.closest('button, a, input, select')) return;
        const tr = ev.target.closest('tr');
        const d = tr && rows[[...tbody.children].indexOf(tr)];
        if (d) run(() => showPayload(base, d));
      });
    }
    listing.replaceChildren(t);
    more.hidden = !state.cursor;
    if (focused) listing.querySelector(`[data-key="${focused}"]`)?.focus();
  }

  box.replaceChildren(
    el('h5', {}, 'Deliveries'),
    el('div', { class: 'toolbar' },
      el('div', { class: 'field' }, el('label', { for: filterId }, 'Show'), filter),
      el('button', { type: 'button', onclick: () => run(() => load()), 'aria-label': `Refresh deliveries to ${e.url}` }, 'Refresh'),
      since),
    alert, note, listing, more);
  run(() => load());
}

// A delivery's payload (the JSON body sent) in a modal dialog.
async function showPayload(base, d) {
  const full = await api('GET', `${base}/deliveries/${d.id}`);
  const dialog = el('dialog', { class: 'confirm payload', 'aria-label': `Payload of ${d.event_type}` },
    el('form', { method: 'dialog' },
      el('p', {}, el('strong', {}, d.event_type), ` · ${full.status} · ${full.attempts === 1 ? '1 attempt' : `${full.attempts} attempts`}`),
      el('p', { class: 'muted' }, `webhook-id ${full.message_id}, created ${when(full.created_at)}`),
      el('pre', { tabindex: '0', 'aria-label': 'Payload' }, JSON.stringify(full.payload, null, 2)),
      full.response_excerpt ? el('p', {}, el('span', { class: 'muted' }, 'Response: '), full.response_excerpt) : null,
      el('div', { class: 'form-actions' }, el('button', { value: 'close', class: 'primary' }, 'Close'))));
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
}
