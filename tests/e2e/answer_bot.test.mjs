// The answer bot in headless Chromium (issue 20 acceptance): an admin turns it on
// in Settings → Answer bot; a visitor's question in the widget is answered from a
// published article (the passage, "Read …" opening the article in the Help tab,
// "Did that answer your question?" with quick replies); "Talk to a person" hands
// the conversation over, and the inbox shows the bot's exchange and the open
// conversation, where an agent's reply reaches the visitor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, launchBrowser, login, signIn, startDaemon, shopPage } from './support.mjs';

let daemon;
let admin;
let browser;
let shop; // a host page on another origin, on the widget's allow-list

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

test('the bot answers a visitor from the help center, and "Talk to a person" hands over to the inbox', async () => {
  await admin.call('POST', '/api/v1/articles', {
    title: 'Returning a damaged kayak', status: 'published',
    body: '## Damaged on arrival\n\nIf your kayak arrived damaged, send us a photo of the hull and we arrange a free pickup within three days.',
  });
  await admin.call('POST', '/api/v1/articles', { title: 'Gift cards', body: 'Gift cards never expire.', status: 'published' });

  // The admin turns the bot on.
  const { page: app, errors: appErrors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await app.getByRole('link', { name: 'Settings', exact: true }).click();
  await app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Answer bot', exact: true }).click();
  await app.getByRole('heading', { name: 'Answer bot', level: 2 }).waitFor();
  const form = app.getByRole('form', { name: 'Answer bot' });
  const enabled = form.getByLabel('Answer customers from the help center before the team does');
  assert.equal(await enabled.isChecked(), false, 'off by default');
  assert.equal(await form.getByLabel('On the website widget').isChecked(), true);
  assert.equal(await form.getByLabel('By SMS').isChecked(), false);
  await app.getByText('Answers quote the best passage').waitFor();
  await enabled.check();
  await form.getByLabel('Handoff message').fill('One moment: a person from our team will take it from here.');
  await form.getByRole('button', { name: 'Save answer bot settings' }).click();
  await app.getByText('Answer bot settings saved.').waitFor();
  const saved = await admin.call('GET', '/api/v1/answer_bot/settings');
  assert.equal(saved.enabled, true);
  assert.deepEqual(saved.channels, ['widget']);
  assert.equal(saved.handoff_message, 'One moment: a person from our team will take it from here.');

  // A visitor asks in the widget.
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${shop.url}/`);
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  const message = page.getByLabel('Message', { exact: true });
  await message.fill('My kayak arrived damaged, what should I do?');
  await message.press('Enter');
  const answer = page.locator('.m.out', { hasText: 'send us a photo of the hull' });
  await answer.waitFor();
  assert.match(await answer.textContent(), /^Answer bot/);
  assert.match(await answer.textContent(), /Did that answer your question\?/);
  const quick = page.getByRole('group', { name: 'Did that answer your question?' });
  await quick.getByRole('button', { name: 'Yes, that helped' }).waitFor();

  // Its source opens inside the widget; back to the chat.
  await answer.getByRole('button', { name: 'Read “Returning a damaged kayak”' }).click();
  await page.getByRole('heading', { name: 'Returning a damaged kayak' }).waitFor();
  await page.getByRole('tab', { name: 'Chat' }).click();

  // "Talk to a person": the handoff message, and the quick replies are gone.
  await quick.getByRole('button', { name: 'Talk to a person' }).click();
  await page.locator('.m.in:not(.pending)', { hasText: 'Talk to a person' }).waitFor();
  await page.locator('.m.out', { hasText: 'One moment: a person from our team will take it from here.' }).waitFor();
  assert.equal(await quick.count(), 0);

  // The inbox: the conversation is open, the bot's exchange is in the thread.
  const list = await admin.call('GET', '/api/v1/conversations');
  const conv = list.items.find((c) => c.channel === 'chat');
  assert.ok(conv, 'the widget conversation is in the inbox');
  assert.equal(conv.status, 'open');
  await app.evaluate((id) => { location.hash = `#/conversations/${id}`; }, conv.id);
  const thread = app.locator('li.msg');
  await app.locator('li.msg', { hasText: 'send us a photo of the hull' }).waitFor();
  await eventually(async () => (await thread.allTextContents()).some((t) => t.includes('Answer bot') && t.includes('a person from our team')),
    { what: 'the handoff in the thread, labelled Answer bot' });
  const items = (await admin.call('GET', `/api/v1/conversations/${conv.id}/messages`)).items;
  assert.deepEqual(items.map((m) => [m.sender.kind, m.metadata?.answer_bot?.step ?? null]),
    [['contact', null], ['bot', 'answer'], ['contact', null], ['bot', 'handoff']]);

  // An agent answers from the inbox; the visitor gets it, and the bot stays quiet.
  const reply = app.locator('#reply-text');
  await reply.fill('Hi, sorry about the kayak! Please send the photo here.');
  await app.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('.m.out', { hasText: 'Please send the photo here.' }).waitFor();
  await message.fill('Here it is, thanks');
  await message.press('Enter');
  await page.locator('.m.in:not(.pending)', { hasText: 'Here it is, thanks' }).waitFor();
  await new Promise((r) => setTimeout(r, 500));
  const after = (await admin.call('GET', `/api/v1/conversations/${conv.id}/messages`)).items;
  assert.equal(after.filter((m) => m.sender.kind === 'bot').length, 2, 'no bot item after a teammate replied');

  assert.deepEqual(errors, []);
  assert.deepEqual(appErrors, []);
  await context.close();
});
