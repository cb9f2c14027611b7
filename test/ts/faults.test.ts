// Runs every shared fault vector (test/faults/vectors) with the TypeScript SDK against the fault
// server, with debug logging on, and records the outcome for the vectors × clients table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIR } from '@tensor-box/generator/ir';
import { loadSpec } from '@tensor-box/generator/load';
import { Sandbox } from 'tensor-box';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer } from '../faults/server.mjs';
import { badArgumentCases } from '../faults/bad-arguments.mjs';
import { loadVectors } from '../faults/vectors.mjs';
import { SPEC } from '../harness/serve.mjs';

export const FAULT_KEY = 'tb_fault_key_8d1f5c2a9e';
export const FAULT_ENV = 'env_secret_value_93b7c1';

interface Vector {
  id: string;
  name: string;
  call: { method: string; id?: string; args?: unknown[]; options?: Record<string, unknown>; cancelAfterMs?: number };
  client?: Record<string, unknown>;
  expect: {
    attempts?: number;
    waits?: [number, number][];
    maxElapsedMs?: number;
    sameIdempotencyKey?: boolean;
    result?: Record<string, unknown>;
    ids?: string[];
    lazyIds?: string[];
    cursors?: (string | null)[];
    error?: Record<string, unknown> & { class: string };
  };
}
interface Seen {
  headers: Record<string, string>;
  query: string;
  at: number;
}

const ir = buildIR(loadSpec(SPEC), 'spec/openapi.yaml');
const vectors = loadVectors() as Vector[];
const results: { vector: string; pass: boolean; detail?: string }[] = [];
let faults: { url: string; requests: (id: string, run?: string) => Seen[]; stop: () => Promise<void> };

beforeAll(async () => {
  faults = await startFaultServer();
});
afterAll(async () => {
  await faults?.stop();
  const dir = join(import.meta.dirname, '..', 'faults', '.results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ts.json'), `${JSON.stringify(results, null, 2)}\n`);
});

/** `'{{env}}'` in a vector's arguments is this runner's recognisable env value. */
function fill(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('{{env}}', FAULT_ENV);
  if (Array.isArray(value)) return value.map(fill);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
  return value;
}

function neutral(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Sandbox) return { sandboxId: value.sandboxId };
  if (Array.isArray(value)) return value.map(neutral);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, neutral(v)]));
  return value;
}

async function run(v: Vector, lazy = false) {
  const method = ir.sdk.methods.find((m) => m.name === v.call.method)!;
  const logs: string[] = [];
  const controller = new AbortController();
  const options: Record<string, unknown> = {
    domain: faults.url,
    apiKey: FAULT_KEY,
    maxRetries: 2,
    requestTimeoutMs: 5_000,
    ...v.client,
    debug: true,
    logger: { debug: (line: string) => logs.push(line) },
    headers: { 'X-Fault-Case': v.id, 'X-Fault-Run': lazy ? 'ts-lazy' : 'ts' },
    signal: controller.signal,
  };
  for (const [name, value] of Object.entries(fill(v.call.options ?? {}) as Record<string, unknown>)) {
    const group = method.options.find((a) => a.name === name)?.group;
    if (group) options[group] = { ...(options[group] as object), [name]: value };
    else options[name] = value;
  }
  const args = Array.from({ length: method.positional.length }, (_, i) => fill(v.call.args?.[i]));
  const ids = method.idParam ? [v.call.id] : [];
  if (v.call.cancelAfterMs !== undefined) setTimeout(() => controller.abort(), v.call.cancelAfterMs);
  const api = Sandbox as unknown as Record<string, (...a: unknown[]) => unknown>;
  const started = Date.now();
  try {
    const pending = api[v.call.method]!(...ids, ...args, options);
    let result: unknown;
    if (lazy) {
      const items: unknown[] = [];
      for await (const item of pending as AsyncIterable<unknown>) items.push(item);
      result = items;
    } else result = await pending;
    return { result: neutral(result), logs, elapsed: Date.now() - started };
  } catch (error) {
    return { error: error as Error & Record<string, unknown>, logs, elapsed: Date.now() - started };
  }
}

