// The Reports page in headless Chromium (issue 21): an empty workspace shows
// zeros and says there is nothing to chart, and a failed request says so with
// "Try again"; then, after three customers text a line and the owner answers two
// and resolves one, the summary cards show those counts, the charts have a bar a
// day, a bar (clicked, or by the keyboard) lists its conversations and a row opens
// the conversation; the filters narrow the figures and the CSV link; "Load more"
// pages the drill-down; the page passes the accessibility checker and fits 390px;
// an owner sets the reports' business hours and turns "Business hours only" on;
// an agent has no Reports entry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { assertAccessible } from './a11y.mjs';
import { customerTexts, eventually, launchBrowser, login, shown, signIn, startDaemon } from './support.mjs';

let daemon;
let admin;
let browser;
let line;
const conv = {}; // name -> conversation
const customers = [['Ann Lee', '+14155550141'], ['Bo Chen', '+14155550142'], ['Cy Diaz', '+14155550143']];

before(async () => {
  daemon = await startDaemon();
  admin = await login(daemon.url, daemon.email, daemon.password);
  line = (await admin.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_teammate_id: admin.user.id })).number;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

// The agent app has no h1 once signed in: the page starts at its h2.
const assertPageAccessible = (page, where) => assertAccessible(page, where, { skip: ['one-h1', 'heading-order'] });

// The server's own figures for the range the page shows: what the cards must say.
async function serverSummary(page, extra = '') {
  const from = await page.locator('#report-from').inputValue();
  const to = await page.locator('#report-to').inputValue();
  return admin.call('GET', `/api/v1/reports/summary?from=${from}&to=${to}${extra}`);
}

const card = (page, key) => page.locator(`[data-stat="${key}"] .value`);
// The report's own controls (the inbox's hidden filters have the same labels).
const control = (page, label) => page.getByRole('form', { name: 'Report filters' }).getByLabel(label, { exact: true });

async function openReports(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports', exact: true }).click();
  await page.getByRole('heading', { name: 'Reports', level: 2 }).waitFor();
  await card(page, 'new').waitFor();
}

test('an empty workspace: zeros, nothing to chart, and a failed request says so', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await openReports(page);
  assert.equal(await page.getByRole('link', { name: 'Reports', exact: true }).getAttribute('aria-current'), 'page');
  assert.equal(await control(page, 'Date range').inputValue(), '7');
  const from = await page.locator('#report-from').inputValue();
  const to = await page.locator('#report-to').inputValue();
  assert.equal((Date.parse(to) - Date.parse(from)) / 86400e3, 6, 'Last 7 days ends today and includes it');
  assert.equal(await card(page, 'new').textContent(), '0');
  assert.equal(await card(page, 'frt').textContent(), '—', 'no first response: no time');
  await page.getByText('No conversations were started or resolved in this range.').waitFor();
  await page.getByText('No first responses in this range.').waitFor();
  await assertPageAccessible(page, 'Reports, empty');

  // A failing server: the page says what went wrong and offers to try again.
  const summaryUrl = (url) => url.pathname === '/api/v1/reports/summary';
  await page.route(summaryUrl, (route) => route.fulfill({
    status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'INTERNAL', message: 'the database is busy' } }),
  }));
  await control(page, 'Date range').selectOption('30');
  await page.getByRole('alert').getByText('The report could not be loaded: the database is busy').waitFor();
  await page.getByText('No figures to show.').waitFor();
  await page.unroute(summaryUrl);
  await page.getByRole('button', { name: 'Try again' }).click();
  await card(page, 'new').waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).count(), 0);
  assert.deepEqual(errors.filter((e) => !/status of 500/.test(e)), []);
  await page.close();
});

