// CSAT surveys in headless Chromium (issue 21): resolving a visitor's chat puts an
// inline 1–5 rating in the widget; the visitor picks 4 stars, adds a comment and
// sends it, and sees the thanks; the agent sees the rating on the conversation in
// the inbox and on the contact. The link survey's page works with JavaScript off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, launchBrowser, login, signIn, startDaemon, shopPage } from './support.mjs';

let daemon;
let admin;
let browser;
let shop;

before(async () => {
  daemon = await startDaemon();
  admin = await login(daemon.url, daemon.email, daemon.password);
  shop = await shopPage(daemon.url, admin.user.workspace_id);
  await admin.call('PATCH', '/api/v1/widget/settings', { allowed_origins: [shop.url] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  shop?.server.close();
  await daemon?.stop();
});

test('a visitor rates the resolved chat in the widget, and the agent sees it in the inbox', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${shop.url}/`);
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  const message = page.getByLabel('Message', { exact: true });
  await message.fill('Can I change my delivery address?');
  await message.press('Enter');

  let conv;
  await eventually(async () => {
    conv = (await admin.call('GET', '/api/v1/conversations')).items.find((c) => c.channel === 'chat');
    return !!conv;
  }, { what: 'the chat in the inbox' });
  await admin.call('PATCH', `/api/v1/conversations/${conv.id}`, { assignee_id: admin.user.id });
  await admin.call('PATCH', `/api/v1/conversations/${conv.id}`, { status: 'resolved' });

  // The rating appears in the widget.
  const group = page.getByRole('group', { name: 'Rate this conversation from 1 to 5' });
  await group.waitFor();
  for (const name of ['1 star', '2 stars', '3 stars', '4 stars', '5 stars']) await group.getByRole('button', { name }).waitFor();
  await group.getByRole('button', { name: '4 stars' }).click();
  assert.equal(await group.getByRole('button', { name: '4 stars' }).getAttribute('aria-pressed'), 'true');
  await page.getByLabel('Comment (optional)').fill('Sorted in minutes');
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await page.getByText('Thanks for your feedback').waitFor();

  const shown = await admin.call('GET', `/api/v1/conversations/${conv.id}`);
  assert.equal(shown.csat.rating, 4);
  assert.equal(shown.csat.comment, 'Sorted in minutes');
  assert.equal(shown.csat.teammate_id, admin.user.id);

  // The agent: on the conversation and the contact.
  const { page: app, errors: appErrors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await app.evaluate((id) => { location.hash = `#/conversations/${id}`; }, conv.id);
  await eventually(async () => (await app.locator('#contact-sub').textContent()).includes('Rated 4 of 5'),
    { what: 'the rating on the conversation' });
  const satisfaction = app.getByRole('region', { name: 'Satisfaction' });
  await satisfaction.getByText('Average 4.0 of 5 over 1 rating').waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(appErrors, []);
  await context.close();
  await app.close();
});

test('the survey page of a link survey works without JavaScript', async () => {
  const contact = await admin.call('POST', '/api/v1/contacts', { name: 'Erin' });
  const conv = await admin.call('POST', '/api/v1/conversations', { contact_id: contact.id, channel: 'email' });
  await admin.call('PATCH', `/api/v1/conversations/${conv.id}`, { status: 'resolved' });
  const { csat } = await admin.call('GET', `/api/v1/conversations/${conv.id}`);
  assert.equal(csat.channel, 'link');
  const path = new URL(csat.link).pathname;

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${daemon.url}${path}`);
  await page.getByRole('heading', { name: 'How did we do?' }).waitFor();
  await page.getByRole('radio', { name: '5 stars' }).check();
  await page.getByLabel('Anything to add? (optional)').fill('Very helpful');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('heading', { name: 'Thanks for your feedback' }).waitFor();
  const after = await admin.call('GET', `/api/v1/conversations/${conv.id}`);
  assert.equal(after.csat.rating, 5);
  assert.equal(after.csat.comment, 'Very helpful');
  await context.close();
});
