// The sandbox carrier's phone: texts and calls a sandbox line as a customer
// would, through /api/sandbox/v1 (which signs real webhooks), and shows what
// the sandbox sends back to this phone live over /ws/sandbox.
//
// The sandbox needs a signed-in teammate and reaches only their workspace: the
// simulator reuses the inbox's session (localStorage 'sb.token', same origin)
// and otherwise asks to sign in, storing the session for the inbox too.
import { signIn } from '/app/api.js';

const $ = (id) => document.getElementById(id);
const store = window.localStorage;

const state = {
  token: store.getItem('sb.token') || '',
  me: '',
  line: '',
  messages: new Map(), // id -> a text between this phone and a line, either direction (server ids give the order)
  socket: null,
  retry: 0,
  ringing: null, // an incoming call not answered yet
  started: false,
};

// ---------- sign in ----------

class SignedOut extends Error {}

function showLogin(message = '') {
  if (state.socket) {
    const s = state.socket;
    state.socket = null;
    s.close();
  }
  $('main').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  $('email').focus();
}

function signedOut(message) {
  state.token = '';
  store.removeItem('sb.token');
  showLogin(message);
}

async function login(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  const data = await signIn($('email').value, $('password').value);
  if (data.error) {
    $('login-error').textContent = data.error;
    return;
  }
  state.token = data.token;
  store.setItem('sb.token', data.token);
  $('password').value = '';
  await start();
}

// ---------- setup ----------

// 555-0100 to 555-0199 are reserved for fiction in every North American area code.
function randomNumber() {
  const n = String(Math.floor(Math.random() * 100)).padStart(2, '0');
  return `+141555501${n}`;
}

function normalise(text) {
  const digits = text.replace(/[\s().-]/g, '');
  if (/^\+[1-9]\d{6,14}$/.test(digits)) return digits;
  if (/^\d{10}$/.test(digits)) return `+1${digits}`;
  return null;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: {
      Authorization: `Bearer ${state.token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) {
    signedOut(data.error?.code === 'SESSION_EXPIRED' ? 'Your session expired. Please sign in again.' : '');
    throw new SignedOut('signed out');
  }
  if (!res.ok) throw new Error(data.error?.message || `HTTP ${res.status}`);
  return data;
}

async function loadLines() {
  const select = $('line');
  const { items } = await api('GET', '/api/sandbox/v1/numbers');
  select.replaceChildren();
  if (items.length === 0) {
    const o = new Option('No sandbox line yet', '');
    o.disabled = true;
    select.append(o);
  }
  for (const n of items) {
    select.append(new Option(n.line ? `${n.display} · ${n.line}` : n.display, n.number));
  }
  const saved = store.getItem('sb.sim.line');
  if (saved && items.some((n) => n.number === saved)) select.value = saved;
  state.line = select.value;
}

function setMe(value) {
  state.me = value;
  store.setItem('sb.sim.me', value);
}

// The number typed in the box, or null (then nothing is sent or dialled from it).
function typedNumber() {
  return normalise($('my-number').value);
}

function checkNumber() {
  const n = typedNumber();
  $('my-number').setAttribute('aria-invalid', String(!n));
  $('my-number-hint').textContent = n ? 'Any E.164 number, e.g. +14155550123. It becomes the contact\'s phone.'
    : 'Not a phone number: use E.164, e.g. +14155550123. Nothing is sent until it is fixed.';
  $('send').disabled = !n;
  $('dial').disabled = !n;
  return n;
}

// ---------- messages ----------

function between(m) {
  return (m.from === state.me && m.to === state.line) || (m.from === state.line && m.to === state.me);
}

function renderThread() {
  const list = $('thread');
  const items = [...state.messages.values()].filter(between).sort((a, b) => Number(a.id) - Number(b.id));
  list.replaceChildren();
  for (const m of items) {
    const mine = m.from === state.me;
    const li = document.createElement('li');
    li.className = mine ? 'bubble mine' : 'bubble theirs';
    const text = document.createElement('span');
    text.className = 'body';
    text.textContent = m.body;
    if (!m.body) text.hidden = true;
    // An MMS: pictures shown, other files as links (the business's come as signed URLs).
    const pictures = (m.media || []).map((item) => {
      // Signed URLs name public_url; this page loads them from its own origin.
      const src = /^https?:/.test(item.url) ? (() => { const u = new URL(item.url); return u.pathname + u.search; })() : item.url;
      if ((item.content_type || '').startsWith('image/')) {
        const img = document.createElement('img');
        img.className = 'mms';
        img.alt = item.name || 'Picture';
        img.src = src;
        return img;
      }
      const a = document.createElement('a');
      a.href = src;
      a.textContent = item.name || 'Attachment';
      a.target = '_blank';
      return a;
    });
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${mine ? 'You' : 'Business'} · ${new Date(m.created_at).toLocaleTimeString()}`;
    li.append(text, ...pictures, meta);
    list.append(li);
  }
  list.scrollTop = list.scrollHeight;
}

