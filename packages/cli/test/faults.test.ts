// Runs every shared fault vector (test/faults/vectors) with the built `tensor-box` binary as a
// subprocess against the fault server, with --debug on, and records the outcome for the vectors ×
// clients table (test/faults/.results/cli.json). Then the bad-argument table: every case that has
// a command becomes a command line that must exit 2, name the flag, and send nothing.
//
// A vector's call becomes an argv through the generated command table (command-line.ts). Each
// vector runs twice, for people and with --json, as separate runs on the fault server: the first
// shows the exit code and the text (`cli.stderr`, `cli.stdout`), the second the result, the IDs of
// a list and the error's class and fields. Both must show the vector's attempts, waits and
// elapsed time, and neither may show the API key or the env value anywhere.
//
// `cancelAfterMs` is said as a user says it: Ctrl-C (SIGINT) to the process. The CLI then cancels
// the call through the SDK's signal and exits 130 with one line naming the cancelled call.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badArgumentCases } from '../../../test/faults/bad-arguments.mjs';
import { startFaultServer } from '../../../test/faults/server.mjs';
import { loadVectors } from '../../../test/faults/vectors.mjs';
import type { CommandSpec } from '../src/table.js';
import { clientFlags, commandFor, commandLine, NotExpressible } from './command-line.js';
import { REPO_ROOT, type Run, run } from './helpers.js';

// The recognisable secrets every runner uses (test/faults/README.md).
const FAULT_KEY = 'tb_fault_key_8d1f5c2a9e';
const FAULT_ENV = 'env_secret_value_93b7c1';

interface Vector {
  id: string;
  call: { method: string; id?: string; args?: unknown[]; options?: Record<string, unknown>; cancelAfterMs?: number };
  client?: Record<string, unknown>;
  expect: {
    attempts?: number;
    waits?: [number, number][];
    maxElapsedMs?: number;
    sameIdempotencyKey?: boolean;
    result?: Record<string, unknown>;
    ids?: string[];
    lazyIds?: string[];
    cursors?: (string | null)[];
    error?: Record<string, unknown> & { class: string };
    cli?: { exit?: number; stderr?: string; stdout?: string };
  };
}
interface Seen {
  headers: Record<string, string>;
  query: string;
  body: string;
  at: number;
}
interface FaultServer {
  url: string;
  requests: (id: string, run?: string) => Seen[];
  stop: () => Promise<void>;
}

/** Vector ID → why the command line cannot express it. Asserted exactly; empty today. */
const NOT_EXPRESSIBLE: Record<string, string> = {};

/** Expect fields this runner checks (below), and the ones the CLI cannot observe, with why. */
const CHECKED = ['attempts', 'waits', 'maxElapsedMs', 'sameIdempotencyKey', 'cursors', 'result', 'ids', 'error', 'cli'];
const UNOBSERVABLE: Record<string, string> = {
  lazyIds: 'the CLI has one form of list, which follows every page: its IDs are checked by `ids`',
};

/** Exit statuses (README "Exit status"), for a vector whose `cli` gives none. */
const EXIT_INTERRUPTED = 130;
function exitFor(v: Vector): number {
  if (v.expect.cli?.exit !== undefined) return v.expect.cli.exit;
  const error = v.expect.error?.class;
  if (error === undefined) return 0;
  return error === 'APIUserAbortError' ? EXIT_INTERRUPTED : error === 'InvalidArgumentError' ? 2 : 1;
}

const vectors = loadVectors() as Vector[];
const results: { vector: string; pass: boolean; detail?: string; skip?: string }[] = [];
let faults: FaultServer;

beforeAll(async () => {
  faults = (await startFaultServer()) as FaultServer;
});
afterAll(async () => {
  await faults?.stop();
  const dir = join(REPO_ROOT, 'test', 'faults', '.results');
  mkdirSync(dir, { recursive: true });
  const order = vectors.map((v) => v.id);
  results.sort((a, b) => order.indexOf(a.vector) - order.indexOf(b.vector));
  writeFileSync(join(dir, 'cli.json'), `${JSON.stringify(results, null, 2)}\n`);
});

