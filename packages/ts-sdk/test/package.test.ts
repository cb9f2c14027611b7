// The package as it is published: pack it, then lint it, type-check a user's program against
// it, load both module formats, and bundle it for the browser.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);
let work: string;
let tarball: string;
let installed: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tensor-box-pack-'));
  const name = execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: pkgDir, encoding: 'utf8' }).trim();
  tarball = join(work, name.split('\n').pop()!);
  // Install the tarball the way a user would, into a project of its own.
  installed = join(work, 'app');
  mkdirSync(installed);
  writeFileSync(join(installed, 'package.json'), '{ "name": "app", "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: installed, stdio: 'pipe' });
}, 120_000);

const node = (args: string[], cwd: string) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8' });

describe('the packed tarball', () => {
  it('passes publint (strict)', () => {
    expect(() => execFileSync('npx', ['--no-install', 'publint', 'run', tarball, '--strict'], { cwd: pkgDir, stdio: 'pipe' })).not.toThrow();
  });

  it('passes @arethetypeswrong/cli for every resolution mode', () => {
    expect(() => execFileSync('npx', ['--no-install', 'attw', tarball], { cwd: pkgDir, stdio: 'pipe' })).not.toThrow();
  });

  it('ships no sources or tests, only dist', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.every((f) => f.startsWith('package/dist/') || /^package\/(package\.json|README\.md|LICENSE)$/.test(f))).toBe(true);
  });

  it('loads as ESM and as CommonJS with the same exports', () => {
    const esm = node(['--input-type=module', '-e', "import * as m from 'tensor-box'; console.log(Object.keys(m).sort().join(','))"], installed);
    const cjs = node(['-e', "console.log(Object.keys(require('tensor-box')).sort().join(','))"], installed);
    expect(esm).toBe(cjs);
    expect(esm).toContain('Sandbox');
    expect(esm).toContain('RateLimitError');
  });

  it.each(['node16', 'bundler'])('type-checks a strict user program (moduleResolution %s)', (resolution) => {
    const project = join(installed, `ts-${resolution}`);
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'contract.ts'), readFileSync(join(pkgDir, 'test/consumer/contract.ts')));
    const module = resolution === 'bundler' ? 'ESNext' : 'Node16';
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], module, moduleResolution: resolution, types: [] }, files: ['contract.ts'] }),
    );
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    expect(() => node([bin('typescript', 'bin/tsc'), '-p', project], project)).not.toThrow();
  });

  it('bundles for the browser with no node: import on the path', async () => {
    const esbuild = await import('esbuild');
    const entry = join(installed, 'entry.mjs');
    writeFileSync(entry, "import { Sandbox } from 'tensor-box';\nSandbox.list();\n");
    const result = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, minify: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.startsWith('node:'))).toBe(false);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:/);
  });
});
