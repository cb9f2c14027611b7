// Runs every shared behaviour scenario (test/behaviour/*.yaml, format in its README) with the built
// `tensor-box` binary as a subprocess, each scenario against a fresh local server
// (`node packages/server/dist/cli.js`, started by the server's own test helper). The reference
// runner is packages/server/test/helpers/runner.ts; this one makes the same checks, but every
// call a scenario is about is a `tensor-box … --json` command line, built from the generated
// command table (command-line.ts), as the conformance and fault runners build theirs.
//
// Each step is planned before anything runs (see `plan`):
//   cli   one command line (two for a kill of several IDs: --json for the per-ID results, then the
//         human form, which must print one line per ID and exit 1 if any failed); a wait for logs
//         or metrics polls the command; `since: <mark>` is the mark's time, as `--since <RFC 3339>`;
//   sdk   a check the CLI has no command for (getInfo, which `info` is not: info is connect, and
//         connect resumes): the state is read through the TS SDK, never the behaviour under test;
//   host  a look at the machine or the server process (host checks, hostKill, restartServer);
//   none  the CLI cannot say it: the step is not run, and its reason must be in CANNOT_EXPRESS,
//         which is asserted, as is the exact list of such steps in the files known today.
// A scenario file added later is run the same way; a step kind or an option the CLI cannot
// express and that CANNOT_EXPRESS does not list fails the run instead of being skipped.
import { deepStrictEqual } from 'node:assert';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import * as sdk from 'tensor-box';
import { Sandbox } from 'tensor-box';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addressSpaceLimit, folderExists, killSandboxProcesses, pollUntil, sandboxProcesses, type HostProcess } from '../../server/test/helpers/host.js';
import { loadScenarios, type Scenario, type Step } from '../../server/test/helpers/runner.js';
import { SERVER_BIN, startServer, type ServerHandle } from '../../server/test/helpers/server.js';
import { COMMANDS } from '../src/generated/commands.js';
import { commandFor, commandLine, NotExpressible } from './command-line.js';
import { REPO_ROOT, type Run, run } from './helpers.js';

/** Why a step is not run: every reason the CLI cannot express a step, and which steps it covers. */
const CANNOT_EXPRESS: Record<string, string> = {
  'getInfo expecting an error': 'no CLI command calls getInfo (info is an alias of connect, which resumes)',
  isRunning: 'no CLI command calls isRunning',
  http: 'a raw request, for input no SDK or CLI sends: the CLI checks its arguments before sending anything (faults.test.ts runs the bad-argument table)',
};

/** Checks read through the SDK because no CLI command reads them (never the call under test). */
const READ_THROUGH_SDK: Record<string, string> = {
  getInfo: 'no CLI command calls getInfo (info is an alias of connect, which resumes): the state it checks is read through the SDK',
  waitFor: 'polls getInfo, which no CLI command calls, through the SDK',
};

/**
 * The steps not run, in the files there are today, by reason: `file` → step numbers (from 1).
 * Files added later are checked against CANNOT_EXPRESS only.
 */
const NOT_RUN_TODAY: Record<string, Record<string, number[]>> = {
  'auto-resume-keep-alive.yaml': { isRunning: [5, 16] },
  'auto-resume-restart.yaml': {},
  'auto-resume-set-timeout.yaml': {},
  'bad-input-sandbox.yaml': { http: [2, 3, 4, 5] },
  'bad-input.yaml': { http: range(2, 43) },
  'idempotent-create.yaml': {},
  'keep-alive.yaml': {},
  'kill-many.yaml': {},
  'lifecycle.yaml': { isRunning: [4, 13] },
  'metadata-filters.yaml': {},
  'observability.yaml': {},
  'paused-conflicts.yaml': {},
  'process-exit.yaml': {},
  'restart-adoption.yaml': {},
  'resume-timeout.yaml': {},
  'tenant-isolation.yaml': { 'getInfo expecting an error': [6], isRunning: [7] },
  'timeout-kill.yaml': { isRunning: [6] },
};

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const scenarios = loadScenarios();
const KNOWN_STEP_KINDS = [
  'create', 'connect', 'getInfo', 'isRunning', 'list', 'pause', 'resume', 'setTimeout', 'keepAlive', 'kill',
  'getMetrics', 'getLogs', 'waitFor', 'waitForMetrics', 'waitForLog', 'host', 'hostKill', 'restartServer', 'http',
];

