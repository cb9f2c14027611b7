/**
 * Runs the real `tensor-box-server` command (dist/cli.js) in a fresh data folder on a free
 * port, and cleans up after it: the server, every process of its sandboxes, its folder. A
 * process-exit hook does the same if a test run is cut short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killSandboxProcesses, type HostProcess } from './host.js';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_DIR = resolve(PACKAGE_DIR, '..', '..');
export const SERVER_BIN = join(PACKAGE_DIR, 'dist', 'cli.js');
export const BEHAVIOUR_DIR = join(REPO_DIR, 'test', 'behaviour');
export const SPEC_FILE = join(REPO_DIR, 'spec', 'openapi.yaml');

export interface ServerOptions {
  /** Names of the API keys to accept; a random key is made for each. Default ['main']. */
  keys?: string[];
  templates?: string;
  extraArgs?: string[];
  /** Reuse a data folder (a restart by another handle). */
  dataDir?: string;
  /** Listen on this port (a proxy in front keeps its upstream); default a free one. */
  port?: number;
}

export interface ServerHandle {
  url: string;
  port: number;
  dataDir: string;
  /** Key by name. */
  keys: Record<string, string>;
  /** Everything the server printed, over all its starts. */
  output(): string;
  /** Stops the server; SIGTERM is graceful, SIGKILL a crash. Resolves once it exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it, kills leftover sandbox processes, removes the data folder; returns the leftovers. */
  dispose(): Promise<HostProcess[]>;
}

const running = new Set<{ child: ChildProcess; dataDir: string }>();
process.once('exit', () => {
  for (const r of running) {
    r.child.kill('SIGKILL');
    killSandboxProcesses(r.dataDir);
  }
});

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export async function startServer(options: ServerOptions = {}): Promise<ServerHandle> {
  const names = options.keys ?? ['main'];
  const keys = Object.fromEntries(names.map((n) => [n, `tbk_${n}_${randomBytes(12).toString('hex')}`]));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tensor-box-server-test-'));
  const port = options.port ?? (await freePort());
  let output = '';
  let current: { child: ChildProcess; dataDir: string; exited: Promise<void> } | undefined;

  const start = async () => {
    const child = spawn(
      process.execPath,
      [
        SERVER_BIN,
        '--port', String(port),
        '--data', dataDir,
        '--templates', options.templates ?? join(BEHAVIOUR_DIR, 'templates.json'),
        '--metrics-interval-ms', '200',
        '--log-poll-ms', '50',
        ...(options.extraArgs ?? []),
      ],
      { env: { ...process.env, TENSOR_BOX_SERVER_API_KEYS: Object.values(keys).join(',') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    current = { child, dataDir, exited };
    running.add(current);
    let seen = '';
    child.stdout!.on('data', (d) => ((output += d), (seen += d)));
    child.stderr!.on('data', (d) => ((output += d), (seen += d)));
    const deadline = Date.now() + 20_000;
    while (!/listening on http:\/\/\S+/.test(seen)) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${seen}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the server did not start within 20 s:\n${seen}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const c = current;
    if (!c) return;
    current = undefined;
    if (c.child.exitCode === null && c.child.signalCode === null) {
      c.child.kill(signal);
      const timer = setTimeout(() => c.child.kill('SIGKILL'), 10_000);
      await c.exited;
      clearTimeout(timer);
    }
    running.delete(c);
  };

  try {
    await start();
  } catch (err) {
    // Nothing of a server that never came up may stay behind (a folder it made, a stray process).
    await stop('SIGKILL');
    if (options.dataDir === undefined) {
      killSandboxProcesses(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    keys,
    output: () => output,
    stop,
    start,
    dispose: async () => {
      await stop('SIGTERM');
      const leftovers = killSandboxProcesses(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
      return leftovers;
    },
  };
}