/** `'{{env}}'` in a vector's arguments is this runner's recognisable env value. */
function fill(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('{{env}}', FAULT_ENV);
  if (Array.isArray(value)) return value.map(fill);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
  return value;
}

/** The argv of a vector (client options as global flags), or why there is none. */
function plan(v: Vector): { argv: string[] } | { reason: string } {
  try {
    const call = { ...v.call, args: fill(v.call.args) as unknown[] | undefined, options: fill(v.call.options) as Record<string, unknown> | undefined };
    return { argv: [...clientFlags(v.client), ...commandLine(commandFor(v.call.method), call)] };
  } catch (err) {
    if (err instanceof NotExpressible) return { reason: err.message };
    throw err;
  }
}

const planned = vectors.map((v) => ({ v, plan: plan(v) }));

interface Form {
  /** The X-Fault-Run of this form's requests. */
  run: string;
  json: boolean;
}
const FORMS: Form[] = [
  { run: 'cli', json: false },
  { run: 'cli-json', json: true },
];

/**
 * Runs one form of a vector. The API key goes as --api-key for people and through the
 * environment for --json, so that neither way can leak it.
 */
async function runVector(v: Vector, argv: string[], form: Form): Promise<{ r: Run; ended: number }> {
  const args = [
    '--debug',
    ...(form.json ? ['--json'] : [`--api-key=${FAULT_KEY}`]),
    `--domain=${faults.url}`,
    `--header=X-Fault-Case:${v.id}`,
    `--header=X-Fault-Run:${form.run}`,
    ...argv,
  ];
  const env = form.json ? { TENSOR_BOX_API_KEY: FAULT_KEY } : {};
  const cancelAfter = v.call.cancelAfterMs;
  const started = Date.now();
  const r = await run(args, { env, onStart: cancelAfter === undefined ? undefined : (child) => void interruptLater(child, v.id, form.run, started + cancelAfter) });
  return { r, ended: Date.now() };
}

/**
 * Ctrl-C at `at`, but not before `requests` requests reached the server: a signal during node's
 * start-up would test the start-up (which a loaded machine can make slow), not the cancel of a call.
 */
async function interruptLater(child: ChildProcess, id: string, form: string, at: number, requests = 1): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  while (!exited && faults.requests(id, form).length < requests) await sleep(10);
  if (!exited) await sleep(Math.max(0, at - Date.now()));
  if (!exited) child.kill('SIGINT');
}

