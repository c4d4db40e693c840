// Screenshots of the main screens into docs/screenshots/ (scripts/screenshots.sh).
// Starts its own daemon on port 0, fills it through the sandbox carrier, and
// drives Debian's chromium through playwright-core like the browser tests.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, login, startDaemon } from './support.mjs';

const out = resolve(fileURLToPath(import.meta.url), '../../../docs/screenshots');
mkdirSync(out, { recursive: true });

const daemon = await startDaemon();
const browser = await launchBrowser();
try {
  const admin = await login(daemon.url, daemon.email, daemon.password);
  await admin.call('PATCH', `/api/v1/teammates/${admin.user.id}`, { name: 'Dana Reyes' });
  const line = (await admin.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_teammate_id: admin.user.id })).number;
  const post = (path, body) =>
    fetch(`${daemon.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
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

  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${daemon.url}/app/`);
  await page.screenshot({ path: join(out, 'login.png') });
  await page.getByLabel('Email').fill(daemon.email);
  await page.getByLabel('Password').fill(daemon.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: '+14155550141' }).click();
  await page.getByLabel('Message', { exact: true }).fill('Yes, we have it in M. Shall I hold one for you until Saturday?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByLabel('Private note').check();
  await page.getByLabel('Message', { exact: true }).fill('Regular customer, offer the loyalty discount.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.note').waitFor();
  await page.getByRole('radio', { name: 'Reply' }).check();
  await page.screenshot({ path: join(out, 'inbox.png') });
  await page.locator('.conv-item', { hasText: '+14155550144' }).click();
  await page.locator('.msg.kind-voicemail').waitFor();
  await page.screenshot({ path: join(out, 'voicemail.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(out, 'inbox-phone.png') });

  const sim = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await sim.goto(`${daemon.url}/simulator/`);
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
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await daemon.stop();
}
