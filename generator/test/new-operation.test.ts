// Adding an operation to the spec adds an SDK method (instance + static by-ID twin) with no other
// edit: generate from the fixture spec with one extra operation (test/fixtures/snapshot), then
// type-check a program that calls both forms against the handwritten core.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { specWithSnapshot } from '../../test/fixtures/snapshot/splice.mjs';
import { execFileSync, REPO, runGenerator, specVariant, tempDir } from './helpers.js';

let out: string;
let sandboxTs: string;
beforeAll(() => {
  const dir = tempDir();
  const spec = specVariant(dir, specWithSnapshot);
  out = join(dir, 'out');
  const r = runGenerator(['--spec', spec, '--out', out, '--target', 'ts']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  sandboxTs = readFileSync(join(out, 'packages/ts-sdk/src/generated/sandbox.ts'), 'utf8');
});

describe('a new operation in the spec', () => {
  it('appears as a static by-ID method and as an instance method', () => {
    expect(sandboxTs).toContain('static async snapshot(sandboxId: string, name: string, options: SnapshotOptions & ConnectionOptions = {}): Promise<Snapshot>');
    expect(sandboxTs).toContain('async snapshot(name: string, options?: SnapshotOptions): Promise<Snapshot>');
    expect(sandboxTs).toMatch(/export interface SnapshotOptions extends RequestOptions \{[^}]*keepMemory\?: boolean;/);
    expect(sandboxTs).toContain("snapshotSandbox: { method: 'POST', path: '/sandboxes/{sandboxId}/snapshots', retrySafe: false, responseShape: 'object' }");
    expect(readFileSync(join(out, 'packages/ts-sdk/src/generated/models.ts'), 'utf8')).toMatch(/export interface Snapshot \{[^}]*createdAt: Date;/);
  });

  it('type-checks, with both forms callable, against the handwritten core', () => {
    const sdk = join(out, 'packages/ts-sdk');
    cpSync(join(REPO, 'packages/ts-sdk/src/core'), join(sdk, 'src/core'), { recursive: true });
    cpSync(join(REPO, 'packages/ts-sdk/src/index.ts'), join(sdk, 'src/index.ts'));
    cpSync(join(REPO, 'packages/ts-sdk/tsconfig.json'), join(sdk, 'tsconfig.json'));
    writeFileSync(join(sdk, 'package.json'), '{ "type": "module" }\n');
    mkdirSync(join(sdk, 'src/usage'), { recursive: true });
    writeFileSync(
      join(sdk, 'src/usage/snapshot.ts'),
      [
        "import { Sandbox, type Snapshot } from '../index.js';",
        'export async function use(sandbox: Sandbox): Promise<Date> {',
        "  const a: Snapshot = await Sandbox.snapshot('sbx_1', 'nightly', { apiKey: 'k' });",
        "  const b: Snapshot = await sandbox.snapshot('nightly', { keepMemory: true });",
        '  return a.createdAt < b.createdAt ? a.createdAt : b.createdAt;',
        '}',
        '',
      ].join('\n'),
    );
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', sdk], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});
