// Shared by the browser tests: a daemon on port 0 with a temporary data dir,
// the REST calls an agent makes, and Debian's chromium through playwright-core.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

export const binary = process.env.SWITCHBOARD_BIN || join(root, 'build', 'switchboard');
export const chromiumPath = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

// Starts `switchboard serve` and resolves once it listens: {url, email, password, stop()}.
export async function startDaemon({ env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-'));
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBOARD_')));
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir], {
    env: { ...cleanEnv, SWITCHBOARD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const ready = new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${out}\n${err}`)), 20000);
    child.on('exit', (code) => reject(new Error(`daemon exited with ${code}:\n${out}\n${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const listen = out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      const email = out.match(/Admin login:\s+(\S+)/);
      const password = out.match(/Password:\s+(\S+)/);
      if (listen && email && password) {
        clearTimeout(timer);
        resolvePromise({ url: listen[1], email: email[1], password: password[1] });
      }
    });
  });
  const info = await ready;
  return {
    ...info,
    logs: () => err,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The first session opened on each daemon (its admin's, in every fixture): the
// sandbox endpoints need a signed-in teammate (issue 16 item 14).
const firstTokens = new Map();

// A logged-in agent's REST client.
export async function login(url, email, password) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { token, user } = await res.json();
  if (!firstTokens.has(url)) firstTokens.set(url, token);
  const call = async (method, path, body) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return data;
  };
  return { token, user, call };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    // Root in a container has no user namespace for Chromium's sandbox.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

// Polls `fn` until it returns a truthy value (or throws after `ms`).
export async function eventually(fn, { ms = 10000, every = 100, what = 'condition' } = {}) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// Opens /app/ in a new page and signs in; collects page errors (expected to stay empty).
export async function signIn(browser, url, email, password, { viewport } = {}) {
  const page = await browser.newPage(viewport ? { viewport } : {});
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${url}/app/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'Conversations' }).waitFor();
  return { page, errors };
}

// A sandbox request as the daemon's first signed-in teammate.
export function sandboxFetch(url, path, init = {}) {
  return fetch(`${url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${firstTokens.get(url) || ''}`, ...(init.headers || {}) },
  });
}

// A customer's phone texts a sandbox line.
export async function customerTexts(url, from, to, body) {
  const r = await sandboxFetch(url, '/api/sandbox/v1/messages', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from, to, body }),
  });
  if (r.status !== 201) throw new Error(`sandbox text: ${r.status} ${await r.text()}`);
}

// +14155550100 -> (415) 555-0100, as the app shows NANP numbers.
export const shown = (e164) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;

// The inbox tests' fixture: a daemon, its admin's API client, a sandbox line the
// admin owns, and a browser. stop() closes the browser and the daemon.
export async function startInbox() {
  const daemon = await startDaemon();
  try {
    const admin = await login(daemon.url, daemon.email, daemon.password);
    const line = (await admin.call('POST', '/api/v1/numbers', { carrier: 'sandbox', owner_teammate_id: admin.user.id })).number;
    const browser = await launchBrowser();
    return { daemon, admin, line, browser, stop: async () => { await browser.close(); await daemon.stop(); } };
  } catch (e) {
    await daemon.stop();
    throw e;
  }
}

// A page on another origin (a loopback port of its own) that embeds the widget of
// `workspaceId` from the daemon: the shop a visitor is on. Close its `server` after.
export function shopPage(daemonUrl, workspaceId) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Our shop</h1>
      <script src="${daemonUrl}/widget.js" data-workspace="${workspaceId}" async></script></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, url: `http://127.0.0.1:${server.address().port}` });
  }));
}
