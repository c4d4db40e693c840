// Screenshots of the main screens into docs/screenshots/ (scripts/screenshots.sh).
// Starts its own daemon on port 0, fills it through the sandbox carrier, and
// drives Debian's chromium through playwright-core like the browser tests.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, login, shown, startDaemon } from './support.mjs';

const out = resolve(fileURLToPath(import.meta.url), '../../../docs/screenshots');
mkdirSync(out, { recursive: true });

const daemon = await startDaemon();
const browser = await launchBrowser();
try {
  const admin = await login(daemon.url, daemon.email, daemon.password);
  await admin.call('PATCH', `/api/v1/teammates/${admin.user.id}`, { name: 'Dana Reyes' });
  const line = (await admin.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_teammate_id: admin.user.id })).number;
  const post = (path, body) =>
    fetch(`${daemon.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` },
      body: JSON.stringify(body),
    })
      .then((r) => r.json());
  const texts = [
    ['+14155550141', 'Hi! Is the blue jacket still in stock in size M?'],
    ['+14155550142', 'Can I change the delivery address for order 1042?'],
    ['+14155550143', 'Thanks for the quick help yesterday!'],
  ];
  for (const [from, body] of texts) await post('/api/sandbox/v1/messages', { from, to: line, body });
  // A voicemail with its transcript.
  const call = await post('/api/sandbox/v1/calls', { from: '+14155550144', to: line });
  const step = (url, params) => post(`/api/sandbox/v1/calls/${call.sid}/events`, { from: '+14155550144', to: line, url, params });
  await step('/webhooks/sandbox/voice/voicemail', {
    RecordingSid: 'RE1', RecordingUrl: `${daemon.url}/api/sandbox/v1/recordings/RE1.wav?seconds=6`, RecordingDuration: '6',
  });
  await step('/webhooks/sandbox/voice/transcription', {
    RecordingSid: 'RE1', TranscriptionText: 'Hi, this is Sam. Please call me back about the invoice, thanks!',
  });
  await post(`/api/sandbox/v1/calls/${call.sid}/events`, {
    from: '+14155550144', to: line, url: '/webhooks/sandbox/voice/status', status: 'completed', params: { CallDuration: '20' },
  });

  // A workspace with people, a team, numbers, labels, canned responses and a known customer.
  const alex = await admin.call('POST', '/api/v1/teammates', {
    email: 'alex@example.com', name: 'Alex Kim', role: 'agent', password: 'alex-password-1', physical_number: '+14155550190',
  });
  await admin.call('PATCH', `/api/v1/teammates/${alex.id}`, { sms_forwarding: 'phone' });
  const sam = await admin.call('POST', '/api/v1/teammates', { email: 'sam@example.com', name: 'Sam Ortiz', role: 'admin' });
  await admin.call('POST', '/api/v1/teammates', { email: 'vi@example.com', name: 'Vi Tran', role: 'viewer' });
  const team = await admin.call('POST', '/api/v1/teams', { name: 'Support', member_ids: [alex.id, sam.id] });
  // Not 415: the sandbox pool there is 555-01xx, the same as the customers' phones above.
  await admin.call('POST', '/api/v1/numbers', { area_code: '212', owner_teammate_id: alex.id });
  await admin.call('POST', '/api/v1/numbers', { area_code: '628', owner_team_id: team.id });
  for (const [name, color] of [['vip', '#d97706'], ['billing', '#2563eb'], ['returns', '#059669']]) {
    await admin.call('POST', '/api/v1/labels', { name, color });
  }
  await admin.call('POST', '/api/v1/canned_responses', { shortcut: 'hold', body: 'I have put one aside for you until Saturday.' });
  await admin.call('POST', '/api/v1/canned_responses', { shortcut: 'thanks', body: 'Thanks for writing!' });
  const maya = (await admin.call('GET', '/api/v1/contacts?q=0141')).items[0];
  await admin.call('PATCH', `/api/v1/contacts/${maya.id}`, {
    name: 'Maya Chen', email: 'maya@example.com', attributes: { plan: 'Loyalty gold', city: 'Oakland' },
  });
  const past = await admin.call('POST', '/api/v1/conversations', {
    contact_id: maya.id, channel: 'sms', subject: 'Order 1042 delivery', body: 'Your order 1042 is on its way!',
  });
  await admin.call('PATCH', `/api/v1/conversations/${past.id}`, { status: 'resolved' });
  const current = (await admin.call('GET', `/api/v1/conversations?contact_id=${maya.id}&status=open`)).items[0];
  await admin.call('PATCH', `/api/v1/conversations/${current.id}`, { labels: ['vip'] });

  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${daemon.url}/app/`);
  await page.screenshot({ path: join(out, 'login.png') });
  await page.getByLabel('Email').fill(daemon.email);
  await page.getByLabel('Password').fill(daemon.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: 'Maya Chen' }).click();
  await page.getByRole('complementary', { name: 'Contact' }).getByRole('link', { name: 'Order 1042 delivery' }).waitFor();
  await page.getByLabel('Message', { exact: true }).fill('Yes, we have it in M. Shall I hold one for you until Saturday?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByLabel('Private note').check();
  await page.getByLabel('Message', { exact: true }).fill('Regular customer, offer the loyalty discount.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.note').waitFor();
  await page.getByRole('radio', { name: 'Reply' }).check();
  await page.screenshot({ path: join(out, 'inbox.png') });
  await page.getByRole('complementary', { name: 'Contact' }).screenshot({ path: join(out, 'contact.png') });
  await page.locator('.conv-item', { hasText: shown('+14155550144') }).click();
  await page.locator('.msg.kind-voicemail').waitFor();
  await page.screenshot({ path: join(out, 'voicemail.png') });
  await page.goto(`${daemon.url}/app/#/settings/numbers`);
  await page.getByRole('cell', { name: /^\(628\)/ }).waitFor();
  await page.screenshot({ path: join(out, 'settings-numbers.png') });
  await page.goto(`${daemon.url}/app/#/settings/teammates`);
  await page.getByRole('cell', { name: 'alex@example.com' }).waitFor();
  await page.screenshot({ path: join(out, 'settings-teammates.png') });
  await page.goto(`${daemon.url}/app/#/settings/widget`);
  await page.getByLabel('Install snippet').waitFor();
  await page.screenshot({ path: join(out, 'settings-widget.png') });
  await page.goto(`${daemon.url}/app/#/reports`);
  await page.getByRole('group', { name: 'New and resolved conversations per day' }).waitFor();
  await page.screenshot({ path: join(out, 'reports.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(out, 'settings-phone.png') });
  await page.goto(`${daemon.url}/app/#/inbox`);
  await page.locator('.conv-item').first().waitFor();
  await page.screenshot({ path: join(out, 'inbox-phone.png') });

  const sim = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await sim.goto(`${daemon.url}/simulator/`);
  await sim.getByLabel('Email').fill(daemon.email);
  await sim.getByLabel('Password').fill(daemon.password);
  await sim.getByRole('button', { name: 'Sign in' }).click();
  await sim.getByLabel('Your phone number', { exact: true }).fill('+14155550141');
  await sim.getByLabel('Your phone number', { exact: true }).dispatchEvent('change');
  await sim.getByLabel('Text message').fill('Yes please, I will come by on Saturday.');
  await sim.getByRole('button', { name: 'Send' }).click();
  await sim.locator('.bubble.theirs').first().waitFor();
  await sim.screenshot({ path: join(out, 'simulator.png') });
  await sim.getByRole('tab', { name: 'Call' }).click();
  await sim.getByRole('button', { name: 'Call', exact: true }).click();
  await sim.locator('.heard.say').first().waitFor();
  await sim.screenshot({ path: join(out, 'simulator-call.png') });

  // The chat widget on the demo page, in a conversation the inbox answers.
  const demo = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await demo.goto(`${daemon.url}/demo/`);
  await demo.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await demo.getByRole('button', { name: 'Open chat' }).click();
  await demo.getByLabel('Message', { exact: true }).fill('Hi! Do you have the linen shirt in blue?');
  await demo.keyboard.press('Enter');
  await demo.locator('.m.in:not(.pending)').first().waitFor();
  const chat = (await admin.call('GET', '/api/v1/conversations?status=all')).items.find((c) => c.channel === 'chat');
  await admin.call('POST', `/api/v1/conversations/${chat.id}/messages`, { body: 'Hello! Yes, in S to XL. Want me to put one aside?' });
  await demo.locator('.m.out').first().waitFor();
  await demo.screenshot({ path: join(out, 'widget.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await daemon.stop();
}
