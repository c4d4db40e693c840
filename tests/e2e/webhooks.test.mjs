// Outbound webhooks against the reference verifier (issue 21 acceptance): the
// `standardwebhooks` npm package — the Standard Webhooks specification's own
// library — accepts every delivery the daemon signs, refuses one tampered with,
// and after a secret rotation accepts the new and (for its 24 hours) the old
// secret. A receiver on loopback answers 503 once, then 200: the same webhook-id
// comes again, and the delivery log shows both attempts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { eventually, login, startDaemon } from './support.mjs';

let daemon;
let admin;
let receiver;
const received = [];
let failNext = 0;

before(async () => {
  daemon = await startDaemon({ env: { SWITCHBOARD_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' } });
  admin = await login(daemon.url, daemon.email, daemon.password);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('busy, try later');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  receiver?.close();
  await daemon?.stop();
});

const hookUrl = () => `http://127.0.0.1:${receiver.address().port}/hook`;
const headersOf = (r) => ({
  'webhook-id': r.headers['webhook-id'],
  'webhook-timestamp': r.headers['webhook-timestamp'],
  'webhook-signature': r.headers['webhook-signature'],
});

test('deliveries verify with the standardwebhooks library, retry after a failure, and survive a rotation', async () => {
  const endpoint = await admin.call('POST', '/api/v1/webhooks', {
    url: hookUrl(), events: ['contact.created', 'conversation.created', 'message.created'], description: 'CRM sync',
  });
  assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  const listed = await admin.call('GET', '/api/v1/webhooks');
  assert.equal(listed.items.length, 1);
  assert.equal(listed.items[0].secret, undefined, 'the secret is shown only once');
  const verifier = new Webhook(endpoint.secret);

  // A contact and a conversation with a first message: three events.
  const contact = await admin.call('POST', '/api/v1/contacts', { name: 'Ada Byron', email: 'ada@example.com' });
  const conversation = await admin.call('POST', '/api/v1/conversations', {
    contact_id: contact.id, channel: 'chat', body: 'Hello Ada, your order shipped.',
  });
  await eventually(() => received.length >= 3, { what: 'three deliveries' });
  const types = [];
  for (const r of received) {
    const event = verifier.verify(r.body, headersOf(r)); // throws on a bad signature or an old timestamp
    assert.equal(r.headers['content-type'], 'application/json');
    assert.match(r.headers['webhook-id'], /^msg_[A-Za-z0-9]+$/);
    assert.ok(typeof event.timestamp === 'string' && event.data);
    types.push(event.type);
    if (event.type === 'contact.created') assert.equal(event.data.id, contact.id);
    if (event.type === 'conversation.created') assert.equal(event.data.id, conversation.id);
    if (event.type === 'message.created') assert.equal(event.data.body, 'Hello Ada, your order shipped.');
  }
  assert.deepEqual(types.sort(), ['contact.created', 'conversation.created', 'message.created']);

  // Tampering is caught: a changed body and a wrong secret both fail.
  const first = received[0];
  assert.throws(() => verifier.verify(first.body.replace('}', ',"x":1}'), headersOf(first)));
  assert.throws(() => new Webhook('whsec_' + Buffer.from('not the secret at all!').toString('base64'))
    .verify(first.body, headersOf(first)));

  // The receiver fails once: the same delivery comes again, and succeeds.
  received.length = 0;
  failNext = 1;
  await admin.call('POST', `/api/v1/webhooks/${endpoint.id}/test`);
  await eventually(() => received.length >= 2, { ms: 20000, what: 'the retry' });
  assert.equal(received[0].headers['webhook-id'], received[1].headers['webhook-id']);
  const test = verifier.verify(received[1].body, headersOf(received[1]));
  assert.equal(test.type, 'webhook.test');
  const log = await admin.call('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`);
  const tested = log.items.find((d) => d.message_id === received[0].headers['webhook-id']);
  assert.equal(tested.status, 'succeeded');
  assert.equal(tested.attempts, 2);
  assert.equal(tested.response_status, 200);

  // Rotation: two signatures for 24 hours, each library instance accepts its own.
  const rotated = await admin.call('POST', `/api/v1/webhooks/${endpoint.id}/rotate`);
  assert.notEqual(rotated.secret, endpoint.secret);
  assert.ok(rotated.previous_secret_expires_at);
  received.length = 0;
  await admin.call('POST', `/api/v1/webhooks/${endpoint.id}/test`);
  await eventually(() => received.length >= 1, { what: 'a delivery after the rotation' });
  const signatures = received[0].headers['webhook-signature'].split(' ');
  assert.equal(signatures.length, 2);
  assert.equal(new Webhook(rotated.secret).verify(received[0].body, headersOf(received[0])).type, 'webhook.test');
  assert.equal(verifier.verify(received[0].body, headersOf(received[0])).type, 'webhook.test');
});
