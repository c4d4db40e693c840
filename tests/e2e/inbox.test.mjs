// Inbox additions in headless Chromium: canned responses through "/", labels
// and the label filter, the team inbox filter, the contact sidebar (phones,
// past conversations, edit, merge, erase, texting consent), keyset paging as the
// list scrolls, and an agent confirming an opt-out the customer asked for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { customerTexts, eventually, shown, signIn, startInbox } from './support.mjs';

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

const text = (from, body) => customerTexts(daemon.url, from, line, body);
const open = (url) => signIn(browser, url, daemon.email, daemon.password);
const conversationOf = async (phone) =>
  (await admin.call('GET', '/api/v1/conversations?status=all&limit=100')).items.find((c) => c.contact.phone === phone);

async function openFromAll(page, phone) {
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: shown(phone) }).click();
  await page.locator('#contact-name', { hasText: shown(phone) }).waitFor();
}

test('a canned response is picked with "/" and inserted with Enter or Tab', async () => {
  await admin.call('POST', '/api/v1/canned_responses', { shortcut: 'hours', body: 'We are open 9 to 5, Monday to Friday.' });
  await admin.call('POST', '/api/v1/canned_responses', { shortcut: 'thanks', body: 'Thanks for writing!' });
  await text('+14155550151', 'When are you open?');
  const { page, errors } = await open(daemon.url);
  await openFromAll(page, '+14155550151');
  const box = page.getByLabel('Message', { exact: true });
  await box.pressSequentially('/ho');
  const options = page.getByRole('listbox', { name: 'Canned responses' }).getByRole('option');
  await options.first().waitFor();
  assert.deepEqual(await options.allTextContents(), ['/hours We are open 9 to 5, Monday to Friday.'], 'filtered by the shortcut typed');
  await box.press('Enter');
  assert.equal(await box.inputValue(), 'We are open 9 to 5, Monday to Friday.');
  assert.equal(await page.getByRole('listbox', { name: 'Canned responses' }).isVisible(), false);
  // On a new line, "/" lists both; ArrowDown then Tab picks the second.
  await box.press('Shift+Enter');
  await box.pressSequentially('/');
  await options.nth(1).waitFor();
  assert.equal(await options.count(), 2);
  await box.press('ArrowDown');
  assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
  await box.press('Tab');
  assert.equal(await box.inputValue(), 'We are open 9 to 5, Monday to Friday.\nThanks for writing!');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.outbound', { hasText: 'Thanks for writing!' }).waitFor();
  const conv = await conversationOf('+14155550151');
  const thread = await admin.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.equal(thread.items.at(-1).body, 'We are open 9 to 5, Monday to Friday.\nThanks for writing!');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a label added to a conversation shows in the label filter, and the team inbox filter works', async () => {
  await text('+14155550152', 'My parcel is late');
  await text('+14155550153', 'Just saying hi');
  const team = await admin.call('POST', '/api/v1/teams', { name: 'Billing', member_ids: [admin.user.id] });
  const billed = await conversationOf('+14155550153');
  await admin.call('PATCH', `/api/v1/conversations/${billed.id}`, { team_id: team.id });
  const { page, errors } = await open(daemon.url);
  await openFromAll(page, '+14155550152');
  await page.getByLabel('Add label').fill('late-delivery');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('list', { name: 'Labels' }).getByText('late-delivery').waitFor();
  const late = await conversationOf('+14155550152');
  assert.deepEqual(late.labels, ['late-delivery']);

  await page.getByLabel('Label', { exact: true }).selectOption('late-delivery');
  const items = page.locator('.conv-item');
  await items.filter({ hasText: shown('+14155550153') }).waitFor({ state: 'detached' });
  assert.deepEqual(await items.locator('.name').allTextContents(), [shown('+14155550152')]);
  await page.getByLabel('Label', { exact: true }).selectOption('');
  await items.filter({ hasText: shown('+14155550153') }).waitFor();

  await page.getByLabel('Team inbox').selectOption({ label: 'Billing' });
  await items.filter({ hasText: shown('+14155550152') }).waitFor({ state: 'detached' });
  assert.deepEqual(await items.locator('.name').allTextContents(), [shown('+14155550153')]);
  await page.getByLabel('Team inbox').selectOption('');

  await page.getByRole('button', { name: 'Remove label late-delivery' }).click();
  await page.getByText('No labels').waitFor();
  assert.deepEqual((await conversationOf('+14155550152')).labels, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the contact sidebar shows phones and past conversations, and saves an edit', async () => {
  const rita = await admin.call('POST', '/api/v1/contacts', {
    name: 'Rita Lopez', phone: '+14155550177', email: 'rita@example.com', attributes: { plan: 'pro' },
  });
  const old = await admin.call('POST', '/api/v1/conversations', {
    contact_id: rita.id, channel: 'sms', subject: 'Broken zipper', body: 'Your new zipper is on its way.',
  });
  await admin.call('PATCH', `/api/v1/conversations/${old.id}`, { status: 'resolved' });
  await admin.call('POST', '/api/v1/conversations', { contact_id: rita.id, channel: 'sms', subject: 'Exchange', body: 'Hi Rita, about your exchange…' });
  const { page, errors } = await open(daemon.url);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: 'Rita Lopez' }).click();
  await page.locator('.msg', { hasText: 'about your exchange' }).waitFor();
  const sidebar = page.getByRole('complementary', { name: 'Contact' });
  await sidebar.getByRole('link', { name: shown('+14155550177') }).waitFor();
  await sidebar.getByText('rita@example.com').waitFor();
  await sidebar.getByText('pro', { exact: true }).waitFor();
  // The past conversation opens from its link.
  await sidebar.getByRole('link', { name: 'Broken zipper' }).click();
  await page.locator('.msg', { hasText: 'Your new zipper is on its way.' }).waitFor();
  assert.ok(page.url().endsWith(`#/conversations/${old.id}`));
  await sidebar.getByRole('link', { name: 'Exchange' }).waitFor();

  await sidebar.getByRole('button', { name: 'Edit contact' }).click();
  await sidebar.getByLabel('Name').fill('Rita López');
  await sidebar.getByLabel('Phones').fill('+1 415 555 0177\n+1 (415) 555-0178');
  await sidebar.getByLabel('Attributes').fill('city: Austin');
  await sidebar.getByRole('button', { name: 'Save contact' }).click();
  await sidebar.getByText('Contact saved.').waitFor();
  const saved = await admin.call('GET', `/api/v1/contacts/${rita.id}`);
  assert.equal(saved.name, 'Rita López');
  assert.deepEqual(saved.phones, ['+14155550177', '+14155550178']);
  assert.deepEqual(saved.attributes, { city: 'Austin' }, 'plan removed, city added');
  await sidebar.getByRole('link', { name: shown('+14155550178') }).waitFor();
  await page.locator('#contact-name', { hasText: 'Rita López' }).waitFor();
  assert.deepEqual(errors, []);
  // A server refusal is shown as the API's message (the browser logs the 400 itself).
  await sidebar.getByRole('button', { name: 'Edit contact' }).click();
  await sidebar.getByLabel('Phones').fill('555-1234');
  await sidebar.getByRole('button', { name: 'Save contact' }).click();
  await sidebar.getByRole('alert').getByText(/phone 555-1234: US numbers need 10 digits/).waitFor();
  await page.close();
});

