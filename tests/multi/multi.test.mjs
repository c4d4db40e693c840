// Issue 19's acceptance test "three instances": three `switchboard serve`
// processes on loopback ports and one PostgreSQL database, a fake Twilio, load
// spread over all three (signed inbound-SMS webhooks, some retried on another
// instance with the same MessageSid or sent to two at once, a new customer's first
// two texts taken by two instances at once, agent replies, widget messages); the
// first instance (it bootstrapped the workspace and leads) killed with SIGKILL
// mid-load. Afterwards:
//   - every acknowledged write is stored exactly once (PostgreSQL and the REST API
//     of a surviving instance agree), and each customer's texts are in one thread;
//   - the fake carrier received each outbound text exactly once (see "The killed
//     instance's leases" below for the one window where twice is allowed);
//   - agent sockets on the surviving instances received the events of texts that
//     arrived through the other instances (and, before the kill, all three got
//     everyone's);
//   - another instance takes over as leader.
// It also prints the latency from a webhook's 200 on one instance to the event on
// another instance's agent socket (under load, and one text at a time); the
// issue wants < 200 ms, which is printed, never asserted.
//
// The killed instance's leases: an outbox row it had claimed is leased for two
// minutes (src/outbox/dispatcher.cpp) before a surviving instance takes it over.
// By default the test does not wait that long: once the survivors have settled
// everything else, the rows still leased from before the kill can only be the
// dead instance's, and the test ends their leases in the database (what two
// minutes would do). MULTI_WAIT_LEASE=1 waits the real lease out instead (about
// two minutes more). A text whose carrier request the killed instance had
// already made, but whose outcome it never recorded, is sent again by the
// takeover: the documented crash window of an at-least-once outbox (the carrier
// has no idempotency key). Each instance reaches the fake carrier under its own
// path prefix, so the test knows who sent what and allows a second send only for
// exactly those texts, and prints how many there were.
//
// Needs SWITCHBOARD_TEST_POSTGRES_URL (a user that may create databases; each run
// gets a fresh database, dropped afterwards) and psql. Run: scripts/multi.sh,
// under scripts/pg.sh run (scripts/test.sh does). Without the URL it skips, and
// fails when CI is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const binary = process.env.SWITCHBOARD_BIN || join(root, 'build', 'switchboard');
const pgUrl = process.env.SWITCHBOARD_TEST_POSTGRES_URL || '';
const waitRealLease = process.env.MULTI_WAIT_LEASE === '1';
const CEILING = 15000; // generous waits; nothing asserts speed
// Twilio answers Messages.json in a few hundred ms; an instant fake would leave the
// killed instance almost no time in which it holds claimed rows.
const carrierDelay = Number(process.env.MULTI_CARRIER_DELAY_MS ?? 100);

// The shared settings of the "load balancer" all three sit behind.
const publicUrl = 'https://support.multi.example';
const accountSid = `AC${randomBytes(16).toString('hex')}`;
const authToken = randomBytes(16).toString('hex');
const password = `multi-${randomBytes(8).toString('hex')}`;
const adminEmail = 'admin@switchboard.local';
const businessNumber = '+12125550100';
const CUSTOMERS = 24;
const VISITORS = 6;
const phoneOf = (k) => `+1415555${String(100 + k).padStart(4, '0')}`; // +14155550100 …

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function eventually(fn, what, ms = CEILING) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------- PostgreSQL

function psql(url, sql) {
  return new Promise((resolvePromise, reject) => {
    execFile('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`psql: ${err.message}\n${stderr}`));
        else resolvePromise(stdout.split('\n').filter((l) => l !== '').map((l) => l.split('|')));
      });
  });
}
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;

// ---------------------------------------------------------------- the fake Twilio

// Messages.json under /i/<instance>/2010-04-01/Accounts/<sid>/: each instance is
// given its own prefix as carriers.twilio.api_base, so every send names its sender.
// Answers 201 with a fresh SM… sid (what src/outbox/retry.cpp reads back).
async function startFakeTwilio() {
  const sent = []; // {instance, to, from, body, sid, at}
  const refused = []; // anything unexpected
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const m = req.url.match(/^\/i\/([^/]+)\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
      const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      const answer = (status, body) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !m || m[2] !== accountSid) {
        refused.push(`${req.method} ${req.url}`);
        return answer(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      }
      if (req.headers.authorization !== expectedAuth) {
        refused.push(`bad authorization on ${req.url}`);
        return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
      }
      // Taken as sent when received, as a real carrier would; answered a little
      // later, as a real API is.
      const p = new URLSearchParams(raw);
      const sid = `SM${randomBytes(16).toString('hex')}`;
      sent.push({ instance: m[1], to: p.get('To'), from: p.get('From'), body: p.get('Body'), sid, at: Date.now() });
      setTimeout(() => answer(201, { sid, status: 'queued', account_sid: accountSid, to: p.get('To'), from: p.get('From'), body: p.get('Body') }), carrierDelay);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, sent, refused, close: () => server.close() };
}