// ---------------------------------------------------------------------------------------------
// Planning: which way each step runs, decided before any server starts.

type Plan = { via: 'cli' } | { via: 'sdk'; why: string } | { via: 'host' } | { via: 'none'; rule: string; why: string };

/** Placeholder IDs while planning: a name stands for itself. */
const asIs = (v: unknown): string => {
  if (typeof v !== 'string') throw new Error(`a sandbox ID or name is needed, got ${JSON.stringify(v)}`);
  return v;
};

function plan(step: Step): Plan {
  if (!KNOWN_STEP_KINDS.includes(step.do)) return { via: 'none', rule: `unlisted: do: ${step.do}`, why: `unknown step do: ${step.do} (not in test/behaviour/README.md)` };
  const none = (rule: string): Plan => ({ via: 'none', rule, why: CANNOT_EXPRESS[rule]! });
  switch (step.do) {
    case 'host':
    case 'hostKill':
    case 'restartServer':
      return { via: 'host' };
    case 'http':
      return none('http');
    case 'isRunning':
      return none('isRunning');
    case 'getInfo':
      return step.expect?.error ? none('getInfo expecting an error') : { via: 'sdk', why: READ_THROUGH_SDK.getInfo! };
    case 'waitFor':
      return { via: 'sdk', why: READ_THROUGH_SDK.waitFor! };
  }
  try {
    argvOf(step, asIs);
    return { via: 'cli' };
  } catch (err) {
    if (!(err instanceof NotExpressible)) throw err;
    // Not silently skipped: a reason nobody listed fails the planning test below.
    const rule = Object.keys(CANNOT_EXPRESS).find((r) => CANNOT_EXPRESS[r] === err.message);
    return { via: 'none', rule: rule ?? `unlisted: ${err.message}`, why: err.message };
  }
}

/**
 * The command line of a step that calls the API (without the global flags every call gets).
 * `mark` gives the time of a `since` mark (while planning, a mark's name stands for its time).
 */
function argvOf(step: Step, id: (v: unknown) => string, mark: (name: string) => Date | string = asIs): string[] {
  const since = (): Record<string, unknown> => (step.since === undefined ? {} : { since: mark(step.since) });
  switch (step.do) {
    case 'create':
      return commandLine(commandFor('create'), { method: 'create', args: [step.template ?? 'default'], options: step.options ?? {} });
    case 'connect':
      return commandLine(commandFor('connect'), { method: 'connect', id: id(step.id), options: step.options ?? {} });
    case 'list':
      return commandLine(commandFor('list'), { method: 'list', options: step.query ?? {} });
    case 'pause':
      return commandLine(commandFor('pause'), { method: 'pause', id: id(step.id) });
    case 'resume':
      return commandLine(commandFor('resume'), { method: 'resume', id: id(step.id), args: step.timeoutMs === undefined ? [] : [step.timeoutMs] });
    case 'setTimeout':
      return commandLine(commandFor('setTimeout'), { method: 'setTimeout', id: id(step.id), args: [step.timeoutMs] });
    case 'keepAlive':
      return commandLine(commandFor('keepAlive'), { method: 'keepAlive', id: id(step.id), args: [step.durationMs] });
    case 'kill': {
      const kill = commandFor('kill');
      if (step.id !== undefined) return commandLine(kill, { method: 'kill', id: id(step.id) });
      // Several IDs in one command: the ID argument is variadic.
      if (!kill.args.some((a) => a.target === kill.idTarget && a.variadic)) throw new NotExpressible('kill takes one ID on the command line');
      return [kill.group, kill.name, '--', ...(step.ids as unknown[]).map(id)];
    }
    case 'getMetrics':
    case 'waitForMetrics':
      return commandLine(commandFor('getMetrics'), { method: 'getMetrics', id: id(step.id), options: since() });
    case 'getLogs':
    case 'waitForLog':
      return commandLine(commandFor('getLogs'), { method: 'getLogs', id: id(step.id), options: since() });
    default:
      throw new NotExpressible(`no CLI command for ${step.do}`);
  }
}

const planned = scenarios.map((s) => ({ scenario: s, plans: s.steps.map(plan) }));

// ---------------------------------------------------------------------------------------------
// Running.

/** What a command printed, parsed. */
interface CliResult extends Run {
  argv: string[];
  json: unknown;
  started: number;
  ended: number;
}

