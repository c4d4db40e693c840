// The agent inbox (/app/) in headless Chromium: sign in, a customer's text
// appears live, reply, private note, assign, resolve; a viewer gets no reply box.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  customerTexts as texts, eventually, sandboxFetch, shown, signIn as openApp, startInbox,
} from './support.mjs';

let inbox;
let daemon;
let admin;
let browser;
let line;

before(async () => {
  inbox = await startInbox();
  ({ daemon, admin, browser, line } = inbox);
});

after(async () => {
  await inbox?.stop();
});

const signIn = (email, password) => openApp(browser, daemon.url, email, password);
const customerTexts = (from, body) => texts(daemon.url, from, line, body);

test('an agent sees a new conversation live, replies, notes, assigns and resolves', async () => {
  const { page, errors } = await signIn(daemon.email, daemon.password);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await customerTexts('+14155550131', 'Do you deliver on weekends?');
  const item = page.locator('.conv-item', { hasText: shown('+14155550131') });
  await item.waitFor(); // no reload: over /ws/agent
  await item.locator('.preview', { hasText: 'Do you deliver on weekends?' }).waitFor();
  await item.click();
  await page.locator('.msg.inbound', { hasText: 'Do you deliver on weekends?' }).waitFor();

  await page.getByLabel('Message', { exact: true }).fill('Yes, Saturdays 9 to 1.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.outbound', { hasText: 'Yes, Saturdays 9 to 1.' }).waitFor();

  await page.getByLabel('Private note').check();
  await page.getByLabel('Message', { exact: true }).fill('VIP customer, be nice');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.note', { hasText: 'VIP customer, be nice' }).waitFor();

  // A second teammate to assign to.
  const sam = await admin.call('POST', '/api/v1/teammates', {
    email: 'sam@example.com', name: 'Sam Agent', role: 'agent', password: 'sam-password-1',
  });
  await page.reload();
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: shown('+14155550131') }).click();
  await page.getByLabel('Assignee').selectOption(sam.id);
  await page.getByRole('button', { name: 'Resolve' }).click();
  await page.getByRole('button', { name: 'Reopen' }).waitFor();

  const list = await admin.call('GET', '/api/v1/conversations?status=all');
  const conv = list.items.find((c) => c.contact.phone === '+14155550131');
  assert.equal(conv.status, 'resolved');
  assert.equal(conv.assignee_id, sam.id);
  const thread = await admin.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.ok(thread.items.some((m) => m.private && m.body === 'VIP customer, be nice'));
  // The reply reached the customer's phone; the note did not.
  const sent = await eventually(async () => {
    const r = await sandboxFetch(daemon.url, '/api/sandbox/v1/messages?phone=%2B14155550131');
    const { items } = await r.json();
    return items.length ? items : null;
  }, { what: 'the reply on the customer phone' });
  assert.deepEqual(sent.map((m) => m.body), ['Yes, Saturdays 9 to 1.']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a viewer reads conversations but has no reply box', async () => {
  await admin.call('POST', '/api/v1/teammates', {
    email: 'vi@example.com', name: 'Vi Viewer', role: 'viewer', password: 'viewer-password-1',
  });
  await customerTexts('+14155550132', 'Hello there');
  const { page, errors } = await signIn('vi@example.com', 'viewer-password-1');
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: shown('+14155550132') }).click();
  await page.locator('.msg.inbound', { hasText: 'Hello there' }).waitFor();
  assert.equal(await page.getByLabel('Message', { exact: true }).isVisible(), false, 'no composer for viewers');
  assert.equal(await page.getByRole('button', { name: 'Send' }).isVisible(), false);
  assert.ok(await page.getByRole('button', { name: 'Resolve' }).isDisabled());
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong password is refused and a session survives a reload', async () => {
  const page = await browser.newPage();
  await page.goto(`${daemon.url}/app/`);
  await page.getByLabel('Email').fill(daemon.email);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong email or password.').waitFor();
  await page.getByLabel('Password').fill(daemon.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'Conversations' }).waitFor();
  await page.reload();
  await page.getByRole('region', { name: 'Conversations' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
  await page.close();
});