// ---------------------------------------------------------------- the instances

function daemonEnv(name, dbUrl, carrierUrl) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBOARD_')));
  return {
    ...clean,
    SWITCHBOARD_STORE_BACKEND: 'postgres',
    SWITCHBOARD_STORE_POSTGRES_URL: dbUrl,
    SWITCHBOARD_PUBLIC_URL: publicUrl,
    SWITCHBOARD_CARRIERS_TWILIO_ACCOUNT_SID: accountSid,
    SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN: authToken,
    SWITCHBOARD_CARRIERS_TWILIO_API_BASE: `${carrierUrl}/i/${name}`,
    SWITCHBOARD_BOOTSTRAP_ADMIN_PASSWORD: password,
    SWITCHBOARD_LOG_LEVEL: 'info',
    SWITCHBOARD_LOG_ACCESS: 'false',
    // Pacing (1 text a second per number by default) would only make the test slow.
    SWITCHBOARD_CARRIERS_SMS_PER_SECOND_PER_NUMBER: '1000',
    // Every request comes from 127.0.0.1; the widget's per-address and per-visitor
    // budgets are not what this test is about.
    SWITCHBOARD_WIDGET_REQUESTS_PER_MINUTE_PER_IP: '1000000',
    SWITCHBOARD_WIDGET_MESSAGES_PER_MINUTE: '1000000',
  };
}

