// The Reports page (#/reports): volume, response and resolution times, CSAT and
// the answer bot over a range of days in the workspace's time zone, with filters
// (team, teammate, label, channel, line, business hours), two hand-drawn SVG charts
// whose bars open the conversations behind them, and a CSV download of the same
// query. Shown with the permission reports.read; with reports.manage, the
// reports' time zone and business hours too. The server checks again.
import { days, parseSpans, spansText, timezoneList } from './admin.js';
import { api, can, download } from './api.js';
import { inbox } from './inbox.js';
import { el, form, formatPhone, select, table } from './ui.js';

const $ = (id) => document.getElementById(id);

const PAGE = 20; // drill-down rows a page
const MAX_HOURLY_DAYS = 7; // an hourly chart of more days has too many bars to read or reach

const presets = [['7', 'Last 7 days'], ['30', 'Last 30 days'], ['90', 'Last 90 days'], ['custom', 'Custom']];
const channels = [['', 'Any channel'], ['sms', 'SMS'], ['voice', 'Voice'], ['chat', 'Chat'], ['email', 'Email'], ['teams', 'Teams']];
const groupings = [['day', 'Day'], ['hour', 'Hour']];

// What the reader chose; it stays while they visit a conversation and come back.
const state = {
  preset: '7',
  from: '', // YYYY-MM-DD, local days in the workspace's time zone; `to` inclusive
  to: '',
  businessHours: false,
  team: '',
  teammate: '',
  label: '',
  channel: '',
  number: '', // a business line's id
  groupBy: 'day',
  settings: null, // GET /reports/settings: {timezone, business_hours}
  series: null, // the last timeseries shown, redrawn when the page changes width
  seq: 0, // the newest report request; older answers are dropped
  drill: null, // the open drill-down: {day, event, title, items, cursor, seq, opener}
};

export const reportsAllowed = () => can('reports.read');

// ---------- formatting ----------

// Seconds as a person says them: 45s, 4m 30s, 2h 5m, 1d 3h; "—" when there is no figure.
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d) return h ? `${d}d ${h}h` : `${d}d`;
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  return sec ? `${m}m ${sec}s` : `${m}m`;
}

const percent = (r) => (r === null || r === undefined ? '—' : `${Math.round(r * 100)}%`);
const count = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString());
const plural = (n, one, many) => `${count(n)} ${n === 1 ? one : many}`;
const rating = (avg) => (avg === null || avg === undefined ? '—' : `${avg.toFixed(1)} / 5`);

// A timestamp in the report's time zone (the browser's when that zone is unknown to it).
function when(iso, timeZone) {
  if (!iso) return '—';
  const opts = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Date(iso).toLocaleString([], { ...opts, timeZone });
  } catch {
    return new Date(iso).toLocaleString([], opts);
  }
}

// ---------- days ----------

// Today as YYYY-MM-DD in `timeZone`: the report's days are the workspace's, not the browser's.
function today(timeZone) {
  const parts = (tz) => Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  let p;
  try {
    p = parts(timeZone || undefined);
  } catch {
    p = parts(undefined);
  }
  return `${p.year}-${p.month}-${p.day}`;
}

// Calendar arithmetic on YYYY-MM-DD, done in UTC so no daylight-saving day is 23 hours.
const dayValue = (day) => Date.parse(`${day}T00:00:00Z`);
const addDays = (day, n) => new Date(dayValue(day) + n * 86400e3).toISOString().slice(0, 10);
const daysBetween = (from, to) => Math.round((dayValue(to) - dayValue(from)) / 86400e3) + 1;
const validDay = (day) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(dayValue(day));

function applyPreset(preset) {
  state.preset = preset;
  if (preset === 'custom') return;
  state.to = today(state.settings?.timezone);
  state.from = addDays(state.to, 1 - Number(preset));
}

// ---------- the query ----------

function filters() {
  const q = new URLSearchParams({ from: state.from, to: state.to });
  if (state.businessHours) q.set('business_hours', 'true');
  for (const [key, value] of [['team_id', state.team], ['teammate_id', state.teammate], ['label', state.label], ['channel', state.channel],
    ['number_id', state.number]]) {
    if (value) q.set(key, value);
  }
  return q;
}

