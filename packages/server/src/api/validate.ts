/**
 * Request checking driven by the IR: every parameter and body field is read and checked by the
 * rules the spec gives it (type, serialization, min/max, enum, required, cross-field rules), and
 * every failure names the exact parameter or field and what was wrong with it.
 */
import type { Constraints, Model, Operation, Param, TypeRef } from '@tensor-box/generator/ir';
import { badRequest, PathParamError, quote } from './errors.js';
import type { Api } from './spec.js';

/** The request after checking: parameters by neutral name, and the body with defaults applied. */
export interface CheckedRequest {
  params: Record<string, unknown>;
  body: Record<string, unknown> | undefined;
}

export interface RawRequest {
  pathParams: Record<string, string>;
  /** `name=value` pairs, already decoded once, in wire order. */
  query: [string, string][];
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes (empty when there is none). */
  body: Buffer;
  contentType: string | undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Decodes one `application/x-www-form-urlencoded` component (`+` is a space). */
export function formDecode(text: string, what: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`${what} is not valid percent-encoded UTF-8`);
  }
}

/** `a=1&b=2` → pairs, each side decoded once. An empty piece (`a=1&&b=2`, a trailing `&`) is skipped. */
export function parseForm(text: string, what: (name: string) => string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const piece of text.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawName = eq === -1 ? piece : piece.slice(0, eq);
    const name = formDecode(rawName, what(rawName));
    pairs.push([name, formDecode(eq === -1 ? '' : piece.slice(eq + 1), what(name))]);
  }
  return pairs;
}

export function checkRequest(api: Api, op: Operation, raw: RawRequest): CheckedRequest {
  const params: Record<string, unknown> = {};
  for (const p of op.params.filter((p) => p.location === 'path')) {
    params[p.name] = checkPathParam(p, raw.pathParams[p.wireName] ?? '');
  }

  const queryParams = op.params.filter((p) => p.location === 'query');
  const known = new Set(queryParams.map((p) => p.wireName));
  for (const [name] of raw.query) {
    if (!known.has(name)) {
      const list = queryParams.length > 0 ? `; it takes ${queryParams.map((p) => p.wireName).join(', ')}` : '; it takes none';
      throw badRequest(`unknown query parameter ${quote(name)} for ${op.httpMethod} ${op.path}${list}`);
    }
  }
  for (const p of queryParams) {
    const values = raw.query.filter(([name]) => name === p.wireName).map(([, v]) => v);
    const value = checkQueryParam(api, p, values);
    if (value !== undefined) params[p.name] = value;
    else if (p.defaultValue !== undefined) params[p.name] = p.defaultValue;
  }

  for (const p of op.params.filter((p) => p.location === 'header')) {
    const header = raw.headers[p.wireName.toLowerCase()];
    if (header === undefined) {
      if (p.required) throw badRequest(`header ${p.wireName} is required`);
      continue;
    }
    if (Array.isArray(header)) throw badRequest(`header ${p.wireName} must be given once`);
    params[p.name] = checkScalar(api, p.type, header, `header ${p.wireName}`, p.constraints, false);
  }

  return { params, body: checkBody(api, op, raw) };
}

function checkPathParam(p: Param, value: string): string {
  const length = [...value].length;
  const { minLength, maxLength } = p.constraints;
  if (minLength !== undefined && length < minLength) throw new PathParamError(p.wireName, value, `must have at least ${minLength} characters`);
  if (maxLength !== undefined && length > maxLength) throw new PathParamError(p.wireName, value, `must have at most ${maxLength} characters`);
  return value;
}