/** The checks of one form; throws (an expect failure) at the first that fails. */
function check(v: Vector, form: Form, { r, ended }: { r: Run; ended: number }): void {
  const want = v.expect;
  const seen = faults.requests(v.id, form.run);
  const context = `${form.json ? '--json' : 'for people'}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

  // Secret hygiene: the secrets did reach the server, and never came back out.
  expect(seen.length, `no request arrived\n${context}`).toBeGreaterThan(0);
  expect(seen[0]!.headers['x-api-key'], 'the API key was sent').toBe(FAULT_KEY);
  if (JSON.stringify(v.call).includes('{{env}}')) expect(seen[0]!.body, 'the env value was sent').toContain(FAULT_ENV);
  expect(r.stdout + r.stderr, `the API key leaked\n${context}`).not.toContain(FAULT_KEY);
  expect(r.stdout + r.stderr, `an env value leaked\n${context}`).not.toContain(FAULT_ENV);
  expect(r.stderr, `debug logging wrote request lines\n${context}`).toContain('[tensor-box] →');

  expect(r.code, `exit status\n${context}`).toBe(exitFor(v));
  // Whatever --debug adds, a failure is told in exactly one `error:` line, and success in none.
  const errorLines = r.stderr.split('\n').filter((line) => line.startsWith('error: '));
  expect(errorLines, `error lines\n${context}`).toHaveLength(want.error ? 1 : 0);
  if (want.cli?.stderr !== undefined) expect(errorLines[0], `cli.stderr\n${context}`).toContain(want.cli.stderr);
  if (want.error?.class === 'APIUserAbortError') expect(errorLines[0], `the cancel is said\n${context}`).toMatch(/: cancelled /);
  if (want.cli?.stdout !== undefined && !form.json) expect(r.stdout, `cli.stdout\n${context}`).toContain(want.cli.stdout);

  if (want.attempts !== undefined) expect(seen.length, `attempts\n${context}`).toBe(want.attempts);
  (want.waits ?? []).forEach(([min, max], i) => {
    expect(seen.length, `attempts for the waits\n${context}`).toBeGreaterThan(i + 1);
    const wait = seen[i + 1]!.at - seen[i]!.at;
    expect(wait, `wait before attempt ${i + 2}`).toBeGreaterThanOrEqual(min);
    expect(wait, `wait before attempt ${i + 2}`).toBeLessThanOrEqual(max);
  });
  // The call runs from its first request to the process's exit; node's start-up before it is no
  // part of the call (and on a loaded machine alone can take a second).
  if (want.maxElapsedMs !== undefined) expect(ended - seen[0]!.at, 'elapsed ms, first request to exit').toBeLessThan(want.maxElapsedMs);
  if (want.sameIdempotencyKey) {
    const keys = seen.map((s) => s.headers['idempotency-key']);
    expect(keys[0], 'an Idempotency-Key').toBeTruthy();
    expect(new Set(keys).size, 'one Idempotency-Key on every attempt').toBe(1);
  }
  if (want.cursors) expect(seen.map((s) => new URLSearchParams(s.query).get('cursor')), 'cursors').toEqual(want.cursors);

  if (!form.json) return;
  const output = JSON.parse(r.stdout) as Record<string, unknown> | Record<string, unknown>[];
  if (want.error) {
    const error = (output as { error?: Record<string, unknown> }).error;
    expect(error, `an error object\n${context}`).toBeDefined();
    for (const [key, value] of Object.entries(want.error)) expect(error![key], `error.${key}\n${context}`).toEqual(value);
  } else {
    if (want.result) expect(output, `result\n${context}`).toMatchObject(want.result);
    if (want.ids) expect((output as { sandboxId: string }[]).map((s) => s.sandboxId), 'ids').toEqual(want.ids);
  }
}

describe('fault vectors the command line cannot express', () => {
  it('are exactly the listed ones, each for the listed reason', () => {
    const actual = Object.fromEntries(planned.filter((p) => 'reason' in p.plan).map((p) => [p.v.id, (p.plan as { reason: string }).reason]));
    expect(actual).toEqual(NOT_EXPRESSIBLE);
    for (const [id, reason] of Object.entries(actual)) results.push({ vector: id, pass: false, skip: reason });
  });

  it('use only expect fields this runner checks or lists as unobservable', () => {
    for (const v of vectors) for (const key of Object.keys(v.expect)) expect([...CHECKED, ...Object.keys(UNOBSERVABLE)], `${v.id}: expect.${key}`).toContain(key);
  });
});

describe.concurrent('fault vectors (tensor-box CLI, --debug)', () => {
  const runnable = planned.flatMap((p) => ('argv' in p.plan ? [{ v: p.v, argv: p.plan.argv }] : []));
  it.each(runnable)('$v.id', async ({ v, argv }) => {
    try {
      // One form after the other: half the processes at once, as the waits are timed on a
      // machine that also runs the other test files.
      for (const form of FORMS) check(v, form, await runVector(v, argv, form));
      results.push({ vector: v.id, pass: true });
    } catch (err) {
      results.push({ vector: v.id, pass: false, detail: (err as Error).message.split('\n')[0] });
      throw err;
    }
  });
});

describe('Ctrl-C beyond the vectors', () => {
  it('kill of several IDs cancels every call, reports each, and exits 130', async () => {
    // The fault server plays a vector's script for any request that names it: here every kill
    // gets the cancel vector's 503 with Retry-After 20, so both calls are waiting when Ctrl-C comes.
    const v = vectors.find((x) => x.call.cancelAfterMs !== undefined)!;
    const form = 'cli-kill';
    const r = await run([`--api-key=${FAULT_KEY}`, `--domain=${faults.url}`, `--header=X-Fault-Case:${v.id}`, `--header=X-Fault-Run:${form}`, 'sandbox', 'kill', 'sbx_a', 'sbx_b'], {
      onStart: (child) => void interruptLater(child, v.id, form, 0, 2),
    });
    expect(r.code, r.stderr).toBe(EXIT_INTERRUPTED);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: sbx_a: DELETE /sandboxes/sbx_a: cancelled while waiting to retry\nerror: sbx_b: DELETE /sandboxes/sbx_b: cancelled while waiting to retry\n');
    expect(faults.requests(v.id, form)).toHaveLength(2);
  });
});

interface BadArgumentCase {
  name: string;
  method: string;
  id?: string;
  args: unknown[];
  options: Record<string, unknown>;
  argument: string;
}

/** Bad-argument case name → why the command line cannot express it. Asserted exactly. */
const BAD_NOT_EXPRESSIBLE: Record<string, string> = {
  'create: a non-string map value (envs)': 'every command-line value is a string: --env key=123 is the valid string "123"',
  'create: a non-string map value (metadata)': 'every command-line value is a string: --metadata key=123 is the valid string "123"',
  'list: a non-string map value (metadata)': 'every command-line value is a string: --metadata key=123 is the valid string "123"',
  'getInfo: an empty ID (sandboxId)': 'no CLI command calls getInfo (info is an alias of connect, which resumes)',
  'isRunning: an empty ID (sandboxId)': 'no CLI command calls isRunning',
};

/** How the CLI names the values that fill an SDK argument (its top-level name). */
function labelsOf(spec: CommandSpec, argument: string): string[] {
  const head = (target: string) => target.split('.')[0] === argument;
  return [
    ...spec.flags.filter((f) => head(f.target)).map((f) => `--${f.name}`),
    ...spec.args.filter((a) => head(a.target)).map((a) => `argument <${a.name}${a.variadic ? '...' : ''}>`),
  ];
}

describe('bad arguments (tensor-box CLI): exit 2, one line naming the flag, no request', () => {
  const cases = badArgumentCases() as BadArgumentCase[];
  const plans = cases.map((c) => {
    try {
      const spec = commandFor(c.method);
      return { c, spec, argv: commandLine(spec, c) };
    } catch (err) {
      if (err instanceof NotExpressible) return { c, reason: err.message };
      throw err;
    }
  });

  it('cases the command line cannot express are exactly the listed ones', () => {
    expect(Object.fromEntries(plans.flatMap((p) => ('reason' in p ? [[p.c.name, p.reason]] : [])))).toEqual(BAD_NOT_EXPRESSIBLE);
  });

  const runnable = plans.flatMap((p) => ('argv' in p ? [p as { c: BadArgumentCase; spec: CommandSpec; argv: string[] }] : []));
  const globals = (name: string) => ['--json', `--api-key=${FAULT_KEY}`, `--domain=${faults.url}`, '--header=X-Fault-Case:bad-arguments', `--header=X-Fault-Run:${name}`];

  it('a valid call with the same global flags does reach the server (so "no request" means something)', async () => {
    const name = `${runnable[0]!.c.name} (control)`;
    const r = await run([...globals(name), 'sandbox', 'connect', 'sbx_fault']);
    expect(r.code, r.stderr).toBe(1); // the fault server knows no vector "bad-arguments"
    expect(faults.requests('bad-arguments', name)).toHaveLength(1);
  });

  it.concurrent.each(runnable)('$c.name', async ({ c, spec, argv }) => {
    const r = await run([...globals(c.name), ...argv]);
    const context = `tensor-box ${argv.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
    expect(r.code, context).toBe(2);
    const { error } = JSON.parse(r.stdout) as { error: { class: string; argument?: string; flag?: string } };
    expect(error.class, context).toBe('InvalidArgumentError');
    expect(error.argument, context).toBe(c.argument);
    // The flag or argument that gave the bad value, first on the one stderr line.
    expect(labelsOf(spec, c.argument), context).toContain(error.flag);
    expect(r.stderr, context).toMatch(new RegExp(`^error: ${error.flag!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} [^\\n]+\\n$`));
    expect(faults.requests('bad-arguments', c.name), 'requests the server received').toHaveLength(0);
  });
});
