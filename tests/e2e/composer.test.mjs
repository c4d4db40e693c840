// Issue 18, delivery and composing, in headless Chromium: the SMS segment counter
// (web/app/segments.js and the composer), a failed text explained with a Retry
// that sends it again (Twilio's REST API faked in this process, its status
// callbacks signed here), and typing indicators between the widget and the inbox.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import {
  customerTexts, eventually, launchBrowser, login, shown, signIn, startDaemon,
} from './support.mjs';

let daemon;
let admin;
let browser;
let line; // a sandbox line the admin owns
let shop; // a host page embedding the widget

before(async () => {
  daemon = await startDaemon();
  admin = await login(daemon.url, daemon.email, daemon.password);
  line = (await admin.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_teammate_id: admin.user.id })).number;
  shop = await listen((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Shop</title></head><body><h1>Our shop</h1>
      <script src="${daemon.url}/widget.js" data-workspace="${admin.user.workspace_id}" async></script></body></html>`);
  });
  await admin.call('PATCH', '/api/v1/widget/settings', { allowed_origins: [shop.url] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  shop?.server.close();
  await daemon?.stop();
});

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
  }));
}

const open = (url, email = daemon.email, password = daemon.password) => signIn(browser, url, email, password);

async function openConversation(page, id) {
  await page.evaluate((cid) => { location.hash = `#/conversations/${cid}`; }, id);
  await page.locator('#detail:not([hidden])').waitFor();
}

test('segments.js counts GSM-7 septets and UCS-2 code units into segments', async () => {
  const { page, errors } = await open(daemon.url);
  const cases = await page.evaluate(async () => {
    const { smsSegments } = await import('/app/segments.js');
    const of = (text) => {
      const s = smsSegments(text);
      return [s.encoding, s.units, s.segments];
    };
    return {
      ascii160: of('a'.repeat(160)),
      ascii161: of('a'.repeat(161)),
      euro80: of('€'.repeat(80)),
      euro81: of('€'.repeat(81)),
      bracket: of(`${'a'.repeat(159)}[`),
      greek: of('ΔΦΓ'),
      emoji: of('Hi 😀'),
      emoji35: of('😀'.repeat(35)),
      emoji36: of('😀'.repeat(36)),
      accent: of('ê'),
      straddle: of(`${'a'.repeat(152)}€${'a'.repeat(152)}`),
      pairNotSplit: of(`${'a'.repeat(66)}😀b`),
      empty: of(''),
    };
  });
  assert.deepEqual(cases.ascii160, ['GSM-7', 160, 1], 'plain ASCII: 160 fit one segment');
  assert.deepEqual(cases.ascii161, ['GSM-7', 161, 2], '161 take two (153 each)');
  assert.deepEqual(cases.euro80, ['GSM-7', 160, 1], '€ is an extension character: 2 septets');
  assert.deepEqual(cases.euro81, ['GSM-7', 162, 2]);
  assert.deepEqual(cases.bracket, ['GSM-7', 161, 2], '[ counts double');
  assert.deepEqual(cases.greek, ['GSM-7', 3, 1], 'the basic set has Greek capitals');
  assert.deepEqual(cases.emoji, ['UCS-2', 5, 1], 'an emoji forces UCS-2; its surrogate pair counts 2');
  assert.deepEqual(cases.emoji35, ['UCS-2', 70, 1], '70 code units fit one segment');
  assert.deepEqual(cases.emoji36, ['UCS-2', 72, 2], 'then 67 per segment');
  assert.deepEqual(cases.accent, ['UCS-2', 1, 1], 'ê is not in GSM-7');
  assert.deepEqual(cases.straddle, ['GSM-7', 306, 3], 'an escape pair is never split across segments');
  assert.deepEqual(cases.pairNotSplit, ['UCS-2', 69, 1]);
  assert.deepEqual(cases.empty, ['GSM-7', 0, 0]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the composer shows characters, encoding and segments while an SMS reply is typed', async () => {
  await customerTexts(daemon.url, '+14155550161', line, 'Can you send the details?');
  const conv = await eventually(async () => (await admin.call('GET', '/api/v1/conversations?status=all')).items
    .find((c) => c.contact.phone === '+14155550161'), { what: 'the conversation' });
  const { page, errors } = await open(daemon.url);
  await openConversation(page, conv.id);
  await page.locator('#contact-name', { hasText: shown('+14155550161') }).waitFor();
  const counter = page.locator('#segments');
  const box = page.getByLabel('Message', { exact: true });
  assert.equal(await counter.isVisible(), false, 'nothing typed yet');
  await box.fill('a'.repeat(160));
  await counter.filter({ hasText: '160 characters · GSM-7 · 1 segment' }).waitFor();
  await box.press('End');
  await box.pressSequentially('b');
  await counter.filter({ hasText: '161 characters · GSM-7 · 2 segments' }).waitFor();
  await box.fill('Price: 5€ [incl. tax]');
  await counter.filter({ hasText: '21 characters · GSM-7 · 1 segment' }).waitFor();
  await box.fill('Thanks 🙏');
  await counter.filter({ hasText: '8 characters · UCS-2 · 1 segment' }).waitFor();
  // A private note is not a text: no counter.
  await page.getByLabel('Private note').check();
  await counter.waitFor({ state: 'hidden' });
  await page.getByLabel('Reply', { exact: true }).check();
  await counter.waitFor();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.locator('.msg.outbound', { hasText: 'Thanks 🙏' }).waitFor();
  await counter.waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
  await page.close();
});

// Twilio's Messages.json on loopback: every send is accepted ("sent", so the test
// can see the SID was stored) with a new SID; the delivery reports come later, as
// status callbacks the test signs.
async function fakeTwilio() {
  const sends = [];
  const fake = await listen((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      sends.push({ path: req.url, form: new URLSearchParams(body) });
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ sid: `SMe2e${sends.length}`, status: 'sent' }));
    });
  });
  return { ...fake, sends };
}