interface Counts {
  file: string;
  steps: number;
  cli: number;
  commands: number;
  sdk: number;
  host: number;
  notRun: number;
}

const counts: Counts[] = [];

class ScenarioRun {
  readonly aliases = new Map<string, string>();
  readonly saved = new Map<string, number>();
  readonly marks = new Map<string, Date>();
  readonly pids = new Map<string, number>();
  commands = 0;

  constructor(
    readonly scenario: Scenario,
    readonly server: ServerHandle,
  ) {}

  id = (value: unknown): string => {
    if (typeof value !== 'string') throw new Error(`a sandbox ID or name is needed, got ${JSON.stringify(value)}`);
    return this.aliases.get(value) ?? value;
  };

  name(id: string): string {
    for (const [name, value] of this.aliases) if (value === id) return name;
    return id;
  }

  key(step: Step): string {
    const client = step.client ?? this.scenario.keys[0];
    const key = this.server.keys[client];
    if (!key) throw new Error(`no key named ${client}`);
    return key;
  }

  /** Runs `tensor-box --json …` (or the human form) with the step's key, as a subprocess. */
  async cli(step: Step, argv: string[], { json = true } = {}): Promise<CliResult> {
    const full = [...(json ? ['--json'] : []), `--domain=${this.server.url}`, '--max-retries=0', ...argv];
    const started = Date.now();
    const result = await run(full, { env: { TENSOR_BOX_API_KEY: this.key(step) } });
    const ended = Date.now();
    this.commands++;
    const context = this.context(full, result);
    // A key is a secret: the CLI never shows one, whatever happened.
    for (const key of Object.values(this.server.keys)) {
      if (result.stdout.includes(key) || result.stderr.includes(key)) throw new Error(`the output shows an API key\n${context}`);
    }
    let parsed: unknown;
    if (json) {
      try {
        parsed = JSON.parse(result.stdout);
      } catch {
        throw new Error(`stdout is not JSON\n${context}`);
      }
    }
    return { ...result, argv: full, json: parsed, started, ended };
  }

