import { toPointer } from '../load/index.js';
import type { BuildContext } from './context.js';
import { camelCase, memberNames } from './names.js';
import type { RawOperation, RawParameter, RawResponse, RawSchema } from './raw.js';
import { constraintsOf, scalarDefault, type SchemaIndex } from './schemas.js';
import type { ErrorResponse, Operation, Param, Serialization } from './types.js';

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function isHttpMethod(key: string): key is (typeof HTTP_METHODS)[number] {
  return (HTTP_METHODS as readonly string[]).includes(key);
}

export interface OperationSource {
  operation: Operation;
  raw: RawOperation;
  pointer: string;
}

/** Every operation of the spec, in spec order (paths, then methods in a fixed order). */
export function buildOperations(ctx: BuildContext, schemas: SchemaIndex): OperationSource[] {
  const paths = ctx.spec.root.paths as Record<string, Record<string, unknown>>;
  const out: OperationSource[] = [];
  const seenIds = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    // Methods in the order the spec writes them, so the SDKs list methods in the author's order.
    for (const method of Object.keys(item).filter(isHttpMethod)) {
      const raw = item[method] as RawOperation;
      const pointer = toPointer(['paths', path, method]);
      const first = seenIds.get(raw.operationId);
      if (first) ctx.report(`${pointer}/operationId`, `operationId "${raw.operationId}" is already used by ${first}`);
      seenIds.set(raw.operationId, `${method.toUpperCase()} ${path}`);
      out.push({ operation: buildOperation(ctx, schemas, path, method, raw, shared, pointer), raw, pointer });
    }
  }
  return out;
}

function buildOperation(
  ctx: BuildContext,
  schemas: SchemaIndex,
  path: string,
  method: (typeof HTTP_METHODS)[number],
  raw: RawOperation,
  sharedParams: unknown[],
  pointer: string,
): Operation {
  const params = buildParams(ctx, schemas, path, raw, sharedParams, pointer);
  const idempotency = raw['x-tensor-box-idempotency'];
  if (idempotency.keyHeader && !params.some((p) => p.location === 'header' && p.wireName === idempotency.keyHeader)) {
    ctx.report(`${pointer}/x-tensor-box-idempotency/keyHeader`, `no header parameter named "${idempotency.keyHeader}" on this operation`);
  }
  const body = buildBody(ctx, schemas, raw, pointer);
  const { success, errors } = buildResponses(ctx, schemas, raw, pointer);
  return {
    operationId: raw.operationId,
    httpMethod: method.toUpperCase() as Operation['httpMethod'],
    path,
    tags: raw.tags ?? [],
    summary: raw.summary,
    description: (raw.description ?? raw.summary).trim(),
    params,
    body,
    success,
    errors,
    retrySafe: idempotency.retrySafe,
    idempotencyKeyHeader: idempotency.keyHeader,
  };
}

function buildParams(
  ctx: BuildContext,
  schemas: SchemaIndex,
  path: string,
  raw: RawOperation,
  sharedParams: unknown[],
  pointer: string,
): Param[] {
  // Operation-level parameters override path-level ones with the same name and location.
  const byKey = new Map<string, { raw: RawParameter; pointer: string }>();
  const pathPointer = pointer.slice(0, pointer.lastIndexOf('/'));
  sharedParams.forEach((p, i) => {
    const r = ctx.deref<RawParameter>(p, `${pathPointer}/parameters/${i}`);
    byKey.set(`${r.value.in}:${r.value.name}`, { raw: r.value, pointer: r.pointer });
  });
  (raw.parameters ?? []).forEach((p, i) => {
    const r = ctx.deref<RawParameter>(p, `${pointer}/parameters/${i}`);
    byKey.set(`${r.value.in}:${r.value.name}`, { raw: r.value, pointer: r.pointer });
  });

  const params = [...byKey.values()].map(({ raw: p, pointer: at }) => buildParam(ctx, schemas, p, at));
  const templateNames = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  for (const name of templateNames) {
    if (!params.some((p) => p.location === 'path' && p.wireName === name)) {
      ctx.report(pointer, `path "${path}" uses {${name}} but the operation declares no path parameter "${name}"`);
    }
  }
  for (const p of params.filter((p) => p.location === 'path')) {
    if (!templateNames.includes(p.wireName)) ctx.report(pointer, `path parameter "${p.wireName}" does not appear in "${path}"`);
  }
  // Path parameters first (in template order), then the rest in spec order: a stable order
  // that every SDK uses when it writes the query string.
  return [
    ...templateNames.flatMap((n) => params.filter((p) => p.location === 'path' && p.wireName === n)),
    ...params.filter((p) => p.location !== 'path'),
  ];
}

