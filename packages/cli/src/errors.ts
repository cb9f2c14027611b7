import { colorEnabled, style } from './color.js';

/** Exit statuses (runtime-behaviour.md): success, an API or connection error, a usage error. */
export const EXIT_OK = 0;
export const EXIT_API = 1;
export const EXIT_USAGE = 2;
/** A call cancelled by Ctrl-C: the shells' 128 + SIGINT, so a script can tell it from a failure. */
export const EXIT_INTERRUPTED = 130;

/**
 * The command line itself is wrong: nothing was sent. `argument` is the SDK argument at fault
 * (its top-level name) when the problem is a value, `flag` how the user wrote it.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly argument?: string,
    readonly flag?: string,
  ) {
    super(message);
  }
}

/** What `--json` prints for an error, and what the one stderr line says. */
export interface ErrorReport {
  class: string;
  message: string;
  exitCode: number;
  status?: number;
  code?: string;
  requestId?: string;
  argument?: string;
  flag?: string;
  retryAfter?: number;
}

/** Classifies anything thrown; `sdkBase` is the SDK's TensorBoxError once the SDK is loaded. */
export function describeError(err: unknown, sdkBase?: abstract new (...args: never[]) => unknown): ErrorReport {
  if (err instanceof UsageError) {
    return strip({
      class: err.argument ? 'InvalidArgumentError' : 'UsageError',
      message: err.message,
      exitCode: EXIT_USAGE,
      argument: err.argument,
      flag: err.flag,
    });
  }
  const e = (err ?? {}) as Record<string, unknown>;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? oneLine(e.message) : String(err);
  if (!sdkBase || !(err instanceof sdkBase)) return { class: 'InternalError', message, exitCode: EXIT_API };
  return strip({
    class: name,
    message,
    // The SDK refused the arguments before any request: the command line was wrong. The CLI
    // cancels a call only on Ctrl-C (run.ts), so an abort is always an interruption.
    exitCode: name === 'InvalidArgumentError' ? EXIT_USAGE : name === 'APIUserAbortError' ? EXIT_INTERRUPTED : EXIT_API,
    status: typeof e.status === 'number' ? e.status : undefined,
    code: typeof e.code === 'string' ? e.code : undefined,
    requestId: typeof e.requestId === 'string' ? e.requestId : undefined,
    argument: typeof e.argument === 'string' ? e.argument.split(/[.[]/)[0] : undefined,
    retryAfter: typeof e.retryAfter === 'number' ? e.retryAfter : undefined,
  });
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One line on stderr; with --json also the error object on stdout. */
export function reportFailure(err: unknown, mode: { json?: boolean; debug?: boolean }, report: ErrorReport = describeError(err)): number {
  const s = style(colorEnabled(process.stderr));
  process.stderr.write(`${s.red('error:')} ${report.message}\n`);
  if (mode.debug && err instanceof Error && err.stack && !(err instanceof UsageError)) process.stderr.write(`${err.stack}\n`);
  if (mode.json) {
    process.stdout.write(`${JSON.stringify({ error: withoutExitCode(report) }, null, 2)}\n`);
  }
  return report.exitCode;
}

export function withoutExitCode(report: ErrorReport): Omit<ErrorReport, 'exitCode'> {
  const { exitCode: _, ...fields } = report;
  return fields;
}
