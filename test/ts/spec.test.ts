// The spec itself: redocly lint passes with no problem, and every example in it is valid
// (Prism with --errors turns an example that breaks its own schema into a 500).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism } from '../harness/prism.mjs';
import { SPEC } from '../harness/serve.mjs';

const REPO = join(import.meta.dirname, '..', '..');

describe('redocly lint', () => {
  it('finds no error and no warning', () => {
    const r = spawnSync('npx', ['--no-install', 'redocly', 'lint', 'spec/openapi.yaml', '--format', 'json'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(r.status).toBe(0);
  });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every (operation, status, example name) in the spec, with a valid request for the operation. */
function exampleCases() {
  const doc = parse(readFileSync(SPEC, 'utf8')) as Json;
  const deref = (node: Json): Json => (node.$ref ? deref(node.$ref.slice(2).split('/').reduce((n: Json, k: string) => n[k], doc)) : node);
  const cases: { label: string; method: string; path: string; body?: unknown; status: string; example: string }[] = [];
  for (const [template, item] of Object.entries(doc.paths as Json)) {
    const shared = (item.parameters ?? []).map(deref);
    for (const method of ['get', 'post', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const params = [...shared, ...(op.parameters ?? []).map(deref)];
      const path = template.replace(/\{(\w+)\}/g, (_, name) => params.find((p: Json) => p.name === name).example);
      const bodyExamples = op.requestBody ? deref(op.requestBody).content['application/json'].examples : undefined;
      const body = bodyExamples ? deref(bodyExamples.default).value : undefined;
      for (const [status, ref] of Object.entries(op.responses as Json)) {
        const content = deref(ref).content?.['application/json'];
        const names = content?.examples ? Object.keys(content.examples) : [undefined];
        for (const example of names) {
          cases.push({ label: `${method.toUpperCase()} ${template} ${status}${example ? ` ${example}` : ''}`, method, path, body, status, example: example ?? '' });
        }
      }
    }
  }
  return cases;
}

describe('every example is valid (prism mock --errors)', () => {
  let prism: { url: string; stop: () => Promise<void> };
  beforeAll(async () => {
    prism = await startPrism({ spec: SPEC });
  }, 60_000);
  afterAll(async () => prism?.stop());

  const cases = exampleCases();
  it('covers every response of every operation', () => {
    expect(cases.length).toBeGreaterThan(80);
  });

  it.each(cases)('$label', async (c) => {
    const prefer = [`code=${c.status}`, ...(c.example ? [`example=${c.example}`] : [])].join(', ');
    const res = await fetch(`${prism.url}${c.path}`, {
      method: c.method.toUpperCase(),
      headers: { 'X-API-Key': 'k', Prefer: prefer, ...(c.body ? { 'Content-Type': 'application/json' } : {}) },
      body: c.body ? JSON.stringify(c.body) : undefined,
    });
    const text = await res.text();
    expect(res.headers.get('sl-violations'), text).toBeNull();
    expect(res.status, text).toBe(Number(c.status));
  });
});