// A sentence for a range that cannot be asked for, or null.
function rangeProblem() {
  if (!validDay(state.from) || !validDay(state.to)) return 'Choose a start and an end date.';
  if (state.from > state.to) return 'The start date is after the end date.';
  if (state.groupBy === 'hour' && daysBetween(state.from, state.to) > MAX_HOURLY_DAYS) {
    return `Group by hour covers at most ${MAX_HOURLY_DAYS} days: choose a shorter range, or group by day.`;
  }
  return null;
}

// ---------- the page ----------

// The page's parts, rebuilt by each showReports().
let ui = null;

export async function showReports() {
  const root = $('reports');
  if (!reportsAllowed()) {
    ui = null;
    root.replaceChildren(el('h2', {}, 'Reports'), el('p', { class: 'empty' }, 'Your role cannot see reports.'));
    return;
  }
  ui = {
    alert: el('p', { class: 'error', role: 'alert' }),
    scope: el('p', { class: 'muted report-scope', id: 'report-scope', role: 'status' }),
    summary: el('div', { class: 'report-summary' }, el('p', { class: 'muted' }, 'Loading…')),
    charts: el('div', { class: 'report-charts' }),
    drill: el('section', { class: 'drill', id: 'report-drill', 'aria-labelledby': 'report-drill-title', hidden: true }),
  };
  const body = el('div', { class: 'report-body', 'aria-busy': 'true' },
    el('section', { 'aria-labelledby': 'report-summary-title' }, el('h3', { id: 'report-summary-title' }, 'Summary'), ui.summary),
    ui.charts);
  ui.body = body;
  root.replaceChildren(...[el('h2', {}, 'Reports'), await controls(), ui.scope, ui.alert, body, ui.drill,
    can('reports.manage') ? settingsEditor() : null].filter(Boolean));
  watchWidth();
  if (state.drill) renderDrill();
  await load();
}

// The time zone and business hours the reports use; read once a visit.
async function loadSettings() {
  try {
    state.settings = await api('GET', '/api/v1/reports/settings');
  } catch {
    state.settings = { timezone: null, business_hours: null }; // the summary names the zone too
  }
  if (!state.from) applyPreset(state.preset);
  else if (state.preset !== 'custom') applyPreset(state.preset); // "Last 7 days" moves with the calendar
}

// The controls: range, dates, business hours, filters, grouping, CSV.
async function controls() {
  const [, numbers] = await Promise.all([loadSettings(), api('GET', '/api/v1/numbers').then((r) => r.items, () => [])]);
  const hoursSet = Boolean(state.settings?.business_hours);
  if (!hoursSet) state.businessHours = false;
  const preset = select(presets, state.preset, { id: 'report-range' });
  const from = el('input', { id: 'report-from', type: 'date', value: state.from, max: state.to || null, required: true });
  const to = el('input', { id: 'report-to', type: 'date', value: state.to, min: state.from || null, required: true });
  const hours = el('input', { id: 'report-hours', type: 'checkbox', checked: state.businessHours, disabled: !hoursSet,
    'aria-describedby': hoursSet ? null : 'report-hours-hint' });
  const people = [...inbox.teammates.values()].filter((t) => t.role !== 'viewer').sort((a, b) => a.name.localeCompare(b.name));
  const labelNames = inbox.labels.map((l) => l.name).sort((a, b) => a.localeCompare(b));
  const team = select([['', 'All teams'], ...inbox.teams.map((t) => [t.id, t.name])], state.team, { id: 'report-team' });
  const teammate = select([['', 'All teammates'], ...people.map((t) => [t.id, t.name])], state.teammate, { id: 'report-teammate' });
  const label = select([['', 'Any label'], ...labelNames.map((l) => [l, l])], state.label, { id: 'report-label' });
  const channel = select(channels, state.channel, { id: 'report-channel' });
  const number = select([['', 'All lines'], ...numbers.map((n) => [n.id, formatPhone(n.number)])], state.number, { id: 'report-number' });
  const group = select(groupings, state.groupBy, { id: 'report-group' });
  const csv = el('a', { id: 'report-csv', class: 'button', href: '#', download: 'conversations.csv' }, 'Download CSV');
  ui.csv = csv;

  const syncDates = () => {
    from.value = state.from;
    to.value = state.to;
    from.max = state.to;
    to.min = state.from;
  };
  // A change of range or filter: the open drill-down belonged to a bar of the old figures.
  const change = (apply) => () => {
    apply();
    closeDrill({ focus: false });
    load();
  };
  preset.addEventListener('change', change(() => {
    applyPreset(preset.value);
    syncDates();
  }));
  // Typing a date makes the range a custom one.
  for (const input of [from, to]) {
    input.addEventListener('change', change(() => {
      state.preset = 'custom';
      preset.value = 'custom';
      state.from = from.value;
      state.to = to.value;
      from.max = state.to;
      to.min = state.from;
    }));
  }
  hours.addEventListener('change', change(() => { state.businessHours = hours.checked; }));
  team.addEventListener('change', change(() => { state.team = team.value; }));
  teammate.addEventListener('change', change(() => { state.teammate = teammate.value; }));
  label.addEventListener('change', change(() => { state.label = label.value; }));
  channel.addEventListener('change', change(() => { state.channel = channel.value; }));
  number.addEventListener('change', change(() => { state.number = number.value; }));
  group.addEventListener('change', change(() => { state.groupBy = group.value; }));
  // A plain link cannot carry the Bearer token: the click fetches the file; the
  // href shows (and copies as) the query it stands for.
  csv.addEventListener('click', async (e) => {
    e.preventDefault();
    ui.alert.textContent = '';
    try {
      await download(csv.getAttribute('href'), `conversations-${state.from}-to-${state.to}.csv`);
    } catch (err) {
      ui.alert.textContent = err.message;
    }
  });

  const field = (labelText, control, extra = null) => el('div', { class: 'field' }, el('label', { for: control.id }, labelText), control, extra);
  return el('form', { class: 'report-controls', 'aria-label': 'Report filters', onsubmit: (e) => e.preventDefault() },
    el('div', { class: 'control-row' },
      field('Date range', preset),
      field('From', from),
      field('To', to),
      field('Group by', group),
      el('div', { class: 'field check' }, hours, el('label', { for: hours.id }, 'Business hours only'),
        hoursSet ? null : el('small', { id: 'report-hours-hint', class: 'hint' }, 'No business hours are set for reports.'))),
    el('div', { class: 'control-row' },
      field('Team', team),
      field('Teammate', teammate),
      field('Label', label),
      field('Channel', channel),
      field('Line', number),
      el('div', { class: 'field csv' }, csv)));
}

