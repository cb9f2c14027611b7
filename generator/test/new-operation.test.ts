// Adding an operation to the spec adds an SDK method (instance + static by-ID twin) with no other
// edit: generate from a fixture spec with one extra operation, then type-check a program that
// calls both forms against the handwritten core.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, REPO, runGenerator, specVariant, tempDir } from './helpers.js';

const SNAPSHOT_OP = `
  /sandboxes/{sandboxId}/snapshots:
    parameters:
      - $ref: '#/components/parameters/SandboxId'
    post:
      operationId: snapshotSandbox
      tags: [sandboxes]
      summary: Snapshot a sandbox
      description: Saves the sandbox's memory and disk under a name, without stopping it.
      x-tensor-box-idempotency:
        retrySafe: false
      x-tensor-box-sdk:
        method: snapshot
        binding: instance
        positional: [name]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/SnapshotRequest'
      responses:
        '201':
          description: The snapshot.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Snapshot'
        '404': { $ref: '#/components/responses/SandboxNotFound' }
`;

const SNAPSHOT_SCHEMAS = `
    SnapshotRequest:
      type: object
      required: [name]
      properties:
        name:
          type: string
          minLength: 1
          description: The snapshot's name.
    Snapshot:
      type: object
      required: [snapshotId, createdAt]
      properties:
        snapshotId:
          type: string
        createdAt:
          type: string
          format: date-time
`;

let out: string;
let sandboxTs: string;
beforeAll(() => {
  const dir = tempDir();
  const spec = specVariant(dir, (text) =>
    text.replace('\ncomponents:\n', `${SNAPSHOT_OP}\ncomponents:\n`).replace('  schemas:\n', `  schemas:\n${SNAPSHOT_SCHEMAS}`),
  );
  out = join(dir, 'out');
  const r = runGenerator(['--spec', spec, '--out', out, '--target', 'ts']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  sandboxTs = readFileSync(join(out, 'packages/ts-sdk/src/generated/sandbox.ts'), 'utf8');
});

describe('a new operation in the spec', () => {
  it('appears as a static by-ID method and as an instance method', () => {
    expect(sandboxTs).toContain('static async snapshot(sandboxId: string, name: string, options: CallOptions = {}): Promise<Snapshot>');
    expect(sandboxTs).toContain('async snapshot(name: string, options?: RequestOptions): Promise<Snapshot>');
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
        "  const b: Snapshot = await sandbox.snapshot('nightly');",
        '  return a.createdAt < b.createdAt ? a.createdAt : b.createdAt;',
        '}',
        '',
      ].join('\n'),
    );
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', sdk], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});