function checkQueryParam(api: Api, p: Param, values: string[]): unknown {
  const what = `query parameter ${p.wireName}`;
  if (values.length === 0) {
    if (p.required) throw badRequest(`${what} is required`);
    return undefined;
  }
  if (p.serialization === 'form-explode') {
    if (p.type.kind !== 'array') throw new Error(`${what}: form-explode needs an array type`);
    const items = p.type.items;
    return values.map((v, i) => checkScalar(api, items, v, `${what} (value ${i + 1})`, {}, false));
  }
  if (values.length > 1) throw badRequest(`${what} must be given at most once (got ${values.length} values)`);
  const value = values[0] as string;
  if (p.serialization === 'form-urlencoded-map') {
    checkLength(value, p.constraints, what, false);
    const map: Record<string, string> = {};
    for (const [k, v] of parseForm(value, (k) => `${what}: key ${quote(k)}`)) {
      if (k === '') throw badRequest(`${what}: a pair has an empty key (the value is form-encoded: key=value&key2=value2)`);
      if (Object.hasOwn(map, k)) throw badRequest(`${what}: key ${quote(k)} is given twice`);
      map[k] = v;
    }
    return map;
  }
  return checkScalar(api, p.type, value, what, p.constraints, false);
}

/** A scalar that arrived as text (query value, header). */
function checkScalar(api: Api, type: TypeRef, text: string, what: string, c: Constraints, secret: boolean): unknown {
  switch (type.kind) {
    case 'integer':
    case 'duration': {
      if (!/^-?\d{1,16}$/.test(text)) throw badRequest(`${what} must be an integer (got ${quote(text)})`);
      const n = Number(text);
      checkRange(n, c, what, type.kind === 'duration');
      return n;
    }
    case 'number': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw badRequest(`${what} must be a number (got ${quote(text)})`);
      checkRange(n, c, what, false);
      return n;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw badRequest(`${what} must be true or false (got ${quote(text)})`);
      return text === 'true';
    default:
      return checkValue(api, type, text, what, c, secret);
  }
}

