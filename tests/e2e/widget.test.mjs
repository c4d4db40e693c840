// The website widget (/widget.js) embedded on a page of another origin (a tiny
// node server on its own port), in headless Chromium: a visitor writes, the
// agent answers, the visitor sees it live and after a reload; pages off the
// allow-list and wrong identity hashes are refused; visitors stay apart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { eventually, launchBrowser, login, signIn, startDaemon } from './support.mjs';

let daemon;
let admin;
let browser;
let shop; // allowed host page server
let evil; // a host page server that is not on the allow-list
let firstConversation;

// A host page embedding the widget; ?external_id=&user_hash= identify before it loads.
function hostServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const user = url.searchParams.get('external_id');
    const identify = user
      ? `<script>window.Switchboard=function(){(Switchboard.q=Switchboard.q||[]).push(arguments)};
         Switchboard('identify', ${JSON.stringify({ external_id: user, name: 'Ida', user_hash: url.searchParams.get('user_hash') })});</script>`
      : '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Shop</title>
      <style>button { background: lime; font-size: 40px; }</style></head>
      <body><h1>Our shop</h1><button id="host-button">Host button</button>${identify}
      <script src="${daemon.url}/widget.js" data-workspace="${admin.user.workspace_id}" async></script></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
  }));
}