// X-Twilio-Signature: HMAC-SHA1 over the URL and the sorted parameters.
function twilioPost(daemonUrl, publicUrl, token, path, params) {
  const data = publicUrl + path + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return fetch(`${daemonUrl}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': createHmac('sha1', token).update(data).digest('base64'),
    },
    body: new URLSearchParams(params).toString(),
  });
}

test('a text the carrier could not deliver says why, and Retry sends it again', async () => {
  const twilio = await fakeTwilio();
  const publicUrl = 'http://switchboard.e2e.test';
  const token = 'e2e-twilio-token';
  const d = await startDaemon({
    env: {
      SWITCHBOARD_PUBLIC_URL: publicUrl,
      SWITCHBOARD_CARRIERS_TWILIO_ACCOUNT_SID: 'ACe2e',
      SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN: token,
      SWITCHBOARD_CARRIERS_TWILIO_API_BASE: twilio.url,
    },
  });
  try {
    const owner = await login(d.url, d.email, d.password);
    const biz = '+14155550100';
    const customer = '+14155550177';
    await owner.call('POST', '/api/v1/numbers', { carrier: 'twilio', number: biz, owner_teammate_id: owner.user.id });
    const twilioWebhook = async (path, params) => {
      const r = await twilioPost(d.url, publicUrl, token, path, { AccountSid: 'ACe2e', ...params });
      assert.equal(r.status, 200, `${path}: ${await r.text()}`);
    };
    await twilioWebhook('/webhooks/twilio/sms', {
      MessageSid: `SM${'a'.repeat(32)}`, From: customer, To: biz, Body: 'Where is my parcel?', NumMedia: '0',
    });
    const conv = (await owner.call('GET', '/api/v1/conversations?status=all')).items[0];
    const { page, errors } = await open(d.url, d.email, d.password);
    await openConversation(page, conv.id);
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('It left our warehouse today');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const bubble = page.locator('.msg.outbound', { hasText: 'It left our warehouse today' });
    await bubble.waitFor();
    await eventually(() => twilio.sends.length === 1, { what: 'the first send' });
    assert.equal(twilio.sends[0].form.get('To'), customer);
    const status = (sid, s, code) => twilioWebhook('/webhooks/twilio/sms/status', {
      MessageSid: sid, MessageStatus: s, To: customer, From: biz, ...(code ? { ErrorCode: code } : {}),
    });
    await eventually(async () => {
      const m = (await owner.call('GET', `/api/v1/conversations/${conv.id}/messages`)).items.at(-1);
      return m.status === 'sent' && m.direction === 'outbound';
    }, { what: 'the carrier to accept the send' });
    await status('SMe2e1', 'undelivered', '30003');

    // Failed, live: the explanation, the carrier's own words, and Retry.
    await page.locator('.msg.failed', { hasText: 'It left our warehouse today' }).waitFor();
    const why = bubble.locator('.delivery-error');
    assert.match(await why.textContent(), /phone is unreachable/);
    assert.match(await why.textContent(), /carrier error 30003/);
    assert.match(await bubble.locator('.meta').textContent(), /failed/);

    await bubble.getByRole('button', { name: 'Retry' }).click();
    await eventually(() => twilio.sends.length === 2, { what: 'the second send' });
    assert.equal(twilio.sends[1].form.get('Body'), 'It left our warehouse today');
    await page.locator('.msg.failed').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.msg.outbound', { hasText: 'It left our warehouse today' }).count(), 1,
      'the failed bubble became the one sent again');
    await eventually(async () => {
      const m = (await owner.call('GET', `/api/v1/conversations/${conv.id}/messages`)).items.at(-1);
      return m.status === 'sent' && m.metadata.retries === 1;
    }, { what: 'the carrier to accept the second send' });
    await status('SMe2e2', 'delivered');
    await bubble.locator('.meta', { hasText: 'delivered' }).waitFor();
    assert.equal(await bubble.getByRole('button', { name: 'Retry' }).count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await d.stop();
    twilio.server.close();
  }
});

test('a visitor typing shows in the inbox, and the agent typing shows in the widget', async () => {
  const visitor = await browser.newContext();
  const widget = await visitor.newPage();
  await widget.goto(`${shop.url}/`);
  await widget.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await widget.getByRole('button', { name: 'Open chat' }).click();
  const visitorBox = widget.getByLabel('Message', { exact: true });
  await visitorBox.fill('Hello, a question about sizes');
  await widget.keyboard.press('Enter');
  const conv = await eventually(async () => (await admin.call('GET', '/api/v1/conversations?status=all')).items
    .find((c) => c.preview === 'Hello, a question about sizes'), { what: 'the widget conversation' });

  const { page, errors } = await open(daemon.url);
  await openConversation(page, conv.id);
  await page.locator('.msg.inbound', { hasText: 'Hello, a question about sizes' }).waitFor();
  const typing = page.locator('#typing');

  // The visitor types: the inbox says so; their message ends it.
  await visitorBox.pressSequentially('Do you have');
  await typing.filter({ hasText: /is typing…/ }).waitFor();
  await widget.keyboard.press('Enter');
  await page.locator('.msg.inbound', { hasText: 'Do you have' }).waitFor();
  await eventually(async () => (await typing.textContent()) === '', { what: 'the indicator to clear' });

  // The agent types a reply: the widget shows their name; the inbox ignores its own echo.
  const box = page.getByLabel('Message', { exact: true });
  await box.pressSequentially('Yes, all sizes');
  await widget.getByText(`${admin.user.name} is typing…`).waitFor();
  assert.equal(await typing.textContent(), '', 'your own typing is not shown to you');
  // Leaving the box says typing:false at once.
  await page.getByRole('button', { name: 'Resolve' }).focus();
  await widget.getByText(`${admin.user.name} is typing…`).waitFor({ state: 'detached' });

  // A teammate typing in the same conversation shows by name, and clears with typing:false.
  await admin.call('POST', '/api/v1/teammates', {
    email: 'bo@example.com', name: 'Bo', password: 'bo-password-123', role: 'agent',
  });
  const bo = await login(daemon.url, 'bo@example.com', 'bo-password-123');
  await page.evaluate(([t, cid]) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${location.host}/ws/agent?token=${encodeURIComponent(t)}`);
    ws.onopen = () => { ws.send(JSON.stringify({ type: 'typing', conversation_id: cid, typing: true })); window.boSocket = ws; resolve(); };
    ws.onerror = reject;
  }), [bo.token, conv.id]);
  await typing.filter({ hasText: 'Bo is typing…' }).waitFor();
  await page.evaluate((cid) => window.boSocket.send(JSON.stringify({ type: 'typing', conversation_id: cid, typing: false })), conv.id);
  await eventually(async () => (await typing.textContent()) === '', { what: "Bo's indicator to clear" });
  await page.evaluate(() => window.boSocket.close());
  assert.deepEqual(errors, []);
  await page.close();
  await visitor.close();
});