function remember(m) {
  if (m.id !== undefined && !state.messages.has(m.id)) state.messages.set(m.id, m);
}

// Both directions between this phone and the chosen line, from the server (so a
// reload shows the whole conversation, in the order the sandbox carried it).
async function loadHistory() {
  if (!state.me) return;
  let cursor = null;
  for (let page = 0; page < 50; page++) {
    const q = new URLSearchParams({ phone: state.me });
    if (state.line) q.set('line', state.line);
    if (cursor) q.set('cursor', cursor);
    const { items, next_cursor: next } = await api('GET', `/api/sandbox/v1/messages?${q}`);
    items.forEach(remember);
    if (!next || items.length === 0) break;
    cursor = next;
  }
  renderThread();
}

function connect() {
  if (state.socket) state.socket.close();
  state.socket = null;
  if (!state.me || !state.token) return;
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = new URLSearchParams({ phone: state.me, token: state.token });
  const ws = new WebSocket(`${proto}//${location.host}/ws/sandbox?${q}`);
  state.socket = ws;
  ws.onopen = () => {
    state.retry = 0;
    $('connection').textContent = `Live: replies to ${state.me} appear as they are sent.`;
    loadHistory().catch(() => {}); // anything sent while we were away
  };
  ws.onmessage = (e) => {
    const event = JSON.parse(e.data);
    if (event.type === 'sandbox.message') {
      remember(event.data);
      renderThread();
    } else if (event.type === 'sandbox.call') {
      incoming(event.data);
    }
  };
  ws.onclose = () => {
    if (state.socket !== ws) return;
    const wait = Math.min(30000, 500 * 2 ** state.retry++);
    $('connection').textContent = `Offline; reconnecting in ${Math.round(wait / 1000)} s…`;
    setTimeout(() => {
      if (state.socket === ws) connect();
    }, wait);
  };
}

// The photo picked to go with the next text: uploaded as the signed-in teammate
// (POST /api/v1/media), then named by the sandbox text, which arrives as an MMS.
async function uploadPhoto(file) {
  const res = await fetch(`/api/v1/media?name=${encodeURIComponent(file.name || 'photo')}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${state.token}`, 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error?.message || `HTTP ${res.status}`);
  return data;
}

function photoChosen() {
  const file = $('photo').files[0];
  $('photo-chosen').hidden = !file;
  $('photo-chosen').textContent = file ? `Photo: ${file.name}` : '';
}

async function send(event) {
  event.preventDefault();
  const text = $('text').value.trim();
  const photo = $('photo').files[0];
  $('send-error').textContent = '';
  if (!text && !photo) return;
  const from = checkNumber();
  if (!from) {
    $('send-error').textContent = 'Not sent: your phone number is not valid.';
    return;
  }
  if (from !== state.me) $('my-number').onchange(); // typed but not yet applied
  if (!state.line) {
    $('send-error').textContent = 'Choose a business line first.';
    return;
  }
  $('send').disabled = true;
  try {
    const body = { from, to: state.line, body: text };
    let media = [];
    if (photo) {
      const up = await uploadPhoto(photo);
      body.media_ids = [up.id];
      media = [{ url: URL.createObjectURL(photo), content_type: up.content_type, name: up.name }];
    }
    const r = await api('POST', '/api/sandbox/v1/messages', body);
    remember({ id: r.id, sid: r.sid, from: r.from, to: r.to, body: r.body, created_at: r.created_at, media });
    $('text').value = '';
    $('photo').value = '';
    photoChosen();
    renderThread();
  } catch (e) {
    if (!(e instanceof SignedOut)) $('send-error').textContent = `Not sent: ${e.message}`;
  } finally {
    $('send').disabled = !typedNumber();
    $('text').focus();
  }
}

