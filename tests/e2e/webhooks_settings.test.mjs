// Settings → Webhooks in headless Chromium (issue 21): an admin adds an endpoint
// on a receiver of the test's own (127.0.0.1, allowed by
// webhooks.allow_private_targets), sees its signing secret once, sends a test
// event (signed by the Standard Webhooks headers), follows it in the delivery log
// through a failed attempt (HTTP 500 while the endpoint is disabled) and a replay
// that succeeds, reads its payload, pages the log, rotates the secret (both
// secrets sign for a while), edits, disables and enables, and deletes the endpoint;
// the page passes the accessibility checker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { assertAccessible } from './a11y.mjs';
import { eventually, launchBrowser, login, signIn, startDaemon } from './support.mjs';

let daemon;
let admin;
let browser;
let hooks; // the receiver

// A webhook receiver on 127.0.0.1:0: records every request; each answer comes from
// `plan` in turn ({status, gate}: a gate is a promise the answer waits for), then 200.
function receiver() {
  const requests = [];
  const plan = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      const step = plan.shift() || { status: 200 };
      if (step.gate) await step.gate;
      res.writeHead(step.status, { 'Content-Type': 'text/plain' });
      res.end(step.status === 200 ? 'ok' : 'receiver is failing');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, requests, plan, url: `http://127.0.0.1:${server.address().port}/hook` });
  }));
}

// The Standard Webhooks signature of a request under `secret` (whsec_ + base64 key).
function signature(secret, req) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const content = `${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${req.body}`;
  return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
}

