import { colorEnabled, type Style, style } from './color.js';
import { describeError, EXIT_API, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type ErrorReport, reportFailure, UsageError, withoutExitCode } from './errors.js';
import { decodeRecord, renderRecord, renderTable, toJson } from './format.js';
import { MODELS, PROGRAM } from './generated/commands.js';
import { MAX_RETRIES, REQUEST_TIMEOUT_MS } from './limits.js';
import type { Globals } from './main.js';
import { startSpinner } from './spinner.js';
import type { CommandSpec } from './table.js';
import { argLabel, attributeName, flagLabel, parseInput, readValue } from './values.js';

/** The part of the SDK the CLI uses, loaded only when a command runs. */
type Sdk = typeof import('tensor-box');
type SdkCall = (...args: unknown[]) => unknown;

/** How many by-ID calls of one command run at once (`kill a b c …`). */
const CONCURRENCY = 4;

/** Runs one command of the table; returns the exit status. */
export async function runCommand(spec: CommandSpec, positionals: unknown[], options: Record<string, unknown>, globals: Globals): Promise<number> {
  const input = parseInput(spec, positionals, options);
  const connection = connectionOptions(globals);
  const json = globals.json === true;

  const sdk: Sdk = await import('tensor-box');
  const out = style(colorEnabled(process.stdout));
  const call = (id: string | undefined, extra: Record<string, unknown> = {}, capture?: Capture, values = input.values) => {
    const method = (sdk.Sandbox as unknown as Record<string, SdkCall>)[spec.method];
    if (typeof method !== 'function') throw new Error(`the SDK has no Sandbox.${spec.method}; rebuild the CLI against the matching tensor-box`);
    const { positional, options: callOptions } = sdkArguments(spec, values);
    const fetchOption = capture ? { fetch: capture.fetch } : {};
    const args = [...(spec.idTarget ? [id] : []), ...positional, { ...connection, ...fetchOption, ...callOptions, ...extra }];
    return method.apply(sdk.Sandbox, args);
  };

  if (spec.live && options[attributeName(spec.live.flag)] === true) {
    const interval = options.intervalMs === undefined ? 2000 : (readValue({ kind: 'integer', min: 100, max: 3_600_000, unit: 'ms' }, options.intervalMs, '--interval-ms', 'intervalMs') as number);
    const { runLive } = await import('./live.js');
    // The first poll asks from the user's --since, if any; each later one from the newest item seen.
    const poll = (since?: Date) => {
      const values = since && spec.live?.since ? new Map(input.values).set(spec.live.since, since) : input.values;
      return call(idOf(spec, input), {}, undefined, values) as Promise<Record<string, unknown>[]>;
    };
    try {
      await runLive(spec, MODELS, poll, { json, interval, out });
      return EXIT_OK;
    } catch (err) {
      return reportFailure(err, globals, describe(spec, err, sdk));
    }
  }

  // Ctrl-C cancels the call through the SDK's signal, so that a wait for a retry (which may be a
  // server's Retry-After of up to 60 s) ends at once with a message instead of a silent kill.
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  // `once`: a second Ctrl-C finds no handler and ends the process the default way.
  process.once('SIGINT', interrupt);
  const cancellable = { signal: controller.signal };
  try {
    // A variadic ID runs one call per ID and reports each; otherwise there is one call.
    if (input.ids) return await runEach(spec, input.ids, (id) => call(id, cancellable), sdk, json, out);

    const id = idOf(spec, input);
    const capture = spec.returns === 'instance' ? captureFetch() : undefined;
    const spinner = spec.progress && process.stderr.isTTY && !json && !globals.debug ? startSpinner(spec.progress, process.stderr, colorEnabled(process.stderr)) : undefined;
    let result: unknown;
    try {
      result = await call(id, cancellable, capture);
    } catch (err) {
      spinner?.stop();
      return reportFailure(err, globals, describe(spec, err, sdk));
    } finally {
      spinner?.stop();
    }
    if (spec.returns === 'instance') result = await capture!.record(spec, result);
    print(spec, id, result, json, out);
    return EXIT_OK;
  } finally {
    process.off('SIGINT', interrupt);
  }
}

/** Reports an error; an argument the SDK refused is named by the flag that gave it. */
function describe(spec: CommandSpec, err: unknown, sdk: Sdk): ErrorReport {
  const report = describeError(err, sdk.TensorBoxError);
  if (report.class !== 'InvalidArgumentError' || report.argument === undefined) return report;
  const global: Record<string, string> = { domain: '--domain', apiKey: '--api-key', maxRetries: '--max-retries', requestTimeoutMs: '--request-timeout-ms' };
  // Named as values.ts names them, so that a refusal reads the same whichever side found it.
  const own = [...spec.flags.map((f) => [f.target, flagLabel(f.name)]), ...spec.args.map((a) => [a.target, argLabel(a.name, a.variadic)])].find(([t]) => t!.split('.')[0] === report.argument);
  const flag = global[report.argument] ?? own?.[1];
  // The SDK says which method refused ("Sandbox.list: …"); the user typed a flag, not a method.
  const message = report.message.replace(/^[\w$]+\.[\w$]+: /, '');
  return flag ? { ...report, flag, message: `${flag}: ${message}` } : { ...report, message };
}

function idOf(spec: CommandSpec, input: { values: Map<string, unknown> }): string | undefined {
  return spec.idTarget ? (input.values.get(spec.idTarget) as string | undefined) : undefined;
}