// Fetches the summary and the series for the chosen range and draws them.
async function load() {
  if (!ui) return;
  const seq = ++state.seq;
  const q = filters();
  ui.csv.setAttribute('href', `/api/v1/reports/conversations.csv?${q}`);
  ui.alert.textContent = '';
  const problem = rangeProblem();
  if (problem) {
    ui.alert.textContent = problem;
    ui.body.setAttribute('aria-busy', 'false');
    return;
  }
  ui.body.setAttribute('aria-busy', 'true');
  ui.body.classList.add('loading');
  try {
    const [summary, series] = await Promise.all([
      api('GET', `/api/v1/reports/summary?${q}`),
      api('GET', `/api/v1/reports/timeseries?${q}&group_by=${state.groupBy}`),
    ]);
    if (seq !== state.seq || !ui) return;
    state.series = series;
    renderScope(summary);
    renderSummary(summary);
    renderCharts(series);
  } catch (e) {
    if (seq !== state.seq || !ui) return;
    state.series = null;
    ui.summary.replaceChildren(el('p', { class: 'empty' }, 'No figures to show.'));
    ui.charts.replaceChildren();
    ui.alert.replaceChildren(`The report could not be loaded: ${e.message} `,
      el('button', { type: 'button', class: 'link', onclick: () => load() }, 'Try again'));
  } finally {
    if (seq === state.seq && ui) {
      ui.body.setAttribute('aria-busy', 'false');
      ui.body.classList.remove('loading');
    }
  }
}

// "1 Dec 2026 – 7 Dec 2026 · times in Europe/Paris · business hours only"
function renderScope(summary) {
  const day = (d) => new Date(`${d}T12:00:00Z`).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  ui.scope.textContent = [
    summary.from === summary.to ? day(summary.from) : `${day(summary.from)} – ${day(summary.to)}`,
    `days in ${summary.timezone}`,
    summary.business_hours ? 'business hours only' : null,
  ].filter(Boolean).join(' · ');
}

// ---------- summary cards ----------

function stat(key, label, value, sub) {
  return el('div', { class: 'stat', 'data-stat': key },
    el('dt', {}, label), el('dd', { class: 'value' }, value), sub ? el('dd', { class: 'sub' }, sub) : null);
}

