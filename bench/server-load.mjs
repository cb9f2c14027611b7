#!/usr/bin/env node
// Load benchmark of the local server (packages/server), loopback only, bounded in time:
// N sandboxes (default 200) go through create → pause → resume → kill, each phase with all N
// requests in flight at once. Afterwards no sandbox may be lost or duplicated and no process
// or folder may be left behind. Prints ops/s and p50/p99 latency per operation.
//
//   npx tsc -b generator && npm run build -w tensor-box && npm run build -w @tensor-box/server
//   node bench/server-load.mjs [--count 200] [--deadline-s 180]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Sandbox } from 'tensor-box';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { count: { type: 'string', default: '200' }, 'deadline-s': { type: 'string', default: '180' } } });
const COUNT = Number(values.count);
const DEADLINE_S = Number(values['deadline-s']);
if (!Number.isInteger(COUNT) || COUNT < 1 || COUNT > 1000) throw new Error('--count must be an integer from 1 to 1000');

const dataDir = mkdtempSync(join(tmpdir(), 'tensor-box-bench-'));
const key = `bench_${randomBytes(12).toString('hex')}`;
let server;

/** Processes of this run's sandboxes: their HOME lies in this data folder. */
function sandboxProcesses() {
  const prefix = join(dataDir, 'sandboxes') + '/';
  const found = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (!env.includes(`\0HOME=${prefix}`) && !env.startsWith(`HOME=${prefix}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') found.push({ pid: Number(pid), pgrp: Number(pgrp), state });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function cleanup() {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  for (const p of sandboxProcesses()) {
    for (const target of [-p.pgrp, p.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}

// Bounded: whatever happens, the run ends (and cleans up) by the deadline.
const watchdog = setTimeout(async () => {
  console.error(`server-load: not done after ${DEADLINE_S} s; stopping`);
  await cleanup();
  process.exit(1);
}, DEADLINE_S * 1000);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  server = spawn(
    process.execPath,
    [join(root, 'packages/server/dist/cli.js'), '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--max-sandboxes', String(COUNT), '--quiet'],
    { env: { ...process.env, TENSOR_BOX_SERVER_API_KEYS: key }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      out += d;
      if (/listening on http/.test(out)) resolve();
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return `http://127.0.0.1:${port}`;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `op` for every item at once; returns results and per-call latencies. */
async function phase(name, items, op) {
  const latencies = [];
  const errors = [];
  const started = performance.now();
  const results = await Promise.all(
    items.map(async (item) => {
      const t0 = performance.now();
      try {
        return await op(item);
      } catch (err) {
        errors.push(`${name} ${item ?? ''}: ${err.message}`);
        return undefined;
      } finally {
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const row = { op: name, calls: items.length, errors: errors.length, 'ops/s': Math.round(items.length / wall), 'p50 ms': +percentile(latencies, 50).toFixed(1), 'p99 ms': +percentile(latencies, 99).toFixed(1) };
  return { results, errors, row };
}

const problems = [];
const check = (ok, message) => ok || problems.push(message);

try {
  const domain = await startServer();
  const opts = { domain, apiKey: key, maxRetries: 0, requestTimeoutMs: 60_000 };
  const listAll = async (state) => (await Sandbox.list({ ...opts, query: { state } })).map((s) => s.sandboxId).sort();
  const rows = [];
  const overall = performance.now();

  const created = await phase('create', Array.from({ length: COUNT }, () => undefined), async () => (await Sandbox.create('default', opts)).sandboxId);
  rows.push(created.row);
  const ids = created.results.filter(Boolean).sort();
  check(new Set(ids).size === ids.length, 'a sandbox ID was returned twice');
  check(JSON.stringify(await listAll(['running'])) === JSON.stringify(ids), 'list(running) does not match the created sandboxes');
  check(new Set(sandboxProcesses().map((p) => p.pgrp)).size === ids.length, 'not one process group per sandbox');

  const paused = await phase('pause', ids, (id) => Sandbox.pause(id, opts));
  rows.push(paused.row);
  check(JSON.stringify(await listAll(['paused'])) === JSON.stringify(ids), 'list(paused) does not match');
  check(sandboxProcesses().every((p) => p.state === 'T' || p.state === 'D'), 'a paused sandbox has a process that is not stopped');

  const resumed = await phase('resume', ids, (id) => Sandbox.resume(id, undefined, opts));
  rows.push(resumed.row);
  check(JSON.stringify(await listAll(['running'])) === JSON.stringify(ids), 'list(running) after resume does not match');

  const killed = await phase('kill', ids, (id) => Sandbox.kill(id, opts));
  rows.push(killed.row);
  const totalOps = rows.reduce((n, r) => n + r.calls, 0);
  const totalS = (performance.now() - overall) / 1000;

  const closed = await listAll(['closed']);
  check(JSON.stringify(closed) === JSON.stringify(ids), `list(closed) has ${closed.length} sandboxes, expected exactly the ${ids.length} created`);
  check((await listAll(['running', 'paused'])).length === 0, 'a sandbox is still running or paused');
  const leaked = sandboxProcesses();
  check(leaked.length === 0, `${leaked.length} sandbox processes leaked`);
  const folders = existsSync(join(dataDir, 'sandboxes')) ? readdirSync(join(dataDir, 'sandboxes')) : [];
  check(folders.length === 0, `${folders.length} sandbox folders leaked`);
  for (const p of [created, paused, resumed, killed]) problems.push(...p.errors);
  check(ids.length === COUNT, `${COUNT - ids.length} creates failed`);

  console.log(`server-load: ${COUNT} sandboxes, each phase with ${COUNT} requests in flight (loopback)`);
  console.table(rows);
  console.log(`overall: ${totalOps} operations in ${totalS.toFixed(2)} s = ${Math.round(totalOps / totalS)} ops/s (list checks between phases included)`);
} catch (err) {
  problems.push(`run failed: ${err.stack ?? err}`);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}

if (problems.length > 0) {
  console.error(`server-load: FAILED\n  ${problems.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
console.log('server-load: no sandbox lost or duplicated, no process or folder leaked');
