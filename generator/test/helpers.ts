import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SPEC = join(REPO, 'spec', 'openapi.yaml');
export const CLI = join(REPO, 'generator', 'dist', 'cli.js');

export function tempDir(prefix = 'tb-gen-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the built generator; never throws, returns what a user sees. */
export function runGenerator(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` with its content, keyed by relative path. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const abs = join(d, entry);
      if (statSync(abs).isDirectory()) walk(abs);
      else out[relative(dir, abs)] = readFileSync(abs, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** A copy of the real spec with `edit` applied to its text. */
export function specVariant(dir: string, edit: (text: string) => string, name = 'openapi.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, edit(readFileSync(SPEC, 'utf8')));
  return file;
}

export { cpSync, execFileSync };
