/**
 * The TypeScript runner of the shared behaviour scenarios (test/behaviour/*.yaml, format in its
 * README): each step becomes a call of the TS SDK, a raw HTTP request, or a look at the machine.
 */
import { deepStrictEqual } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpecText } from '@tensor-box/generator/load';
import * as sdk from 'tensor-box';
import { Sandbox, type SandboxInfo, type SandboxLogEntry, type SandboxMetrics } from 'tensor-box';
import { addressSpaceLimit, folderExists, killSandboxProcesses, pollUntil, sandboxProcesses, type HostProcess } from './host.js';
import { BEHAVIOUR_DIR, type ServerHandle } from './server.js';

export type Step = { do: string } & Record<string, any>;

export interface Scenario {
  file: string;
  name: string;
  description: string;
  keys: string[];
  steps: Step[];
}

export function loadScenarios(dir = BEHAVIOUR_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const root = parseSpecText(file, readFileSync(join(dir, file), 'utf8')).root as Record<string, any>;
      if (!Array.isArray(root.steps) || typeof root.name !== 'string') throw new Error(`${file}: needs name and steps`);
      return { file, name: root.name, description: root.description ?? '', keys: root.keys ?? ['main'], steps: root.steps };
    });
}

export interface RunOptions {
  server: ServerHandle;
  /** Where the SDK and raw requests go: the server, or a proxy in front of it. */
  domain: string;
  fetch?: typeof fetch;
  /** Steps this runner cannot run here, with why; each skip is reported in `skipped`. */
  skip?: (step: Step) => string | undefined;
  skipped?: { file: string; step: number; why: string }[];
}

/** The key the README's `key: wrong` stands for. */
export const WRONG_KEY = 'tbx_wrong_key_0000';
const HOST_WAIT_MS = 2_000;

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<void> {
  const run = new Run(scenario, options);
  for (const [i, step] of scenario.steps.entries()) {
    const why = options.skip?.(step);
    if (why !== undefined) {
      if (!options.skipped) throw new Error('a runner that skips steps must report them (pass skipped)');
      options.skipped.push({ file: scenario.file, step: i + 1, why });
      continue;
    }
    try {
      await run.step(step);
    } catch (err) {
      const summary = JSON.stringify(step).slice(0, 300);
      const e = new Error(`${scenario.file} step ${i + 1} ${summary}\n  → ${(err as Error).message}`);
      e.stack = `${e.message}\n${(err as Error).stack ?? ''}`;
      throw e;
    }
  }
}

class Run {
  readonly aliases = new Map<string, string>();
  readonly saved = new Map<string, number>();
  readonly marks = new Map<string, Date>();
  readonly pids = new Map<string, number>();

  constructor(
    readonly scenario: Scenario,
    readonly o: RunOptions,
  ) {}

  id(value: unknown): string {
    if (typeof value !== 'string') throw new Error(`a sandbox ID or name is needed, got ${JSON.stringify(value)}`);
    return this.aliases.get(value) ?? value;
  }

  name(id: string): string {
    for (const [name, value] of this.aliases) if (value === id) return name;
    return id;
  }

