// Runs the shared conformance scenarios (test/conformance/scenarios) as `tensor-box` commands
// against Prism behind the recording proxy: each case whose SDK method has a CLI command
// becomes an argv, the built binary runs as a subprocess, and the same checks as the TS
// runner's are made on the wire requests and on the `--json` output.
//
// The CLI only has by-ID commands, so a case on an instance runs as the by-ID command, which
// sends the same request (without the connect that made the instance). Cases the command line
// cannot express are listed in NOT_EXPRESSIBLE with the reason; that list is asserted exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../../../test/harness/serve.mjs';
import { loadScenarios } from '../../../test/harness/scenarios.mjs';
import { checkCase, type HarnessCase } from '../../../test/ts/expectations.js';
import { COMMANDS } from '../src/generated/commands.js';
import type { CommandSpec } from '../src/table.js';
import { clientFlags, commandFor, commandLine, NotExpressible } from './command-line.js';
import { API_KEY, recorded, run } from './helpers.js';

const scenarios = loadScenarios() as { file: string; operation: string; cases: HarnessCase[] }[];
const all = scenarios.flatMap((s) => s.cases.map((c) => ({ ...c, file: s.file })));

/** `file: case name` → why the command line cannot say it. */
const NOT_EXPRESSIBLE: Record<string, string> = {
  'create.yaml: a non-string metadata value is refused': 'every command-line value is a string: --metadata userId=123 is the valid string "123"',
  'get-info.yaml: info of an instance': 'no CLI command calls getInfo (info is an alias of connect, which resumes)',
  'get-info.yaml: info by ID': 'no CLI command calls getInfo (info is an alias of connect, which resumes)',
  'get-info.yaml: info of an unknown sandbox is a NotFoundError': 'no CLI command calls getInfo (info is an alias of connect, which resumes)',
  'get-info.yaml: a disconnected instance refuses further calls': 'disconnect() belongs to an SDK instance; the CLI holds none',
  'get-info.yaml: isRunning of a running instance': 'no CLI command calls isRunning',
  'get-info.yaml: isRunning by ID of a paused sandbox': 'no CLI command calls isRunning',
  'get-info.yaml: isRunning of an unknown sandbox is false, not an error': 'no CLI command calls isRunning',
  'get-info.yaml: isRunning still raises a server failure': 'no CLI command calls isRunning',
  'list.yaml: the lazy form fetches only the pages it needs': 'the lazy take form: the CLI prints every item, following all pages',
};

type Plan = { argv: string[]; spec: CommandSpec } | { reason: string };

/** The argv of a case, or why there is none. */
function plan(c: HarnessCase): Plan {
  const call = c.call;
  if (call.take !== undefined) return { reason: 'the lazy take form: the CLI prints every item, following all pages' };
  if (call.disconnectFirst) return { reason: 'disconnect() belongs to an SDK instance; the CLI holds none' };
  try {
    const spec = commandFor(call.method);
    const command = commandLine(spec, { ...call, id: call.id ?? 'sbx_abc123' });
    const globals = clientFlags(call.client);
    if (call.prefer) globals.push(`--header=Prefer:${call.prefer}`);
    return { spec, argv: [...globals, ...command] };
  } catch (err) {
    if (err instanceof NotExpressible) return { reason: err.message };
    throw err;
  }
}

const planned = all.map((c) => ({ c, plan: plan(c) }));
const runnable = planned.filter((p): p is { c: (typeof all)[number]; plan: { argv: string[]; spec: CommandSpec } } => 'argv' in p.plan);

let harness: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  harness = await start();
}, 60_000);
afterAll(async () => harness?.stop());

describe('scenarios the command line cannot express', () => {
  it('are exactly the listed ones, each for the listed reason', () => {
    const actual = Object.fromEntries(planned.filter((p) => 'reason' in p.plan).map((p) => [`${p.c.file}: ${p.c.name}`, (p.plan as { reason: string }).reason]));
    expect(actual).toEqual(NOT_EXPRESSIBLE);
  });

  it('leave every CLI command with at least one scenario run', () => {
    for (const spec of COMMANDS) expect(runnable.some((r) => r.plan.spec === spec), `${spec.group} ${spec.name}`).toBe(true);
  });
});

describe.concurrent.each(scenarios.map((s) => s.file))('%s', (file) => {
  const cases = runnable.filter((r) => r.c.file === file);
  if (cases.length === 0) {
    it('has no case the CLI can express (see NOT_EXPRESSIBLE)', () => {
      expect(planned.filter((p) => p.c.file === file).every((p) => `${p.c.file}: ${p.c.name}` in NOT_EXPRESSIBLE)).toBe(true);
    });
    return;
  }
  it.each(cases)('$c.name', async ({ c, plan: { argv, spec } }) => {
    const result = await run(['--json', `--domain=${harness.url}`, `--header=X-Conformance-Case:${c.tag}`, ...argv], { env: { TENSOR_BOX_API_KEY: API_KEY } });
    const context = `tensor-box ${argv.join(' ')}\nexit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
    const output = JSON.parse(result.stdout) as unknown;
    // A variadic command reports per ID in an array (these cases give one ID); an error found
    // before any call is one object either way.
    const variadic = spec.args.some((a) => a.variadic);
    const single = (variadic && Array.isArray(output) ? output[0] : output) as Record<string, unknown>;

    let outcome: { result?: unknown; error?: unknown };
    if (c.expect.error) {
      const error = (single.error ?? {}) as Record<string, unknown>;
      expect(result.code, context).toBe(error.class === 'InvalidArgumentError' ? 2 : 1);
      // One line on stderr, no stack trace.
      expect(result.stderr.trimEnd().split('\n'), context).toHaveLength(1);
      expect(result.stderr, context).not.toMatch(/\n\s+at /);
      outcome = { error };
    } else {
      expect(result.code, context).toBe(0);
      expect(result.stderr, context).toBe('');
      outcome = { result: neutral(spec, single, c.call.id ?? 'sbx_abc123') };
    }
    const requests = await recorded(harness.url, c.tag);
    checkCase(c, outcome, requests, [], {
      apiKey: API_KEY,
      userAgent: /^tensor-box-ts\/\d+\.\d+\.\d+/,
      errorFields: (error) => error as Record<string, unknown>,
    });
  });
});

/** The CLI's JSON output in the scenarios' neutral form. */
function neutral(spec: CommandSpec, output: Record<string, unknown>, id: string): unknown {
  if (spec.returns === 'void') {
    // What a call with no result prints: the sandbox it acted on, and that it worked.
    expect(output).toEqual({ sandboxId: id, ok: true });
    return null;
  }
  if (spec.returns === 'instance') {
    // create and connect print the sandbox's information; an instance is neutral as its ID.
    expect(Object.keys(output)).toContain('state');
    return { sandboxId: output.sandboxId };
  }
  return output;
}
