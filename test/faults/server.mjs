#!/usr/bin/env node
// The fault server: plays scripted responses and faults from the shared vectors
// (test/faults/vectors/*.yaml) so that every client can be driven through the same failures.
//
// A request carrying `X-Fault-Case: <vector id>` gets step n of that vector's script on its n-th
// attempt (the last step repeats). An optional `X-Fault-Run: <name>` starts a separate count, so
// one vector can be run more than once (eager and lazy list forms, sync and async clients).
// Every request is recorded with its arrival time.
//   GET /__faults/requests?case=ID[&run=NAME]   the recorded requests of a run (JSON)
//   GET /__faults/vectors            every vector (JSON), for runners without a YAML parser
//   GET /__faults/bad-arguments      the bad-argument table (bad-arguments.mjs), as JSON
// Run as a program it prints `{"url": …}` and stops when stdin closes or on SIGTERM.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { badArgumentCases } from './bad-arguments.mjs';
import { loadVectors } from './vectors.mjs';

export const CASE_HEADER = 'x-fault-case';
export const RUN_HEADER = 'x-fault-run';
const runKey = (id, run) => `${id}\n${run ?? ''}`;

/** Fills `{{apiKey}}` and `{{env}}` in a step's text from the request (to test redaction). */
function fill(text, req, body) {
  const apiKey = String(req.headers['x-api-key'] ?? '');
  let env = '';
  try {
    env = Object.values(JSON.parse(body || '{}').envs ?? {}).join(',');
  } catch {
    // not JSON: nothing to echo
  }
  return text.replaceAll('{{apiKey}}', apiKey).replaceAll('{{env}}', env);
}

function play(step, req, res, body) {
  if (step.reset === 'before-headers') return req.socket.destroy();
  if (step.reset === 'mid-body') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
    res.write('{"sandboxId":"sbx_fault","templateId":"def');
    return setTimeout(() => req.socket.destroy(), 20);
  }
  const send = () => {
    if (res.destroyed) return;
    const text = step.raw !== undefined ? fill(step.raw, req, body) : step.body === undefined ? '' : fill(JSON.stringify(step.body), req, body);
    const headers = { 'content-type': 'application/json', ...(step.headers ?? {}) };
    if (step.truncate) {
      res.writeHead(step.status ?? 200, { ...headers, 'content-length': String(Buffer.byteLength(text) + 50) });
      res.write(text);
      return setTimeout(() => req.socket.destroy(), 20);
    }
    res.writeHead(step.status ?? 200, headers);
    res.end(text);
  };
  if (step.delayMs) setTimeout(send, step.delayMs);
  else send();
}

export async function startFaultServer(vectors = loadVectors()) {
  const byId = new Map(vectors.map((v) => [v.id, v]));
  const records = new Map();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://faults');
      if (url.pathname === '/__faults/requests') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(records.get(runKey(url.searchParams.get('case'), url.searchParams.get('run'))) ?? []));
      }
      if (url.pathname === '/__faults/bad-arguments') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(badArgumentCases()));
      }
      if (url.pathname === '/__faults/vectors') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(vectors));
      }
      const id = req.headers[CASE_HEADER];
      const vector = byId.get(id);
      const key = runKey(id, req.headers[RUN_HEADER]);
      const seen = records.get(key) ?? [];
      records.set(key, seen);
      seen.push({ method: req.method, path: url.pathname, query: url.search.slice(1), headers: req.headers, body, at: Date.now() });
      if (!vector) {
        res.writeHead(418, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ code: 'no_such_vector', message: `no vector ${id}` }));
      }
      const steps = vector.responses;
      play(steps[Math.min(seen.length - 1, steps.length - 1)], req, res, body);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: (id, run) => records.get(runKey(id, run)) ?? [],
    stop: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const faults = await startFaultServer();
  process.stdout.write(`${JSON.stringify({ url: faults.url })}\n`);
  const stop = async () => {
    await faults.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}