  conn(step: Step) {
    const client = step.client ?? this.scenario.keys[0];
    const apiKey = this.o.server.keys[client];
    if (!apiKey) throw new Error(`no key named ${client}`);
    return { domain: this.o.domain, apiKey, maxRetries: 0, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) };
  }

  since(step: Step): Date | undefined {
    if (step.since === undefined) return undefined;
    const mark = this.marks.get(step.since);
    if (!mark) throw new Error(`no mark named ${step.since}`);
    return mark;
  }

  async step(step: Step): Promise<void> {
    if (step.mark) this.marks.set(step.mark, new Date());
    const expect = step.expect ?? {};
    const started = Date.now();
    let result: unknown;
    try {
      result = await this.call(step);
    } catch (err) {
      if (!expect.error) throw err;
      checkError(err, expect.error);
      return;
    }
    if (expect.error) throw new Error(`expected ${expect.error.class ?? 'an error'}, but the call succeeded`);
    await this.check(step, result, { started, ended: Date.now() });
  }

  /** Makes the call; returns what the expectations look at. */
  async call(step: Step): Promise<unknown> {
    const conn = this.conn(step);
    switch (step.do) {
      case 'create': {
        const sandbox = await Sandbox.create(step.template ?? 'default', { ...conn, ...(step.options ?? {}) });
        if (step.as) this.aliases.set(step.as, sandbox.sandboxId);
        return sandbox.sandboxId;
      }
      case 'connect': {
        const sandbox = await Sandbox.connect(this.id(step.id), { ...conn, ...(step.options ?? {}) });
        return sandbox.sandboxId;
      }
      case 'getInfo':
        return Sandbox.getInfo(this.id(step.id), conn);
      case 'isRunning':
        return Sandbox.isRunning(this.id(step.id), conn);
      case 'list':
        return await Sandbox.list({ ...conn, ...(step.query ? { query: step.query } : {}) });
      case 'pause':
        return Sandbox.pause(this.id(step.id), conn);
      case 'resume':
        return Sandbox.resume(this.id(step.id), step.timeoutMs, conn);
      case 'setTimeout':
        return Sandbox.setTimeout(this.id(step.id), step.timeoutMs, conn);
      case 'keepAlive':
        return Sandbox.keepAlive(this.id(step.id), step.durationMs, conn);
      case 'kill': {
        if (step.id !== undefined) return Sandbox.kill(this.id(step.id), conn);
        const outcomes: Record<string, unknown> = {};
        for (const name of step.ids as string[]) {
          try {
            await Sandbox.kill(this.id(name), conn);
            outcomes[name] = 'ok';
          } catch (err) {
            outcomes[name] = err;
          }
        }
        return outcomes;
      }
      case 'getMetrics':
        return Sandbox.getMetrics(this.id(step.id), { ...conn, since: this.since(step) });
      case 'getLogs':
        return Sandbox.getLogs(this.id(step.id), { ...conn, since: this.since(step) });
      case 'waitFor': {
        let last: SandboxInfo | undefined;
        const ok = await pollUntil(async () => (last = await Sandbox.getInfo(this.id(step.id), conn)).state === step.state, step.withinMs, 50);
        if (!ok) throw new Error(`still ${last?.state} after ${step.withinMs} ms, expected ${step.state}`);
        return last;
      }
      case 'waitForMetrics': {
        let last: SandboxMetrics[] = [];
        const since = this.since(step);
        const ok = await pollUntil(async () => (last = await Sandbox.getMetrics(this.id(step.id), { ...conn, since })).length >= step.atLeast, step.withinMs, 100);
        if (!ok) throw new Error(`only ${last.length} samples after ${step.withinMs} ms, expected ${step.atLeast}`);
        return last;
      }
      case 'waitForLog': {
        let last: SandboxLogEntry[] = [];
        const want = { source: step.source, includes: step.includes };
        const ok = await pollUntil(async () => (last = await Sandbox.getLogs(this.id(step.id), conn)).some((e) => logMatches(e, want)), step.withinMs, 50);
        if (!ok) throw new Error(`no ${step.source} entry with ${JSON.stringify(step.includes)} after ${step.withinMs} ms:\n${formatLogs(last)}`);
        return last;
      }
      case 'host':
        return this.host(step);
      case 'hostKill': {
        const killed = killSandboxProcesses(this.o.server.dataDir, this.id(step.id));
        if (killed.length === 0) throw new Error(`no process of ${step.id} to kill`);
        return undefined;
      }
      case 'restartServer': {
        await this.o.server.stop(step.signal ?? 'SIGTERM');
        for (const name of step.hostKill ?? []) {
          if (killSandboxProcesses(this.o.server.dataDir, this.id(name)).length === 0) throw new Error(`no process of ${name} to kill`);
        }
        await this.o.server.start();
        return undefined;
      }
      case 'http':
        return this.http(step);
      default:
        throw new Error(`unknown step do: ${step.do}`);
    }
  }

  async check(step: Step, result: unknown, window: { started: number; ended: number }): Promise<void> {
    const expect = step.expect ?? {};
    switch (step.do) {
      case 'create':
      case 'connect': {
        const id = result as string;
        if (expect.sameAs !== undefined && id !== this.id(expect.sameAs)) throw new Error(`got ${this.name(id)}, expected the same sandbox as ${expect.sameAs}`);
        if (expect.notSameAs !== undefined && id === this.id(expect.notSameAs)) throw new Error(`got the same sandbox as ${expect.notSameAs}`);
        if (expect.info || expect.save) {
          const info = await Sandbox.getInfo(id, this.conn(step));
          this.checkInfo(info, expect, { ...window, ended: Date.now() });
        }
        return;
      }
      case 'getInfo':
      case 'resume':
        return this.checkInfo(result as SandboxInfo, expect, window);
      case 'isRunning':
        if (expect.value !== undefined && result !== expect.value) throw new Error(`isRunning returned ${result}, expected ${expect.value}`);
        return;
      case 'list': {
        if (expect.ids === undefined) return;
        const got = (result as SandboxInfo[]).map((s) => s.sandboxId);
        const want = (expect.ids as string[]).map((n) => this.id(n));
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          throw new Error(`list returned [${got.map((i) => this.name(i)).join(', ')}], expected [${(expect.ids as string[]).join(', ')}]`);
        }
        return;
      }
      case 'kill': {
        if (step.ids === undefined) return;
        const outcomes = result as Record<string, unknown>;
        for (const name of step.ids as string[]) {
          const want = expect.perId?.[name] ?? 'ok';
          const got = outcomes[name];
          if (want === 'ok') {
            if (got !== 'ok') throw new Error(`kill ${name} failed: ${(got as Error).message}`);
          } else {
            if (got === 'ok') throw new Error(`kill ${name} succeeded, expected ${want.class}`);
            checkError(got, want);
          }
        }
        return;
      }
      case 'getMetrics':
        return checkMetrics(result as SandboxMetrics[], expect);
      case 'getLogs':
        return checkLogs(result as SandboxLogEntry[], expect);
      default:
        return;
    }
  }

  checkInfo(info: SandboxInfo, expect: Record<string, any>, window: { started: number; ended: number }): void {
    for (const [field, want] of Object.entries(expect.info ?? {}) as [string, any][]) {
      const got = (info as unknown as Record<string, unknown>)[field];
      if (got instanceof Date && typeof want === 'object' && want !== null) {
        const t = got.getTime();
        if (want.inMs !== undefined) {
          const tolerance = want.toleranceMs ?? 1_000;
          const lo = window.started + want.inMs - tolerance;
          const hi = window.ended + want.inMs + tolerance;
          if (t < lo || t > hi) {
            throw new Error(`${field} is ${got.toISOString()}: ${t - window.ended} ms after the answer, expected ${want.inMs} ± ${tolerance}`);
          }
        }
        if (want.equals !== undefined && t !== this.savedValue(want.equals)) {
          throw new Error(`${field} is ${got.toISOString()}, expected ${new Date(this.savedValue(want.equals)).toISOString()} (${want.equals})`);
        }
        if (want.after !== undefined && !(t > this.savedValue(want.after))) {
          throw new Error(`${field} is ${got.toISOString()}, expected later than ${new Date(this.savedValue(want.after)).toISOString()} (${want.after})`);
        }
        continue;
      }
      try {
        deepStrictEqual(got, want);
      } catch {
        throw new Error(`${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      }
    }
    for (const [field, name] of Object.entries(expect.save ?? {})) {
      const value = (info as unknown as Record<string, unknown>)[field];
      this.saved.set(name as string, value instanceof Date ? value.getTime() : Number(value));
    }
  }

  savedValue(name: string): number {
    const v = this.saved.get(name);
    if (v === undefined) throw new Error(`nothing saved as ${name}`);
    return v;
  }

  async host(step: Step): Promise<void> {
    const id = this.id(step.id);
    const { dataDir } = this.o.server;
    let problems: string[] = [];
    let procs: HostProcess[] = [];
    const ok = await pollUntil(() => {
      procs = sandboxProcesses(dataDir, id);
      problems = [];
      // A shell waiting in vfork() for a stopped child shows 'D': it cannot run either.
      const stopped = procs.filter((p) => p.state === 'T' || p.state === 't');
      const frozen = procs.filter((p) => p.state === 'T' || p.state === 't' || p.state === 'D');
      const leader = procs.find((p) => p.pid === p.pgrp);
      if (step.process === 'running' && (procs.length === 0 || stopped.length > 0)) problems.push('not running');
      if (step.process === 'stopped' && (stopped.length === 0 || frozen.length !== procs.length)) problems.push('not all stopped');
      if (step.process === 'gone' && procs.length > 0) problems.push('processes remain');
      if (step.folder === 'present' && !folderExists(dataDir, id)) problems.push('folder missing');
      if (step.folder === 'absent' && folderExists(dataDir, id)) problems.push('folder still there');
      const needLeader = step.env || step.samePid || step.savePid || step.limits;
      if (needLeader && !leader) problems.push('no group leader');
      if (leader) {
        for (const [k, v] of Object.entries(step.env ?? {})) if (leader.env[k] !== v) problems.push(`env ${k} is not ${JSON.stringify(v)}`);
        if (step.samePid && leader.pid !== this.pids.get(step.samePid)) problems.push(`leader is ${leader.pid}, expected ${this.pids.get(step.samePid)}`);
        if (step.limits?.addressSpaceMB !== undefined) {
          const limit = addressSpaceLimit(leader.pid);
          if (limit !== step.limits.addressSpaceMB * 1024 * 1024) problems.push(`address-space limit is ${limit}`);
        }
      }
      return problems.length === 0;
    }, HOST_WAIT_MS);
    if (!ok) {
      const seen = procs.map((p) => `${p.pid}(pgrp ${p.pgrp}, ${p.state})`).join(' ') || 'none';
      throw new Error(`host check failed: ${problems.join('; ')} (processes: ${seen})`);
    }
    if (step.savePid) this.pids.set(step.savePid, procs.find((p) => p.pid === p.pgrp)!.pid);
  }

  async http(step: Step): Promise<void> {
    const expect = step.expect ?? {};
    const path = String(step.path).replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(this.id(name)));
    const url = `${this.o.domain}${path}${step.query ? `?${step.query}` : ''}`;
    const headers: Record<string, string> = { ...(step.headers ?? {}) };
    const key = step.key ?? this.scenario.keys[0];
    if (key === 'wrong') headers['X-API-Key'] = WRONG_KEY;
    else if (key !== 'none') headers['X-API-Key'] = this.o.server.keys[key] ?? '';
    let body: string | undefined;
    if (typeof step.body === 'string') body = step.body;
    else if (step.body !== undefined) {
      body = JSON.stringify(step.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
    const res = await (this.o.fetch ?? fetch)(url, { method: step.method, headers, body });
    const text = await res.text();
    if (expect.status !== undefined && res.status !== expect.status) throw new Error(`status ${res.status}, expected ${expect.status}: ${text}`);
    if (res.status >= 400) {
      let error: Record<string, unknown>;
      try {
        error = JSON.parse(text);
      } catch {
        throw new Error(`the error body is not JSON: ${text}`);
      }
      for (const field of ['code', 'message', 'requestId']) {
        if (typeof error[field] !== 'string') throw new Error(`the error body has no string ${field}: ${text}`);
      }
      if (expect.code !== undefined && error.code !== expect.code) throw new Error(`code ${error.code}, expected ${expect.code}: ${text}`);
      const message = error.message as string;
      if (expect.messageIncludes !== undefined && !message.includes(expect.messageIncludes)) {
        throw new Error(`message ${JSON.stringify(message)} does not include ${JSON.stringify(expect.messageIncludes)}`);
      }
      if (expect.messageExcludes !== undefined && text.includes(expect.messageExcludes)) {
        throw new Error(`the answer ${text} contains ${JSON.stringify(expect.messageExcludes)}`);
      }
    }
    for (const [name, want] of Object.entries(expect.headers ?? {})) {
      const got = res.headers.get(name);
      if (want === 'present' ? got === null : want === 'absent' ? got !== null : got !== want) {
        throw new Error(`header ${name} is ${JSON.stringify(got)}, expected ${want}`);
      }
    }
  }
}

function checkError(err: unknown, want: Record<string, any>): void {
  const cls = (sdk as Record<string, unknown>)[want.class];
  if (typeof cls !== 'function') throw new Error(`the SDK has no error class ${want.class}`);
  if (!(err instanceof (cls as new (...a: never[]) => Error))) throw new Error(`expected ${want.class}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  const e = err as sdk.APIError;
  if (want.status !== undefined && e.status !== want.status) throw new Error(`status ${e.status}, expected ${want.status}: ${e.message}`);
  if (want.code !== undefined && e.code !== want.code) throw new Error(`code ${e.code}, expected ${want.code}: ${e.message}`);
  if (want.messageIncludes !== undefined && !e.message.includes(want.messageIncludes)) {
    throw new Error(`message ${JSON.stringify(e.message)} does not include ${JSON.stringify(want.messageIncludes)}`);
  }
}

function checkValue(field: string, got: unknown, want: unknown): void {
  if (typeof want === 'object' && want !== null) {
    const range = want as { min?: number; max?: number };
    if (typeof got !== 'number') throw new Error(`${field} is ${JSON.stringify(got)}, expected a number`);
    if (range.min !== undefined && got < range.min) throw new Error(`${field} is ${got}, expected at least ${range.min}`);
    if (range.max !== undefined && got > range.max) throw new Error(`${field} is ${got}, expected at most ${range.max}`);
  } else if (got !== want) {
    throw new Error(`${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

function checkMetrics(samples: SandboxMetrics[], expect: Record<string, any>): void {
  if (expect.count?.min !== undefined && samples.length < expect.count.min) throw new Error(`${samples.length} samples, expected at least ${expect.count.min}`);
  for (const [i, s] of samples.entries()) {
    for (const [field, want] of Object.entries(expect.each ?? {})) checkValue(`sample ${i} ${field}`, (s as unknown as Record<string, unknown>)[field], want);
  }
  if (expect.latest) {
    const last = samples.at(-1);
    if (!last) throw new Error('no samples');
    for (const [field, want] of Object.entries(expect.latest)) checkValue(`latest ${field}`, (last as unknown as Record<string, unknown>)[field], want);
  }
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.timestamp < samples[i - 1]!.timestamp) throw new Error('samples are not oldest first');
  }
}

interface LogWant {
  source?: string;
  level?: string;
  includes?: string;
}

function logMatches(e: SandboxLogEntry, want: LogWant): boolean {
  return (
    (want.source === undefined || e.source === want.source) &&
    (want.level === undefined || e.level === want.level) &&
    (want.includes === undefined || e.message.includes(want.includes))
  );
}

function formatLogs(entries: SandboxLogEntry[]): string {
  return entries.map((e) => `  ${e.timestamp.toISOString()} ${e.level} ${e.source}: ${e.message}`).join('\n');
}

function checkLogs(entries: SandboxLogEntry[], expect: Record<string, any>): void {
  for (const want of (expect.contains ?? []) as LogWant[]) {
    if (!entries.some((e) => logMatches(e, want))) throw new Error(`no log entry like ${JSON.stringify(want)} in:\n${formatLogs(entries)}`);
  }
  let at = 0;
  for (const want of (expect.inOrder ?? []) as LogWant[]) {
    while (at < entries.length && !logMatches(entries[at]!, want)) at++;
    if (at === entries.length) throw new Error(`no log entry like ${JSON.stringify(want)} in this order in:\n${formatLogs(entries)}`);
    at++;
  }
}
