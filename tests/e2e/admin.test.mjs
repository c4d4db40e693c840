// The settings pages of /app/ in headless Chromium: an admin adds a teammate
// and gives them a number bought through the sandbox carrier; teams, hours,
// canned responses and labels are edited; a viewer gets no settings at all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { customerTexts, eventually, launchBrowser, login, shown, signIn, startDaemon } from './support.mjs';

let daemon;
let admin;
let browser;

before(async () => {
  daemon = await startDaemon();
  admin = await login(daemon.url, daemon.email, daemon.password);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

const settings = async (page, name) => {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
};

test('an admin adds a teammate and assigns them a number provisioned through the sandbox', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await settings(page, 'Teammates');
  const add = page.getByRole('form', { name: 'Add a teammate' });
  await add.getByLabel('Name').fill('Nia Newton');
  await add.getByLabel('Email').fill('nia@example.com');
  await add.getByLabel('Role').selectOption('agent');
  await add.getByRole('button', { name: 'Add teammate' }).click();
  // The generated password is shown once, and it works.
  const password = await page.locator('.flash code.secret').textContent();
  const nia = await login(daemon.url, 'nia@example.com', password);
  assert.equal(nia.user.role, 'agent');
  await page.getByRole('cell', { name: 'nia@example.com' }).waitFor();

  await settings(page, 'Numbers');
  const get = page.getByRole('form', { name: 'Get a new number' });
  await get.getByLabel('Area code').fill('415');
  await get.getByRole('button', { name: 'Provision number' }).click();
  await page.getByText(/is yours\.$/).waitFor();
  const bought = (await admin.call('GET', '/api/v1/numbers')).items.find((n) => n.number.startsWith('+1415'));
  assert.ok(bought, 'a 415 number was provisioned');
  assert.equal(bought.carrier, 'sandbox', 'the configured carrier is the sandbox by default');
  assert.equal(bought.owner_teammate_id, null);
  // The list shows it formatted; assign it to the new teammate.
  await page.getByRole('cell', { name: shown(bought.number), exact: true }).waitFor();
  await page.getByLabel(`Assign ${shown(bought.number)}`).selectOption({ label: 'Nia Newton' });
  await page.getByText(`${shown(bought.number)} was reassigned.`).waitFor();
  const after = (await admin.call('GET', '/api/v1/numbers')).items.find((n) => n.id === bought.id);
  assert.equal(after.owner_teammate_id, nia.user.id);
  assert.equal(after.owner_team_id, null);

  // The teammates page lists the number with its owner; a changed role is saved.
  await settings(page, 'Teammates');
  await page.getByRole('row', { name: /Nia Newton/ }).getByText(shown(bought.number)).waitFor();
  await page.getByRole('button', { name: 'Edit Nia Newton' }).click();
  const edit = page.getByRole('form', { name: 'Edit Nia Newton' });
  await edit.getByLabel('Role').selectOption('admin');
  // Not 555-0100..0199 in 415: that is the sandbox pool the number above came from.
  await edit.getByLabel('Mobile phone').fill('+1 415 555 0299');
  await edit.getByLabel('SMS forwarding').selectOption('phone');
  await edit.getByRole('button', { name: 'Save teammate' }).click();
  await page.getByText('Nia Newton was saved.').waitFor();
  const saved = (await admin.call('GET', '/api/v1/teammates')).items.find((t) => t.id === nia.user.id);
  assert.deepEqual([saved.role, saved.physical_number, saved.sms_forwarding], ['admin', '+14155550299', 'phone']);
  // issue 16 item 20: the format the app itself displays is accepted, and stored as E.164.
  await page.getByRole('button', { name: 'Edit Nia Newton' }).click();
  await page.getByRole('form', { name: 'Edit Nia Newton' }).getByLabel('Mobile phone').fill('(415) 555-0298');
  await page.getByRole('form', { name: 'Edit Nia Newton' }).getByRole('button', { name: 'Save teammate' }).click();
  await eventually(async () => (await admin.call('GET', '/api/v1/teammates')).items
    .find((t) => t.id === nia.user.id).physical_number === '+14155550298', { what: 'the national format saved as E.164' });

  // Release asks first.
  await settings(page, 'Numbers');
  await page.getByRole('button', { name: `Release ${shown(bought.number)}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Release' }).click();
  await page.getByText(`${shown(bought.number)} was released.`).waitFor();
  assert.equal((await admin.call('GET', '/api/v1/numbers')).items.some((n) => n.id === bought.id), false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an admin builds a team, sets its hours and after-hours reply, and manages canned responses and labels', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await settings(page, 'Teams');
  const create = page.getByRole('form', { name: 'Create a team' });
  await create.getByLabel('Team name').fill('Support');
  await create.getByRole('button', { name: 'Create team' }).click();
  const card = page.getByRole('region', { name: 'Support' });
  await card.getByLabel('Add to Support').selectOption({ label: 'Nia Newton' });
  await card.getByRole('button', { name: 'Add member' }).click();
  await page.getByText('Nia Newton joined Support.').waitFor();
  const team = (await admin.call('GET', '/api/v1/teams')).items.find((t) => t.name === 'Support');
  assert.equal(team.member_ids.length, 1);
  await page.getByRole('region', { name: 'Support' }).getByLabel('Team name').fill('Help desk');
  await page.getByRole('region', { name: 'Support' }).getByRole('button', { name: 'Save team' }).click();
  await page.getByText('Help desk was saved.').waitFor();
  await page.getByRole('button', { name: 'Remove Nia Newton from Help desk' }).click();
  await page.getByText('Nia Newton left Help desk.').waitFor();
  assert.deepEqual((await admin.call('GET', '/api/v1/teams')).items[0].member_ids, []);

  await settings(page, 'Business hours');
  await page.getByLabel('Settings for').selectOption({ label: 'Help desk' });
  const hours = page.getByRole('form', { name: 'Hours and greetings' });
  await hours.getByLabel('After-hours reply').waitFor();
  await hours.getByLabel('Use business hours').check();
  await hours.getByLabel('Time zone').fill('America/New_York');
  await hours.getByLabel('Monday').fill('09:00-12:00, 13:00-17:30');
  await hours.getByLabel('Friday').fill('9:00-15:00');
  await hours.getByLabel('Holidays').fill('2026-12-25');
  await hours.getByLabel('Voicemail greeting').fill('You reached the help desk.');
  await hours.getByLabel('After-hours reply').fill('Thanks! We open at 9.');
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await hours.getByText('Saved.').waitFor();
  assert.deepEqual(await admin.call('GET', `/api/v1/teams/${team.id}/routing`), {
    after_hours_reply: 'Thanks! We open at 9.',
    business_hours: { holidays: ['2026-12-25'], timezone: 'America/New_York',
      weekly: { mon: [['09:00', '12:00'], ['13:00', '17:30']], fri: [['09:00', '15:00']] } },
    voicemail_greeting: 'You reached the help desk.',
  });
  // A bad interval is refused with a message, nothing is saved.
  await hours.getByLabel('Monday').fill('nine to five');
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await hours.getByRole('alert').getByText('Monday: write hours like 09:00-17:00').waitFor();

  await settings(page, 'Canned responses');
  const canned = page.getByRole('form', { name: 'New canned response' });
  await canned.getByLabel('Shortcut').fill('/thanks');
  await canned.getByLabel('Text').fill('Thanks for writing!');
  await canned.getByRole('button', { name: 'Add response' }).click();
  await page.getByText('/thanks was added.').waitFor();
  await canned.getByLabel('Shortcut').fill('thanks');
  await canned.getByLabel('Text').fill('again');
  await canned.getByRole('button', { name: 'Add response' }).click();
  await canned.getByRole('alert').getByText('a canned response with this shortcut exists').waitFor(); // the API's message
  await page.getByRole('button', { name: 'Edit /thanks' }).click();
  await page.getByRole('form', { name: 'Edit /thanks' }).getByLabel('Text').fill('Thank you for writing!');
  await page.getByRole('button', { name: 'Save response' }).click();
  await page.getByText('/thanks was saved.').waitFor();
  assert.equal((await admin.call('GET', '/api/v1/canned_responses')).items[0].body, 'Thank you for writing!');

  await settings(page, 'Labels');
  const labels = page.getByRole('form', { name: 'New label' });
  await labels.getByLabel('Name').fill('billing');
  await labels.getByRole('button', { name: 'Add label' }).click();
  await page.getByText('billing was added.').waitFor();
  assert.deepEqual((await admin.call('GET', '/api/v1/labels')).items.map((l) => l.name), ['billing']);
  await page.getByRole('button', { name: 'Delete label billing' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByText('billing was deleted.').waitFor();
  assert.deepEqual((await admin.call('GET', '/api/v1/labels')).items, []);
  assert.deepEqual(errors.filter((e) => !e.includes('409 (Conflict)')), [], 'only the duplicate shortcut failed');
  await page.close();
});

test('a viewer sees no reply box, no label or contact editing and no settings pages', async () => {
  const line = (await admin.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_teammate_id: admin.user.id })).number;
  await admin.call('POST', '/api/v1/teammates', {
    email: 'val@example.com', name: 'Val Viewer', role: 'viewer', password: 'viewer-password-1',
  });
  await customerTexts(daemon.url, '+14155550161', line, 'Is anyone there?');
  const { page, errors } = await signIn(browser, daemon.url, 'val@example.com', 'viewer-password-1');
  assert.equal(await page.getByRole('link', { name: 'Settings', exact: true }).isVisible(), false);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: shown('+14155550161') }).click();
  await page.locator('.msg.inbound', { hasText: 'Is anyone there?' }).waitFor();
  await page.getByRole('complementary', { name: 'Contact' }).getByRole('link', { name: shown('+14155550161') }).waitFor();
  assert.equal(await page.getByLabel('Message', { exact: true }).isVisible(), false, 'no composer');
  assert.equal(await page.getByLabel('Add label').isVisible(), false, 'no label editing');
  assert.equal(await page.getByRole('button', { name: 'Edit contact' }).count(), 0);
  // Typing the address of a settings page shows nothing to manage.
  await page.goto(`${daemon.url}/app/#/settings/teammates`);
  await page.getByText('Your role has no settings to manage.').waitFor();
  assert.equal(await page.getByRole('form', { name: 'Add a teammate' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Add teammate' }).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the settings pages fit a phone-sized screen', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password, { viewport: { width: 390, height: 844 } });
  for (const name of ['Teammates', 'Numbers', 'Teams', 'Business hours', 'Canned responses', 'Labels', 'Widget', 'Help center']) {
    await page.goto(`${daemon.url}/app/#/settings/${{ 'Business hours': 'hours', 'Canned responses': 'canned', 'Help center': 'helpcenter' }[name] || name.toLowerCase()}`);
    await page.getByRole('heading', { name, level: 2 }).waitFor();
    const width = await eventually(() => page.evaluate(() => document.documentElement.scrollWidth));
    assert.ok(width <= 390, `${name} is ${width}px wide at 390px`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
