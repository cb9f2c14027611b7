// Runs the built `tensor-box` binary as a real subprocess, as users do.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = join(PACKAGE_DIR, '..', '..');
export const BIN = join(PACKAGE_DIR, 'bin', 'tensor-box.js');
export const API_KEY = 'tb_test_cli_key_0123456789';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a test run: no inherited tensor-box or colour settings. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TENSOR_BOX_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR' && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** `onStart` gets the child, to signal it while it runs (Ctrl-C as SIGINT). */
export function run(
  args: string[],
  options: { env?: Record<string, string | undefined>; bin?: string; timeoutMs?: number; onStart?: (child: ChildProcess) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? BIN, ...args], { env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    options.onStart?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RecordedRequest {
  tag: string | null;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: string | null;
  status: number;
  violations: unknown[];
}

export async function recorded(harnessUrl: string, tag: string): Promise<RecordedRequest[]> {
  const res = await fetch(`${harnessUrl}/__harness/requests?tag=${encodeURIComponent(tag)}`);
  return (await res.json()) as RecordedRequest[];
}

/** Global flags that point a run at the harness and tag its requests. */
export function at(harnessUrl: string, tag: string): string[] {
  return [`--domain=${harnessUrl}`, `--header=X-Conformance-Case:${tag}`];
}