// ---------- calls ----------

// from/to are the call's own ends: this phone → the line when we dial, the line → this phone
// when the line calls us (click-to-call rings the teammate's phone first).
const call = { sid: null, started: 0, url: '', ended: true, waiter: null, bridged: false, from: '', to: '' };

function logLine(kind, text) {
  const li = document.createElement('li');
  li.className = `heard ${kind}`;
  li.textContent = text;
  $('call-log').append(li);
  $('call-log').scrollTop = $('call-log').scrollHeight;
}

function showOnly(id) {
  for (const p of ['keypad', 'recorder', 'dialing']) $(p).hidden = p !== id;
}

// Waits for the person at the simulator: resolves with whatever the active control gives.
function waitFor(panel) {
  showOnly(panel);
  return new Promise((resolve) => {
    call.waiter = (value) => {
      call.waiter = null;
      showOnly(null);
      resolve(value);
    };
  });
}

function answer(value) {
  if (call.waiter) call.waiter(value);
}

// The carrier's next request for this call; `leg` 'teammate' is the other
// party's leg of a <Dial> (its screening), which does not move the caller's URL.
async function event(url, params = {}, status = 'in-progress', leg = 'caller') {
  const target = new URL(url, new URL(call.url, location.origin)).toString();
  if (leg === 'caller') call.url = target;
  const r = await api('POST', `/api/sandbox/v1/calls/${call.sid}/events`, {
    from: call.from, to: call.to, url: target, status, params,
  });
  return r.twiml;
}

function seconds() {
  return Math.max(1, Math.round((Date.now() - call.started) / 1000));
}

async function endCall(status = 'completed') {
  if (call.ended) return;
  call.ended = true;
  answer(null);
  showOnly(null);
  $('hangup').hidden = true;
  $('dial').hidden = false;
  $('call-state').textContent = `Call ended (${status})`;
  logLine('system', 'Call ended.');
  try {
    await event('/webhooks/sandbox/voice/status', { CallDuration: String(seconds()) }, status);
  } catch (e) {
    logLine('error', `Status callback failed: ${e.message}`);
  }
}

// Plays a TwiML document the way a carrier would, asking the person at the
// simulator whenever the call needs the caller (digits, speech, an answer).
async function play(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'Response') {
    logLine('error', 'The line answered something that is not TwiML.');
    return endCall('failed');
  }
  for (const verb of [...root.children]) {
    if (call.ended) return;
    const attr = (name) => verb.getAttribute(name);
    switch (verb.nodeName) {
      case 'Say':
        logLine('say', verb.textContent);
        break;
      case 'Play':
        logLine('play', verb.textContent ? `♪ ${verb.textContent}` : `♪ tones ${attr('digits') || ''}`);
        break;
      case 'Pause':
        await new Promise((r) => setTimeout(r, Math.min(Number(attr('length') || 1), 3) * 100));
        break;
      case 'Gather': {
        for (const child of verb.children) if (child.nodeName === 'Say') logLine('say', child.textContent);
        const max = Number(attr('numDigits') || 0);
        const finish = attr('finishOnKey') ?? '#';
        const digits = await collectDigits(max, finish);
        if (call.ended) return;
        if (digits === null || digits === '') {
          if (attr('actionOnEmptyResult') === 'true') return play(await event(attr('action') || call.url, { Digits: '' }));
          break; // no input: the carrier moves on to the next verb
        }
        return play(await event(attr('action') || call.url, { Digits: digits }));
      }
      case 'Record': {
        $('voicemail').value = '';
        const words = await waitFor('recorder');
        if (call.ended) return;
        if (words === null || words.trim() === '') {
          logLine('system', '(silence: nothing recorded)');
          break; // nothing recorded: the carrier skips the action
        }
        logLine('you', `You: “${words.trim()}”`);
        const duration = Math.max(1, Math.round(words.trim().split(/\s+/).length / 2.5));
        const rsid = `RE${crypto.randomUUID().replaceAll('-', '')}`;
        const recordingUrl = `${location.origin}/api/sandbox/v1/recordings/${rsid}.wav?seconds=${duration}`;
        const params = { RecordingUrl: recordingUrl, RecordingSid: rsid, RecordingDuration: String(duration), Digits: '#' };
        const next = await event(attr('action') || call.url, params);
        if (attr('transcribe') === 'true' && attr('transcribeCallback')) {
          await event(attr('transcribeCallback'), {
            RecordingSid: rsid, RecordingUrl: recordingUrl, TranscriptionText: words.trim(), TranscriptionStatus: 'completed',
          });
        }
        return play(next);
      }
      case 'Dial': {
        const nouns = [...verb.children].filter((c) => c.nodeName === 'Number');
        const numbers = nouns.map((c) => c.textContent.trim());
        const who = numbers.length ? numbers.join(', ') : verb.textContent.trim();
        $('dialing-text').textContent = `Ringing ${who}…`;
        logLine('system', `Ringing ${who}…`);
        let outcome = await waitFor('dialing');
        if (call.ended) return;
        if (outcome === 'completed') {
          const screenUrl = nouns.map((n) => n.getAttribute('url')).find(Boolean);
          if (screenUrl && !(await screenAsTeammate(screenUrl))) outcome = 'no-answer';
          if (call.ended) return;
        }
        let duration = '0';
        if (outcome === 'completed') {
          logLine('system', 'Connected. (The sandbox carries no audio: hang up to end the call.)');
          $('call-state').textContent = 'Connected';
          const started = Date.now();
          call.bridged = true;
          await waitFor(null);
          call.bridged = false;
          duration = String(Math.max(1, Math.round((Date.now() - started) / 1000)));
        }
        if (attr('action')) {
          return play(await event(attr('action'), { DialCallStatus: outcome, DialCallDuration: duration }));
        }
        if (outcome === 'completed') return endCall('completed');
        break;
      }
      case 'Redirect':
        return play(await event(verb.textContent.trim()));
      case 'Hangup':
      case 'Reject':
        return endCall('completed');
      default:
        logLine('error', `(the simulator skips <${verb.nodeName}>)`);
    }
  }
  return endCall('completed');
}