function renderSummary(s) {
  const { conversations: c, messages: m, first_response_time: frt, reply_time: reply, resolution_time: res, csat, bot } = s;
  const times = (t, one, many) => (t.count ? `average ${duration(t.average)} · 90% within ${duration(t.p90)} · ${plural(t.count, one, many)}` : `no ${many}`);
  ui.summary.replaceChildren(el('dl', { class: 'stats' },
    stat('new', 'New conversations', count(c.new)),
    stat('resolved', 'Resolved', count(c.resolved), c.reopened ? `${count(c.reopened)} reopened` : null),
    stat('open', 'Open at the end', count(c.open_at_end)),
    stat('inbound', 'Messages received', count(m.inbound)),
    stat('outbound', 'Messages sent', count(m.outbound)),
    stat('frt', 'First response time (median)', duration(frt.median), times(frt, 'first response', 'first responses')),
    stat('reply', 'Reply time (median)', duration(reply.median), times(reply, 'reply', 'replies')),
    stat('resolution', 'Resolution time (median)', duration(res.median), times(res, 'resolution', 'resolutions')),
    stat('csat', 'Customer satisfaction', rating(csat.average),
      csat.sent ? `${percent(csat.response_rate)} answered (${count(csat.responses)} of ${plural(csat.sent, 'survey', 'surveys')})`
        + (csat.responses ? ` · ${percent(csat.satisfied)} satisfied` : '') : 'no surveys sent'),
    stat('bot', 'Answer bot deflection', percent(bot.deflection_rate),
      bot.answers ? `${plural(bot.answers, 'answer', 'answers')} · ${count(bot.resolutions)} resolved · ${count(bot.handoffs)} handed over` : 'no bot answers')));
}

// ---------- charts ----------

// A point's name in the charts and the drill-down: its day, or its day and hour.
const pointName = (p) => (state.series?.group_by === 'hour' ? `${p.start.slice(0, 10)} ${p.start.slice(11, 16)}` : p.label);
// The point's local day: the start's own date, written in the workspace's offset.
const pointDay = (p) => p.start.slice(0, 10);
// An x-axis tick: 12-03 for a day; 14:00 for an hour, with the date at midnight.
function tick(p, hourly) {
  if (!hourly) return p.label.slice(5);
  const hour = p.start.slice(11, 16);
  return hour === '00:00' ? p.start.slice(5, 10) : hour;
}

const volume = [
  { key: 'conversations_new', className: 'bar-new', legend: 'New', event: 'created',
    name: (p, v) => `${pointName(p)}: ${plural(v, 'new conversation', 'new conversations')}` },
  { key: 'conversations_resolved', className: 'bar-resolved', legend: 'Resolved', event: 'resolved',
    name: (p, v) => `${pointName(p)}: ${plural(v, 'resolved conversation', 'resolved conversations')}` },
];
const firstResponse = [
  { key: 'first_response_time_median', className: 'bar-frt', legend: 'Median first response time', event: 'first_response',
    name: (p, v) => (v === null ? `${pointName(p)}: no first responses` : `${pointName(p)}: median first response ${duration(v)}`) },
];

function renderCharts(series) {
  const points = series.points || [];
  const hourly = series.group_by === 'hour';
  const per = hourly ? 'hour' : 'day';
  const anyVolume = points.some((p) => p.conversations_new || p.conversations_resolved);
  const anyFrt = points.some((p) => p.first_response_time_median !== null && p.first_response_time_median !== undefined);
  const numbersOpen = Boolean(ui.charts.querySelector('details.chart-numbers')?.open); // kept open when redrawn
  const volumeBox = el('div', { class: 'chart-box' });
  const frtBox = el('div', { class: 'chart-box' });
  ui.charts.replaceChildren(...[
    chartSection('report-volume', `New and resolved conversations per ${per}`,
      anyVolume ? volumeBox : el('p', { class: 'empty' }, 'No conversations were started or resolved in this range.')),
    chartSection('report-frt', `First response time per ${per} (median)`,
      anyFrt ? frtBox : el('p', { class: 'empty' }, 'No first responses in this range.')),
    numbers(points, numbersOpen)].filter(Boolean));
  // Drawn to the box's pixel width (once it is in the page), so text stays at its size.
  ui.charts.dataset.width = String(ui.charts.clientWidth);
  const width = Math.max(260, Math.round(volumeBox.clientWidth || frtBox.clientWidth || 720));
  if (anyVolume) volumeBox.append(...barChart({ points, series: volume, hourly, width, format: count, title: `New and resolved conversations per ${per}` }));
  if (anyFrt) frtBox.append(...barChart({ points, series: firstResponse, hourly, width, format: duration, title: `Median first response time per ${per}` }));
}

