// The composer's "Article" button (issue 20) in headless Chromium: an agent
// searches the published articles from the reply box, picks one with the
// keyboard or the mouse, and the reply carries "Title: URL" with the article's
// public help-center URL, which reaches the customer's phone as it is.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible } from './a11y.mjs';
import {
  customerTexts, eventually, login, sandboxFetch, shown, signIn, startInbox,
} from './support.mjs';

let inbox;
let daemon;
let admin;
let browser;
let line;
let agent; // an agent's REST client
let kayak; // published
let gift; // published
let draft; // a draft: never offered

before(async () => {
  inbox = await startInbox();
  ({ daemon, admin, browser, line } = inbox);
  await admin.call('POST', '/api/v1/teammates', {
    email: 'ada@example.com', name: 'Ada Agent', role: 'agent', password: 'agent-password-1',
  });
  agent = await login(daemon.url, 'ada@example.com', 'agent-password-1');
  kayak = await admin.call('POST', '/api/v1/articles', {
    title: 'Returning a damaged kayak', status: 'published',
    body: 'If your kayak arrived damaged, send us a photo of the hull and we arrange a free pickup.',
  });
  gift = await admin.call('POST', '/api/v1/articles', {
    title: 'Gift cards', status: 'published', body: 'Gift cards never expire.',
  });
  draft = await admin.call('POST', '/api/v1/articles', {
    title: 'Kayak storage tips', status: 'draft', body: 'Keep your kayak dry.',
  });
});

after(async () => {
  await inbox?.stop();
});

// A customer's text, its conversation assigned to the agent.
async function conversationFrom(phone, body) {
  await customerTexts(daemon.url, phone, line, body);
  const conv = await eventually(async () => (await admin.call('GET', '/api/v1/conversations?status=all')).items
    .find((c) => c.contact.phone === phone), { what: 'the conversation' });
  await admin.call('PATCH', `/api/v1/conversations/${conv.id}`, { assignee_id: agent.user.id });
  return conv;
}

async function openConversation(page, conv, phone) {
  await page.evaluate((cid) => { location.hash = `#/conversations/${cid}`; }, conv.id);
  await page.locator('#contact-name', { hasText: shown(phone) }).waitFor();
}

