import { UsageError } from './errors.js';
import type { CommandSpec, Scalar, ValueKind } from './table.js';

/**
 * Reads a command's arguments and flags into SDK values, keyed by their dotted target
 * (`lifecycle.onTimeout`). Every check the table allows is made here, before the SDK is even
 * loaded, so that a mistake is reported with the flag the user typed and nothing is sent.
 */

export interface ParsedInput {
  /** Target → value, only for what was given. */
  values: Map<string, unknown>;
  /** The IDs of a variadic ID argument (`kill a b c`), each a separate call. */
  ids?: string[];
}

/** How a flag or argument is named in messages. */
export function flagLabel(name: string): string {
  return `--${name}`;
}
export function argLabel(name: string, variadic = false): string {
  return `argument <${name}${variadic ? '...' : ''}>`;
}

/**
 * @param positionals commander's processed arguments, in order (a variadic one is an array)
 * @param options commander's option values for this command, by camelCase attribute name
 */
export function parseInput(spec: CommandSpec, positionals: unknown[], options: Record<string, unknown>): ParsedInput {
  const values = new Map<string, unknown>();
  let ids: string[] | undefined;
  spec.args.forEach((arg, i) => {
    const raw = positionals[i];
    if (raw === undefined) return;
    const label = argLabel(arg.name, arg.variadic);
    if (arg.variadic) {
      const items = (raw as string[]).map((item) => readValue(arg.value, item, label, arg.target));
      if (arg.target === spec.idTarget) ids = items as string[];
      else values.set(arg.target, items);
    } else {
      values.set(arg.target, readValue(arg.value, raw, label, arg.target));
    }
  });
  for (const flag of spec.flags) {
    const raw = options[attributeName(flag.name)];
    if (raw === undefined) continue;
    values.set(flag.target, readValue(flag.value, raw, flagLabel(flag.name), flag.target));
  }
  checkRules(spec, values);
  return ids ? { values, ids } : { values };
}

/** commander's attribute name for a long flag (`timeout-ms` → `timeoutMs`). */
export function attributeName(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function fail(label: string, target: string, expected: string, got: string): never {
  throw new UsageError(`${label} must be ${expected} (got ${got})`, target.split('.')[0], label);
}

function show(raw: string): string {
  return JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw);
}

export function readValue(kind: ValueKind, raw: unknown, label: string, target: string): unknown {
  switch (kind.kind) {
    case 'string': {
      const text = String(raw);
      const { minLength: min, maxLength: max } = kind;
      if ((min !== undefined && text.length < min) || (max !== undefined && text.length > max)) {
        const atMost = max === undefined ? '' : ` of at most ${max} characters`;
        const expected = min === 1 ? `a non-empty string${atMost}` : min === undefined ? `a string${atMost}` : `a string of ${min} to ${max ?? 'any number of'} characters`;
        fail(label, target, expected, show(text));
      }
      return text;
    }
    case 'integer': {
      const text = String(raw).trim();
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      const ok = Number.isSafeInteger(n) && (kind.min === undefined || n >= kind.min) && (kind.max === undefined || n <= kind.max);
      if (!ok) {
        const what = kind.unit === 'ms' ? 'a whole number of milliseconds' : 'an integer';
        const range =
          kind.min !== undefined && kind.max !== undefined
            ? ` from ${kind.min} to ${kind.max}`
            : kind.min !== undefined
              ? ` of at least ${kind.min}`
              : kind.max !== undefined
                ? ` of at most ${kind.max}`
                : '';
        fail(label, target, `${what}${range}`, show(text));
      }
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const text = String(raw).toLowerCase();
      if (text === 'true' || text === 'false') return text === 'true';
      return fail(label, target, 'true or false', show(String(raw)));
    }
    case 'enum': {
      const text = String(raw);
      if (!kind.values.includes(text)) fail(label, target, `one of ${kind.values.join(', ')}`, show(text));
      return text;
    }
    case 'list': {
      const items = (Array.isArray(raw) ? raw : [raw]).map(String);
      // Enum lists also take commas (`--state running,paused`); values of other lists may contain one.
      const split = kind.items.kind === 'enum' ? items.flatMap((s) => s.split(',')) : items;
      return split.map((item) => readValue(kind.items, item, label, target));
    }
    case 'keyValue': {
      const out: Record<string, string> = {};
      for (const entry of (Array.isArray(raw) ? raw : [raw]).map(String)) {
        const eq = entry.indexOf('=');
        if (eq <= 0) {
          // An env entry without "=" may be the secret itself: describe it, do not echo it.
          const got = kind.secret ? (eq === 0 ? 'an entry with an empty KEY' : 'an entry without "="') : show(entry);
          fail(label, target, 'KEY=VALUE with a non-empty KEY', got);
        }
        const key = entry.slice(0, eq);
        if (key in out) throw new UsageError(`${label} gives the key ${JSON.stringify(key)} twice`, target.split('.')[0], label);
        out[key] = entry.slice(eq + 1);
      }
      return out;
    }
  }
}

/** The spec's cross-field rules, said with the flags that set each field. */
function checkRules(spec: CommandSpec, values: Map<string, unknown>): void {
  const get = (target: string) => values.get(target) ?? spec.defaults[target];
  for (const rule of spec.rules) {
    const applies = Object.entries(rule.when).every(([t, v]) => get(t) === v);
    const broken = Object.entries(rule.require).some(([t, v]) => get(t) !== v);
    if (!applies || !broken) continue;
    const when = Object.entries(rule.when).map(([t, v]) => phrase(spec, t, v)).join(' ');
    const need = Object.entries(rule.require).map(([t, v]) => phrase(spec, t, v)).join(' ');
    const first = Object.keys(rule.when)[0] ?? '';
    throw new UsageError(`${when} requires ${need}`, first.split('.')[0], when.split(' ')[0]);
  }
}

/** `--auto-resume`, `--no-auto-resume`, `--on-timeout pause`: how to give a target a value. */
function phrase(spec: CommandSpec, target: string, value: Scalar): string {
  const flag = spec.flags.find((f) => f.target === target);
  if (!flag) return `${target}=${String(value)}`;
  if (flag.value.kind === 'boolean') return value === true ? flagLabel(flag.name) : flagLabel(`no-${flag.name}`);
  return `${flagLabel(flag.name)} ${String(value)}`;
}