function checkBody(api: Api, op: Operation, raw: RawRequest): Record<string, unknown> | undefined {
  const route = `${op.httpMethod} ${op.path}`;
  if (raw.body.length === 0) {
    if (op.body?.required) {
      const model = api.model(op.body.model);
      const example = model.fields.filter((f) => f.required).map((f) => f.name).join(', ');
      throw badRequest(`${route} needs a JSON body (${op.body.model}${example ? ` with ${example}` : ''})`);
    }
    return op.body ? applyDefaults(api.model(op.body.model), {}) : undefined;
  }
  if (!op.body) throw badRequest(`${route} takes no request body (got ${raw.body.length} bytes)`);
  const type = (raw.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw badRequest(`the request body must be JSON with Content-Type: application/json (got ${type ? quote(type) : 'no Content-Type'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.body.toString('utf8'));
  } catch (err) {
    // The parser's own message quotes the input, which may hold secrets (env values): only say where.
    const at = /position (\d+)/.exec(String((err as Error).message));
    throw badRequest(`the request body is not valid JSON${at ? ` (error at byte ${at[1]})` : ''}`);
  }
  return checkModel(api, api.model(op.body.model), parsed, 'body', false);
}

function checkModel(api: Api, model: Model, value: unknown, where: string, secret: boolean): Record<string, unknown> {
  const label = where === 'body' ? 'the request body' : `body field ${where}`;
  if (!isPlainObject(value)) throw badRequest(`${label} must be a JSON object (${model.name}), got ${kindOf(value)}`);
  const fields = new Map(model.fields.map((f) => [f.name, f]));
  for (const key of Object.keys(value)) {
    if (!fields.has(key)) {
      throw badRequest(`${label} has an unknown field ${quote(key)}; ${model.name} has ${model.fields.map((f) => f.name).join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const f of model.fields) {
    const path = where === 'body' ? f.name : `${where}.${f.name}`;
    if (!Object.hasOwn(value, f.name)) {
      if (f.required) throw badRequest(`body field ${path} is required`);
      continue;
    }
    out[f.name] = checkValue(api, f.type, value[f.name], `body field ${path}`, f.constraints, secret || f.secretValues, path);
  }
  const withDefaults = applyDefaults(model, out);
  for (const rule of model.rules) {
    const applies = Object.entries(rule.when).every(([k, v]) => withDefaults[k] === v);
    const holds = Object.entries(rule.require).every(([k, v]) => withDefaults[k] === v);
    if (applies && !holds) throw badRequest(`${label}: ${rule.message}`);
  }
  return withDefaults;
}

function applyDefaults(model: Model, value: Record<string, unknown>): Record<string, unknown> {
  const out = { ...value };
  for (const f of model.fields) if (out[f.name] === undefined && f.defaultValue !== undefined) out[f.name] = f.defaultValue;
  return out;
}

/** A JSON value against its IR type. `secret`: never quote the value (env values). */
function checkValue(api: Api, type: TypeRef, value: unknown, what: string, c: Constraints, secret: boolean, path = what): unknown {
  const got = () => (secret ? kindOf(value) : `${kindOf(value)} ${quote(value)}`);
  switch (type.kind) {
    case 'string': {
      if (typeof value !== 'string') throw badRequest(`${what} must be a string (got ${got()})`);
      checkLength(value, c, what, secret);
      if (type.format === 'date-time' && (!RFC3339.test(value) || Number.isNaN(Date.parse(value)))) {
        throw badRequest(`${what} must be an RFC 3339 date-time such as 2026-11-29T10:00:00Z (got ${quote(value)})`);
      }
      return value;
    }
    case 'integer':
    case 'duration':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw badRequest(`${what} must be an integer${type.kind === 'duration' ? ' number of milliseconds' : ''} (got ${got()})`);
      }
      checkRange(value, c, what, type.kind === 'duration');
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`${what} must be a number (got ${got()})`);
      checkRange(value, c, what, false);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw badRequest(`${what} must be true or false (got ${got()})`);
      return value;
    case 'enum': {
      const values = api.enumModel(type.name).values.map((v) => v.value);
      if (typeof value !== 'string' || !values.includes(value)) {
        throw badRequest(`${what} must be one of ${values.join(', ')} (got ${got()})`);
      }
      return value;
    }
    case 'array': {
      if (!Array.isArray(value)) throw badRequest(`${what} must be an array (got ${got()})`);
      return value.map((item, i) => checkValue(api, type.items, item, `${what}[${i}]`, {}, secret, `${path}[${i}]`));
    }
    case 'map': {
      if (!isPlainObject(value)) throw badRequest(`${what} must be an object of ${typeName(type.values)} values (got ${secret ? kindOf(value) : got()})`);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = checkValue(api, type.values, v, `${what}[${quote(k)}]`, {}, secret, `${path}[${quote(k)}]`);
      }
      return out;
    }
    case 'model':
      return checkModel(api, api.model(type.name), value, path, secret);
  }
}

function checkLength(value: string, c: Constraints, what: string, secret: boolean): void {
  const length = [...value].length;
  const shown = secret ? '' : `: ${quote(value)}`;
  if (c.minLength !== undefined && length < c.minLength) {
    throw badRequest(`${what} must have at least ${c.minLength} character${c.minLength === 1 ? '' : 's'} (got ${length}${shown})`);
  }
  if (c.maxLength !== undefined && length > c.maxLength) {
    throw badRequest(`${what} must have at most ${c.maxLength} characters (got ${length})`);
  }
}

function checkRange(n: number, c: Constraints, what: string, ms: boolean): void {
  const unit = ms ? ' ms' : '';
  if (c.minimum !== undefined && n < c.minimum) throw badRequest(`${what} must be at least ${c.minimum}${unit} (got ${n})`);
  if (c.maximum !== undefined && n > c.maximum) throw badRequest(`${what} must be at most ${c.maximum}${unit} (got ${n})`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

function typeName(type: TypeRef): string {
  return type.kind === 'model' || type.kind === 'enum' ? type.name : type.kind;
}
