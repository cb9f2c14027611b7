// The broken-spec corpus (broken-specs/cases.yaml): every case is a located error, exit 1, and
// the previous output is left exactly as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGenerator, snapshot, SPEC, specVariant, tempDir } from './helpers.js';

interface BrokenCase {
  name: string;
  find: string;
  replace: string;
  error: { pointer: string; message: string; line?: number };
}

const cases = parse(readFileSync(join(import.meta.dirname, 'broken-specs', 'cases.yaml'), 'utf8')) as BrokenCase[];
const spec = readFileSync(SPEC, 'utf8');

let out: string;
let before: Record<string, string>;
beforeAll(() => {
  out = tempDir();
  expect(runGenerator(['--spec', SPEC, '--out', out, '--target', 'ts']).code).toBe(0);
  before = snapshot(out);
});

describe('broken specs', () => {
  it.each(cases)('$name', (c) => {
    expect(spec.includes(c.find), `the corpus edit must apply to the current spec: ${JSON.stringify(c.find)}`).toBe(true);
    const file = specVariant(tempDir(), (text) => text.replace(c.find, c.replace));
    const r = runGenerator(['--spec', file, '--out', out, '--target', 'ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^the spec has \d+ problem\(s\); nothing was written:\n/);
    const line = r.stderr.split('\n').find((l) => l.includes(` ${c.error.pointer}: `) && l.includes(c.error.message));
    expect(line, `a line naming ${c.error.pointer} with "${c.error.message}" in:\n${r.stderr}`).toBeDefined();
    const location = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+) `);
    expect(line, 'the line starts with file:line:column').toMatch(location);
    if (c.error.line !== undefined) expect(Number(line!.match(location)![1])).toBe(c.error.line);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(snapshot(out)).toEqual(before);
  });

  it('a spec file that does not exist is one clear line', () => {
    const r = runGenerator(['--spec', '/nonexistent/openapi.yaml', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/openapi.yaml #: cannot read the spec: file not found');
  });
});
