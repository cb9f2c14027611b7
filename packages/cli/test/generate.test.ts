// Adding an operation with x-tensor-box-cli to the spec adds a working command with no other
// edit: the fixture spec (test/fixtures/snapshot: the real one plus a `snapshot` operation) goes through the generator,
// the SDK and the CLI are built from the result in a scratch folder, and the new command runs
// against Prism serving the fixture spec.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specWithSnapshot } from '../../../test/fixtures/snapshot/splice.mjs';
import { start } from '../../../test/harness/serve.mjs';
import { API_KEY, PACKAGE_DIR, recorded, REPO_ROOT, run } from './helpers.js';

const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');

/** Inside the package's node_modules, so that typescript, @types/node and commander resolve. */
const cache = join(PACKAGE_DIR, 'node_modules', '.cache');
let root: string;
let harness: { url: string; stop: () => Promise<void> } | undefined;
let bin: string;
let table: string;

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  root = mkdtempSync(join(cache, 'fixture-'));
  // The generator as it is now (incremental: quick when already built).
  node([TSC, '-b', join(REPO_ROOT, 'generator')]);

  const fixture = specWithSnapshot();
  mkdirSync(join(root, 'spec'));
  writeFileSync(join(root, 'spec', 'openapi.yaml'), fixture);

  // The SDK and the CLI packages without their generated files; the generator writes them.
  const sdk = join(root, 'packages', 'ts-sdk');
  const cli = join(root, 'packages', 'cli');
  cpSync(join(REPO_ROOT, 'packages', 'ts-sdk', 'src'), join(sdk, 'src'), { recursive: true, filter: (p) => !p.includes('/generated') });
  cpSync(join(REPO_ROOT, 'packages', 'ts-sdk', 'package.json'), join(sdk, 'package.json'));
  cpSync(join(PACKAGE_DIR, 'src'), join(cli, 'src'), { recursive: true, filter: (p) => !p.includes('/generated') });
  cpSync(join(PACKAGE_DIR, 'bin'), join(cli, 'bin'), { recursive: true });
  cpSync(join(PACKAGE_DIR, 'scripts'), join(cli, 'scripts'), { recursive: true });
  cpSync(join(PACKAGE_DIR, 'package.json'), join(cli, 'package.json'));
  cpSync(join(PACKAGE_DIR, 'tsconfig.json'), join(cli, 'tsconfig.json'));

  node([join(REPO_ROOT, 'generator', 'dist', 'cli.js'), '--spec', join(root, 'spec', 'openapi.yaml'), '--out', root, '--target', 'ts', '--target', 'cli']);
  table = readFileSync(join(cli, 'src', 'generated', 'commands.ts'), 'utf8');

  // Build the SDK as a plain ES module package, and make it the `tensor-box` the CLI imports.
  writeFileSync(
    join(sdk, 'tsconfig.fixture.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [], declaration: true, outDir: 'dist', rootDir: 'src' },
      include: ['src'],
    }),
  );
  writeFileSync(join(sdk, 'package.json'), JSON.stringify({ name: 'tensor-box', version: '0.1.0', type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }));
  node([TSC, '-p', join(sdk, 'tsconfig.fixture.json')]);
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(sdk, join(root, 'node_modules', 'tensor-box'), 'dir');
  node([join(cli, 'scripts', 'build.mjs')]);
  bin = join(cli, 'bin', 'tensor-box.js');

  harness = await start(join(root, 'spec', 'openapi.yaml'));
}, 180_000);

afterAll(async () => {
  await harness?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a new operation with x-tensor-box-cli', () => {
  it('is in the generated command table, and not in the real one', () => {
    expect(table).toContain("name: 'snapshot'");
    expect(table).toContain("aliases: ['snap']");
    expect(table).toMatch(/name: 'keep-memory',[\s\S]*?value: \{ kind: 'boolean' \}/);
    expect(table).toContain('Snapshot: {');
    expect(readFileSync(join(PACKAGE_DIR, 'src', 'generated', 'commands.ts'), 'utf8')).not.toContain("name: 'snapshot'");
  });

  it('is listed and documented by --help', async () => {
    const group = await run(['sandbox', '--help'], { bin });
    expect(group.stdout).toMatch(/snapshot\|snap .*Snapshot a sandbox/);
    const help = await run(['sandbox', 'snap', '--help'], { bin });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tensor-box sandbox snapshot|snap [options] <id> <name>');
    expect(help.stdout).toContain('--keep-memory');
    expect(help.stdout).toContain('$ tensor-box sandbox snapshot sbx_abc123 nightly --keep-memory');
  });

  it('runs: the request is what the spec asks for, with zero Prism violations', async () => {
    const tag = 'generate#snapshot';
    const r = await run(['--json', `--domain=${harness!.url}`, `--header=X-Conformance-Case:${tag}`, 'sandbox', 'snapshot', 'sbx_abc123', 'nightly', '--keep-memory'], {
      bin,
      env: { TENSOR_BOX_API_KEY: API_KEY },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ snapshotId: 'snp_1', sandboxId: 'sbx_abc123', name: 'nightly', createdAt: '2026-11-29T10:00:00.000Z' });
    const [request, ...rest] = await recorded(harness!.url, tag);
    expect(rest).toEqual([]);
    expect(request!.violations).toEqual([]);
    expect(`${request!.method} ${request!.path}`).toBe('POST /sandboxes/sbx_abc123/snapshots');
    expect(JSON.parse(request!.body!)).toEqual({ name: 'nightly', keepMemory: true });
  });

  it('prints the result as its model\'s record for people, and checks its arguments', async () => {
    const r = await run([`--domain=${harness!.url}`, 'sandbox', 'snapshot', 'sbx_abc123', 'nightly'], { bin, env: { TENSOR_BOX_API_KEY: API_KEY } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Snapshot ID  snp_1');
    const bad = await run(['sandbox', 'snapshot', 'sbx_abc123', ''], { bin, env: { TENSOR_BOX_API_KEY: API_KEY } });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'error: argument <name> must be a non-empty string of at most 64 characters (got "")\n' });
  });
});
