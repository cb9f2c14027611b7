/**
 * Looks at the machine, not the API: which processes of a server's sandboxes exist, in what
 * state. A sandbox's processes are found through their environment (TENSOR_BOX_SANDBOX_ID and a
 * HOME inside the server's data folder), so parallel servers never see each other's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HostProcess {
  pid: number;
  pgrp: number;
  /** R, S, T (stopped), … */
  state: string;
  sandboxId: string;
  env: Record<string, string>;
}

function readEnv(pid: string): Record<string, string> | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const env: Record<string, string> = {};
    for (const entry of text.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  } catch {
    return undefined;
  }
}

function readStat(pid: string): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Every live (non-zombie) process of the sandboxes of the server using `dataDir`. */
export function sandboxProcesses(dataDir: string, sandboxId?: string): HostProcess[] {
  const prefix = join(dataDir, 'sandboxes') + '/';
  const found: HostProcess[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const env = readEnv(pid);
    const id = env?.TENSOR_BOX_SANDBOX_ID;
    if (!env || !id || !env.HOME?.startsWith(prefix)) continue;
    if (sandboxId !== undefined && id !== sandboxId) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    found.push({ pid: Number(pid), pgrp: stat.pgrp, state: stat.state, sandboxId: id, env });
  }
  return found;
}

export function sandboxFolder(dataDir: string, sandboxId: string): string {
  return join(dataDir, 'sandboxes', sandboxId);
}

export function folderExists(dataDir: string, sandboxId: string): boolean {
  return existsSync(sandboxFolder(dataDir, sandboxId));
}

/** SIGKILLs every process of the server's sandboxes (cleanup); returns what it found. */
export function killSandboxProcesses(dataDir: string, sandboxId?: string): HostProcess[] {
  const found = sandboxProcesses(dataDir, sandboxId);
  for (const p of found) {
    for (const target of [-p.pgrp, p.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  return found;
}

/** The address-space limit of a process, in bytes (`unlimited` → Infinity). */
export function addressSpaceLimit(pid: number): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max address space'));
  const soft = line?.split(/\s{2,}/)[1] ?? '';
  return soft === 'unlimited' ? Infinity : Number(soft);
}

/** Polls `check` until it returns true or the deadline passes; returns the last result. */
export async function pollUntil(check: () => boolean | Promise<boolean>, withinMs: number, everyMs = 25): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
