// Runs every shared conformance scenario with the TypeScript SDK (the built package, as users
// get it) against Prism behind the recording proxy.
import { buildIR, type SdkMethod } from '@tensor-box/generator/ir';
import { loadSpec } from '@tensor-box/generator/load';
import { Sandbox } from 'tensor-box';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, SPEC } from '../harness/serve.mjs';
import { loadScenarios } from '../harness/scenarios.mjs';
import { checkCase, type HarnessCase, type RecordedRequest } from './expectations.js';

const API_KEY = 'tb_test_conformance_key';
const ir = buildIR(loadSpec(SPEC), 'spec/openapi.yaml');
const scenarios = loadScenarios() as { file: string; operation: string; cases: HarnessCase[] }[];

let harness: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  harness = await start();
}, 60_000);
afterAll(async () => harness?.stop());

/** The IR method (or the method owning a predicate) a case calls. */
function methodOf(name: string): SdkMethod {
  const found = ir.sdk.methods.find((m) => m.name === name || m.predicates.some((p) => p.name === name));
  if (!found) throw new Error(`scenario calls unknown method ${name}`);
  return found;
}

/** Neutral scenario values → TS values (`{ $date }` → Date). */
function toTs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toTs);
  if (value !== null && typeof value === 'object') {
    if ('$date' in value) return new Date((value as { $date: string }).$date);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toTs(v)]));
  }
  return value;
}

/** TS values → neutral JSON for comparison (dates as ISO strings, instances as their ID). */
function toNeutral(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Sandbox) return { sandboxId: value.sandboxId };
  if (Array.isArray(value)) return value.map(toNeutral);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toNeutral(v)]));
  }
  return value;
}

/** Options as the TS SDK takes them: arguments of an options group (list's `query`) nested. */
function tsOptions(method: SdkMethod, options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    const group = method.options.find((a) => a.name === name)?.group;
    if (group) out[group] = { ...(out[group] as object), [name]: toTs(value) };
    else out[name] = toTs(value);
  }
  return out;
}

async function runCall(c: HarnessCase): Promise<{ result?: unknown; error?: unknown }> {
  const call = c.call;
  const method = methodOf(call.method);
  const client = { domain: harness.url, apiKey: API_KEY, ...call.client };
  const callHeaders: Record<string, string> = { 'X-Conformance-Case': c.tag, ...(call.prefer ? { Prefer: call.prefer } : {}) };
  // Positionals not given are passed as undefined, so that the options land in their place.
  const args = Array.from({ length: method.positional.length }, (_, i) => toTs(call.args?.[i]));
  const options = tsOptions(method, call.options ?? {});
  const api = Sandbox as unknown as Record<string, (...a: unknown[]) => unknown>;
  try {
    let value: unknown;
    if (call.on === 'instance') {
      const sandbox = await Sandbox.connect(call.id ?? 'sbx_abc123', { ...client, headers: { 'X-Conformance-Case': `${c.tag}:setup` } });
      if (call.disconnectFirst) await sandbox.disconnect();
      const bound = (sandbox as unknown as Record<string, (...a: unknown[]) => unknown>)[call.method]!.bind(sandbox);
      value = await bound(...args, { ...options, headers: callHeaders });
    } else {
      const idArgs = method.idParam ? [call.id ?? 'sbx_abc123'] : [];
      const result = api[call.method]!(...idArgs, ...args, { ...client, ...options, headers: callHeaders });
      value = call.take !== undefined ? await take(result as AsyncIterable<unknown>, call.take) : await result;
    }
    return { result: toNeutral(value) };
  } catch (error) {
    return { error };
  }
}

async function take(items: AsyncIterable<unknown>, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

async function recorded(tag: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${harness.url}/__harness/requests?tag=${encodeURIComponent(tag)}`);
  return (await res.json()) as RecordedRequest[];
}

describe.each(scenarios)('$file', ({ cases }) => {
  it.each(cases)('$name', async (c) => {
    const outcome = await runCall(c);
    const requests = await recorded(c.tag);
    const setup = await recorded(`${c.tag}:setup`);
    checkCase(c, outcome, requests, setup, {
      apiKey: API_KEY,
      userAgent: /^tensor-box-ts\/\d+\.\d+\.\d+/,
      errorFields: (error) => {
        const e = error as Record<string, unknown>;
        return {
          class: e.name,
          status: e.status,
          code: e.code,
          requestId: e.requestId,
          message: e.message,
          argument: typeof e.argument === 'string' ? e.argument.split(/[.[]/)[0] : undefined,
          retryAfter: e.retryAfter,
        };
      },
    });
  });
});

describe('scenario coverage', () => {
  const all = scenarios.flatMap((s) => s.cases);
  const called = (method: string, on: 'class' | 'instance') => all.some((c) => c.call.method === method && c.call.on === on);

  it.each(ir.sdk.methods.flatMap((m) => [m.name, ...m.predicates.map((p) => p.name)]))(
    '%s is called in its static form, and in its instance form when it has one',
    (name) => {
      const method = methodOf(name);
      expect(called(name, 'class')).toBe(true);
      if (method.binding === 'instance') expect(called(name, 'instance')).toBe(true);
    },
  );

  it('every spec operation has a scenario file', () => {
    expect(scenarios.map((s) => s.operation).sort()).toEqual(ir.operations.map((o) => o.operationId).sort());
  });

  it('every server error class of the hierarchy is reached', () => {
    const reached = new Set(all.map((c) => c.expect.error?.class).filter(Boolean));
    for (const cls of [
      'InvalidArgumentError',
      'BadRequestError',
      'AuthenticationError',
      'PermissionDeniedError',
      'NotFoundError',
      'ConflictError',
      'UnprocessableEntityError',
      'RateLimitError',
      'InternalServerError',
      'APIConnectionError',
      'APIUserAbortError',
    ]) {
      expect(reached, cls).toContain(cls);
    }
  });
});
