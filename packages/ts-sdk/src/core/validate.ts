import { CONNECTION_KEYS, REQUEST_KEYS } from './config.js';
import { InvalidArgumentError } from './errors.js';

/**
 * Argument checks, run before any request. The generated code describes each method's
 * arguments with these combinators (from the spec's types and limits); a failure names the
 * argument, the value and what is allowed.
 */

/** Throws an `InvalidArgumentError` when `value` (found at `path`) is not acceptable. */
export type Check = (value: unknown, path: string, where: string) => void;

/** Makes a value printable in a message; secrets are described by type only. */
function show(value: unknown, secret = false): string {
  if (secret) return `a ${typeOf(value)}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  return `a ${typeOf(value)}`;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function fail(where: string, path: string, expected: string, value: unknown, secret = false): never {
  throw new InvalidArgumentError(path, `${where}: ${path} must be ${expected} (got ${show(value, secret)})`);
}

export function string(c: { minLength?: number; maxLength?: number } = {}): Check {
  return (value, path, where) => {
    if (typeof value !== 'string') fail(where, path, 'a string', value);
    if (c.minLength !== undefined && value.length < c.minLength) {
      fail(where, path, c.minLength === 1 ? 'a non-empty string' : `at least ${c.minLength} characters`, value);
    }
    if (c.maxLength !== undefined && value.length > c.maxLength) fail(where, path, `at most ${c.maxLength} characters`, value);
  };
}

/** A whole number; `unit` is appended in messages (`ms`). */
export function integer(c: { minimum?: number; maximum?: number; unit?: string } = {}): Check {
  const unit = c.unit ? ` ${c.unit}` : '';
  const range =
    c.minimum !== undefined && c.maximum !== undefined
      ? ` from ${c.minimum} to ${c.maximum}${unit}`
      : c.minimum !== undefined
        ? ` of at least ${c.minimum}${unit}`
        : c.maximum !== undefined
          ? ` of at most ${c.maximum}${unit}`
          : '';
  return (value, path, where) => {
    const ok =
      typeof value === 'number' &&
      Number.isInteger(value) &&
      (c.minimum === undefined || value >= c.minimum) &&
      (c.maximum === undefined || value <= c.maximum);
    if (!ok) fail(where, path, `an integer${range}`, value);
  };
}

export function number(): Check {
  return (value, path, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, path, 'a finite number', value);
  };
}

export function boolean(): Check {
  return (value, path, where) => {
    if (typeof value !== 'boolean') fail(where, path, 'true or false', value);
  };
}

export function date(): Check {
  return (value, path, where) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail(where, path, 'a valid Date', value);
  };
}

/** One of the values the spec lists (enums in requests are closed). */
export function oneOf(values: readonly string[]): Check {
  return (value, path, where) => {
    if (typeof value !== 'string' || !values.includes(value)) fail(where, path, `one of ${values.map((v) => `'${v}'`).join(', ')}`, value);
  };
}

export function array(item: Check): Check {
  return (value, path, where) => {
    if (!Array.isArray(value)) fail(where, path, 'an array', value);
    value.forEach((v, i) => item(v, `${path}[${i}]`, where));
  };
}

/** A string-keyed map; with `secret`, values never appear in messages. */
export function map(value: Check, secret = false): Check {
  return (input, path, where) => {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) fail(where, path, 'an object of strings', input);
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
      if (secret && typeof v !== 'string') fail(where, `${path}.${k}`, 'a string', v, true);
      value(v, `${path}.${k}`, where);
    }
  };
}

/** A cross-field rule of the spec: when every `when` field matches, each `require` field must too. */
export interface Rule {
  when: Record<string, unknown>;
  require: Record<string, unknown>;
  message: string;
}

/**
 * An object with known fields. `defaults` are the spec's defaults, applied when rules are
 * evaluated (an omitted `onTimeout` counts as its default). Unknown fields are refused: they are
 * almost always a misspelt option.
 */
export function object(fields: Record<string, { check: Check; required: boolean }>, rules: Rule[] = [], defaults: Record<string, unknown> = {}): Check {
  return (value, path, where) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(where, path, 'an object', value);
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!(key in fields) && obj[key] !== undefined) {
        throw new InvalidArgumentError(`${path}.${key}`, `${where}: ${path}.${key} is not a known field (known: ${Object.keys(fields).join(', ')})`);
      }
    }
    for (const [key, f] of Object.entries(fields)) {
      if (obj[key] === undefined) {
        if (f.required) throw new InvalidArgumentError(`${path}.${key}`, `${where}: ${path}.${key} is required`);
        continue;
      }
      f.check(obj[key], `${path}.${key}`, where);
    }
    for (const rule of rules) {
      const get = (k: string) => obj[k] ?? defaults[k];
      const applies = Object.entries(rule.when).every(([k, v]) => get(k) === v);
      const broken = Object.entries(rule.require).find(([k, v]) => get(k) !== v);
      if (applies && broken) throw new InvalidArgumentError(`${path}.${broken[0]}`, `${where}: ${rule.message}`);
    }
  };
}

/**
 * Checks a method's arguments: `args` maps each argument name to its value; `undefined` means
 * not given (an error only when `required`).
 */
export function checkArgs(where: string, spec: Record<string, { check: Check; required: boolean }>, args: Record<string, unknown>): void {
  for (const [name, { check, required }] of Object.entries(spec)) {
    const value = args[name];
    if (value === undefined) {
      if (required) throw new InvalidArgumentError(name, `${where}: ${name} is required`);
      continue;
    }
    check(value, name, where);
  }
}

/**
 * Refuses keys a method does not know (a misspelt `timeoutMS`, say), which JavaScript callers
 * would otherwise see silently ignored. Connection and request options are always known unless
 * `withCommon` is false.
 */
export function checkOptionKeys(where: string, path: string, options: unknown, known: readonly string[], withCommon = true): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(path, `${where}: ${path} must be an object (got ${show(options)})`);
  }
  const allowed = withCommon ? [...known, ...CONNECTION_KEYS, ...REQUEST_KEYS] : known;
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new InvalidArgumentError(`${path}.${key}`, `${where}: unknown option ${path}.${key} (known: ${allowed.join(', ')})`);
    }
  }
}
