// Loopback call throughput: `Sandbox.getInfo(id)` vs raw `fetch` doing the same requests (same
// URL, same headers, JSON parsed, and — like the SDK — a 60 s per-attempt timeout through an
// AbortSignal), against one keep-alive server in another process. Target: SDK ≥ 0.95 × that.
// Bare fetch without any timeout is printed too: undici's abort-signal plumbing alone costs
// several percent, which no client that enforces a timeout can avoid.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { report, REPO } from './lib.mjs';

const { Sandbox } = await import(`${REPO}/packages/ts-sdk/dist/esm/index.js`);
const requests = Number(process.argv[2] ?? 4000);
const rounds = 5;

const server = spawn(process.execPath, ['-e', `
  const body = JSON.stringify({ sandboxId: 'sbx_1', templateId: 'default', state: 'running', startedAt: '2026-11-29T10:00:00Z',
    endAt: '2026-11-29T10:05:00Z', cpuCount: 2, memoryMB: 2048, diskGB: 40, metadata: {}, lifecycle: { onTimeout: 'kill', autoResume: false } });
  const s = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); }); });
  s.keepAliveTimeout = 60000;
  s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(server.stdout, 'data');
const domain = `http://127.0.0.1:${String(line).trim()}`;
// The same request the SDK sends: same URL and the same headers.
const headers = {
  Accept: 'application/json',
  'User-Agent': 'tensor-box-ts/0.1.0',
  'X-Tensor-Box-Lang': 'ts',
  'X-Tensor-Box-Version': '0.1.0',
  'X-Tensor-Box-Runtime': `node/${process.versions.node}`,
  'X-Tensor-Box-Retry-Count': '0',
  'X-API-Key': 'bench',
};

async function rate(call) {
  for (let i = 0; i < 200; i++) await call(); // warm up the connection pool and the JIT
  const started = performance.now();
  for (let i = 0; i < requests; i++) await call();
  return (requests / (performance.now() - started)) * 1000;
}

const url = `${domain}/sandboxes/sbx_1`;
const bare = () => fetch(url, { headers }).then((r) => r.json());
const withTimeout = async () => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  try {
    return await fetch(url, { headers, signal: controller.signal }).then((r) => r.json());
  } finally {
    clearTimeout(timer);
  }
};
const sdk = () => Sandbox.getInfo('sbx_1', { domain, apiKey: 'bench' });
const variants = { bare, withTimeout, sdk };
const rates = { bare: [], withTimeout: [], sdk: [] };
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of Object.entries(variants)) rates[name].push(await rate(call));
}
server.kill();
const best = (xs) => Math.max(...xs);
report(`Loopback throughput (${requests} sequential requests, best of ${rounds} interleaved rounds)`, [
  ['raw fetch, same headers and per-attempt timeout', `${best(rates.withTimeout).toFixed(0)} req/s`],
  ['Sandbox.getInfo', `${best(rates.sdk).toFixed(0)} req/s`],
  ['ratio (target ≥ 0.95)', (best(rates.sdk) / best(rates.withTimeout)).toFixed(3)],
  ['bare fetch, no timeout (for reference)', `${best(rates.bare).toFixed(0)} req/s`],
  ['ratio to bare fetch', (best(rates.sdk) / best(rates.bare)).toFixed(3)],
]);