function chartSection(id, title, content) {
  return el('section', { class: 'chart', 'aria-labelledby': `${id}-title` }, el('h3', { id: `${id}-title` }, title), content);
}

// A round top for the y axis (1, 2 or 5 times a power of ten) and its ticks.
function scale(max, isDuration) {
  if (!(max > 0)) return { top: isDuration ? 60 : 4, ticks: isDuration ? [0, 30, 60] : [0, 1, 2, 3, 4] };
  const steps = isDuration
    ? [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 432000, 864000]
    : [1, 2, 5].flatMap((m) => [1, 10, 100, 1000, 10000, 100000].map((p) => m * p)).sort((a, b) => a - b);
  const step = steps.find((s) => max / s <= 4) || steps[steps.length - 1] * Math.ceil(max / (4 * steps[steps.length - 1]));
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(v);
  return { top, ticks };
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, String(v));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// Grouped bars, one group a point. Each bar is a button (Enter, Space or a click
// opens its conversations); the chart is one tab stop, the arrow keys move
// between bars (a roving tabindex), so 90 days are not 180 Tab presses.
function barChart({ points, series, hourly, width, format, title }) {
  const height = 220;
  const pad = { top: 12, right: 8, bottom: 26, left: 52 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const isDuration = format === duration;
  const values = points.flatMap((p) => series.map((s) => p[s.key] ?? 0));
  const { top, ticks } = scale(Math.max(0, ...values), isDuration);
  const y = (v) => pad.top + plotH - (v / top) * plotH;
  const slot = plotW / Math.max(1, points.length);
  const barW = Math.max(1, Math.min(28, (slot * 0.8) / series.length));
  const every = Math.max(1, Math.ceil(52 / slot)); // an x label every so many points, 52px apart at least

  const grid = ticks.map((v) => svg('g', { class: 'tick', 'aria-hidden': 'true' },
    svg('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }),
    svg('text', { x: pad.left - 6, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(v))));
  const labels = points.map((p, i) => (i % every ? null : svg('text', {
    class: 'x-label', 'aria-hidden': 'true', x: pad.left + slot * i + slot / 2, y: height - 8, 'text-anchor': 'middle',
  }, tick(p, hourly))));
  const bars = [];
  points.forEach((p, i) => {
    const groupLeft = pad.left + slot * i + (slot - barW * series.length) / 2;
    series.forEach((s, j) => {
      const v = p[s.key] ?? null;
      const x = groupLeft + barW * j;
      const h = v ? Math.max(1, (v / top) * plotH) : 0;
      const key = `${s.event}-${p.start}`;
      const bar = svg('g', {
        class: `bar ${s.className}`, role: 'button', tabindex: '-1', 'aria-label': s.name(p, v), 'data-key': key,
        onclick: () => openDrill(p, s, key),
      },
      // The whole column answers a click, so a short bar is not a tiny target.
      svg('rect', { class: 'hit', x, y: pad.top, width: barW, height: plotH }),
      svg('rect', { class: 'fill', x, y: pad.top + plotH - h, width: barW, height: h }));
      bars.push(bar);
    });
  });
  const chart = svg('svg', {
    class: 'bars', role: 'group', 'aria-label': title, width, height, viewBox: `0 0 ${width} ${height}`,
  }, grid, svg('line', { class: 'axis', 'aria-hidden': 'true', x1: pad.left, x2: width - pad.right, y1: y(0), y2: y(0) }), labels, bars);
  // The newest point is where the tab stop starts: most readers look at the latest day.
  if (bars.length) bars[bars.length - 1].setAttribute('tabindex', '0');
  chart.addEventListener('keydown', (e) => {
    const i = bars.indexOf(e.target.closest('.bar'));
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: bars.length - 1 }[e.key];
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.target.closest('.bar').dispatchEvent(new MouseEvent('click', { bubbles: true }));
    } else if (next !== undefined) {
      e.preventDefault();
      const to = bars[Math.max(0, Math.min(bars.length - 1, next))];
      for (const b of bars) b.setAttribute('tabindex', b === to ? '0' : '-1');
      to.focus();
    }
  });
  chart.addEventListener('focusin', (e) => {
    const bar = e.target.closest('.bar');
    if (bar) for (const b of bars) b.setAttribute('tabindex', b === bar ? '0' : '-1');
  });
  return [chart,
    el('ul', { class: 'legend', role: 'list' }, series.map((s) => el('li', {}, el('span', { class: `swatch ${s.className}`, 'aria-hidden': 'true' }), s.legend))),
    el('p', { class: 'muted hint' }, 'Choose a bar to list its conversations.')];
}

// The charts' figures as a table, for reading exact numbers (and for screen readers).
function numbers(points, open) {
  if (!points.length) return null;
  return el('details', { class: 'chart-numbers', open }, el('summary', {}, 'Show the numbers'), table({
    caption: 'The figures behind the charts',
    rows: points,
    columns: [
      { label: state.series?.group_by === 'hour' ? 'Hour' : 'Day', cell: (p) => pointName(p) },
      { label: 'New', cell: (p) => count(p.conversations_new) },
      { label: 'Resolved', cell: (p) => count(p.conversations_resolved) },
      { label: 'Received', cell: (p) => count(p.messages_inbound) },
      { label: 'Sent', cell: (p) => count(p.messages_outbound) },
      { label: 'First response (median)', cell: (p) => duration(p.first_response_time_median) },
      { label: 'Reply time (median)', cell: (p) => duration(p.reply_time_median) },
      { label: 'Resolution (median)', cell: (p) => duration(p.resolution_time_median) },
      { label: 'CSAT', cell: (p) => rating(p.csat_average) },
    ],
  }));
}

// The charts are drawn to the pixel width of the page: drawn again when it changes.
let resizeObserver = null;
function watchWidth() {
  resizeObserver?.disconnect();
  if (!('ResizeObserver' in window)) return;
  let timer = null;
  resizeObserver = new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!ui || !state.series || !ui.charts.isConnected || !ui.charts.clientWidth) return;
      if (Math.abs(ui.charts.clientWidth - Number(ui.charts.dataset.width || 0)) < 8) return;
      const focused = ui.charts.contains(document.activeElement) ? document.activeElement.dataset?.key : null;
      renderCharts(state.series);
      if (focused) ui.charts.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
    }, 150);
  });
  resizeObserver.observe(ui.charts);
}