  context(argv: string[], r: Run): string {
    return `tensor-box ${argv.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  }

  sdkConn(step: Step) {
    return { domain: this.server.url, apiKey: this.key(step), maxRetries: 0 };
  }

  /** The time of a mark (client clock), for `since: <mark>`. */
  mark = (name: string): Date => {
    const mark = this.marks.get(name);
    if (!mark) throw new Error(`no mark named ${name}`);
    return mark;
  };

  /** The command line of a step, with its IDs and marks as this run knows them. */
  argv(step: Step): string[] {
    return argvOf(step, this.id, this.mark);
  }

  async step(step: Step, p: Plan): Promise<void> {
    if (step.mark) this.marks.set(step.mark, new Date());
    if (p.via === 'none') throw new Error('a step the CLI cannot express is not run');
    if (p.via === 'host') return this.hostStep(step);
    if (p.via === 'sdk') return this.sdkStep(step);
    return this.cliStep(step);
  }

  // -- CLI steps --------------------------------------------------------------------------------

  async cliStep(step: Step): Promise<void> {
    const expect = step.expect ?? {};
    if (step.do === 'waitForLog') return this.waitForLog(step);
    if (step.do === 'waitForMetrics') return this.waitForMetrics(step);

    const r = await this.cli(step, this.argv(step));
    const context = this.context(r.argv, r);
    // kill reports per ID, in an array, even for one ID.
    const perId = step.do === 'kill';
    if (expect.error) {
      if (step.ids !== undefined) throw new Error('an error expectation on a kill of several IDs: use perId');
      // An error found before any call (the SDK failing to load, say) is one object either way.
      const single = (perId && Array.isArray(r.json) ? r.json[0] : r.json) as Record<string, any> | undefined;
      const error = single?.error;
      if (!error) throw new Error(`expected ${expect.error.class}, but ${r.code === 0 ? 'the command succeeded' : 'the output holds no error'}\n${context}`);
      checkError(error, expect.error, context);
      if (r.code !== 1) throw new Error(`exit ${r.code}, expected 1 (an API error)\n${context}`);
      checkErrorLines(r.stderr, context);
      return;
    }
    if (step.do !== 'kill' || step.ids === undefined) {
      if (r.code !== 0) throw new Error(`the command failed\n${context}`);
      if (r.stderr !== '') throw new Error(`stderr is not empty\n${context}`);
    }
    const window = { started: r.started, ended: r.ended };
    const out = r.json as any;
    switch (step.do) {
      case 'create':
      case 'connect': {
        // The CLI prints the sandbox's information from the answer it got (an SDK runner calls
        // getInfo right after, as it holds only an instance).
        const id = out.sandboxId as string;
        if (typeof id !== 'string') throw new Error(`no sandboxId in the output\n${context}`);
        if (step.do === 'create' && step.as) this.aliases.set(step.as, id);
        if (step.do === 'connect' && id !== this.id(step.id)) throw new Error(`connected to ${id}, not ${step.id}\n${context}`);
        if (expect.sameAs !== undefined && id !== this.id(expect.sameAs)) throw new Error(`got ${this.name(id)}, expected the same sandbox as ${expect.sameAs}`);
        if (expect.notSameAs !== undefined && id === this.id(expect.notSameAs)) throw new Error(`got the same sandbox as ${expect.notSameAs}`);
        this.checkInfo(out, expect, window);
        return;
      }
      case 'resume':
        return this.checkInfo(out, expect, window);
      case 'pause':
      case 'setTimeout':
      case 'keepAlive':
        // What --json prints for a call with no result.
        if (JSON.stringify(out) !== JSON.stringify({ sandboxId: this.id(step.id), ok: true })) throw new Error(`unexpected output\n${context}`);
        return;
      case 'list': {
        if (!Array.isArray(out)) throw new Error(`list printed no array\n${context}`);
        if (expect.ids === undefined) return;
        const got = (out as { sandboxId: string }[]).map((s) => s.sandboxId);
        const want = (expect.ids as string[]).map(this.id);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          throw new Error(`list returned [${got.map((i) => this.name(i)).join(', ')}], expected [${(expect.ids as string[]).join(', ')}]\n${context}`);
        }
        return;
      }
      case 'kill':
        return this.checkKill(step, r);
      case 'getMetrics':
        return checkMetrics(out, expect);
      case 'getLogs':
        return checkLogs(out, expect);
      default:
        throw new Error(`no CLI check for ${step.do}`);
    }
  }

  /**
   * `kill a b c`: the --json run gives each ID's outcome; then the same command for people, which
   * a retry makes safe (killing a closed sandbox succeeds), must say the same, one line per ID in
   * the order given (✓ on stdout, `error: <id>: …` on stderr), exiting 1 if any failed.
   */
  async checkKill(step: Step, r: CliResult): Promise<void> {
    const expect = step.expect ?? {};
    const names = (step.ids ?? [step.id]) as string[];
    const ids = names.map(this.id);
    const context = this.context(r.argv, r);
    const entries = r.json as Record<string, any>[];
    if (!Array.isArray(entries) || entries.length !== ids.length) throw new Error(`expected one result per ID\n${context}`);
    const failing: string[] = [];
    names.forEach((name, i) => {
      const entry = entries[i]!;
      if (entry.sandboxId !== ids[i]) throw new Error(`result ${i + 1} is for ${entry.sandboxId}, not ${name}\n${context}`);
      const want = expect.perId?.[name] ?? 'ok';
      if (want === 'ok') {
        if (entry.ok !== true) throw new Error(`kill ${name} failed: ${entry.error?.message}\n${context}`);
      } else {
        if (entry.ok !== false) throw new Error(`kill ${name} succeeded, expected ${want.class}\n${context}`);
        checkError(entry.error, want, context);
        failing.push(ids[i]!);
      }
    });
    if (r.code !== (failing.length ? 1 : 0)) throw new Error(`exit ${r.code}, expected ${failing.length ? 1 : 0}\n${context}`);
    const errorLines = r.stderr.split('\n').filter(Boolean);
    if (errorLines.length !== failing.length) throw new Error(`expected one stderr line per failed ID\n${context}`);
    if (step.ids === undefined) return;

    const human = await this.cli(step, this.argv(step), { json: false });
    const hc = this.context(human.argv, human);
    const okLines = ids.filter((id) => !failing.includes(id)).map((id) => `✓ kill ${id}`);
    expect_(human.stdout.split('\n').filter(Boolean), okLines, `stdout of the human form\n${hc}`);
    const lines = human.stderr.split('\n').filter(Boolean);
    if (lines.length !== failing.length) throw new Error(`expected ${failing.length} error lines\n${hc}`);
    failing.forEach((id, i) => {
      const name = this.name(id);
      const want = expect.perId?.[name];
      if (!lines[i]!.startsWith(`error: ${id}: `)) throw new Error(`error line ${i + 1} does not name ${id}\n${hc}`);
      if (want?.messageIncludes !== undefined && !lines[i]!.includes(want.messageIncludes)) throw new Error(`error line ${i + 1} lacks ${JSON.stringify(want.messageIncludes)}\n${hc}`);
    });
    if (human.code !== (failing.length ? 1 : 0)) throw new Error(`the human form exited ${human.code}, expected ${failing.length ? 1 : 0}\n${hc}`);
  }

  async waitForLog(step: Step): Promise<void> {
    let last: CliResult | undefined;
    const want = { source: step.source, includes: step.includes };
    const ok = await pollUntil(
      async () => {
        last = await this.cli(step, this.argv(step));
        if (last.code !== 0) throw new Error(`the command failed\n${this.context(last.argv, last)}`);
        return (last.json as LogEntry[]).some((e) => logMatches(e, want));
      },
      step.withinMs,
      50,
    );
    if (!ok) throw new Error(`no ${step.source} entry with ${JSON.stringify(step.includes)} after ${step.withinMs} ms:\n${formatLogs(last?.json as LogEntry[])}`);
  }

  async waitForMetrics(step: Step): Promise<void> {
    let last: unknown[] = [];
    const ok = await pollUntil(
      async () => {
        const r = await this.cli(step, this.argv(step));
        if (r.code !== 0) throw new Error(`the command failed\n${this.context(r.argv, r)}`);
        return (last = r.json as unknown[]).length >= step.atLeast;
      },
      step.withinMs,
      100,
    );
    if (!ok) throw new Error(`only ${last.length} samples after ${step.withinMs} ms, expected ${step.atLeast}`);
  }

  // -- checks read through the SDK ----------------------------------------------------------------

  async sdkStep(step: Step): Promise<void> {
    const conn = this.sdkConn(step);
    const expect = step.expect ?? {};
    switch (step.do) {
      case 'getInfo': {
        const started = Date.now();
        const info = await Sandbox.getInfo(this.id(step.id), conn);
        return this.checkInfo(info as unknown as Record<string, unknown>, expect, { started, ended: Date.now() });
      }
      case 'waitFor': {
        let last: sdk.SandboxInfo | undefined;
        const ok = await pollUntil(async () => (last = await Sandbox.getInfo(this.id(step.id), conn)).state === step.state, step.withinMs, 50);
        if (!ok) throw new Error(`still ${last?.state} after ${step.withinMs} ms, expected ${step.state}`);
        return;
      }
      default:
        throw new Error(`no SDK check for ${step.do}`);
    }
  }

  checkInfo(info: Record<string, unknown>, expect: Record<string, any>, window: { started: number; ended: number }): void {
    const time = (v: unknown): number | undefined => (v instanceof Date ? v.getTime() : typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);
    for (const [field, want] of Object.entries(expect.info ?? {}) as [string, any][]) {
      const got = info[field];
      if (typeof want === 'object' && want !== null && (want.inMs !== undefined || want.equals !== undefined || want.after !== undefined)) {
        const t = time(got);
        if (t === undefined) throw new Error(`${field} is ${JSON.stringify(got)}, expected a date-time`);
        const iso = new Date(t).toISOString();
        if (want.inMs !== undefined) {
          const tolerance = want.toleranceMs ?? 1_000;
          if (t < window.started + want.inMs - tolerance || t > window.ended + want.inMs + tolerance) {
            throw new Error(`${field} is ${iso}: ${t - window.ended} ms after the answer, expected ${want.inMs} ± ${tolerance}`);
          }
        }
        if (want.equals !== undefined && t !== this.savedValue(want.equals)) throw new Error(`${field} is ${iso}, expected ${new Date(this.savedValue(want.equals)).toISOString()} (${want.equals})`);
        if (want.after !== undefined && !(t > this.savedValue(want.after))) throw new Error(`${field} is ${iso}, expected later than ${new Date(this.savedValue(want.after)).toISOString()} (${want.after})`);
        continue;
      }
      try {
        deepStrictEqual(got, want);
      } catch {
        throw new Error(`${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      }
    }
    for (const [field, name] of Object.entries(expect.save ?? {})) {
      const value = info[field];
      this.saved.set(name as string, time(value) ?? Number(value));
    }
  }

  savedValue(name: string): number {
    const v = this.saved.get(name);
    if (v === undefined) throw new Error(`nothing saved as ${name}`);
    return v;
  }

  // -- the machine and the server process ---------------------------------------------------------

  async hostStep(step: Step): Promise<void> {
    const { dataDir } = this.server;
    switch (step.do) {
      case 'hostKill':
        if (killSandboxProcesses(dataDir, this.id(step.id)).length === 0) throw new Error(`no process of ${step.id} to kill`);
        return;
      case 'restartServer':
        await this.server.stop(step.signal ?? 'SIGTERM');
        for (const name of step.hostKill ?? []) {
          if (killSandboxProcesses(dataDir, this.id(name)).length === 0) throw new Error(`no process of ${name} to kill`);
        }
        await this.server.start();
        return;
      case 'host':
        return this.hostCheck(step);
      default:
        throw new Error(`no host step ${step.do}`);
    }
  }

  /** As runner.ts checks the machine (README "Host checks"), polling for up to 2 s. */
  async hostCheck(step: Step): Promise<void> {
    const id = this.id(step.id);
    const { dataDir } = this.server;
    let problems: string[] = [];
    let procs: HostProcess[] = [];
    const ok = await pollUntil(() => {
      procs = sandboxProcesses(dataDir, id);
      problems = [];
      const stopped = procs.filter((p) => p.state === 'T' || p.state === 't');
      const frozen = procs.filter((p) => p.state === 'T' || p.state === 't' || p.state === 'D');
      const leader = procs.find((p) => p.pid === p.pgrp);
      if (step.process === 'running' && (procs.length === 0 || stopped.length > 0)) problems.push('not running');
      if (step.process === 'stopped' && (stopped.length === 0 || frozen.length !== procs.length)) problems.push('not all stopped');
      if (step.process === 'gone' && procs.length > 0) problems.push('processes remain');
      if (step.folder === 'present' && !folderExists(dataDir, id)) problems.push('folder missing');
      if (step.folder === 'absent' && folderExists(dataDir, id)) problems.push('folder still there');
      if ((step.env || step.samePid || step.savePid || step.limits) && !leader) problems.push('no group leader');
      if (leader) {
        for (const [k, v] of Object.entries(step.env ?? {})) if (leader.env[k] !== v) problems.push(`env ${k} is not ${JSON.stringify(v)}`);
        if (step.samePid && leader.pid !== this.pids.get(step.samePid)) problems.push(`leader is ${leader.pid}, expected ${this.pids.get(step.samePid)}`);
        if (step.limits?.addressSpaceMB !== undefined) {
          const limit = addressSpaceLimit(leader.pid);
          if (limit !== step.limits.addressSpaceMB * 1024 * 1024) problems.push(`address-space limit is ${limit}`);
        }
      }
      return problems.length === 0;
    }, 2_000);
    if (!ok) {
      const seen = procs.map((p) => `${p.pid}(pgrp ${p.pgrp}, ${p.state})`).join(' ') || 'none';
      throw new Error(`host check failed: ${problems.join('; ')} (processes: ${seen})`);
    }
    if (step.savePid) this.pids.set(step.savePid, procs.find((p) => p.pid === p.pgrp)!.pid);
  }
}