function buildParam(ctx: BuildContext, schemas: SchemaIndex, p: RawParameter, pointer: string): Param {
  const encoding = p['x-tensor-box-encoding'];
  const schema = ctx.deref<RawSchema>(p.schema, `${pointer}/schema`).value;
  let type = schemas.typeOf(p.schema, `${pointer}/schema`);
  let serialization: Serialization;
  if (p.in === 'path') {
    if (p.required !== true) ctx.report(`${pointer}/required`, 'a path parameter must be required: true');
    if (type.kind !== 'string' && type.kind !== 'integer') ctx.report(`${pointer}/schema`, 'a path parameter must be a string or an integer');
    serialization = 'simple';
  } else if (p.in === 'header') {
    serialization = 'header';
  } else if (encoding === 'form-urlencoded-map') {
    if (type.kind !== 'string') ctx.report(`${pointer}/schema`, 'x-tensor-box-encoding: form-urlencoded-map needs a string schema on the wire');
    // Users pass a string map; the SDK writes it as one form-encoded value.
    type = { kind: 'map', values: { kind: 'string' } };
    serialization = 'form-urlencoded-map';
  } else if (type.kind === 'array') {
    if (p.style !== undefined && p.style !== 'form') ctx.report(`${pointer}/style`, 'array query parameters must use style: form');
    if (p.explode === false) ctx.report(`${pointer}/explode`, 'array query parameters must use explode: true (name=a&name=b)');
    serialization = 'form-explode';
  } else if (type.kind === 'map' || type.kind === 'model') {
    ctx.report(`${pointer}/schema`, 'object query parameters are not supported; use x-tensor-box-encoding: form-urlencoded-map for a string map');
    serialization = 'form';
  } else {
    serialization = 'form';
  }
  const name = camelCase(p.name);
  return {
    wireName: p.name,
    name,
    names: memberNames(name, { duration: type.kind === 'duration' }),
    location: p.in,
    serialization,
    required: p.required ?? false,
    type,
    constraints: constraintsOf(schema),
    description: p.description?.trim(),
    defaultValue: scalarDefault(schema.default),
  };
}

function buildBody(ctx: BuildContext, schemas: SchemaIndex, raw: RawOperation, pointer: string): Operation['body'] {
  if (raw.requestBody === undefined) return undefined;
  const resolved = ctx.deref<{ required?: boolean; content: Record<string, { schema?: RawSchema }> }>(raw.requestBody, `${pointer}/requestBody`);
  const media = resolved.value.content['application/json'];
  const at = `${resolved.pointer}/content/application~1json/schema`;
  if (!media?.schema) {
    ctx.report(`${resolved.pointer}/content`, 'the request body needs an application/json schema');
    return undefined;
  }
  const type = schemas.typeOf(media.schema, at);
  if (type.kind !== 'model') {
    ctx.report(at, 'the request body must be a $ref to an object schema in #/components/schemas');
    return undefined;
  }
  schemas.markUsage(type, 'input');
  return { model: type.name, required: resolved.value.required ?? false };
}

function buildResponses(
  ctx: BuildContext,
  schemas: SchemaIndex,
  raw: RawOperation,
  pointer: string,
): { success: Operation['success']; errors: ErrorResponse[] } {
  const successes: Operation['success'][] = [];
  const errors: ErrorResponse[] = [];
  for (const [code, ref] of Object.entries(raw.responses)) {
    const at = `${pointer}/responses/${code}`;
    const response = ctx.deref<RawResponse>(ref, at);
    const status = Number(code);
    if (status >= 200 && status < 300) {
      const schema = response.value.content?.['application/json']?.schema;
      const type = schema ? schemas.typeOf(schema, `${response.pointer}/content/application~1json/schema`) : undefined;
      schemas.markUsage(type, 'output');
      successes.push({ status, type });
    } else if (status >= 400) {
      errors.push({ status, description: response.value.description, headers: Object.keys(response.value.headers ?? {}) });
    }
  }
  if (successes.length !== 1) {
    ctx.report(`${pointer}/responses`, `an operation needs exactly one 2xx response (found ${successes.length})`);
  }
  return { success: successes[0] ?? { status: 200 }, errors };
}