// ---------- drill-down ----------

const drillTitles = {
  created: (d) => `New conversations on ${d}`,
  resolved: (d) => `Conversations resolved on ${d}`,
  first_response: (d) => `First responses on ${d}`,
};

// A bar's conversations: the day of its point (an hour's bar lists its whole
// day: the API asks by day), with the event the bar counts.
function openDrill(point, series, opener) {
  const day = pointDay(point);
  const whole = state.series?.group_by === 'hour' ? ' (the whole day)' : '';
  state.drill = { day, event: series.event, title: drillTitles[series.event](day) + whole, items: [], cursor: null, seq: 0, opener };
  renderDrill();
  ui.drill.querySelector('h3').focus();
  loadDrill();
}

// Back to the bar that opened it, for the keyboard.
function closeDrill({ focus = true } = {}) {
  const opener = state.drill?.opener;
  state.drill = null;
  ui.drill.hidden = true;
  ui.drill.replaceChildren();
  if (focus && opener) ui.charts.querySelector(`[data-key="${CSS.escape(opener)}"]`)?.focus();
}

async function loadDrill(more = false) {
  const d = state.drill;
  if (!d) return;
  const seq = ++d.seq;
  const q = filters();
  q.set('from', d.day);
  q.set('to', d.day);
  q.set('event', d.event);
  q.set('limit', String(PAGE));
  if (more && d.cursor) q.set('cursor', d.cursor);
  const shown = d.items.length;
  d.error = '';
  d.loading = true;
  if (more) ui.drill.querySelector('.more')?.setAttribute('disabled', '');
  else renderDrill();
  try {
    const page = await api('GET', `/api/v1/reports/conversations?${q}`);
    if (state.drill !== d || seq !== d.seq) return;
    d.items = more ? [...d.items, ...page.items] : page.items;
    d.cursor = page.next_cursor;
  } catch (e) {
    if (state.drill !== d || seq !== d.seq) return;
    d.error = e.message;
  }
  d.loading = false;
  renderDrill();
  // After "Load more" the keyboard goes on from the first new row.
  if (more) ui.drill.querySelectorAll('tbody tr')[shown]?.querySelector('a')?.focus();
}