function expect_(got: unknown, want: unknown, context: string): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}\n${context}`);
}

/** The error object the CLI printed against `{ class, status, code, messageIncludes }`. */
function checkError(got: Record<string, any> | undefined, want: Record<string, any>, context: string): void {
  if (!got) throw new Error(`no error object\n${context}`);
  // The class printed is the SDK's concrete class; an expected class may be one of its bases.
  const classes = sdk as unknown as Record<string, unknown>;
  const Want = classes[want.class];
  const Got = classes[got.class];
  if (typeof Want !== 'function') throw new Error(`the SDK has no error class ${want.class}`);
  if (typeof Got !== 'function' || !(Got === Want || Got.prototype instanceof (Want as new () => unknown))) {
    throw new Error(`expected ${want.class}, got ${got.class}: ${got.message}\n${context}`);
  }
  if (want.status !== undefined && got.status !== want.status) throw new Error(`status ${got.status}, expected ${want.status}\n${context}`);
  if (want.code !== undefined && got.code !== want.code) throw new Error(`code ${got.code}, expected ${want.code}\n${context}`);
  if (want.messageIncludes !== undefined && !String(got.message).includes(want.messageIncludes)) {
    throw new Error(`message ${JSON.stringify(got.message)} does not include ${JSON.stringify(want.messageIncludes)}\n${context}`);
  }
}

/** A failed call says so on stderr in one line, without a stack trace. */
function checkErrorLines(stderr: string, context: string): void {
  const lines = stderr.trimEnd().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith('error: ')) throw new Error(`expected one "error: …" line on stderr\n${context}`);
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

function checkMetrics(samples: Record<string, unknown>[], expect: Record<string, any>): void {
  if (!Array.isArray(samples)) throw new Error(`metrics printed no array: ${JSON.stringify(samples)}`);
  if (expect.count?.min !== undefined && samples.length < expect.count.min) throw new Error(`${samples.length} samples, expected at least ${expect.count.min}`);
  for (const [i, s] of samples.entries()) {
    for (const [field, want] of Object.entries(expect.each ?? {})) checkValue(`sample ${i} ${field}`, s[field], want);
  }
  if (expect.latest) {
    const last = samples.at(-1);
    if (!last) throw new Error('no samples');
    for (const [field, want] of Object.entries(expect.latest)) checkValue(`latest ${field}`, last[field], want);
  }
  for (let i = 1; i < samples.length; i++) {
    if (Date.parse(samples[i]!.timestamp as string) < Date.parse(samples[i - 1]!.timestamp as string)) throw new Error('samples are not oldest first');
  }
}

interface LogEntry {
  timestamp: string;
  level: string;
  source: string;
  message: string;
}
interface LogWant {
  source?: string;
  level?: string;
  includes?: string;
}

function logMatches(e: LogEntry, want: LogWant): boolean {
  return (
    (want.source === undefined || e.source === want.source) &&
    (want.level === undefined || e.level === want.level) &&
    (want.includes === undefined || e.message.includes(want.includes))
  );
}

function formatLogs(entries: LogEntry[] | undefined): string {
  return (entries ?? []).map((e) => `  ${e.timestamp} ${e.level} ${e.source}: ${e.message}`).join('\n');
}

function checkLogs(entries: LogEntry[], expect: Record<string, any>): void {
  if (!Array.isArray(entries)) throw new Error(`logs printed no array: ${JSON.stringify(entries)}`);
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

// ---------------------------------------------------------------------------------------------
// The server: built once if its dist is missing (vitest.config.ts is not this runner's to change,
// so this is a beforeAll of the one file that needs it rather than a globalSetup).

function buildServer(): Promise<void> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', 'build', '-w', '@tensor-box/server'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build -w @tensor-box/server exited ${code}:\n${output}`))));
  });
}

