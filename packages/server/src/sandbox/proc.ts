/** What Linux tells about processes (/proc) and folders: liveness, CPU time, memory, disk. */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, lstat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcStat {
  pid: number;
  /** Process group. */
  pgrp: number;
  /** R, S, D, T (stopped), t, Z (zombie), X … */
  state: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot, in clock ticks: with the PID, identifies one process for good. */
  startTime: string;
  /** Resident set size, in bytes. */
  rssBytes: number;
}

function getconf(name: string, fallback: number): number {
  try {
    const n = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : fallback;
  } catch {
    return fallback;
  }
}

export const CLK_TCK = getconf('CLK_TCK', 100);
export const PAGE_SIZE = getconf('PAGESIZE', 4096);

/** Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // Fields from 3 on; index 0 here is field 3 (state).
  const f = text.slice(close + 2).split(' ');
  if (f.length < 22) return undefined;
  return {
    pid,
    state: f[0]!,
    pgrp: Number(f[2]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTime: f[19]!,
    rssBytes: Number(f[21]) * PAGE_SIZE,
  };
}

export function readStatSync(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether this exact process (PID and start time) still exists and has not exited. */
export function isAlive(pid: number, startTime: string | null): boolean {
  const stat = readStatSync(pid);
  if (!stat) return false;
  if (startTime !== null && stat.startTime !== startTime) return false;
  return stat.state !== 'Z' && stat.state !== 'X';
}

/** Every process on the machine, read in one pass. */
export async function scanProcesses(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  const stats = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => {
        try {
          return parseStat(await readFile(`/proc/${n}/stat`, 'utf8'));
        } catch {
          return undefined; // it ended between readdir and read
        }
      }),
  );
  return stats.filter((s): s is ProcStat => s !== undefined);
}

/** Bytes a folder occupies on disk (allocated blocks, links not followed). */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue; // removed meanwhile, or unreadable
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      try {
        const st = await lstat(path);
        total += st.blocks * 512;
        if (entry.isDirectory()) stack.push(path);
      } catch {
        // gone meanwhile
      }
    }
  }
  return total;
}