test('the owner reads the figures, drills into a bar and opens the conversation', async () => {
  // Activity: three customers text in; the owner answers Ann and Bo, labels Ann vip and resolves her.
  await admin.call('POST', '/api/v1/labels', { name: 'vip' });
  for (const [name, phone] of customers) {
    await admin.call('POST', '/api/v1/contacts', { name, phone });
    await customerTexts(daemon.url, phone, line, `Hello, this is ${name}`);
  }
  await eventually(async () => {
    const { items } = await admin.call('GET', '/api/v1/conversations?status=all');
    for (const c of items) conv[c.contact?.name] = c;
    return customers.every(([name]) => conv[name]);
  }, { what: 'the three conversations' });
  for (const name of ['Ann Lee', 'Bo Chen']) {
    await admin.call('POST', `/api/v1/conversations/${conv[name].id}/messages`, { body: `Hi ${name}, how can we help?` });
  }
  await admin.call('PATCH', `/api/v1/conversations/${conv['Ann Lee'].id}`, { labels: ['vip'] });
  await admin.call('PATCH', `/api/v1/conversations/${conv['Ann Lee'].id}`, { status: 'resolved' });

  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await openReports(page);
  const day = await page.locator('#report-to').inputValue(); // today, in the workspace's time zone
  // The server has counted it all (its figures are the reference for the cards).
  const server = await eventually(async () => {
    const s = await serverSummary(page);
    return s.conversations.new === 3 && s.conversations.resolved === 1 && s.first_response_time.count === 2 ? s : null;
  }, { what: 'the report to count the activity' });
  await control(page, 'Date range').selectOption('30');
  await control(page, 'Date range').selectOption('7'); // reloads the figures the server has now

  // The cards.
  await eventually(async () => (await card(page, 'new').textContent()) === '3', { what: 'the new-conversations card' });
  assert.equal(await card(page, 'resolved').textContent(), '1');
  assert.equal(await card(page, 'open').textContent(), '2');
  assert.equal(await card(page, 'inbound').textContent(), String(server.messages.inbound));
  assert.ok(server.messages.inbound >= 3);
  assert.equal(await card(page, 'outbound').textContent(), String(server.messages.outbound));
  assert.ok(server.messages.outbound >= 2);
  assert.notEqual(await card(page, 'frt').textContent(), '—');
  await page.locator('[data-stat="frt"] .sub', { hasText: '2 first responses' }).waitFor();
  await page.getByText(`days in ${server.timezone}`).waitFor();

  // The volume chart: a new and a resolved bar for each of the 7 days.
  const volume = page.getByRole('group', { name: 'New and resolved conversations per day' });
  assert.equal(await volume.getByRole('button').count(), 14);
  const newBar = volume.getByRole('button', { name: `${day}: 3 new conversations` });
  const resolvedBar = volume.getByRole('button', { name: `${day}: 1 resolved conversation` });
  await newBar.waitFor();
  assert.ok((await newBar.locator('.fill').getAttribute('height')) > 0, 'the bar has a height');
  await assertPageAccessible(page, 'Reports with figures');

  // A click on a bar lists its conversations.
  await newBar.click();
  const drill = page.getByRole('region', { name: `New conversations on ${day}` });
  await drill.getByRole('heading', { name: `New conversations on ${day}` }).waitFor();
  const rows = drill.locator('tbody tr');
  await eventually(async () => (await rows.count()) === 3, { what: 'three drill-down rows' });
  for (const [name] of customers) await drill.getByRole('link', { name }).waitFor();
  assert.equal(await drill.getByRole('button', { name: 'Load more' }).isHidden(), true);
  await assertPageAccessible(page, 'Reports with a drill-down');

  // By the keyboard: one tab stop per chart, arrows between bars, Enter opens.
  await resolvedBar.focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `${day}: 3 new conversations`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  const resolved = page.getByRole('region', { name: `Conversations resolved on ${day}` });
  await resolved.getByRole('link', { name: 'Ann Lee' }).waitFor();
  assert.equal(await resolved.locator('tbody tr').count(), 1);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'report-drill-title', 'the keyboard lands on the list');

  // The first-response chart's bar lists the two answered conversations.
  const frt = page.getByRole('group', { name: 'Median first response time per day' });
  await frt.getByRole('button', { name: new RegExp(`^${day}: median first response `) }).click();
  const answered = page.getByRole('region', { name: `First responses on ${day}` });
  await answered.getByRole('link', { name: 'Ann Lee' }).waitFor();
  await answered.getByRole('link', { name: 'Bo Chen' }).waitFor();
  assert.equal(await answered.locator('tbody tr').count(), 2);
  // Close gives the keyboard back to the bar.
  await answered.getByRole('button', { name: `Close First responses on ${day}` }).click();
  await answered.waitFor({ state: 'hidden' });
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), /median first response/);

  // A filter narrows the figures, the charts and the CSV link.
  await control(page, 'Label').selectOption('vip');
  await eventually(async () => (await card(page, 'new').textContent()) === '1', { what: 'the vip figures' });
  assert.equal(await card(page, 'resolved').textContent(), '1');
  await volume.getByRole('button', { name: `${day}: 1 new conversation` }).waitFor();
  const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  const csvUrl = new URL(href, daemon.url);
  assert.equal(csvUrl.pathname, '/api/v1/reports/conversations.csv');
  assert.equal(csvUrl.searchParams.get('label'), 'vip');
  assert.equal(csvUrl.searchParams.get('from'), await page.locator('#report-from').inputValue());
  assert.equal(csvUrl.searchParams.get('to'), day);
  // The download carries the token (a plain link could not): the file is the vip conversation.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /Ann Lee/);
  assert.doesNotMatch(csv, /Bo Chen/);
  await control(page, 'Channel').selectOption('chat');
  await eventually(async () => (await card(page, 'new').textContent()) === '0', { what: 'no vip chats' });
  await control(page, 'Channel').selectOption('sms');
  await eventually(async () => (await card(page, 'new').textContent()) === '1', { what: 'the vip texts' });
  await control(page, 'Line').selectOption({ label: shown(line) });
  const lineId = (await admin.call('GET', '/api/v1/numbers')).items.find((n) => n.number === line).id;
  const query = new URL(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'), daemon.url).searchParams;
  assert.deepEqual([query.get('label'), query.get('channel'), query.get('number_id')], ['vip', 'sms', lineId]);
  await eventually(async () => (await card(page, 'new').textContent()) === '1', { what: 'the vip texts on the line' });

  // A custom range of one day: one group of bars.
  await page.locator('#report-from').fill(day);
  assert.equal(await control(page, 'Date range').inputValue(), 'custom');
  await eventually(async () => (await volume.getByRole('button').count()) === 2, { what: 'one day of bars' });
  // Grouped by hour: the day's 24 hours.
  await control(page, 'Group by').selectOption('hour');
  const hourly = page.getByRole('group', { name: 'New and resolved conversations per hour' });
  await eventually(async () => (await hourly.getByRole('button').count()) === 48, { what: '24 hours of bars' });
  await control(page, 'Group by').selectOption('day');
  await volume.waitFor();

  // It fits a phone: nothing wider than the screen (tables scroll in their box).
  await volume.getByRole('button', { name: `${day}: 1 new conversation` }).click();
  await page.getByRole('region', { name: `New conversations on ${day}` }).getByRole('link', { name: 'Ann Lee' }).waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = await eventually(async () => {
    const w = await page.evaluate(() => {
      const r = document.getElementById('reports');
      const svg = r.querySelector('svg.bars');
      return { page: document.documentElement.scrollWidth, reports: r.scrollWidth, room: r.clientWidth, chart: svg?.getBoundingClientRect().right };
    });
    return w.page <= 390 && w.reports <= w.room && w.chart <= 390 ? w : null; // the charts redraw to the new width
  }, { what: 'the page to fit 390px' });
  assert.ok(widths.page <= 390);
  await assertPageAccessible(page, 'Reports at 390px');
  await page.setViewportSize({ width: 1280, height: 720 });

  // A row opens the conversation in the inbox; Back returns to the same report.
  await page.getByRole('region', { name: `New conversations on ${day}` }).getByRole('link', { name: 'Ann Lee' }).click();
  await eventually(() => page.evaluate(() => location.hash).then((h) => h === `#/conversations/${conv['Ann Lee'].id}`), { what: 'the hash' });
  await page.locator('#contact-name', { hasText: 'Ann Lee' }).waitFor();
  await page.locator('.msg.inbound', { hasText: 'Hello, this is Ann Lee' }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { name: 'Reports', level: 2 }).waitFor();
  assert.equal(await control(page, 'Label').inputValue(), 'vip', 'the filters stay');
  assert.equal(await control(page, 'Date range').inputValue(), 'custom');
  await page.getByRole('region', { name: `New conversations on ${day}` }).getByRole('link', { name: 'Ann Lee' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the drill-down pages with "Load more"', async () => {
  const contacts = await Promise.all(Array.from({ length: 20 }, (_, i) => admin.call('POST', '/api/v1/contacts', { name: `Pager ${String(i + 1).padStart(2, '0')}` })));
  for (const c of contacts) await admin.call('POST', '/api/v1/conversations', { contact_id: c.id, channel: 'email' });
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await openReports(page);
  const day = await page.locator('#report-to').inputValue();
  await eventually(async () => (await serverSummary(page)).conversations.new === 23, { what: 'the report to count 23 conversations' });
  await control(page, 'Date range').selectOption('30');
  const volume = page.getByRole('group', { name: 'New and resolved conversations per day' });
  await volume.getByRole('button', { name: `${day}: 23 new conversations` }).click();
  const drill = page.getByRole('region', { name: `New conversations on ${day}` });
  const rows = drill.locator('tbody tr');
  await eventually(async () => (await rows.count()) === 20, { what: 'a first page of 20' });
  await drill.getByRole('button', { name: 'Load more' }).click();
  await eventually(async () => (await rows.count()) === 23, { what: 'all 23' });
  assert.equal(await drill.getByRole('button', { name: 'Load more' }).isHidden(), true);
  const ids = await rows.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.equal(new Set(ids).size, 23, 'no row twice');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), ids[20], 'the keyboard goes on from the first new row');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an owner sets the reports\' business hours and reads the business-hours figures', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await openReports(page);
  const hours = control(page, 'Business hours only');
  assert.equal(await hours.isDisabled(), true, 'no schedule yet: nothing to count');
  await page.getByText('No business hours are set for reports.').waitFor();

  await page.locator('summary', { hasText: 'Report settings' }).click();
  const editor = page.getByRole('form', { name: 'Save report settings' });
  await editor.getByLabel('Time zone of the report days').fill('UTC');
  await editor.getByLabel('Business hours (for "Business hours only")').check();
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await editor.getByLabel(day, { exact: true }).fill('09:00-17:30');
  await editor.getByLabel('Holidays').fill('2026-12-25');
  await assertPageAccessible(page, 'Reports with its settings open');
  await editor.getByRole('button', { name: 'Save report settings' }).click();
  await page.getByText('Saved.').waitFor();
  const saved = await admin.call('GET', '/api/v1/reports/settings');
  assert.equal(saved.timezone, 'UTC');
  assert.deepEqual(saved.business_hours.weekly.mon, [['09:00', '17:30']]);
  assert.equal(saved.business_hours.weekly.sat, undefined);
  assert.deepEqual(saved.business_hours.holidays, ['2026-12-25']);

  // The toggle counts in business hours only: the query, the CSV link and the scope line say so.
  assert.equal(await hours.isDisabled(), false);
  await hours.check();
  await page.locator('#report-scope', { hasText: 'business hours only' }).waitFor();
  const query = new URL(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'), daemon.url).searchParams;
  assert.equal(query.get('business_hours'), 'true');
  const server = await serverSummary(page, '&business_hours=true');
  assert.equal(server.business_hours, true);
  assert.equal(await card(page, 'new').textContent(), String(server.conversations.new));
  assert.deepEqual(errors, []);
  await page.close();
});

test('an agent has no Reports entry and cannot open the page', async () => {
  await admin.call('POST', '/api/v1/teammates', { email: 'ria@example.com', name: 'Ria Agent', role: 'agent', password: 'agent-password-1' });
  const { page, errors } = await signIn(browser, daemon.url, 'ria@example.com', 'agent-password-1');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox', exact: true }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Reports', exact: true }).count(), 0, 'no Reports link');
  assert.equal(await page.locator('#nav-reports').isHidden(), true);
  await page.goto(`${daemon.url}/app/#/reports`);
  await page.getByText('Your role cannot see reports.').waitFor();
  assert.equal(await page.locator('#report-from').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
