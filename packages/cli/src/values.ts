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
    case 'date': {
      const text = String(raw).trim();
      const date = readDate(text);
      if (!date) fail(label, target, DATE_EXPECTED, show(text));
      return date;
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

/** What a date-time value may be, as usage errors say it. */
export const DATE_EXPECTED = 'an RFC 3339 date-time such as 2026-11-29T10:00:00Z, or a time ago such as 90s, 10m, 2h or 1d';

/** `2026-11-29T10:00:00Z`, `2026-11-29T10:00:00.250+02:00`, `2026-11-29 10:00:00` (no offset: local time). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;
/** `10m`, `2h`, `1h30m`: that long before now. */
const AGO = /^(?:\d+[smhd])+$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A date-time value of the command line, or undefined when it is none: an RFC 3339 timestamp
 * (fractions of a second beyond milliseconds are cut; without an offset it is the local time, as
 * `docker logs --since` reads it), or a duration in s, m, h, d (`90s`, `10m`, `1h30m`, `2d`)
 * meaning that long before `now`. Every field is checked: `2026-02-30T…` or `25:00` is no date.
 */
export function readDate(text: string, now = Date.now()): Date | undefined {
  const m = DATE_TIME.exec(text);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
    const days = month === 2 && leapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
    if (days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return undefined;
    const date = new Date(0);
    if (m[8] === undefined && m[9] === undefined) {
      date.setFullYear(year, month - 1, day);
      date.setHours(hour, minute, second, ms);
    } else {
      const [offsetHours, offsetMinutes] = [Number(m[10] ?? 0), Number(m[11] ?? 0)];
      if (offsetHours > 23 || offsetMinutes > 59) return undefined;
      date.setUTCFullYear(year, month - 1, day);
      date.setUTCHours(hour, minute, second, ms);
      // 10:00+02:00 is 08:00Z.
      date.setTime(date.getTime() - (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000);
    }
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (AGO.test(text)) {
    let ago = 0;
    for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) ago += Number(n) * UNIT_MS[unit!]!;
    const date = new Date(now - ago);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

function leapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
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