test('a duplicate contact is merged in, and a contact is erased after a confirmation', async () => {
  const main = await admin.call('POST', '/api/v1/contacts', { name: 'Sol Park', phone: '+14155550181' });
  const dup = await admin.call('POST', '/api/v1/contacts', { name: 'Sol P. (web)', email: 'sol@example.com' });
  await admin.call('POST', '/api/v1/conversations', { contact_id: main.id, channel: 'sms', subject: 'Order', body: 'Order shipped' });
  await admin.call('POST', '/api/v1/conversations', { contact_id: dup.id, channel: 'chat', subject: 'Web chat', body: 'Chat answer' });
  const { page, errors } = await open(daemon.url);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: 'Sol Park' }).click();
  const sidebar = page.getByRole('complementary', { name: 'Contact' });
  await sidebar.getByLabel('Name, email or phone').fill('sol@');
  await sidebar.getByRole('button', { name: 'Find' }).click();
  await sidebar.getByRole('button', { name: 'Merge Sol P. (web) here' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Merge' }).click();
  await sidebar.getByRole('link', { name: 'Web chat' }).waitFor();
  await sidebar.getByText('sol@example.com').waitFor();
  assert.equal((await admin.call('GET', `/api/v1/contacts/${main.id}`)).email, 'sol@example.com');

  await sidebar.getByRole('button', { name: 'Erase contact' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await admin.call('GET', `/api/v1/contacts/${main.id}`)).id, main.id, 'cancel keeps the contact');
  await sidebar.getByRole('button', { name: 'Erase contact' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Erase' }).click();
  await page.getByText('Choose a conversation.').waitFor();
  assert.equal(await page.locator('.conv-item', { hasText: 'Sol Park' }).count(), 0);
  await assert.rejects(admin.call('GET', `/api/v1/contacts/${main.id}`), /404/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the list loads the next page as it scrolls', async () => {
  const people = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    admin.call('POST', '/api/v1/contacts', { name: `Pager ${String(i).padStart(2, '0')}` })));
  for (const p of people) await admin.call('POST', '/api/v1/conversations', { contact_id: p.id, subject: 'paging' });
  const { page, errors } = await open(daemon.url);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  const items = page.locator('.conv-item');
  await items.filter({ hasText: 'Pager 29' }).waitFor();
  const total = (await admin.call('GET', '/api/v1/conversations?status=open&limit=100')).items.length;
  assert.ok(total > 25, 'more than one page');
  assert.equal(await items.count(), 25, 'the first page');
  await page.locator('#list-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await items.filter({ hasText: 'Pager 00' }).waitFor();
  assert.equal(await items.count(), total);
  assert.deepEqual(errors, []);
  await page.close();
});

// issue 16 item 16: the reply's POST answer ("queued") arrives after the socket's
// message.updated ("sent"); the newer status stays. Item 15: the composer says
// which channel a reply takes.
test('a late POST answer never takes a reply back to queued, and the composer shows its channel', async () => {
  await text('+14155550161', 'Did my refund go through?');
  const { page, errors } = await open(daemon.url);
  await openFromAll(page, '+14155550161');
  assert.equal(await page.getByLabel('Reply by').inputValue(), 'sms');
  assert.deepEqual(await page.getByLabel('Reply by').locator('option').allTextContents(), ['SMS']);
  // Hold the POST's answer until the socket has shown the reply as sent.
  let held;
  await page.route('**/api/v1/conversations/*/messages', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const response = await route.fetch();
    held = (await response.json()).id;
    await page.locator(`.msg.outbound[data-id="${held}"] .meta`, { hasText: 'sent' }).waitFor();
    await route.fulfill({ response });
  });
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('Yes, it went out today.');
  await page.getByRole('button', { name: 'Send' }).click();
  // send() clears the box once it has applied the POST's answer.
  await page.waitForFunction(() => document.getElementById('reply-text').value === '');
  const meta = page.locator(`.msg.outbound[data-id="${held}"] .meta`);
  assert.match(await meta.textContent(), /· sent$/);
  const conv = await conversationOf('+14155550161');
  const thread = await admin.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.equal(thread.items.at(-1).status, 'sent');
  assert.deepEqual(errors, []);
  await page.close();
});

// An agent (not an admin) for the consent tests; made once.
let agentLogin;
async function agentAccount() {
  if (!agentLogin) {
    agentLogin = { email: 'consent-agent@example.com', password: 'agent-password-1' };
    await admin.call('POST', '/api/v1/teammates', { ...agentLogin, name: 'Casey Agent', role: 'agent' });
  }
  return agentLogin;
}

test('issue 18: an agent records the opt-out a customer asked for in their words, or dismisses it', async () => {
  const { email, password } = await agentAccount();
  await text('+14155550191', 'please stop texting me');
  await text('+14155550192', 'Can you remove me from the waitlist? I got a table elsewhere');
  const { page, errors } = await signIn(browser, daemon.url, email, password);
  await openFromAll(page, '+14155550191');
  const notice = page.getByRole('group', { name: 'Possible opt-out' });
  await notice.getByText('This may be a request to stop texting.').waitFor();
  // Shown, never applied on its own.
  const conv = await conversationOf('+14155550191');
  assert.deepEqual((await admin.call('GET', `/api/v1/contacts/${conv.contact_id}/consent`)).items, []);
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), false);
  await notice.getByRole('button', { name: 'Record opt-out' }).click();
  await page.locator('#thread .msg.kind-event', { hasText: 'Opted out by Casey Agent (from the message "please stop texting me")' }).waitFor();
  await notice.waitFor({ state: 'detached' });
  // The SMS composer is off at once, with its reason; a note still works.
  await page.getByText('the customer opted out of texts').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
  const ledger = (await admin.call('GET', `/api/v1/contacts/${conv.contact_id}/consent`)).items;
  assert.equal(ledger.length, 1);
  assert.equal(ledger[0].state, 'opted_out');
  assert.equal(ledger[0].source, 'agent');
  const thread = (await admin.call('GET', `/api/v1/conversations/${conv.id}/messages`)).items;
  assert.equal(ledger[0].message_id, thread.find((m) => m.body === 'please stop texting me').id);
  // The contact panel shows it too.
  const sidebar = page.getByRole('complementary', { name: 'Contact' });
  await sidebar.getByRole('list', { name: 'Current consent' }).getByText('Opted out').waitFor();

  // Dismissed: the notice goes, and stays gone after a reload; texts still go.
  await openFromAll(page, '+14155550192');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await notice.waitFor({ state: 'detached' });
  await page.reload();
  await page.locator('.msg', { hasText: 'remove me from the waitlist' }).waitFor();
  assert.equal(await notice.count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), false);
  const other = await conversationOf('+14155550192');
  assert.deepEqual((await admin.call('GET', `/api/v1/contacts/${other.contact_id}/consent`)).items, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('issue 18: the contact panel shows the consent ledger, exports it, and an admin records consent', async () => {
  await text('+14155550193', 'STOP');
  const conv = await eventually(async () => {
    const c = await conversationOf('+14155550193');
    const h = c && (await admin.call('GET', `/api/v1/contacts/${c.contact_id}/consent`)).items;
    return h?.length ? c : null;
  }, { what: 'the opt-out in the ledger' });
  const { page, errors } = await open(daemon.url);
  await openFromAll(page, '+14155550193');
  const sidebar = page.getByRole('complementary', { name: 'Contact' });
  const consent = sidebar.getByRole('region', { name: 'Texting consent' });
  await consent.getByRole('list', { name: 'Current consent' }).getByText(`Opted out on ${shown(line)}`).waitFor();
  await consent.getByText('History (1)').click();
  await consent.getByRole('list', { name: 'Consent history' }).getByText(/texted a keyword/).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);

  // The CSV, with the Bearer token a plain link could not carry.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    consent.getByRole('button', { name: 'Export as CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `consent-${conv.contact_id}.csv`);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^id,phone,number_id,state,source,message_id,teammate_id,note,created_at/);
  assert.match(csv, /"opted_out","keyword"/);

  // Consent obtained elsewhere, with a note: SMS comes back at once.
  await consent.getByLabel('Consent', { exact: true }).selectOption('opted_in');
  await consent.getByLabel('Line').selectOption({ label: 'Every line' });
  await consent.getByLabel('Note').fill('signed form at the counter');
  await consent.getByRole('button', { name: 'Record consent' }).click();
  await sidebar.getByText('Consent recorded.').waitFor();
  await sidebar.getByRole('list', { name: 'Current consent' }).getByText(`Opted in on ${shown(line)}`).waitFor();
  await sidebar.getByRole('list', { name: 'Current consent' }).getByText('Opted in on every line').waitFor();
  await sidebar.getByText('History (2)').click();
  await sidebar.getByRole('list', { name: 'Consent history' }).getByText(/signed form at the counter/).waitFor();
  await eventually(async () => !(await page.getByRole('button', { name: 'Send' }).isDisabled()), { what: 'SMS back on' });
  const ledger = (await admin.call('GET', `/api/v1/contacts/${conv.contact_id}/consent`)).items;
  assert.equal(ledger[0].state, 'opted_in');
  assert.equal(ledger[0].number_id, null);
  assert.equal(ledger[0].note, 'signed form at the counter');
  assert.deepEqual(errors, []);
  await page.close();

  // An agent sees the ledger, but neither the export nor the form.
  const { email, password } = await agentAccount();
  const agent = await signIn(browser, daemon.url, email, password);
  await openFromAll(agent.page, '+14155550193');
  const theirs = agent.page.getByRole('region', { name: 'Texting consent' });
  await theirs.getByRole('list', { name: 'Current consent' }).getByText('Opted in on every line').waitFor();
  assert.equal(await theirs.getByRole('button', { name: 'Export as CSV' }).count(), 0);
  assert.equal(await theirs.getByRole('button', { name: 'Record consent' }).count(), 0);
  assert.deepEqual(agent.errors, []);
  await agent.page.close();
});