before(async () => {
  daemon = await startDaemon({ env: { SWITCHBOARD_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' } });
  admin = await login(daemon.url, daemon.email, daemon.password);
  hooks = await receiver();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  hooks?.server.close();
  await daemon?.stop();
});

// The agent app has no h1 once signed in (a11y.test.mjs): within Settings the
// headings start at the page's h2 and never skip a level.
async function assertPageAccessible(page, where) {
  await assertAccessible(page, where, { skip: ['one-h1', 'heading-order'] });
  const levels = await page.locator('#settings').evaluate((root) => [...root.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter((h) => h.getClientRects().length > 0).map((h) => Number(h.localName[1])));
  assert.equal(levels[0], 2, `${where}: the page starts at its h2`);
  levels.forEach((l, i) => assert.ok(i === 0 || l <= levels[i - 1] + 1, `${where}: heading levels ${levels.join(', ')} skip one`));
}

test('an admin manages a webhook endpoint and follows its deliveries in Settings → Webhooks', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.url });
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks', exact: true }).click();
  await page.getByRole('heading', { name: 'Webhooks', level: 2 }).waitFor();
  await page.getByText('No endpoints yet.').waitFor();
  await assertPageAccessible(page, 'Settings → Webhooks, empty');

  // Add an endpoint: URL, description, two events (after trying "select all").
  const create = page.getByRole('form', { name: 'Add an endpoint' });
  const events = create.getByRole('group', { name: 'Events' });
  const all = events.getByLabel('Select all events');
  await all.check();
  assert.equal(await events.locator('input[data-choice]:checked').count(), 13, 'select all checks every event type');
  await all.uncheck();
  assert.equal(await events.locator('input[data-choice]:checked').count(), 0);
  await create.getByLabel('Endpoint URL').fill(hooks.url);
  await create.getByLabel('Description').fill('CRM sync');
  await events.getByLabel('message.created', { exact: true }).check();
  await events.getByLabel('conversation.created', { exact: true }).check();
  assert.equal(await all.evaluate((c) => c.indeterminate), true, 'a partial choice shows as mixed');
  await create.getByRole('button', { name: 'Add endpoint' }).click();

  // The secret, once, with a copy button.
  const secretBox = page.locator('#webhook-secret');
  await secretBox.waitFor();
  const secret = await secretBox.textContent();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  await page.getByText("it won't be shown again").waitFor();
  await page.getByRole('button', { name: 'Copy secret' }).click();
  await page.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  const [endpoint] = (await admin.call('GET', '/api/v1/webhooks')).items;
  assert.equal(endpoint.url, hooks.url);
  assert.equal(endpoint.description, 'CRM sync');
  assert.deepEqual([...endpoint.events].sort(), ['conversation.created', 'message.created']);
  assert.equal(endpoint.secret, undefined, 'the list never carries the secret');

  const card = page.getByRole('region', { name: `Endpoint ${hooks.url}` });
  await card.getByRole('heading', { name: hooks.url, level: 4 }).waitFor();
  await card.getByText('CRM sync').waitFor();
  assert.match(await card.locator('.webhook-state').textContent(), /^Enabled/);
  await card.getByText('conversation.created, message.created').waitFor();

  // Shown once: gone after the page is opened again.
  await page.reload();
  await card.waitFor();
  assert.equal(await secretBox.count(), 0, 'the secret is not shown again');

  // "Send test event": the first attempt is held by the receiver while the admin
  // disables the endpoint, then answered 500; the retry finds the endpoint
  // disabled and the delivery fails.
  let release;
  hooks.plan.push({ status: 500, gate: new Promise((r) => { release = r; }) });
  await card.getByRole('button', { name: `Send test event to ${hooks.url}` }).click();
  await page.getByText(`A webhook.test event was queued for ${hooks.url}`).waitFor();
  await eventually(() => hooks.requests.length === 1, { what: 'the test event at the receiver' });
  const first = hooks.requests[0];
  assert.equal(first.method, 'POST');
  assert.equal(first.path, '/hook');
  assert.equal(first.headers['content-type'], 'application/json');
  assert.match(first.headers['webhook-id'], /^msg_/);
  assert.match(first.headers['webhook-timestamp'], /^\d+$/);
  assert.ok(Math.abs(Number(first.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
  assert.equal(first.headers['webhook-signature'], signature(secret, first), 'signed with the secret shown');
  const body = JSON.parse(first.body);
  assert.equal(body.type, 'webhook.test');
  assert.equal(body.data.endpoint_id, endpoint.id);

  const log = card.getByRole('table', { name: `Deliveries to ${hooks.url}` });
  const row = log.getByRole('row').filter({ hasText: 'webhook.test' });
  await row.getByText('pending').waitFor();
  await card.getByRole('button', { name: `Disable ${hooks.url}` }).click();
  await page.getByText(`${hooks.url} was disabled.`).waitFor();
  assert.match(await card.locator('.webhook-state').textContent(), /^Disabled — disabled by an admin\./);
  assert.equal(await card.getByRole('button', { name: `Send test event to ${hooks.url}` }).isDisabled(), true);
  release();
  // The log stays open across the reload and follows the pending delivery.
  await row.getByText('failed', { exact: true }).waitFor({ timeout: 20000 });
  const cells = async (r) => Object.fromEntries(await r.locator('td').evaluateAll((tds) => tds.map((td) => [td.dataset.label, td.textContent])));
  let shown = await cells(row);
  assert.equal(shown.Attempts, '1');
  assert.equal(shown['HTTP status'], '500');
  assert.match(shown.Latency, /^\d+ ms$/);
  assert.equal(shown['Error or response'], 'the endpoint is disabled');
  assert.equal(hooks.requests.length, 1, 'nothing is sent to a disabled endpoint');

  // The endpoint shows it has been failing (the page opened again; the log by its button).
  await page.reload();
  await card.getByText(/Failing since/).waitFor();
  const toggle = card.getByRole('button', { name: `Delivery log of ${hooks.url}` });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await row.getByText('failed', { exact: true }).waitFor();
  await assertPageAccessible(page, 'Settings → Webhooks with a disabled, failing endpoint');

  // Replay is refused while the endpoint is disabled, and says why.
  await row.getByRole('button', { name: /^Replay webhook\.test/ }).click();
  await card.getByRole('alert').getByText('the endpoint is disabled: enable it first').waitFor();
  await card.getByRole('button', { name: `Enable ${hooks.url}` }).click();
  await page.getByText(`${hooks.url} was enabled.`).waitFor();
  assert.match(await card.locator('.webhook-state').textContent(), /^Enabled$/);
  await row.getByRole('button', { name: /^Replay webhook\.test/ }).click();
  await eventually(() => hooks.requests.length === 2, { what: 'the replay at the receiver' });
  assert.equal(hooks.requests[1].headers['webhook-id'], first.headers['webhook-id'], 'a replay keeps its webhook-id');
  await row.getByText('succeeded').waitFor();
  shown = await cells(row);
  assert.equal(shown.Attempts, '2');
  assert.equal(shown['HTTP status'], '200');
  assert.equal(shown['Error or response'], 'ok');

  // The status filter.
  const filter = card.getByLabel('Show', { exact: true });
  await filter.selectOption('failed');
  await card.getByText('No failed deliveries.').waitFor();
  await filter.selectOption('succeeded');
  await row.waitFor();
  await filter.selectOption('');
  await row.waitFor();

  // The payload, by the keyboard: the event's button opens it, Escape closes it.
  await row.getByRole('button', { name: /^webhook\.test of .*: show payload$/ }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Payload of webhook.test' });
  await dialog.waitFor();
  const payload = JSON.parse(await dialog.getByLabel('Payload').textContent());
  assert.equal(payload.type, 'webhook.test');
  assert.equal(payload.data.message, 'A test event from Switchboard.');
  await dialog.getByText(first.headers['webhook-id']).waitFor();
  await assertPageAccessible(page, 'the payload dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  // A click on the row opens it too.
  await row.getByRole('cell').first().click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });

  // "Replay failed since…": nothing has failed since.
  await card.getByRole('form', { name: 'Replay failed' }).getByRole('button', { name: 'Replay failed' }).click();
  await card.getByText('0 failed deliveries are sent again.').waitFor();

  // Rotate: a new secret, once; the old one signs alongside it for 24 hours.
  await card.getByRole('button', { name: `Rotate secret of ${hooks.url}` }).click();
  await page.getByRole('dialog', { name: 'Rotate secret' }).getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByText(`The new signing secret of ${hooks.url}:`).waitFor();
  const rotated = await secretBox.textContent();
  assert.match(rotated, /^whsec_/);
  assert.notEqual(rotated, secret);
  await card.getByText(/the previous secret also signs deliveries until/).waitFor();
  await card.getByRole('button', { name: `Send test event to ${hooks.url}` }).click();
  await eventually(() => hooks.requests.length === 3, { what: 'the test event after the rotation' });
  const third = hooks.requests[2];
  assert.deepEqual(third.headers['webhook-signature'].split(' ').sort(), [signature(rotated, third), signature(secret, third)].sort());
  await eventually(async () => (await log.getByRole('row').filter({ hasText: 'succeeded' }).count()) === 2, { what: 'two succeeded deliveries' });

  // "Load more": 22 deliveries, 20 a page.
  for (let i = 0; i < 20; i += 1) await admin.call('POST', `/api/v1/webhooks/${endpoint.id}/test`);
  await eventually(() => hooks.requests.length === 23, { ms: 20000, what: '20 more test events' });
  await eventually(async () => {
    const page1 = await admin.call('GET', `/api/v1/webhooks/${endpoint.id}/deliveries?status=pending`);
    return page1.items.length === 0;
  }, { what: 'every delivery settled' });
  await card.getByRole('button', { name: `Refresh deliveries to ${hooks.url}` }).click();
  await eventually(async () => (await log.locator('tbody tr').count()) === 20, { what: 'a first page of 20' });
  await card.getByRole('button', { name: 'Load more' }).click();
  await eventually(async () => (await log.locator('tbody tr').count()) === 22, { what: 'all 22 deliveries' });
  assert.equal(await card.getByRole('button', { name: 'Load more' }).isHidden(), true);
  await assertPageAccessible(page, 'Settings → Webhooks with a delivery log');
  // It fits a phone: nothing wider than the screen but the table, which scrolls in its box.
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = await page.evaluate(() => {
    const s = document.getElementById('settings');
    // Whatever sticks out of its card (the table's rows scroll inside their box).
    const out = [...s.querySelectorAll('.webhook, .form')].flatMap((box) => {
      const edge = box.getBoundingClientRect().right;
      return [...box.querySelectorAll('*')].filter((n) => !n.closest('.table-wrap') && n.getBoundingClientRect().right > edge + 1)
        .map((n) => n.outerHTML.slice(0, 80));
    });
    return { page: document.documentElement.scrollWidth, settings: s.scrollWidth, room: s.clientWidth, out };
  });
  assert.ok(widths.page <= 390 && widths.settings <= widths.room && !widths.out.length, `Webhooks at 390px: ${JSON.stringify(widths)}`);
  await page.setViewportSize({ width: 1280, height: 720 });

  // Edit: events, description, URL and the enabled switch in one form.
  await card.getByRole('button', { name: `Edit ${hooks.url}` }).click();
  const editor = page.getByRole('form', { name: `Edit ${hooks.url}` });
  await editor.getByLabel('Description').fill('CRM sync (contacts)');
  await editor.getByLabel('message.created', { exact: true }).uncheck();
  await editor.getByLabel('contact.created', { exact: true }).check();
  await editor.getByLabel('Enabled: send events to this endpoint').uncheck();
  await assertPageAccessible(page, 'the endpoint editor');
  await editor.getByRole('button', { name: 'Save endpoint' }).click();
  await page.getByText(`${hooks.url} was saved.`).waitFor();
  let saved = await admin.call('GET', `/api/v1/webhooks/${endpoint.id}`);
  assert.equal(saved.description, 'CRM sync (contacts)');
  assert.deepEqual([...saved.events].sort(), ['contact.created', 'conversation.created']);
  assert.equal(saved.enabled, false);
  assert.equal(saved.disabled_reason, 'disabled by an admin');
  await card.getByText('CRM sync (contacts)').waitFor();
  await card.getByRole('button', { name: `Enable ${hooks.url}` }).click();
  await page.getByText(`${hooks.url} was enabled.`).waitFor();
  saved = await admin.call('GET', `/api/v1/webhooks/${endpoint.id}`);
  assert.equal(saved.enabled, true);

  // Delete, after a confirmation (cancelled once).
  await card.getByRole('button', { name: `Delete ${hooks.url}` }).click();
  await page.getByRole('dialog', { name: 'Delete' }).getByRole('button', { name: 'Cancel' }).click();
  await card.waitFor();
  await card.getByRole('button', { name: `Delete ${hooks.url}` }).click();
  await page.getByRole('dialog', { name: 'Delete' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByText(`${hooks.url} was deleted.`).waitFor();
  await page.getByText('No endpoints yet.').waitFor();
  assert.deepEqual((await admin.call('GET', '/api/v1/webhooks')).items, []);

  // The refused replay (409) is the only failed request the console mentions.
  assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), []);
  await page.close();
});

test('a webhook.disabled event on the agent socket shows admins a notice', async () => {
  // The real one comes after 5 days of failures; the app's handler is driven here
  // through a socket stand-in installed before the app loads.
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const Real = window.WebSocket;
    window.WebSocket = class extends Real {
      constructor(...args) {
        super(...args);
        window.agentSocket = this;
      }
    };
  });
  await page.goto(`${daemon.url}/app/`);
  await page.getByLabel('Email').fill(daemon.email);
  await page.getByLabel('Password').fill(daemon.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'Conversations' }).waitFor();
  await page.waitForFunction(() => window.agentSocket?.readyState === 1);
  await page.evaluate(() => {
    const data = { id: '9', host: 'crm.example.com', enabled: false, disabled_reason: 'every delivery failed since 2026-12-01T00:00:00Z' };
    window.agentSocket.dispatchEvent(new MessageEvent('message', { data: JSON.stringify({ type: 'webhook.disabled', data }) }));
  });
  const notice = page.getByRole('status').filter({ hasText: 'The webhook endpoint on crm.example.com was disabled' });
  await notice.waitFor();
  await notice.getByText('every delivery failed since 2026-12-01T00:00:00Z').waitFor();
  await assertAccessible(page, 'the inbox with the notice', { skip: ['one-h1', 'heading-order'] });
  await notice.getByRole('link', { name: 'Open webhook settings' }).click();
  await page.getByRole('heading', { name: 'Webhooks', level: 2 }).waitFor();
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await notice.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await page.close();
});
