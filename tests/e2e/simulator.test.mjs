// Issue 4, acceptance 3: in headless Chromium, the simulator's text reaches the
// conversation API, an agent's reply appears on the simulated phone, and a call
// steps through the line's greeting to a voicemail in the thread.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, launchBrowser, login, sandboxFetch, signIn, startDaemon } from './support.mjs';

let daemon;
let agent;
let browser;
let line;

before(async () => {
  daemon = await startDaemon();
  agent = await login(daemon.url, daemon.email, daemon.password);
  const n = await agent.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_teammate_id: agent.user.id });
  line = n.number;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

// The simulator asks a fresh browser to sign in (issue 16 item 14).
async function openSimulator(phone, lineNumber = line) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${daemon.url}/simulator/`);
  await page.getByLabel('Email').fill(daemon.email);
  await page.getByLabel('Password').fill(daemon.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Your phone number', { exact: true }).fill(phone);
  await page.getByLabel('Your phone number', { exact: true }).dispatchEvent('change');
  await page.getByLabel('Business line', { exact: true }).selectOption(lineNumber);
  await page.getByText(`Live: replies to ${phone}`).waitFor();
  return { page, errors };
}

async function conversationOf(phone) {
  const { items } = await agent.call('GET', '/api/v1/contacts?limit=100');
  const contact = items.find((c) => (c.phones || []).includes(phone));
  if (!contact) return null;
  const list = await agent.call('GET', '/api/v1/conversations?limit=100');
  return list.items.find((c) => c.contact_id === contact.id) || null;
}

test('a text from the simulator reaches the API and the agent reply shows up live', async () => {
  const phone = '+14155550121';
  const { page, errors } = await openSimulator(phone);

  await page.getByLabel('Text message').fill('Hello from the simulator');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.bubble.mine', { hasText: 'Hello from the simulator' }).waitFor();

  const conv = await eventually(() => conversationOf(phone), { what: 'the conversation' });
  const thread = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.ok(thread.items.some((m) => m.body === 'Hello from the simulator' && m.direction === 'inbound'));

  // No reload: the reply must arrive over the sandbox WebSocket.
  await agent.call('POST', `/api/v1/conversations/${conv.id}/messages`, { body: 'Hi! How can we help?' });
  await page.locator('.bubble.theirs', { hasText: 'Hi! How can we help?' }).waitFor({ timeout: 10000 });

  // A private note never reaches the phone.
  await agent.call('POST', `/api/v1/conversations/${conv.id}/messages`, { body: 'internal only', private: true });
  await agent.call('POST', `/api/v1/conversations/${conv.id}/messages`, { body: 'second reply' });
  await page.locator('.bubble.theirs', { hasText: 'second reply' }).waitFor({ timeout: 10000 });
  assert.equal(await page.locator('.bubble', { hasText: 'internal only' }).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a call hears the greeting and leaves a voicemail that lands in the thread', async () => {
  const phone = '+14155550122';
  const { page, errors } = await openSimulator(phone);
  await page.getByRole('tab', { name: 'Call' }).click();
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  await page.locator('.heard.say', { hasText: 'leave a message' }).waitFor();

  await page.getByLabel('What you say').fill('Please call me back about my order');
  await page.getByRole('button', { name: 'Finish (#)' }).click();
  await page.locator('.heard.say', { hasText: 'Your message has been saved' }).waitFor();
  await page.locator('#call-state', { hasText: 'Call ended' }).waitFor();

  const conv = await eventually(() => conversationOf(phone), { what: 'the conversation' });
  const items = await eventually(async () => {
    const t = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
    const vm = t.items.find((m) => m.kind === 'voicemail');
    const call = t.items.find((m) => m.kind === 'call');
    return vm && vm.metadata.transcript && call && call.metadata.status === 'completed' ? { vm, call } : null;
  }, { what: 'the voicemail with its transcript and the completed call' });
  assert.equal(items.vm.metadata.transcript, 'Please call me back about my order');
  assert.equal(items.vm.body, 'Please call me back about my order');
  assert.match(items.vm.metadata.recording_url, /\/api\/sandbox\/v1\/recordings\/RE[0-9a-f]+\.wav\?seconds=\d+$/);
  assert.equal(items.call.body, 'Missed call, voicemail left');

  // The recording plays: the sandbox serves a WAV for it.
  const wav = await fetch(items.vm.metadata.recording_url);
  assert.equal(wav.headers.get('content-type'), 'audio/wav');
  assert.equal(Buffer.from(await wav.arrayBuffer()).subarray(0, 4).toString(), 'RIFF');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a call rings the teammate, who declines (voicemail) and then accepts (connected)', async () => {
  await agent.call('PATCH', `/api/v1/teammates/${agent.user.id}`, { physical_number: '+14155550150', availability: 'available' });
  const phone = '+14155550124';
  const { page, errors } = await openSimulator(phone);
  await page.getByRole('tab', { name: 'Call' }).click();

  // Declined: the screen prompt, a 2, then the voicemail greeting.
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  await page.locator('.heard.system', { hasText: 'Ringing +14155550150' }).waitFor();
  await page.getByRole('button', { name: 'They answer' }).click();
  await page.locator('.heard.teammate', { hasText: 'Call for Demo workspace from +1 415-555-0124. Press 1 to accept.' }).waitFor();
  await page.getByRole('button', { name: '2', exact: true }).click();
  await page.locator('.heard.say', { hasText: 'leave a message' }).waitFor();
  await page.getByLabel('What you say').fill('Sorry I missed you');
  await page.getByRole('button', { name: 'Finish (#)' }).click();
  await page.locator('#call-state', { hasText: 'Call ended' }).waitFor();

  // Accepted: 1 bridges; hanging up ends the call as connected.
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  await page.getByRole('button', { name: 'They answer' }).click();
  await page.locator('.heard.teammate', { hasText: 'Press 1 to accept' }).waitFor();
  await page.getByRole('button', { name: '1', exact: true }).click();
  await page.locator('#call-state', { hasText: 'Connected' }).waitFor();
  await page.getByRole('button', { name: 'Hang up' }).click();
  await page.locator('#call-state', { hasText: 'Call ended' }).waitFor();

  const conv = await eventually(() => conversationOf(phone), { what: 'the conversation' });
  const calls = await eventually(async () => {
    const t = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
    const c = t.items.filter((m) => m.kind === 'call');
    return c.length === 2 && c.every((x) => x.metadata.status === 'completed') ? c : null;
  }, { what: 'two completed calls' });
  assert.equal(calls[0].body, 'Missed call, voicemail left');
  assert.equal(calls[1].metadata.connected, true);
  assert.match(calls[1].body, /^Call, \d+:\d\d$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a customer text is forwarded to the teammate phone, and @N from that phone answers the customer', async () => {
  await agent.call('PATCH', `/api/v1/teammates/${agent.user.id}`, { physical_number: '+14155550150', sms_forwarding: 'phone' });
  const customer = await openSimulator('+14155550125');
  const teammate = await openSimulator('+14155550150');

  await customer.page.getByLabel('Text message').fill('Can I book for Friday?');
  await customer.page.getByRole('button', { name: 'Send' }).click();
  const forwarded = teammate.page.locator('.bubble.theirs', { hasText: '+1 415-555-0125: Can I book for Friday?' });
  await forwarded.waitFor();
  const selector = (await forwarded.locator('.body').textContent()).match(/^@(\d+) /)[1];

  await teammate.page.getByLabel('Text message').fill(`@${selector} Yes, Friday at 3 works`);
  await teammate.page.getByRole('button', { name: 'Send' }).click();
  await customer.page.locator('.bubble.theirs', { hasText: 'Yes, Friday at 3 works' }).waitFor();

  const conv = await eventually(() => conversationOf('+14155550125'), { what: 'the conversation' });
  const t = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  const reply = t.items.find((m) => m.body === 'Yes, Friday at 3 works');
  assert.equal(reply.sender.kind, 'teammate');
  assert.deepEqual([...customer.errors, ...teammate.errors], []);
  await customer.page.close();
  await teammate.page.close();
});

test('click-to-call rings the teammate phone, then connects the customer', async () => {
  await agent.call('PATCH', `/api/v1/teammates/${agent.user.id}`, { physical_number: '+14155550150', availability: 'available' });
  const conv = await eventually(() => conversationOf('+14155550125'), { what: 'the conversation' });
  const teammate = await openSimulator('+14155550150');
  await agent.call('POST', `/api/v1/conversations/${conv.id}/call`);
  await teammate.page.getByText(`Incoming call from ${line}`).waitFor();
  await teammate.page.getByRole('button', { name: 'Answer' }).click();
  await teammate.page.locator('.heard.say', { hasText: 'Connecting you to +1 415-555-0125.' }).waitFor();
  await teammate.page.getByRole('button', { name: 'They answer' }).click();
  await teammate.page.locator('#call-state', { hasText: 'Connected' }).waitFor();
  await teammate.page.getByRole('button', { name: 'Hang up' }).click();
  await teammate.page.locator('#call-state', { hasText: 'Call ended' }).waitFor();
  const item = await eventually(async () => {
    const t = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
    const c = t.items.filter((m) => m.kind === 'call' && m.direction === 'outbound').pop();
    return c && c.metadata.status === 'completed' ? c : null;
  }, { what: 'the completed outgoing call' });
  assert.equal(item.metadata.connected, true);
  assert.match(item.body, /^Outgoing call, \d+:\d\d$/);
  assert.deepEqual(teammate.errors, []);
  await teammate.page.close();
});

test('the teammate calls out as the business from their phone by keying the number', async () => {
  await agent.call('PATCH', `/api/v1/teammates/${agent.user.id}`, { physical_number: '+14155550150' });
  const teammate = await openSimulator('+14155550150');
  await teammate.page.getByRole('tab', { name: 'Call' }).click();
  await teammate.page.getByRole('button', { name: 'Call', exact: true }).click();
  await teammate.page.locator('.heard.say', { hasText: 'Enter the number to call' }).waitFor();
  for (const key of '6505550188#') await teammate.page.getByRole('button', { name: key, exact: true }).click();
  await teammate.page.locator('.heard.say', { hasText: 'Calling +1 650-555-0188.' }).waitFor();
  await teammate.page.getByRole('button', { name: 'They answer' }).click();
  await teammate.page.locator('#call-state', { hasText: 'Connected' }).waitFor();
  await teammate.page.getByRole('button', { name: 'Hang up' }).click();
  await teammate.page.locator('#call-state', { hasText: 'Call ended' }).waitFor();
  const conv = await eventually(() => conversationOf('+16505550188'), { what: 'the new contact' });
  const t = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.equal(t.items[0].kind, 'call');
  assert.equal(t.items[0].direction, 'outbound');
  assert.equal(t.items[0].metadata.from, line, 'the customer sees the business number');
  assert.match(t.items[0].body, /^Outgoing call, \d+:\d\d$/);
  assert.deepEqual(teammate.errors, []);
  await teammate.page.close();
});

test('a shared line outside its hours answers a text once with its after-hours reply', async () => {
  const team = await agent.call('POST', '/api/v1/teams', { name: 'Front desk', member_ids: [agent.user.id] });
  const shared = await agent.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_team_id: team.id });
  await agent.call('PATCH', `/api/v1/teams/${team.id}/routing`, {
    business_hours: { timezone: 'UTC', weekly: {} }, // never open
    after_hours_reply: 'We are closed, back tomorrow at 9.',
  });
  const { page, errors } = await openSimulator('+14155550126', shared.number);
  await page.getByLabel('Text message').fill('Anyone there?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.bubble.theirs', { hasText: 'We are closed, back tomorrow at 9.' }).waitFor();
  await page.getByLabel('Text message').fill('Hello?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.bubble.mine', { hasText: 'Hello?' }).waitFor();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await page.locator('.bubble.theirs').count(), 1, 'once per closed period');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the simulator refuses a line that is not a sandbox number', async () => {
  const res = await sandboxFetch(daemon.url, '/api/sandbox/v1/calls', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: '+14155550123', to: '+14155550199' }),
  });
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error.code, 'NOT_FOUND');
});

// Issue 16 item 14: the first-run path. Signed in to the inbox, the simulator
// reuses that session (no second sign-in); a text to the line appears in the
// inbox, the answer typed there appears on the phone. Without a session the
// simulator shows a sign-in form and the sandbox answers nothing anonymously.
test('issue 16 item 14: the simulator reuses the inbox session, and the inbox answers its text', async () => {
  const anonymous = await fetch(`${daemon.url}/api/sandbox/v1/numbers`);
  assert.equal(anonymous.status, 401);

  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await page.goto(`${daemon.url}/simulator/`);
  await page.getByLabel('Business line', { exact: true }).selectOption(line);
  await page.getByLabel('Your phone number', { exact: true }).fill('+14155550127');
  await page.getByLabel('Your phone number', { exact: true }).dispatchEvent('change');
  await page.getByText('Live: replies to +14155550127').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign in' }).isVisible(), false, 'no second sign-in');
  await page.getByLabel('Text message').fill('First text from a new phone');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.bubble.mine', { hasText: 'First text from a new phone' }).waitFor();

  await page.goto(`${daemon.url}/app/`);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: 'First text from a new phone' }).click();
  await page.getByLabel('Message', { exact: true }).fill('Answered from the inbox');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.outbound', { hasText: 'Answered from the inbox' }).waitFor();

  await page.goto(`${daemon.url}/simulator/`);
  await page.locator('.bubble.theirs', { hasText: 'Answered from the inbox' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();

  // A browser with no session gets the sign-in form, not the phone.
  const fresh = await browser.newPage();
  await fresh.goto(`${daemon.url}/simulator/`);
  await fresh.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(await fresh.getByLabel('Text message').isVisible(), false);
  await fresh.close();
});

// Issue 16 item 22: the number survives a reload, an invalid number sends
// nothing, and after a reload both directions show, each reply after the text
// that triggered it (the after-hours reply used to be shown above it).
test('issue 16 item 22: the phone keeps its number and its whole conversation across reloads', async () => {
  const team = await agent.call('POST', '/api/v1/teams', { name: 'Night desk', member_ids: [agent.user.id] });
  const shared = await agent.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_team_id: team.id });
  await agent.call('PATCH', `/api/v1/teams/${team.id}/routing`, {
    business_hours: { timezone: 'UTC', weekly: {} }, // never open
    after_hours_reply: 'Closed now, we reply at 9.',
  });
  const { page, errors } = await openSimulator('+14155550128', shared.number);
  await page.getByLabel('Text message').fill('Are you open?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.bubble.theirs', { hasText: 'Closed now, we reply at 9.' }).waitFor();
  const conv = await eventually(() => conversationOf('+14155550128'), { what: 'the conversation' });
  await agent.call('POST', `/api/v1/conversations/${conv.id}/messages`, { body: 'We will call you at 9.' });
  await page.locator('.bubble.theirs', { hasText: 'We will call you at 9.' }).waitFor();
  const expected = ['Are you open?', 'Closed now, we reply at 9.', 'We will call you at 9.'];
  const bubbles = () => page.locator('.bubble .body').allTextContents();
  assert.deepEqual(await bubbles(), expected, 'live: in the order the sandbox carried them');

  await page.reload();
  await page.getByText('Live: replies to +14155550128').waitFor();
  assert.equal(await page.getByLabel('Your phone number', { exact: true }).inputValue(), '+14155550128');
  await page.getByLabel('Business line', { exact: true }).selectOption(shared.number);
  await eventually(async () => (await bubbles()).length === 3, { what: 'the history after a reload' });
  assert.deepEqual(await bubbles(), expected, 'after a reload: both directions, in order');
  assert.deepEqual(await page.locator('.bubble').evaluateAll((els) => els.map((e) => e.className)),
    ['bubble mine', 'bubble theirs', 'bubble theirs']);

  // An invalid own number: flagged, Send disabled, and nothing leaves from the old number.
  await page.getByLabel('Your phone number', { exact: true }).fill('12');
  await page.getByLabel('Your phone number', { exact: true }).dispatchEvent('change');
  assert.equal(await page.getByLabel('Your phone number', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
  await page.getByLabel('Text message').fill('must not be sent');
  await page.getByLabel('Text message').press('Enter');
  await page.getByText('your phone number is not valid').waitFor();
  await new Promise((r) => setTimeout(r, 300));
  const t = await agent.call('GET', `/api/v1/conversations/${conv.id}/messages`);
  assert.equal(t.items.some((m) => m.body === 'must not be sent'), false);
  assert.deepEqual(errors, []);
  await page.close();
});

// Issue 18: STOP from a phone is confirmed once, leaves a system item in the
// thread, and the inbox's composer refuses an SMS reply with its reason (a private
// note still goes).
test('issue 18: a STOP disables the SMS composer with its reason', async () => {
  const phone = '+14155550131';
  const sim = await openSimulator(phone);
  await sim.page.getByLabel('Text message').fill('Stop');
  await sim.page.getByRole('button', { name: 'Send' }).click();
  await sim.page.locator('.bubble.theirs', { hasText: 'You are unsubscribed from' }).waitFor({ timeout: 10000 });

  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await page.goto(`${daemon.url}/app/`);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.locator('.conv-item', { hasText: 'You are unsubscribed from' }).click();
  await page.locator('#thread', { hasText: 'Opted out by texting STOP' }).waitFor();
  await page.getByText('the customer opted out of texts').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
  await page.getByLabel('Message', { exact: true }).fill('asked us to stop');
  await page.getByLabel('Private note').check();
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), false);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('#thread', { hasText: 'asked us to stop' }).waitFor();
  await page.getByLabel('Reply', { exact: true }).check();
  assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
  // Nothing more reached the phone than the one confirmation.
  assert.equal(await sim.page.locator('.bubble.theirs').count(), 1);
  assert.deepEqual(errors, []);
  assert.deepEqual(sim.errors, []);
  await page.close();
  await sim.page.close();
});

// A real 1×1 PNG: the inbox and the phone must decode it, not just show a box.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const decoded = (img) => img.evaluate((i) => i.complete && i.naturalWidth > 0);

test('issue 18: an image texted from the simulator shows in the inbox, and one the agent attaches reaches the phone', async () => {
  const phone = '+14155550141';
  const sim = await openSimulator(phone);
  await sim.page.locator('#photo').setInputFiles({ name: 'broken-part.png', mimeType: 'image/png', buffer: png });
  await sim.page.getByLabel('Text message').fill('This part arrived broken');
  await sim.page.getByRole('button', { name: 'Send' }).click();
  await sim.page.locator('.bubble.mine', { hasText: 'This part arrived broken' }).locator('img.mms').waitFor();

  const conv = await eventually(() => conversationOf(phone), { what: 'the conversation' });
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await page.goto(`${daemon.url}/app/#/conversations/${conv.id}`);
  // The dispatcher downloads the MMS file; the thread shows it once stored (message.updated).
  const inboundImage = page.locator('.msg.inbound', { hasText: 'This part arrived broken' }).locator('img.media-image');
  await inboundImage.waitFor({ timeout: 15000 });
  await eventually(() => decoded(inboundImage), { what: 'the texted image decoded in the inbox' });

  // The agent attaches a picture (the file picker behind "Attach") and sends it with words.
  await page.locator('#attach-input').setInputFiles({ name: 'replacement.png', mimeType: 'image/png', buffer: png });
  await page.locator('#attachments', { hasText: 'replacement.png' }).waitFor();
  await page.getByLabel('Message', { exact: true }).fill('A replacement is on its way');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.outbound', { hasText: 'A replacement is on its way' }).locator('img.media-image').waitFor();
  assert.equal(await page.locator('#attachments').isHidden(), true);

  // The phone gets it as an MMS whose picture loads from the signed URL.
  const mms = sim.page.locator('.bubble.theirs', { hasText: 'A replacement is on its way' }).locator('img.mms');
  await mms.waitFor({ timeout: 10000 });
  await eventually(() => decoded(mms), { what: 'the MMS picture decoded on the phone' });
  assert.deepEqual(errors, []);
  assert.deepEqual(sim.errors, []);
  await page.close();
  await sim.page.close();
});