// The teammate's side of a screened <Dial>: what they hear on answering, and
// whether they accept (an empty answer to their keypress bridges the call).
async function screenAsTeammate(url) {
  let xml = await event(url, {}, 'in-progress', 'teammate');
  for (let step = 0; step < 5 && !call.ended; step++) {
    const root = new DOMParser().parseFromString(xml, 'application/xml').documentElement;
    const verbs = [...root.children];
    if (verbs.length === 0) return true; // nothing more to hear: bridged
    const gather = verbs.find((v) => v.nodeName === 'Gather');
    for (const v of gather ? gather.children : verbs)
      if (v.nodeName === 'Say') logLine('teammate', `Your teammate hears: “${v.textContent}”`);
    if (!gather) return false; // e.g. <Hangup/>: declined
    $('keypad-owner').textContent = "Your teammate's keypad: press 1 to accept, anything else declines.";
    const key = await waitFor('keypad');
    $('keypad-owner').textContent = 'The line is listening for digits.';
    if (call.ended) return false;
    logLine('teammate', key === null ? 'Your teammate says nothing.' : `Your teammate pressed ${key}`);
    xml = await event(gather.getAttribute('action'), { Digits: key ?? '' }, 'in-progress', 'teammate');
  }
  return false;
}

async function collectDigits(max, finish) {
  let digits = '';
  $('keypad').dataset.collecting = 'true';
  while (!call.ended) {
    const key = await waitFor('keypad');
    if (key === null) return digits === '' ? null : digits;
    if (finish && key === finish) return digits;
    digits += key;
    logLine('you', `You pressed ${key}`);
    if (max && digits.length >= max) return digits;
  }
  return null;
}

async function dial() {
  if (!checkNumber()) {
    $('call-state').textContent = 'Your phone number is not valid.';
    return;
  }
  if (!state.line) {
    $('call-state').textContent = 'Choose a business line first.';
    return;
  }
  $('call-log').replaceChildren();
  $('dial').hidden = true;
  $('hangup').hidden = false;
  $('call-state').textContent = `Calling ${$('line').selectedOptions[0].textContent}…`;
  try {
    const r = await api('POST', '/api/sandbox/v1/calls', { from: state.me, to: state.line });
    Object.assign(call, {
      sid: r.sid, started: Date.now(), url: '/webhooks/sandbox/voice', ended: false, from: state.me, to: state.line,
    });
    $('call-state').textContent = 'In call';
    await play(r.twiml);
  } catch (e) {
    logLine('error', `Call failed: ${e.message}`);
    call.ended = true;
    $('dial').hidden = false;
    $('hangup').hidden = true;
    $('call-state').textContent = 'Not in a call';
  }
}