async function startInstance(name, dbUrl, carrierUrl, workDir) {
  const dataDir = join(workDir, `${name}-data`);
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
    env: daemonEnv(name, dbUrl, carrierUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const inst = { name, child, url: null, dead: false, exited: false, out: '', err: '', socket: null, token: null };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { inst.err += d; });
  const exited = new Promise((r) => child.once('exit', (code, signal) => { inst.exited = true; r({ code, signal }); }));
  inst.exitedPromise = exited;
  inst.url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${inst.out}\n${inst.err}`)), 30000);
    exited.then(({ code, signal }) => reject(new Error(`${name} exited (${code ?? signal}):\n${inst.out}\n${inst.err}`)));
    child.stdout.on('data', (d) => {
      inst.out += d;
      const m = inst.out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    });
  });
  return inst;
}

async function stopInstance(inst) {
  if (!inst || inst.exited) return;
  inst.child.kill('SIGTERM');
  const t = setTimeout(() => inst.child.kill('SIGKILL'), 15000);
  await inst.exitedPromise;
  clearTimeout(t);
}

// ---------------------------------------------------------------- agent sockets

// A browser-style WebSocket when node has one (node 20.10+ with
// --experimental-websocket, which scripts/multi.sh passes), else the protocol by
// hand: enough of RFC 6455 for a client reading text frames.
function rawWebSocket(wsUrl, onText, onClose) {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(wsUrl.replace(/^ws/, 'http'));
    const req = httpRequest({
      host: u.hostname, port: u.port, path: u.pathname + u.search,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64') },
    });
    req.on('response', (res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    req.on('error', reject);
    req.on('upgrade', (_res, socket, head) => {
      let buf = head;
      let parts = [];
      const send = (opcode, payload) => {
        const mask = randomBytes(4);
        const masked = Buffer.from(payload);
        for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4];
        const len = masked.length;
        const hdr = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len])
          : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255]);
        socket.write(Buffer.concat([hdr, mask, masked]));
      };
      socket.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          if (buf.length < 2) return;
          const fin = (buf[0] & 0x80) !== 0;
          const op = buf[0] & 0x0f;
          let len = buf[1] & 0x7f;
          let off = 2;
          if (len === 126) {
            if (buf.length < 4) return;
            len = buf.readUInt16BE(2);
            off = 4;
          } else if (len === 127) {
            if (buf.length < 10) return;
            len = Number(buf.readBigUInt64BE(2));
            off = 10;
          }
          if (buf.length < off + len) return;
          const payload = buf.subarray(off, off + len);
          buf = buf.subarray(off + len);
          if (op === 0x9) send(0xa, payload);
          else if (op === 0x8) socket.end();
          else if (op === 0x1 || op === 0x0) {
            parts.push(Buffer.from(payload));
            if (fin) {
              onText(Buffer.concat(parts).toString('utf8'));
              parts = [];
            }
          }
        }
      });
      socket.on('error', () => {});
      socket.on('close', onClose);
      resolvePromise({ close: () => socket.destroy() });
    });
    req.end();
  });
}

// Opens /ws/agent on an instance; resolves after the "ready" frame. Keeps when
// each message.created arrived, by body (every body in this test is unique).
async function agentSocket(inst, token) {
  const sock = { name: inst.name, created: new Map(), types: new Map(), closed: false, close: () => {} };
  const wsUrl = `${inst.url.replace(/^http/, 'ws')}/ws/agent?token=${token}`;
  let ready;
  const isReady = new Promise((r) => { ready = r; });
  const onText = (text) => {
    const at = performance.now();
    const ev = JSON.parse(text);
    sock.types.set(ev.type, (sock.types.get(ev.type) || 0) + 1);
    if (ev.type === 'ready') ready();
    if (ev.type === 'message.created' && !sock.created.has(ev.data.body)) sock.created.set(ev.data.body, at);
  };
  if (typeof globalThis.WebSocket === 'function') {
    const ws = new globalThis.WebSocket(wsUrl);
    ws.addEventListener('message', (e) => onText(String(e.data)));
    ws.addEventListener('close', () => { sock.closed = true; });
    ws.addEventListener('error', () => {});
    sock.close = () => ws.close();
  } else {
    const raw = await rawWebSocket(wsUrl, onText, () => { sock.closed = true; });
    sock.close = raw.close;
  }
  await Promise.race([isReady, sleep(CEILING).then(() => { throw new Error(`${inst.name}: no ready frame on /ws/agent`); })]);
  return sock;
}

// ---------------------------------------------------------------- requests

function twilioSignature(url, params) {
  let text = url;
  for (const k of Object.keys(params).sort()) text += k + params[k];
  return createHmac('sha1', authToken).update(text, 'utf8').digest('base64');
}

async function call(inst, method, path, { token, body, headers = {} } = {}) {
  const res = await fetch(`${inst.url}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(CEILING),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

function postWebhook(inst, params) {
  return fetch(`${inst.url}/webhooks/twilio/sms`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilioSignature(`${publicUrl}/webhooks/twilio/sms`, params),
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(CEILING),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
}

async function pool(tasks, width) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const ms = (x) => `${x.toFixed(1)} ms`;

// ---------------------------------------------------------------- the test

const skip = !pgUrl && !process.env.CI ? 'SWITCHBOARD_TEST_POSTGRES_URL is not set (run scripts/pg.sh run scripts/multi.sh)' : false;

describe('three instances on one PostgreSQL, one killed mid-load', { skip }, () => {
  let workDir;
  let dbUrl;
  let dbName;
  let carrier;
  const inst = []; // i1 (bootstraps, leads, is killed), i2, i3
  let victim;
  let survivors;
  let admin; // the bootstrap owner: {id, workspace_id, …}
  let killIso;
  const convOf = new Map(); // customer k -> conversation id
  // What the clients were told. A text: {kind, sid, body, k, phase, dup, acks: [{via, at}],
  // failedOn: [instance]}; a reply or widget message: {kind, id, body, via, phase, at, to?}.
  const writes = [];
  const texts = new Map(); // sid -> its write
  const cutOff = []; // bodies of replies/widget messages whose request died with the victim
  const visitors = []; // {token, conversation_id}
  const missingBeforeKill = {}; // socket -> phase-1 bodies it had not heard at the barrier
  const latencies = { load: [], probes: [] };
  let takenOver = []; // outbox rows the victim held at its death: {id, message_id}
  let leaseNote = '';
  let seq = 0;

  const after_ = (i) => {
    const ring = [...inst, ...inst];
    return ring.slice(ring.indexOf(i) + 1).find((x) => !x.dead);
  };
  // A request the victim's death explains: refused, reset, or cut off mid-answer
  // (fetch rejects those with a TypeError).
  const diedUnder = (i, e) => i.dead && e instanceof TypeError;
  const viaOf = (w) => (w.kind === 'text' ? w.acks[0]?.via : w.via);

  // One signed inbound text. If its instance dies under it, it goes to the next
  // one with the same MessageSid, as Twilio retries. dup: 'after' sends it again to
  // another instance once acknowledged; 'concurrent' to two instances at once.
  // Resolves to the instance that acknowledged it first.
  async function sendText(k, target, phase, dup = 'none') {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const w = { kind: 'text', sid, body: `hello from c${k} #${++seq} ${randomBytes(3).toString('hex')}`, k, phase, dup, acks: [], failedOn: [] };
    texts.set(sid, w);
    writes.push(w);
    const params = { AccountSid: accountSid, MessageSid: sid, SmsSid: sid, From: phoneOf(k), To: businessNumber, Body: w.body, NumMedia: '0' };
    const once = async (start) => {
      let i = start.dead ? after_(start) : start;
      for (;;) {
        try {
          const r = await postWebhook(i, params);
          assert.equal(r.status, 200, `webhook ${sid} on ${i.name}: ${r.status} ${r.text}`);
          w.acks.push({ via: i.name, at: performance.now() });
          return i;
        } catch (e) {
          if (!diedUnder(i, e)) throw e;
          w.failedOn.push(i.name);
          i = after_(i);
        }
      }
    };
    if (dup === 'concurrent') {
      const both = await Promise.all([once(target), once(after_(target))]);
      return inst.find((i) => i.name === w.acks[0].via) ?? both[0];
    }
    const first = await once(target);
    if (dup === 'after') await once(after_(first));
    return first;
  }

  // A reply or a widget message. One whose instance died under it is sent again,
  // as a client would, on the next instance; a REST POST has no idempotency key,
  // so that is a new message (the first may or may not have committed).
  async function sendMessage(kind, target, phase, post) {
    let i = target.dead ? after_(target) : target;
    const n = ++seq;
    for (let attempt = 1; ; attempt++) {
      try {
        const w = await post(i, n, attempt);
        writes.push({ kind, ...w, via: i.name, phase, at: performance.now() });
        return i;
      } catch (e) {
        if (!diedUnder(i, e?.request ?? e)) throw e?.request ?? e;
        cutOff.push(e.body);
        i = after_(i);
      }
    }
  }
  // Errors of a POST carry its body, so a cut-off one can be accounted for.
  const tagged = async (body, fn) => {
    try {
      return await fn();
    } catch (e) {
      throw { request: e, body };
    }
  };
  const sendReply = (k, target, phase) => sendMessage('reply', target, phase, (i, n, attempt) => {
    const body = `reply to c${k} #${n} a${attempt}`;
    return tagged(body, async () => {
      const r = await call(i, 'POST', `/api/v1/conversations/${convOf.get(k)}/messages`, { token: i.token, body: { body } });
      assert.equal(r.status, 201, `reply on ${i.name}: ${r.status} ${r.text}`);
      return { id: r.json().id, body, to: phoneOf(k) };
    });
  });
  const sendWidget = (v, target, phase) => sendMessage('widget', target, phase, (i, n, attempt) => {
    const vis = visitors[v];
    const body = `widget v${v} #${n} a${attempt}`;
    return tagged(body, async () => {
      const path = vis.conversation_id ? `/api/widget/v1/conversations/${vis.conversation_id}/messages` : '/api/widget/v1/conversations';
      const r = await call(i, 'POST', path, { token: vis.token, body: { body } });
      assert.equal(r.status, 201, `widget POST ${path} on ${i.name}: ${r.status} ${r.text}`);
      if (vis.conversation_id) return { id: r.json().id, body };
      vis.conversation_id = r.json().id;
      return { id: r.json().messages[0].id, body };
    });
  });

  // Whose events a surviving socket must have heard: everything of phase 1 (all
  // three up, waited for before the kill), and afterwards every write the
  // survivors took. Not the victim's writes acknowledged in the burst (their row
  // for the other instances is written just after the answer: the kill may take
  // it along), nor a text whose first try died with the victim (if that try had
  // committed, the retry was answered as a duplicate, with no event).
  const survivorsMustHear = (w) => {
    if (w.phase === 1) return true;
    if (w.kind === 'text') return w.acks.length > 0 && w.failedOn.length === 0 && w.acks.every((a) => a.via !== victim.name);
    return w.via !== victim.name;
  };

  before(async () => {
    assert.ok(pgUrl, 'SWITCHBOARD_TEST_POSTGRES_URL must be set in CI (scripts/test.sh runs this test under scripts/pg.sh)');
    workDir = mkdtempSync(join(tmpdir(), 'sb-multi-'));
    dbName = `multi_${randomBytes(6).toString('hex')}`;
    await psql(pgUrl, `CREATE DATABASE ${dbName}`);
    const u = new URL(pgUrl);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    carrier = await startFakeTwilio();

    // The first instance migrates, creates the workspace and leads; then two more.
    inst.push(await startInstance('i1', dbUrl, carrier.url, workDir));
    await eventually(() => /now leads/.test(inst[0].err), 'i1 to lead');
    inst.push(...await Promise.all(['i2', 'i3'].map((n) => startInstance(n, dbUrl, carrier.url, workDir))));
    [victim] = inst;
    survivors = inst.slice(1);
    for (const i of inst) {
      const r = await call(i, 'POST', '/api/v1/auth/login', { body: { email: adminEmail, password } });
      assert.equal(r.status, 200, `login on ${i.name}: ${r.text}`);
      i.token = r.json().token;
      admin = r.json().user;
    }
    const num = await call(inst[1], 'POST', '/api/v1/numbers', {
      token: inst[1].token, body: { carrier: 'twilio', number: businessNumber, owner_teammate_id: admin.id },
    });
    assert.equal(num.status, 201, `add the Twilio number: ${num.text}`);
    for (const i of inst) i.socket = await agentSocket(i, i.token);
    for (let v = 0; v < VISITORS; v++) {
      const r = await call(inst[v % 3], 'POST', '/api/widget/v1/sessions', { body: { workspace_id: admin.workspace_id } });
      assert.equal(r.status, 200, `widget session: ${r.text}`);
      visitors.push({ token: r.json().token, conversation_id: null });
    }

    // Phase 1, all three up: every customer texts (some retried on another
    // instance, some sent to two at once, some new customers' first two texts taken
    // by two instances at once), then replies and widget chats, round robin.
    await pool(Array.from({ length: CUSTOMERS }, (_, k) => async () => {
      if (k % 8 === 0) await Promise.all([sendText(k, inst[k % 3], 1), sendText(k, after_(inst[k % 3]), 1)]);
      else await sendText(k, inst[k % 3], 1, k % 8 === 3 ? 'after' : k % 8 === 6 ? 'concurrent' : 'none');
      const sid = [...texts.values()].find((t) => t.k === k).sid;
      const rows = await psql(dbUrl, `SELECT conversation_id FROM messages WHERE channel = 'sms' AND external_id = ${lit(sid)}`);
      assert.equal(rows.length, 1, `the text ${sid} is stored once`);
      convOf.set(k, rows[0][0]);
    }), 6);
    await pool([
      ...Array.from({ length: CUSTOMERS }, (_, k) => () => sendReply(k, inst[(k + 1) % 3], 1)),
      ...Array.from({ length: VISITORS }, (_, v) => async () => {
        for (let j = 0; j < 3; j++) await sendWidget(v, inst[(v + j) % 3], 1);
      }),
    ], 6);
    // The barrier: before the kill, every socket hears every write, whoever took it.
    const phase1 = writes.filter((w) => w.phase === 1).map((w) => w.body);
    await eventually(() => inst.every((i) => phase1.every((b) => i.socket.created.has(b))), 'phase 1 events on every socket').catch(() => {});
    for (const i of inst) missingBeforeKill[i.name] = phase1.filter((b) => !i.socket.created.has(b));

    // The burst: texts, replies and widget messages over all three at once; the
    // victim gets SIGKILL once it has acknowledged six of them, with more in flight.
    let victimAcks = 0;
    const kill = () => {
      if (victim.dead) return;
      victim.dead = true;
      killIso = new Date().toISOString();
      victim.child.kill('SIGKILL');
    };
    const counted = (fn) => async () => {
      if ((await fn()) === victim && ++victimAcks >= 6) kill();
    };
    const burst = [];
    for (let k = 0; k < CUSTOMERS; k++) {
      burst.push(counted(() => sendText(k, inst[k % 3], 2, k % 6 === 1 ? 'concurrent' : 'none')));
      burst.push(counted(() => sendReply(k, inst[(k + 2) % 3], 2)));
      if (k < 2 * VISITORS) burst.push(counted(() => sendWidget(k % VISITORS, inst[(k + 1) % 3], 2)));
    }
    await pool(burst, 12);
    kill(); // if it never got six, it dies now
    const gone = await victim.exitedPromise;
    assert.equal(gone.signal, 'SIGKILL', `${victim.name} was killed`);

    // Phase 2, on the survivors.
    await pool([
      ...Array.from({ length: CUSTOMERS }, (_, k) => () => sendText(k, survivors[k % 2], 3, k % 5 === 2 ? 'after' : 'none')),
      ...Array.from({ length: CUSTOMERS }, (_, k) => () => sendReply(k, survivors[(k + 1) % 2], 3)),
      ...Array.from({ length: 2 * VISITORS }, (_, j) => () => sendWidget(j % VISITORS, survivors[j % 2], 3)),
    ], 8);

    // Latency one text at a time: a webhook to one survivor, heard on the other.
    for (let n = 0; n < 20; n++) {
      const [via, other] = n % 2 ? survivors : [...survivors].reverse();
      await sendText(n % CUSTOMERS, via, 4);
      const w = writes[writes.length - 1];
      // A probe never heard fails the socket check below, with whatever else was missed.
      if (!await eventually(() => other.socket.created.has(w.body), `probe ${n} on ${other.name}`).catch(() => false)) break;
      latencies.probes.push(other.socket.created.get(w.body) - w.acks[0].at);
    }
    const heard = writes.filter(survivorsMustHear).map((w) => w.body);
    await eventually(() => survivors.every((i) => heard.every((b) => i.socket.created.has(b))), 'the survivors\' events').catch(() => {});
    for (const w of writes) {
      if (w.kind !== 'text' || w.phase === 4 || w.dup !== 'none' || w.failedOn.length || w.acks.length !== 1) continue;
      for (const i of inst) {
        if (i.name !== w.acks[0].via && i.socket.created.has(w.body)) latencies.load.push(i.socket.created.get(w.body) - w.acks[0].at);
      }
    }

    // The victim's leases. Once the survivors have settled everything else, a row
    // still pending that nobody has touched since the kill is one it had claimed.
    const pendingRows = () => psql(dbUrl, `SELECT id, updated_at < ${lit(killIso)}, next_attempt_at > ${lit(new Date().toISOString())}, payload FROM outbox WHERE status = 'pending' ORDER BY id`);
    let held;
    await eventually(async () => {
      const rows = await pendingRows();
      if (!rows.every(([, beforeKill, leased]) => beforeKill === 't' && leased === 't')) return false;
      await sleep(1500); // and a moment later the same: nothing is moving
      const again = await pendingRows();
      if (again.map((r) => r[0]).join() !== rows.map((r) => r[0]).join()) return false;
      held = again;
      return true;
    }, 'the survivors to settle every outbox row but the dead instance\'s leases');
    takenOver = held.map(([id, , , payload]) => ({ id, message_id: String(JSON.parse(payload).message_id ?? '') }));
    if (held.length && !waitRealLease) {
      await psql(dbUrl, `UPDATE outbox SET next_attempt_at = ${lit(new Date().toISOString())} WHERE id IN (${held.map((r) => r[0]).join(',')})`);
      leaseNote = `the killed instance held ${held.length} claimed outbox row(s): their 2-minute leases were ended early in the database (MULTI_WAIT_LEASE=1 waits them out)`;
    } else {
      leaseNote = `the killed instance held ${held.length} claimed outbox row(s)${held.length ? ': their 2-minute leases were waited out' : ''}`;
    }
    await eventually(async () => (await psql(dbUrl, "SELECT count(*) FROM outbox WHERE status = 'pending'"))[0][0] === '0',
      'every outbox row to be settled', waitRealLease ? 200000 : CEILING);
  }, { timeout: 600000 });

  after(async () => {
    for (const i of inst) i.socket?.close();
    await Promise.all(inst.map(stopInstance));
    carrier?.close();
    for (const i of inst) {
      const notable = i.err.split('\n').filter((l) => /^\S+ (warning|error|critical) \[/.test(l));
      if (notable.length) console.log(`# ${i.name}: ${notable.length} warning/error log line(s); the first:\n${notable.slice(0, 6).map((l) => `#   ${l}`).join('\n')}`);
    }
    if (process.env.MULTI_KEEP_LOGS && workDir) {
      for (const i of inst) writeFileSync(join(workDir, `${i.name}.log`), i.err);
      console.log(`# logs kept in ${workDir}`);
    } else if (workDir) {
      rmSync(workDir, { recursive: true, force: true });
    }
    if (dbName) await psql(pgUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.log(`# ${e.message}`));
  });

  it('every acknowledged inbound text is stored exactly once, retries on other instances included', async () => {
    const acked = [...texts.values()].filter((t) => t.acks.length > 0);
    assert.equal(acked.length, texts.size, 'every text was acknowledged (by another instance if its own died)');
    const rows = await psql(dbUrl, "SELECT external_id, count(*), min(body), min(conversation_id) FROM messages WHERE channel = 'sms' AND direction = 'inbound' GROUP BY external_id");
    const stored = new Map(rows.map(([sid, n, body, conversation]) => [sid, { n: Number(n), body, conversation }]));
    for (const t of acked) {
      assert.equal(stored.get(t.sid)?.n, 1, `text ${t.sid} ("${t.body}", acknowledged by ${t.acks.map((a) => a.via).join(' and ')}) stored once`);
      assert.equal(stored.get(t.sid).body, t.body);
    }
    for (const sid of stored.keys()) assert.ok(texts.has(sid), `stored text ${sid} was sent by this test`);
    // One customer, one thread, whichever instances took their texts.
    for (let k = 0; k < CUSTOMERS; k++) {
      const threads = new Set(acked.filter((t) => t.k === k).map((t) => stored.get(t.sid).conversation));
      assert.deepEqual([...threads], [convOf.get(k)], `every text of customer ${k} is in one conversation`);
    }
    const twice = acked.filter((t) => t.acks.length > 1).length;
    const reset = acked.filter((t) => t.failedOn.length > 0).length;
    assert.ok(twice > 0, 'some texts were acknowledged by two instances');
    console.log(`# inbound texts: ${acked.length} acknowledged; ${twice} acknowledged by two instances (same MessageSid); ${reset} cut off by the kill and acknowledged by another instance`);
  });

  it('every acknowledged reply and widget message is stored exactly once, and a survivor\'s API shows it once', async () => {
    const msgs = writes.filter((w) => w.kind !== 'text');
    const rows = await psql(dbUrl, `SELECT id, body FROM messages WHERE id IN (${msgs.map((m) => m.id).join(',')})`);
    const byId = new Map(rows.map(([id, body]) => [id, body]));
    for (const m of msgs) assert.equal(byId.get(m.id), m.body, `message ${m.id} ("${m.body}", acknowledged by ${m.via}) is stored`);
    const counts = new Map((await psql(dbUrl, "SELECT body, count(*) FROM messages WHERE body LIKE 'reply to c%' OR body LIKE 'widget v%' GROUP BY body")).map(([b, n]) => [b, Number(n)]));
    for (const m of msgs) assert.equal(counts.get(m.body), 1, `"${m.body}" stored once`);
    for (const b of cutOff) assert.ok((counts.get(b) ?? 0) <= 1, `"${b}" (its request died with the victim) stored at most once`);

    // The same through the REST API of a surviving instance, thread by thread.
    const reader = survivors[0];
    const byBody = new Map();
    const byMessageId = new Map();
    for (const [c] of await psql(dbUrl, 'SELECT id FROM conversations')) {
      let cursor = null;
      do {
        const r = await call(reader, 'GET', `/api/v1/conversations/${c}/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: reader.token });
        assert.equal(r.status, 200, r.text);
        const page = r.json();
        for (const m of page.items) {
          byBody.set(m.body, (byBody.get(m.body) || 0) + 1);
          byMessageId.set(m.id, (byMessageId.get(m.id) || 0) + 1);
        }
        cursor = page.next_cursor;
      } while (cursor);
    }
    for (const m of msgs) assert.equal(byMessageId.get(m.id), 1, `${reader.name}'s API shows message ${m.id} once`);
    for (const t of texts.values()) assert.equal(byBody.get(t.body), 1, `${reader.name}'s API shows "${t.body}" once`);
    const replies = msgs.filter((m) => m.kind === 'reply').length;
    console.log(`# replies: ${replies} acknowledged; widget messages: ${msgs.length - replies} acknowledged; ${cutOff.length} cut off by the kill and sent again on another instance as new messages (${cutOff.filter((b) => counts.get(b)).length} of the cut-off ones had committed)`);
  });

  it('the fake carrier received each outbound text exactly once', async () => {
    assert.deepEqual(carrier.refused, [], 'no unexpected requests at the carrier');
    const outbound = await psql(dbUrl, "SELECT id, body, external_id, status FROM messages WHERE channel = 'sms' AND direction = 'outbound' ORDER BY id");
    const replies = writes.filter((w) => w.kind === 'reply');
    assert.ok(outbound.length >= replies.length);
    const sendsOf = new Map(); // body -> the carrier's requests
    for (const s of carrier.sent) sendsOf.set(s.body, [...(sendsOf.get(s.body) || []), s]);
    const held = new Set(takenOver.map((r) => r.message_id));
    const resent = [];
    for (const [id, body, externalId, status] of outbound) {
      const sends = sendsOf.get(body) || [];
      assert.ok(sends.length >= 1, `outbound message ${id} ("${body}", ${status}) reached the carrier`);
      if (sends.length > 1) {
        // Only the crash window: the victim made the request for a row it held,
        // died before recording the outcome, and the takeover sent it again.
        assert.equal(sends.length, 2, `"${body}" sent ${sends.length} times`);
        assert.ok(held.has(id) && sends[0].instance === victim.name && sends[1].instance !== victim.name,
          `"${body}" sent twice (by ${sends.map((s) => s.instance).join(', ')}) outside the killed instance's crash window`);
        resent.push(body);
      }
      assert.equal(externalId, sends[sends.length - 1].sid, `message ${id} keeps the carrier's sid`);
    }
    const stored = new Set(outbound.map((r) => r[1]));
    const to = new Map(replies.map((r) => [r.body, r.to]));
    for (const s of carrier.sent) {
      assert.ok(stored.has(s.body), `the carrier's "${s.body}" is a stored outbound text`);
      assert.equal(s.from, businessNumber);
      if (to.has(s.body)) assert.equal(s.to, to.get(s.body), `"${s.body}" went to its customer`);
    }
    const per = inst.map((i) => `${i.name} ${carrier.sent.filter((s) => s.instance === i.name).length}`).join(', ');
    console.log(`# carrier: ${carrier.sent.length} requests for ${outbound.length} outbound texts (sent by ${per}); ${leaseNote}; ${resent.length} sent a second time by the takeover because the killed instance died between its request and recording the outcome`);
  });

  it('agent sockets on the surviving instances received the events of texts that arrived on the others', async () => {
    for (const i of inst) assert.deepEqual(missingBeforeKill[i.name], [], `before the kill, ${i.name}'s socket heard every instance's writes`);
    let crossed = 0;
    for (const i of survivors) {
      const must = writes.filter(survivorsMustHear);
      const missing = must.filter((w) => !i.socket.created.has(w.body)).map((w) => `${w.body} (via ${viaOf(w)})`);
      assert.deepEqual(missing, [], `${i.name}'s socket missed events`);
      assert.equal(i.socket.closed, false, `${i.name}'s socket stayed open`);
      crossed += must.filter((w) => w.kind === 'text' && viaOf(w) !== i.name).length;
    }
    const late = writes.filter((w) => w.phase === 2 && viaOf(w) === victim.name);
    const heard = late.filter((w) => survivors.every((i) => i.socket.created.has(w.body))).length;
    console.log(`# events: ${crossed} texts taken by another instance heard on the survivors' sockets; of the victim's writes acknowledged in the burst, ${heard}/${late.length} reached both survivors (not asserted: in flight at the kill)`);
    console.log('# latency from a webhook\'s 200 on one instance to message.created on another instance\'s socket (the issue wants < 200 ms; printed, not asserted):');
    console.log(`#   under load: n=${latencies.load.length} median ${ms(median(latencies.load))} max ${ms(Math.max(...latencies.load))}`);
    console.log(`#   one text at a time: n=${latencies.probes.length} median ${ms(median(latencies.probes))} max ${ms(Math.max(...latencies.probes))}`);
  });

  it('a surviving instance takes over as leader', async () => {
    const leader = await eventually(() => survivors.find((i) => /now leads/.test(i.err)), 'a survivor to lead');
    console.log(`# leader: ${victim.name} until the kill, then ${leader.name}`);
  });
});