before(async () => {
  daemon = await startDaemon();
  admin = await login(daemon.url, daemon.email, daemon.password);
  shop = await hostServer();
  evil = await hostServer();
  await admin.call('PATCH', '/api/v1/widget/settings', { allowed_origins: [shop.url] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  shop?.server.close();
  evil?.server.close();
  await daemon?.stop();
});

async function visit(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { context, page, errors };
}
const state = (page) => page.locator('#switchboard-widget').getAttribute('data-state');

test('a visitor writes, the agent answers, the visitor sees it live and after a reload', async () => {
  const { context, page, errors } = await visit(`${shop.url}/`);
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  // The host page's button style does not leak into the widget, nor the widget's out.
  assert.notEqual(await page.getByRole('button', { name: 'Send' }).evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(0, 255, 0)');
  assert.equal(await page.locator('#host-button').evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(0, 255, 0)');

  await page.getByLabel('Message', { exact: true }).fill('Do you ship to Canada?');
  await page.keyboard.press('Enter');
  await page.locator('.m.in:not(.pending)', { hasText: 'Do you ship to Canada?' }).waitFor();

  const conv = await eventually(async () => {
    const { items } = await admin.call('GET', '/api/v1/conversations?status=all');
    return items.find((c) => c.preview === 'Do you ship to Canada?');
  }, { what: 'the visitor conversation in the agent API' });
  firstConversation = conv.id;
  assert.equal(conv.channel, 'chat');
  const thread = await admin.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.equal(thread.items[0].direction, 'inbound');
  assert.equal(thread.items[0].sender.kind, 'contact');

  await admin.call('POST', `/api/v1/conversations/${conv.id}/messages`, { body: 'Internal: check stock', private: true });
  const reply = await admin.call('POST', `/api/v1/conversations/${conv.id}/messages`, { body: 'Yes, in 3 to 5 days.' });
  assert.equal(reply.status, 'delivered');
  await page.locator('.m.out', { hasText: 'Yes, in 3 to 5 days.' }).waitFor(); // live, no reload
  await page.getByText(`You are chatting with`).waitFor();

  // Closed panel: a new reply counts as unread on the launcher.
  await page.keyboard.press('Escape');
  await admin.call('POST', `/api/v1/conversations/${conv.id}/messages`, { body: 'Anything else?' });
  await page.getByRole('button', { name: /1 unread/ }).waitFor();

  await page.reload();
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.locator('.m.in', { hasText: 'Do you ship to Canada?' }).waitFor();
  await page.locator('.m.out', { hasText: 'Yes, in 3 to 5 days.' }).waitFor();
  assert.equal(await page.getByText('Internal: check stock').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

// issue 16 item 18: the offline state promised "leave your email and we will reply
// there", but there is no email channel. It now says when the team usually replies
// and that the answer appears in the chat; a left email is only kept on the contact.
test('offline, the widget says when the team replies and that the answer comes in the chat', async () => {
  await admin.call('PATCH', '/api/v1/widget/settings', {
    office_hours: 'Mon-Fri 9:00-17:00 CET', reply_time: 'We usually reply within 2 hours.',
  });
  const { context, page, errors } = await visit(`${shop.url}/`);
  try {
    await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel('Message', { exact: true }).fill('Is anyone there?');
    await page.keyboard.press('Enter');
    await page.locator('.m.in:not(.pending)', { hasText: 'Is anyone there?' }).waitFor();
    // Nobody has the inbox open: the away note, with the settings' hours and reply time.
    const away = page.locator('.away');
    await away.waitFor();
    const text = await away.textContent();
    assert.match(text, /Mon-Fri 9:00-17:00 CET/);
    assert.match(text, /We usually reply within 2 hours\./);
    assert.match(text, /answer will appear here in this chat/);
    const dialog = await page.getByRole('dialog').textContent();
    assert.doesNotMatch(dialog, /reply there|reply to you by email|we will (email|write to) you/i);

    await page.getByLabel(/Your email/).fill('carla@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Thanks, your email is saved with your conversation. The answer will appear here in this chat.').waitFor();
    assert.doesNotMatch(await page.getByRole('dialog').textContent(), /We will reply to carla@example\.com/);
    // Kept on the visitor's contact, for the team to see.
    const conv = await eventually(async () => {
      const { items } = await admin.call('GET', '/api/v1/conversations?status=all');
      return items.find((c) => c.preview === 'Is anyone there?');
    }, { what: 'the visitor conversation' });
    const contact = await eventually(async () => {
      const c = await admin.call('GET', `/api/v1/contacts/${conv.contact_id}`);
      return c.email === 'carla@example.com' ? c : null;
    }, { what: 'the email on the contact' });
    assert.equal(contact.email, 'carla@example.com');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await admin.call('PATCH', '/api/v1/widget/settings', { office_hours: '', reply_time: 'We usually reply within a few minutes.' });
  }
});

test('a page from an origin off the allow-list is refused', async () => {
  const { context, page } = await visit(`${evil.url}/`);
  // The session request fails in the browser (403 without CORS headers): no data reaches the page.
  const outcome = await page.evaluate(async ([base, ws]) => {
    try {
      const r = await fetch(`${base}/api/widget/v1/sessions`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ workspace_id: ws }),
      });
      return `status ${r.status}`;
    } catch (e) {
      return 'blocked';
    }
  }, [daemon.url, admin.user.workspace_id]);
  assert.equal(outcome, 'blocked');
  await new Promise((r) => setTimeout(r, 1500));
  assert.notEqual(await state(page), 'ready');
  // And the server itself said no.
  const direct = await fetch(`${daemon.url}/api/widget/v1/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: evil.url },
    body: JSON.stringify({ workspace_id: admin.user.workspace_id }),
  });
  assert.equal(direct.status, 403);
  assert.equal(direct.headers.get('access-control-allow-origin'), null);
  await context.close();
});

test('in required mode a wrong user_hash is refused and the right one is accepted', async () => {
  const { identity_secret: secret } = await admin.call('POST', '/api/v1/widget/settings/identity_secret');
  await admin.call('PATCH', '/api/v1/widget/settings', { identity_mode: 'required' });
  try {
    const wrong = createHmac('sha256', 'not-the-secret').update('user-77').digest('hex');
    const bad = await visit(`${shop.url}/?external_id=user-77&user_hash=${wrong}`);
    await bad.page.locator('#switchboard-widget[data-state="refused"]').waitFor({ state: 'attached' });
    await bad.context.close();

    const right = createHmac('sha256', secret).update('user-77').digest('hex');
    const good = await visit(`${shop.url}/?external_id=user-77&user_hash=${right}`);
    await good.page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
    await good.context.close();
  } finally {
    await admin.call('PATCH', '/api/v1/widget/settings', { identity_mode: 'off' });
  }
});

test('a second visitor reads neither the first one\'s conversation nor their events', async () => {
  assert.ok(firstConversation, 'the first test made a conversation');
  const { context, page } = await visit(`${shop.url}/`);
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  assert.equal(await page.getByText('Do you ship to Canada?').count(), 0);

  // As the second visitor, by hand: their own token, the first one's conversation id.
  const status = await page.evaluate(async ([base, ws, cid]) => {
    const s = await (await fetch(`${base}/api/widget/v1/sessions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ workspace_id: ws }),
    })).json();
    window.__token = s.token;
    window.__events = [];
    const sock = new WebSocket(`${base.replace('http', 'ws')}/ws/widget?token=${s.token}`);
    sock.onmessage = (e) => window.__events.push(JSON.parse(e.data));
    await new Promise((r) => { sock.onopen = r; });
    const r = await fetch(`${base}/api/widget/v1/conversations/${cid}/messages`, { headers: { Authorization: `Bearer ${s.token}` } });
    return r.status;
  }, [daemon.url, admin.user.workspace_id, firstConversation]);
  assert.equal(status, 404);

  await admin.call('POST', `/api/v1/conversations/${firstConversation}/messages`, { body: 'Only for the first visitor' });
  await new Promise((r) => setTimeout(r, 1000));
  const events = await page.evaluate(() => window.__events);
  assert.deepEqual(events.map((e) => e.type), ['ready']);
  assert.equal(await page.getByText('Only for the first visitor').count(), 0);
  await context.close();
});