let server: ServerHandle | undefined;

beforeAll(async () => {
  if (!existsSync(SERVER_BIN)) await buildServer();
}, 180_000);

afterEach(async () => {
  // A failed scenario still stops its server and kills every process of its sandboxes.
  const s = server;
  server = undefined;
  await s?.dispose();
});

afterAll(() => {
  if (counts.length === 0) return;
  const total = counts.reduce((t, c) => ({ ...t, steps: t.steps + c.steps, cli: t.cli + c.cli, commands: t.commands + c.commands, sdk: t.sdk + c.sdk, host: t.host + c.host, notRun: t.notRun + c.notRun }));
  const rows = [...counts, { ...total, file: 'total' }].map((c) => `  ${c.file.padEnd(30)} ${String(c.steps).padStart(4)} steps: ${String(c.cli).padStart(3)} CLI (${c.commands} commands), ${c.sdk} via SDK, ${c.host} host, ${c.notRun} not run`);
  console.log(`behaviour scenarios through the CLI:\n${rows.join('\n')}`);
});

describe('behaviour scenarios: what the command line cannot express', () => {
  it('finds every scenario file', () => {
    expect(scenarios.map((s) => s.file)).toEqual(expect.arrayContaining(['lifecycle.yaml', 'kill-many.yaml', 'tenant-isolation.yaml', 'restart-adoption.yaml']));
  });

  it('runs every CLI command in some scenario', () => {
    const used = new Set(planned.flatMap(({ scenario, plans }) => scenario.steps.filter((_, i) => plans[i]!.via === 'cli').map((s) => argvOf(s, asIs))).map((argv) => argv[1]));
    for (const spec of COMMANDS) expect(used.has(spec.name), `${spec.group} ${spec.name}`).toBe(true);
  });

  it('skips only steps of a listed kind, each for its listed reason', () => {
    const unlisted = planned.flatMap(({ scenario, plans }) =>
      plans.flatMap((p, i) => (p.via === 'none' && !(p.rule in CANNOT_EXPRESS) ? [`${scenario.file} step ${i + 1} (${scenario.steps[i]!.do}): ${p.why}`] : [])),
    );
    expect(unlisted, 'steps the CLI cannot express for a reason CANNOT_EXPRESS does not list').toEqual([]);
    // Every listed reason is still needed.
    const rules = new Set(planned.flatMap(({ plans }) => plans.flatMap((p) => (p.via === 'none' ? [p.rule] : []))));
    expect([...rules].sort()).toEqual(Object.keys(CANNOT_EXPRESS).sort());
  });

  it('reads through the SDK only checks, never a call expected to fail', () => {
    const calls = planned.flatMap(({ scenario, plans }) => plans.flatMap((p, i) => (p.via === 'sdk' && scenario.steps[i]!.expect?.error ? [`${scenario.file} step ${i + 1}`] : [])));
    expect(calls).toEqual([]);
  });

  it('says the idempotency key and a since mark with flags of their own', () => {
    const create = argvOf({ do: 'create', options: { idempotencyKey: 'key-1' } } as Step, asIs);
    expect(create).toContain('--idempotency-key=key-1');
    expect(create.some((a) => a.startsWith('--header'))).toBe(false);
    const at = new Date('2026-11-29T10:00:00.250Z');
    expect(argvOf({ do: 'getMetrics', id: 'a', since: 't1' } as Step, asIs, () => at)).toContain('--since=2026-11-29T10:00:00.250Z');
    expect(argvOf({ do: 'getLogs', id: 'a', since: 't1' } as Step, asIs, () => at)).toContain('--since=2026-11-29T10:00:00.250Z');
  });

  it('skips exactly the listed steps of the files there are today', () => {
    const actual: Record<string, Record<string, number[]>> = {};
    for (const { scenario, plans } of planned) {
      if (!(scenario.file in NOT_RUN_TODAY)) continue;
      const byRule: Record<string, number[]> = {};
      plans.forEach((p, i) => p.via === 'none' && (byRule[p.rule] ??= []).push(i + 1));
      actual[scenario.file] = byRule;
    }
    expect(actual).toEqual(NOT_RUN_TODAY);
  });
});