/** SDK options from the global flags; unset ones fall back to the SDK's environment variables. */
function connectionOptions(globals: Globals): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const entry of globals.header ?? []) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must be NAME:VALUE (got ${JSON.stringify(entry.slice(0, 40))})`, undefined, '--header');
    headers[entry.slice(0, colon).trim()] = entry.slice(colon + 1).trim();
  }
  const apiKey = globals.apiKey ?? process.env[PROGRAM.env.apiKey];
  if (apiKey === undefined || apiKey === '') {
    throw new UsageError(`no API key: pass --api-key or set ${PROGRAM.env.apiKey}`, 'apiKey', '--api-key');
  }
  const options: Record<string, unknown> = {
    apiKey,
    headers,
    // Debug lines go to stderr, never stdout, so --json output stays parseable.
    logger: { debug: (line: string) => process.stderr.write(`${line}\n`) },
  };
  if (globals.domain !== undefined) options.domain = globals.domain;
  if (globals.debug) options.debug = true;
  if (globals.maxRetries !== undefined) options.maxRetries = readValue(MAX_RETRIES, globals.maxRetries, '--max-retries', 'maxRetries');
  if (globals.requestTimeoutMs !== undefined) {
    options.requestTimeoutMs = readValue(REQUEST_TIMEOUT_MS, globals.requestTimeoutMs, '--request-timeout-ms', 'requestTimeoutMs');
  }
  return options;
}

/** The SDK call's positional arguments and options, from the values by target. */
export function sdkArguments(spec: CommandSpec, values: Map<string, unknown>): { positional: unknown[]; options: Record<string, unknown> } {
  const options: Record<string, Record<string, unknown>> = {};
  for (const [target, value] of values) {
    if (target === spec.idTarget || spec.positional.includes(target)) continue;
    const [head, field] = target.split('.') as [string, string | undefined];
    const group = spec.groups[head];
    const holder: Record<string, unknown> = group ? (options[group] ??= {}) : options;
    if (field === undefined) holder[head] = value;
    else ((holder[head] ??= {}) as Record<string, unknown>)[field] = value;
  }
  return { positional: spec.positional.map((name) => values.get(name)), options };
}

interface Capture {
  fetch: typeof fetch;
  record(spec: CommandSpec, instance: unknown): Promise<unknown>;
}

/**
 * create and connect give back a `Sandbox`, not the sandbox's information; the response they
 * received holds it. Capturing that response through the SDK's `fetch` option prints it
 * without a second request (which would also see a later state).
 */
function captureFetch(): Capture {
  let last: Response | undefined;
  return {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.ok) last = response.clone();
      return response;
    },
    async record(spec, instance) {
      const id = (instance as Record<string, unknown>)[PROGRAM.idParam];
      if (spec.output.kind === 'record' && last) {
        try {
          return decodeRecord(MODELS, spec.output.model, await last.json());
        } catch {
          // The SDK accepted the response, so it was JSON; fall through to the ID alone.
        }
      }
      return { [PROGRAM.idParam]: id };
    },
  };
}

function print(spec: CommandSpec, id: string | undefined, result: unknown, json: boolean, out: Style): void {
  if (json) {
    const value = spec.returns === 'void' ? done(id) : result;
    process.stdout.write(`${toJson(value)}\n`);
    return;
  }
  const { output } = spec;
  if (output.kind === 'table' && Array.isArray(result)) {
    process.stdout.write(result.length === 0 ? 'No results.\n' : `${renderTable(MODELS, output.model, output.columns, result as Record<string, unknown>[], out)}\n`);
  } else if (output.kind === 'record' && result !== null && typeof result === 'object') {
    process.stdout.write(`${renderRecord(MODELS, output.model, result as Record<string, unknown>, out)}\n`);
  } else if (spec.returns === 'void') {
    process.stdout.write(`${doneLine(spec, id, out)}\n`);
  } else {
    process.stdout.write(`${toJson(result)}\n`);
  }
}

/** What --json prints for a call that returns nothing: which sandbox, and that it worked. */
function done(id: string | undefined): Record<string, unknown> {
  return id === undefined ? { ok: true } : { [PROGRAM.idParam]: id, ok: true };
}

function doneLine(spec: CommandSpec, id: string | undefined, out: Style): string {
  return `${out.green('✓')} ${spec.name}${id === undefined ? '' : ` ${id}`}`;
}

/**
 * One call per ID, a few at a time; one result line per ID in the order given (failures on
 * stderr), and exit 1 if any failed. With --json, an array of per-ID results on stdout.
 */
async function runEach(spec: CommandSpec, ids: string[], call: (id: string) => unknown, sdk: Sdk, json: boolean, out: Style): Promise<number> {
  const results: ({ ok: true; value: unknown } | { ok: false; report: ErrorReport })[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await call(ids[i]!) };
      } catch (err) {
        results[i] = { ok: false, report: describe(spec, err, sdk) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));

  const err = style(colorEnabled(process.stderr));
  results.forEach((r, i) => {
    if (!r.ok) process.stderr.write(`${err.red('error:')} ${ids[i]}: ${r.report.message}\n`);
    else if (!json) process.stdout.write(`${doneLine(spec, ids[i], out)}\n`);
  });
  if (json) {
    const entries = results.map((r, i) => (r.ok ? done(ids[i]) : { [PROGRAM.idParam]: ids[i], ok: false, error: withoutExitCode(r.report) }));
    process.stdout.write(`${toJson(entries)}\n`);
  }
  const failed = results.filter((r): r is { ok: false; report: ErrorReport } => !r.ok);
  if (failed.length === 0) return EXIT_OK;
  if (failed.some((r) => r.report.exitCode === EXIT_INTERRUPTED)) return EXIT_INTERRUPTED;
  return failed.every((r) => r.report.exitCode === EXIT_USAGE) ? EXIT_USAGE : EXIT_API;
}
