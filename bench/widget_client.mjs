// Widget load for bench/widget.sh, with node's built-ins only: creates N visitor
// sessions (POST /api/widget/v1/sessions, a few in flight at once), prints
// "sessions N", then opens one /ws/widget socket per session (the upgrade
// only: an idle visitor), prints "open N" and keeps them until stdin closes.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const [port, count, workspace = '1'] = process.argv.slice(2).map(String);
const n = Number(count);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function post(path, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(data);
  });
}

function open(token) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: `/ws/widget?token=${token}`, headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64') } });
    req.on('upgrade', (res, socket) => { socket.on('error', () => {}); resolve(socket); });
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

const tokens = [];
for (let i = 0; i < n; i += 16) {
  const batch = [];
  for (let j = i; j < Math.min(n, i + 16); j++) batch.push(post('/api/widget/v1/sessions', { workspace_id: workspace }));
  for (const s of await Promise.all(batch)) tokens.push(s.token);
}
console.log(`sessions ${tokens.length}`);
agent.destroy();
const sockets = [];
for (let i = 0; i < tokens.length; i += 100) {
  sockets.push(...await Promise.all(tokens.slice(i, i + 100).map(open)));
}
console.log(`open ${sockets.length}`);
process.stdin.resume();
process.stdin.on('end', () => { for (const s of sockets) s.destroy(); process.exit(0); });