describe('behaviour scenarios (tensor-box CLI → local server)', () => {
  for (const { scenario, plans } of planned) {
    it(`${scenario.file}: ${scenario.name}`, async () => {
      server = await startServer({ keys: scenario.keys });
      const r = new ScenarioRun(scenario, server);
      const c: Counts = { file: scenario.file, steps: scenario.steps.length, cli: 0, commands: 0, sdk: 0, host: 0, notRun: 0 };
      for (const [i, step] of scenario.steps.entries()) {
        const p = plans[i]!;
        if (p.via === 'none') {
          if (!(p.rule in CANNOT_EXPRESS)) throw new Error(`${scenario.file} step ${i + 1}: ${p.why}, and CANNOT_EXPRESS does not list it`);
          c.notRun++;
          // A later step cannot use a sandbox this one would have named.
          if (step.as) throw new Error(`${scenario.file} step ${i + 1} names ${step.as}, but the CLI cannot express it: ${p.why}`);
          continue;
        }
        try {
          await r.step(step, p);
        } catch (err) {
          const e = new Error(`${scenario.file} step ${i + 1} ${JSON.stringify(step).slice(0, 300)}\n  → ${(err as Error).message}`);
          e.stack = `${e.message}\n${(err as Error).stack ?? ''}`;
          throw e;
        }
        c[p.via]++;
      }
      c.commands = r.commands;
      counts.push(c);

      // A scenario that left no sandbox running or paused must leave no process behind either
      // (read through the SDK: a check, not a step).
      const live = [];
      for (const key of Object.values(server.keys)) {
        live.push(...(await Sandbox.list({ domain: server.url, apiKey: key, maxRetries: 0, query: { state: ['running', 'paused'] } })));
      }
      const s = server;
      server = undefined;
      const leftovers = await s.dispose();
      if (live.length === 0) expect(leftovers).toEqual([]);
    }, 180_000);
  }
});