// The line calls this phone (click-to-call): answer to hear what the line says.
function incoming(c) {
  if (!call.ended) return; // busy: the carrier would try again later
  selectTab('call');
  $('call-log').replaceChildren();
  $('incoming-text').textContent = `Incoming call from ${c.from}`;
  $('incoming').hidden = false;
  $('dial').hidden = true;
  $('call-state').textContent = 'Ringing…';
  state.ringing = c;
}

async function pickUp(accept) {
  const c = state.ringing;
  state.ringing = null;
  $('incoming').hidden = true;
  if (!c) return;
  Object.assign(call, { sid: c.sid, started: Date.now(), url: c.url, ended: false, from: c.from, to: c.to });
  if (!accept) {
    call.ended = false;
    return endCall('no-answer');
  }
  $('hangup').hidden = false;
  $('call-state').textContent = 'In call';
  try {
    await play(await event(c.url));
  } catch (e) {
    logLine('error', `Call failed: ${e.message}`);
    endCall('failed');
  }
}

// ---------- wiring ----------

function selectTab(name) {
  for (const t of ['messages', 'call']) {
    const on = t === name;
    $(`tab-${t}`).setAttribute('aria-selected', String(on));
    $(`tab-${t}`).tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
}

function wire() {
  $('tab-messages').onclick = () => selectTab('messages');
  $('tab-call').onclick = () => selectTab('call');
  for (const tab of document.querySelectorAll('[role=tab]')) {
    tab.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const next = tab.id === 'tab-messages' ? 'call' : 'messages';
      selectTab(next);
      $(`tab-${next}`).focus();
    });
  }
  $('compose').onsubmit = send;
  $('photo').onchange = photoChosen;
  $('text').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      $('compose').requestSubmit();
    }
  });
  $('my-number').addEventListener('input', checkNumber);
  $('my-number').onchange = () => {
    const n = checkNumber();
    if (!n) return;
    $('my-number').value = n;
    if (n === state.me) return;
    setMe(n);
    state.messages.clear();
    renderThread();
    connect();
  };
  $('line').onchange = () => {
    state.line = $('line').value;
    store.setItem('sb.sim.line', state.line);
    renderThread();
    loadHistory().catch(() => {});
  };
  $('dial').onclick = dial;
  $('answer').onclick = () => pickUp(true);
  $('decline').onclick = () => pickUp(false);
  // While bridged, hanging up ends the <Dial> first (its action decides what follows).
  $('hangup').onclick = () => (call.bridged ? answer('hangup') : endCall('completed'));
  for (const key of document.querySelectorAll('[data-key]')) key.onclick = () => answer(key.dataset.key);
  document.addEventListener('keydown', (e) => {
    if ($('keypad').hidden || e.target.closest('textarea, input')) return;
    if (/^[0-9*#]$/.test(e.key)) answer(e.key);
  });
  $('no-input').onclick = () => answer(null);
  $('recorder').onsubmit = (e) => {
    e.preventDefault();
    answer($('voicemail').value);
  };
  $('silence').onclick = () => answer('');
  $('dial-answer').onclick = () => answer('completed');
  $('dial-no-answer').onclick = () => answer('no-answer');
  $('dial-busy').onclick = () => answer('busy');
}

async function start() {
  $('login').hidden = true;
  $('main').hidden = false;
  try {
    const me = await api('GET', '/api/v1/me');
    $('signed-in').textContent = `Signed in as ${me.name || me.email}.`;
    await loadLines();
  } catch (e) {
    if (!(e instanceof SignedOut)) $('connection').textContent = `The sandbox is not available: ${e.message}`;
    return;
  }
  connect();
  await loadHistory().catch(() => {});
  renderThread();
}

function main() {
  wire();
  $('login-form').onsubmit = login;
  // The number stays across reloads (an unusable stored value is replaced once).
  setMe(normalise(store.getItem('sb.sim.me') || '') || randomNumber());
  $('my-number').value = state.me;
  checkNumber();
  if (!state.token) return showLogin();
  start();
}

main();
