// How a neutral SDK call of the shared test data (method, sandbox ID, positional arguments,
// options, client options) is typed as a `tensor-box` command line, through the generated command
// table: the conformance scenarios, the fault vectors and the bad-argument table all become argvs
// this way, so that each runner says the same thing about what the CLI cannot express.
import { COMMANDS } from '../src/generated/commands.js';
import type { CommandSpec } from '../src/table.js';

export interface NeutralCall {
  method: string;
  id?: string;
  args?: unknown[];
  options?: Record<string, unknown>;
}

/** A call the command line cannot say; its message is the reason the runners list. */
export class NotExpressible extends Error {}

/** The command whose SDK method is `method`. */
export function commandFor(method: string): CommandSpec {
  const spec = COMMANDS.find((cmd) => cmd.method === method);
  if (spec) return spec;
  // `info` reads like getInfo, but it is an alias of connect; say so rather than just "none".
  throw new NotExpressible(method === 'getInfo' ? 'no CLI command calls getInfo (info is an alias of connect, which resumes)' : `no CLI command calls ${method}`);
}

/**
 * `[group, name, ...flags, '--', ...positionals]` for a call of `spec`'s method. `--` ends the
 * flags, so that an argument such as an empty ID or a negative number is taken as it is.
 */
export function commandLine(spec: CommandSpec, call: NeutralCall): string[] {
  const given = new Map<string, unknown>();
  if (spec.idTarget && call.id !== undefined) given.set(spec.idTarget, call.id);
  (call.args ?? []).forEach((v, i) => given.set(spec.positional[i]!, v));
  for (const [k, v] of Object.entries(call.options ?? {})) given.set(k, v);

  const positionals: string[] = new Array(spec.args.length);
  const flags: string[] = [];
  const place = (target: string, value: unknown): void => {
    const arg = spec.args.findIndex((a) => a.target === target);
    const flag = spec.flags.find((f) => f.target === target);
    if (arg === -1 && !flag) {
      // An object argument the CLI fills field by field (lifecycle → --on-timeout, --auto-resume).
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('$date' in value)) {
        for (const [k, v] of Object.entries(value)) place(`${target}.${k}`, v);
        return;
      }
      throw new NotExpressible(`${target} has no CLI flag (the spec gives none)`);
    }
    const kind = (arg !== -1 ? spec.args[arg]!.value : flag!.value).kind;
    const texts = asText(kind, value, target, flag ? `--${flag.name}` : '');
    if (arg !== -1) positionals[arg] = texts[0]!;
    else if (kind === 'boolean') flags.push(value ? `--${flag!.name}` : `--no-${flag!.name}`);
    else for (const t of texts) flags.push(`--${flag!.name}=${t}`);
  };
  for (const [target, value] of given) place(target, value);
  return [spec.group, spec.name, ...flags, '--', ...positionals.filter((p) => p !== undefined)];
}

/** The global flags for a call's client options. */
export function clientFlags(client: Record<string, unknown> = {}): string[] {
  const flags: Record<string, string> = { maxRetries: '--max-retries', requestTimeoutMs: '--request-timeout-ms' };
  return Object.entries(client).map(([k, v]) => {
    if (!(k in flags)) throw new NotExpressible(`client option ${k} has no CLI flag`);
    return `${flags[k]}=${String(v)}`;
  });
}

/** A neutral value as command-line text; only what a user could type. */
function asText(kind: string, value: unknown, target: string, flag: string): string[] {
  const scalar = (v: unknown) => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new NotExpressible(`${target}: ${JSON.stringify(v)} is not a command-line value`);
  };
  if (kind === 'keyValue') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      if (typeof v !== 'string') throw new NotExpressible(`every command-line value is a string: ${flag} ${k}=${String(v)} is the valid string "${String(v)}"`);
      return `${k}=${v}`;
    });
  }
  if (kind === 'list') return (value as unknown[]).map(scalar);
  // A date-time: the shared data's `{ $date: ISO }` (or a Date) as the timestamp a user types.
  if (kind === 'date') {
    if (value instanceof Date) return [value.toISOString()];
    if (value !== null && typeof value === 'object' && typeof (value as { $date?: unknown }).$date === 'string') return [(value as { $date: string }).$date];
  }
  return [scalar(value)];
}
