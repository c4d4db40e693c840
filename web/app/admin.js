// Settings pages (#/settings/<page>): teammates, numbers, teams, business
// hours and greetings, canned responses, labels, the website widget, the help
// center (helpcenter.js), the answer bot. Each page is shown only with its permission; the
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

const days = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];

// [["09:00","12:00"],["13:00","17:30"]] <-> "09:00-12:00, 13:00-17:30"
const spansText = (spans = []) => spans.map(([a, b]) => `${a}-${b}`).join(', ');
function parseSpans(text, day) {
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

function timezoneList() {
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
