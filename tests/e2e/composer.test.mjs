// Issue 18, delivery and composing, in headless Chromium: a failed text
// explained with a Retry that sends it again (Twilio's REST API faked in this
// process, its status callbacks signed here).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { eventually, launchBrowser, login, signIn, startDaemon } from './support.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

function listen(handler) {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
  }));
}

const open = (url, email, password) => signIn(browser, url, email, password);

async function openConversation(page, id) {
  await page.evaluate((cid) => { location.hash = `#/conversations/${cid}`; }, id);
  await page.locator('#detail:not([hidden])').waitFor();
}

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