function check(v: Vector, outcome: Awaited<ReturnType<typeof run>>, seen: Seen[]): void {
  const want = v.expect;
  const texts = [...outcome.logs, outcome.error?.message ?? '', String(outcome.error?.stack ?? ''), JSON.stringify(outcome.result ?? null)];
  for (const text of texts) {
    expect(text, 'the API key leaked').not.toContain(FAULT_KEY);
    expect(text, 'an env value leaked').not.toContain(FAULT_ENV);
  }
  expect(outcome.logs.length, 'debug logging produced lines').toBeGreaterThan(0);
  if (want.attempts !== undefined) expect(seen.length, 'attempts').toBe(want.attempts);
  (want.waits ?? []).forEach(([min, max], i) => {
    const wait = seen[i + 1]!.at - seen[i]!.at;
    expect(wait, `wait before attempt ${i + 2}`).toBeGreaterThanOrEqual(min);
    expect(wait, `wait before attempt ${i + 2}`).toBeLessThanOrEqual(max);
  });
  if (want.maxElapsedMs !== undefined) expect(outcome.elapsed).toBeLessThan(want.maxElapsedMs);
  if (want.sameIdempotencyKey) {
    const keys = seen.map((s) => s.headers['idempotency-key']);
    expect(keys[0]).toBeTruthy();
    expect(new Set(keys).size, 'one idempotency key on every attempt').toBe(1);
  }
  if (want.cursors) expect(seen.map((s) => new URLSearchParams(s.query).get('cursor'))).toEqual(want.cursors);
  if (want.error) {
    expect(outcome.error, `expected ${want.error.class}, got ${JSON.stringify(outcome.result)}`).toBeDefined();
    const e = outcome.error!;
    const fields: Record<string, unknown> = { class: e.name, status: e.status, code: e.code, requestId: e.requestId, message: e.message, retryAfter: e.retryAfter };
    for (const [key, value] of Object.entries(want.error)) expect(fields[key], `error.${key} (${e.message})`).toEqual(value);
  } else {
    if (outcome.error) throw outcome.error;
    if (want.result) expect(outcome.result).toMatchObject(want.result);
    if (want.ids) expect((outcome.result as { sandboxId: string }[]).map((s) => s.sandboxId)).toEqual(want.ids);
  }
}

describe('fault vectors (TypeScript SDK)', () => {
  it.each(vectors)('$id', async (v) => {
    try {
      const outcome = await run(v);
      check(v, outcome, faults.requests(v.id, 'ts'));
      if (v.expect.lazyIds) {
        const lazy = await run(v, true);
        expect((lazy.result as { sandboxId: string }[]).map((s) => s.sandboxId)).toEqual(v.expect.lazyIds);
        expect(faults.requests(v.id, 'ts-lazy')).toHaveLength(v.expect.attempts!);
      }
      results.push({ vector: v.id, pass: true });
    } catch (err) {
      results.push({ vector: v.id, pass: false, detail: (err as Error).message.split('\n')[0] });
      throw err;
    }
  });
});

interface BadArgumentCase {
  name: string;
  method: string;
  id?: string;
  args: unknown[];
  options: Record<string, unknown>;
  argument: string;
}

describe('bad arguments (TypeScript SDK): InvalidArgumentError, and no request', () => {
  const cases = badArgumentCases() as BadArgumentCase[];

  it('cover every SDK method', () => {
    const methods = new Set(cases.map((c) => c.method));
    for (const m of ir.sdk.methods) expect(methods, m.name).toContain(m.name);
  });

  it.each(cases)('$name', async (c) => {
    const owner = ir.sdk.methods.find((m) => m.name === c.method || m.predicates.some((p) => p.name === c.method))!;
    const options: Record<string, unknown> = { domain: faults.url, apiKey: FAULT_KEY, headers: { 'X-Fault-Case': 'bad-arguments', 'X-Fault-Run': c.name } };
    for (const [name, value] of Object.entries(c.options)) {
      const group = owner.options.find((a) => a.name === name)?.group;
      if (group) options[group] = { [name]: value };
      else options[name] = value;
    }
    const positional = c.method === owner.name ? owner.positional.length : 0;
    const args = Array.from({ length: positional }, (_, i) => c.args[i]);
    const ids = owner.idParam ? [c.id] : [];
    const api = Sandbox as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const error = (await Promise.resolve(api[c.method]!(...ids, ...args, options)).catch((e: unknown) => e)) as Error & { argument?: string };
    expect(error.name, error.message).toBe('InvalidArgumentError');
    expect(error.argument!.split(/[.[]/)[0]).toBe(c.argument);
    expect(faults.requests('bad-arguments', c.name)).toHaveLength(0);
  });
});