function renderDrill() {
  const d = state.drill;
  if (!d || !ui) return;
  const tz = state.settings?.timezone || undefined;
  const rows = table({
    caption: d.title,
    rows: d.items,
    empty: d.loading ? 'Loading…' : 'No conversations.',
    columns: [
      { label: 'Conversation', cell: (c) => el('a', { href: `#/conversations/${c.id}` }, c.contact_name || `Conversation ${c.id}`) },
      { label: 'Status', cell: (c) => c.status },
      { label: 'Channel', cell: (c) => channels.find(([v]) => v === c.channel)?.[1] || c.channel || '—' },
      { label: 'Assignee', cell: (c) => c.assignee_name || '—' },
      { label: 'Team', cell: (c) => c.team_name || '—' },
      { label: 'Labels', cell: (c) => (c.labels?.length ? c.labels.join(', ') : '—') },
      { label: 'Created', cell: (c) => when(c.created_at, tz) },
      { label: 'First response', cell: (c) => duration(c.first_response_time) },
      { label: 'Resolved', cell: (c) => (c.resolved_at ? `${when(c.resolved_at, tz)} (${duration(c.resolution_time)})` : '—') },
      { label: 'CSAT', cell: (c) => (c.csat_rating ? `${c.csat_rating} / 5` : '—') },
    ],
  });
  const more = el('button', { type: 'button', class: 'link more', hidden: !d.cursor, disabled: d.loading, onclick: () => loadDrill(true) }, 'Load more');
  const headFocused = document.activeElement?.id === 'report-drill-title'; // the keyboard stays on the list's title
  ui.drill.hidden = false;
  ui.drill.replaceChildren(...[
    el('div', { class: 'drill-head' },
      el('h3', { id: 'report-drill-title', tabindex: '-1' }, d.title),
      el('button', { type: 'button', onclick: () => closeDrill(), 'aria-label': `Close ${d.title}` }, 'Close')),
    d.error ? el('p', { class: 'error', role: 'alert' }, `The conversations could not be loaded: ${d.error}`) : null,
    el('p', { class: 'muted', role: 'status' }, d.loading ? 'Loading…' : `${plural(d.items.length, 'conversation', 'conversations')}${d.cursor ? ' so far' : ''}.`),
    rows, more].filter(Boolean));
  if (headFocused) $('report-drill-title').focus();
}

// ---------- settings (reports.manage) ----------

// The days' time zone and the business hours that "Business hours only" counts,
// folded away under the report: set once, rarely changed.
function settingsEditor() {
  const current = state.settings || {};
  const h = current.business_hours;
  const zone = current.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const editor = form({
    submit: 'Save report settings',
    fields: [
      { name: 'timezone', label: 'Time zone of the report days', value: zone, list: 'timezones', required: true, hint: 'An IANA name, e.g. Europe/Paris.' },
      { name: 'enabled', label: 'Business hours (for "Business hours only")', type: 'checkbox', value: Boolean(h) },
      ...days.map(([key, day]) => ({ name: key, label: day, value: spansText(h?.weekly?.[key]), placeholder: 'Closed',
        hint: key === 'mon' ? 'Hours like 09:00-12:00, 13:00-17:30, in the time zone above; empty means closed.' : null })),
      { name: 'holidays', label: 'Holidays', value: (h?.holidays || []).join(', '), placeholder: '2026-12-25, 2027-01-01' },
    ],
    onSubmit: async (v) => {
      const weekly = {};
      for (const [key, day] of days) {
        const spans = parseSpans(v[key], day);
        if (spans.length) weekly[key] = spans;
      }
      const businessHours = v.enabled
        ? { timezone: v.timezone, weekly, holidays: v.holidays.split(/[\s,]+/).filter(Boolean) } : null;
      state.settings = await api('PATCH', '/api/v1/reports/settings', { timezone: v.timezone, business_hours: businessHours });
      // The days and the toggle follow the new settings: the page is drawn again, this part open.
      await showReports();
      const again = $('reports').querySelector('details.report-settings');
      if (again) {
        again.open = true;
        again.querySelector('.status').textContent = 'Saved.';
      }
    },
  });
  return el('details', { class: 'report-settings' }, el('summary', {}, 'Report settings'), editor, timezoneList());
}