test('widget.js stays small and the demo page embeds it', async () => {
  const js = await (await fetch(`${daemon.url}/widget.js`)).text();
  assert.ok(js.length < 40 * 1024, `widget.js is ${js.length} bytes`);
  const demo = await (await fetch(`${daemon.url}/demo/`)).text();
  assert.match(demo, /<script src="\/widget.js" data-workspace="1" async><\/script>/);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${daemon.url}/demo/`);
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  assert.deepEqual(errors, []); // no CSP violation on our own page
  await page.close();
});

test('the Widget settings page shows the snippet, saves origins and rotates the secret', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await page.goto(`${daemon.url}/app/#/settings/widget`);
  const snippet = page.getByLabel('Install snippet');
  await snippet.waitFor();
  assert.match(await snippet.inputValue(), /\/widget\.js" data-workspace="\d+" async><\/script>/);
  // issue 16 item 19: the daemon listens on 127.0.0.1:<port 0's port> with no public_url:
  // the snippet names that address (it said 127.0.0.1:8080), with a loopback warning.
  assert.ok((await snippet.inputValue()).includes(`src="${daemon.url}/widget.js"`), await snippet.inputValue());
  await page.getByRole('alert').filter({ hasText: /loopback address/ }).waitFor();
  const origins = page.getByLabel('Allowed origins');
  await origins.fill(`${shop.url}\nhttps://*.example.com`);
  await page.getByRole('button', { name: 'Save widget settings' }).click();
  await page.getByText('Widget settings saved.').waitFor();
  const saved = await admin.call('GET', '/api/v1/widget/settings');
  assert.deepEqual(saved.allowed_origins, [shop.url, 'https://*.example.com']);
  // A bad origin is refused with the server's message.
  await page.getByLabel('Allowed origins').fill('*');
  await page.getByRole('button', { name: 'Save widget settings' }).click();
  await page.getByText(/is not an origin/).waitFor();

  await page.getByRole('button', { name: /Rotate secret|Create secret/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Create secret' }).click();
  await page.getByText('New secret (shown once').waitFor();
  assert.match(await page.locator('.secret code').textContent(), /^[0-9a-f]{64}$/);
  // The refused save logs its 400 in the console; nothing else may fail.
  assert.deepEqual(errors.filter((e) => !e.includes('status of 400')), []);
  await page.close();
});

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const decoded = (img) => img.evaluate((i) => i.complete && i.naturalWidth > 0);

test('issue 18: a visitor attaches an image, the agent sees it and attaches one that reaches the widget', async () => {
  const { context, page, errors } = await visit(`${shop.url}/`);
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByLabel('Message', { exact: true }).fill('The lid is cracked');
  await page.keyboard.press('Enter');
  await page.locator('.m.in:not(.pending)', { hasText: 'The lid is cracked' }).waitFor();
  // A visitor may attach images and PDFs.
  await page.locator('#switchboard-widget input[type=file]').setInputFiles({ name: 'lid.png', mimeType: 'image/png', buffer: png });
  const sent = page.locator('.m.in:not(.pending) img');
  await sent.waitFor();
  await eventually(() => decoded(sent), { what: 'the visitor\'s image in the widget' });

  const conv = await eventually(async () => {
    const { items } = await admin.call('GET', '/api/v1/conversations?status=all&limit=100');
    for (const c of items.filter((x) => x.channel === 'chat')) {
      const thread = await admin.call('GET', `/api/v1/conversations/${c.id}/messages`);
      if (thread.items.some((m) => m.body === 'The lid is cracked') && thread.items.some((m) => m.media.length)) return c;
    }
    return null;
  }, { what: 'the chat with the image' });
  const agent = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await agent.page.goto(`${daemon.url}/app/#/conversations/${conv.id}`);
  const seen = agent.page.locator('.msg.inbound img.media-image');
  await seen.waitFor();
  await eventually(() => decoded(seen), { what: 'the visitor\'s image in the inbox' });

  await agent.page.locator('#attach-input').setInputFiles({ name: 'new-lid.png', mimeType: 'image/png', buffer: png });
  await agent.page.locator('#attachments', { hasText: 'new-lid.png' }).waitFor();
  await agent.page.getByRole('button', { name: 'Send' }).click();
  await agent.page.locator('.msg.outbound img.media-image').waitFor();

  // Live in the widget, fetched with the visitor's own token.
  const reply = page.locator('.m.out img');
  await reply.waitFor({ timeout: 10000 });
  await eventually(() => decoded(reply), { what: 'the agent\'s image in the widget' });
  assert.deepEqual(errors, []);
  assert.deepEqual(agent.errors, []);
  await agent.page.close();
  await context.close();
});