test('an agent inserts an article link with the keyboard and the text carries the public URL', async () => {
  const phone = '+14155550171';
  const conv = await conversationFrom(phone, 'My kayak arrived with a crack');
  assert.match(kayak.url, /^http:\/\/.+\/help\/articles\/returning-a-damaged-kayak$/);
  const { page, errors } = await signIn(browser, daemon.url, 'ada@example.com', 'agent-password-1');
  await openConversation(page, conv, phone);

  const box = page.getByLabel('Message', { exact: true });
  await box.fill('Sorry about that! See ');
  const button = page.getByRole('button', { name: 'Insert article link' });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  const popover = page.getByRole('dialog', { name: 'Insert article link' });
  const search = popover.getByRole('combobox', { name: 'Search published articles' });
  assert.equal(await search.evaluate((e) => e === document.activeElement), true, 'the search box has focus');

  // An empty box lists the published articles, no drafts.
  const options = popover.getByRole('listbox', { name: 'Articles' }).getByRole('option');
  await eventually(async () => (await options.count()) === 2, { what: 'the two published articles' });
  const titles = await popover.locator('[role=option] .title').allTextContents();
  assert.deepEqual([...titles].sort(), ['Gift cards', 'Returning a damaged kayak']);
  assert.equal(titles.includes(draft.title), false, 'a draft is not offered');
  // The inbox with the popover open passes the accessibility checker (the signed-in app has no h1).
  await assertAccessible(page, 'the inbox with the article popover', { skip: ['one-h1', 'heading-order'] });

  // Typing searches; the draft that matches too stays out.
  await search.pressSequentially('kayak', { delay: 20 });
  await eventually(async () => (await popover.locator('[role=option] .title').allTextContents()).join('|')
    === 'Returning a damaged kayak', { what: 'one match for "kayak"' });
  assert.equal(await options.first().getAttribute('aria-selected'), 'true');
  assert.equal(await search.getAttribute('aria-activedescendant'), `article-option-${kayak.id}`);
  await search.press('Enter');

  await popover.waitFor({ state: 'hidden' });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  assert.equal(await box.evaluate((e) => e === document.activeElement), true, 'focus is back in the reply box');
  assert.equal(await box.inputValue(), `Sorry about that! See Returning a damaged kayak: ${kayak.url}`);
  // The SMS counter saw the insertion.
  await page.locator('#segments', { hasText: 'GSM-7' }).waitFor();

  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('.msg.outbound', { hasText: kayak.url }).waitFor();
  const thread = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  const sentMessage = thread.items.find((m) => m.direction === 'outbound' && m.kind === 'text');
  assert.equal(sentMessage.channel, 'sms');
  assert.ok(sentMessage.body.includes(kayak.url), sentMessage.body);
  // The customer's phone gets the public URL as it is.
  const texts = await eventually(async () => {
    const r = await sandboxFetch(daemon.url, `/api/sandbox/v1/messages?phone=${encodeURIComponent(phone)}`);
    const { items } = await r.json();
    return items.length ? items : null;
  }, { what: 'the text on the customer phone' });
  assert.deepEqual(texts.map((m) => m.body), [`Sorry about that! See Returning a damaged kayak: ${kayak.url}`]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('arrow keys and a click pick an article at the caret; Escape closes and returns focus', async () => {
  const phone = '+14155550172';
  const conv = await conversationFrom(phone, 'Do gift cards expire?');
  const { page, errors } = await signIn(browser, daemon.url, 'ada@example.com', 'agent-password-1');
  await openConversation(page, conv, phone);
  const box = page.getByLabel('Message', { exact: true });
  const button = page.getByRole('button', { name: 'Insert article link' });
  const popover = page.getByRole('dialog', { name: 'Insert article link' });
  const search = popover.getByRole('combobox', { name: 'Search published articles' });
  const options = popover.getByRole('listbox', { name: 'Articles' }).getByRole('option');

  // Escape closes without inserting anything; focus goes back to the reply box.
  await box.fill('Hello');
  await button.click();
  await options.first().waitFor();
  await search.press('Escape');
  await popover.waitFor({ state: 'hidden' });
  assert.equal(await box.evaluate((e) => e === document.activeElement), true);
  assert.equal(await box.inputValue(), 'Hello');

  // The caret in the middle: the link goes there, spaced from the words around it.
  await box.fill('No, they never expire.\nThanks!');
  await box.evaluate((e) => e.setSelectionRange(22, 22));
  await button.click();
  await eventually(async () => (await options.count()) === 2, { what: 'the published articles' });
  const titles = await popover.locator('[role=option] .title').allTextContents();
  // ArrowDown, ArrowUp wraps around: both reach the gift card article by position.
  const giftAt = titles.indexOf('Gift cards');
  await search.press('ArrowDown');
  await search.press('ArrowUp');
  assert.equal(await options.nth(0).getAttribute('aria-selected'), 'true');
  for (let i = 0; i < giftAt; i++) await search.press('ArrowDown');
  assert.equal(await options.nth(giftAt).getAttribute('aria-selected'), 'true');
  await search.press('ArrowUp');
  await search.press('ArrowDown');
  await options.nth(giftAt).click();
  await popover.waitFor({ state: 'hidden' });
  assert.equal(await box.inputValue(), `No, they never expire. Gift cards: ${gift.url}\nThanks!`);
  assert.equal(await box.evaluate((e) => e === document.activeElement), true);

  // Nothing matches: said in words, and Enter does not send the reply.
  await button.click();
  await search.fill('zzzqqq');
  await popover.getByRole('status').getByText('No published article matches.').waitFor();
  await search.press('Enter');
  assert.equal(await popover.isVisible(), true);
  // A click elsewhere closes it; so does Tab out of it.
  await page.locator('#thread').click();
  await popover.waitFor({ state: 'hidden' });
  await button.click();
  await search.press('Tab');
  await popover.waitFor({ state: 'hidden' });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');

  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('.msg.outbound', { hasText: gift.url }).waitFor();
  const thread = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.equal(thread.items.filter((m) => m.direction === 'outbound' && m.kind === 'text').length, 1, 'one reply sent');
  assert.deepEqual(errors, []);
  await page.close();
});
