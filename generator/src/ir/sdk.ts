import type { BuildContext } from './context.js';
import { goName, memberNames, pascalCase } from './names.js';
import type { OperationSource } from './operations.js';
import type { SchemaIndex } from './schemas.js';
import type { Pagination, Param, Predicate, SdkArg, SdkMethod, SdkSurface } from './types.js';

interface SurfaceConfig {
  className: string;
  description: string;
  idParameter: string;
  env: { domain: string; apiKey: string };
}

/** The SDK surface: one method per operation, from each operation's `x-tensor-box-sdk`. */
export function buildSdk(ctx: BuildContext, schemas: SchemaIndex, sources: OperationSource[]): SdkSurface {
  const config = ctx.spec.root['x-tensor-box-sdk'] as SurfaceConfig;
  const servers = ctx.spec.root.servers as { url: string }[];
  const methods = sources.map((source) => buildMethod(ctx, schemas, source, config.idParameter));
  checkNamesUnique(ctx, methods, sources);
  return {
    className: config.className,
    classDescription: config.description.trim(),
    idParamName: config.idParameter,
    env: config.env,
    defaultDomain: servers[0]!.url.replace(/\/+$/, ''),
    methods,
  };
}

function buildMethod(ctx: BuildContext, schemas: SchemaIndex, source: OperationSource, idParamName: string): SdkMethod {
  const { operation, raw, pointer } = source;
  const ext = raw['x-tensor-box-sdk'];
  const at = `${pointer}/x-tensor-box-sdk`;
  const rename = ext.rename ?? {};

  const idParam = operation.params.find((p) => p.location === 'path' && p.wireName === idParamName);
  if (ext.binding === 'instance' && !idParam) {
    ctx.report(`${at}/binding`, `binding "instance" needs the path parameter "${idParamName}"`);
  }
  const extraPath = operation.params.filter((p) => p.location === 'path' && p !== idParam);
  if (extraPath.length > 0) {
    ctx.report(pointer, `path parameters other than "${idParamName}" are not supported (${extraPath.map((p) => p.wireName).join(', ')})`);
  }

  const pagination = ext.pagination ? buildPagination(ctx, schemas, source) : undefined;
  const hidden = new Set<Param>([...(idParam ? [idParam] : [])]);
  if (pagination) {
    const cursor = operation.params.find((p) => p.wireName === pagination.cursorParam);
    if (cursor) hidden.add(cursor); // the SDK follows cursors itself
  }

  const args: SdkArg[] = [];
  for (const param of operation.params) {
    if (hidden.has(param)) continue;
    const name = rename[param.name] ?? param.name;
    args.push({
      name,
      names: memberNames(name, { duration: param.type.kind === 'duration' }),
      type: param.type,
      required: param.required,
      description: param.description,
      constraints: param.constraints,
      defaultValue: param.defaultValue,
      target: { in: 'param', param: param.wireName },
      group: param.location === 'query' ? ext.optionGroup : undefined,
      secretValues: false,
    });
  }
  const bodyModel = operation.body ? schemas.model(operation.body.model) : undefined;
  for (const field of bodyModel?.fields ?? []) {
    const name = rename[field.name] ?? field.name;
    args.push({
      name,
      names: memberNames(name, { duration: field.type.kind === 'duration' }),
      type: field.type,
      required: field.required && (operation.body?.required ?? false),
      description: field.description,
      constraints: field.constraints,
      defaultValue: field.defaultValue,
      target: { in: 'body', field: field.name },
      secretValues: field.secretValues,
    });
  }

  const sourceNames = new Set([...operation.params.map((p) => p.name), ...(bodyModel?.fields ?? []).map((f) => f.name)]);
  for (const key of Object.keys(rename)) {
    if (!sourceNames.has(key)) ctx.report(`${at}/rename/${key}`, `"${key}" is not a parameter or body field of this operation`);
  }
  const positional: SdkArg[] = [];
  (ext.positional ?? []).forEach((wanted, i) => {
    const arg = args.find((a) => a.name === wanted || a.name === rename[wanted]);
    if (!arg) ctx.report(`${at}/positional/${i}`, `"${wanted}" is not a parameter or body field of this operation`);
    else positional.push(arg);
  });
  // An optional positional may not come before a required one.
  positional.forEach((arg, i) => {
    if (!arg.required && positional.slice(i + 1).some((later) => later.required && later.defaultValue === undefined)) {
      ctx.report(`${at}/positional/${i}`, `optional positional "${arg.name}" comes before a required one`);
    }
  });

  const returns: SdkMethod['returns'] = pagination
    ? { kind: 'list', pagination }
    : ext.binding === 'factory'
      ? { kind: 'instance' }
      : operation.success.type
        ? { kind: 'value', type: operation.success.type }
        : { kind: 'void' };
  if (ext.binding === 'factory') checkFactoryReturnsId(ctx, schemas, source, idParamName);

  const names = memberNames(ext.method);
  for (const arg of args) schemas.markExposed(arg.type);
  if (returns.kind === 'value') schemas.markExposed(returns.type);
  if (returns.kind === 'list') schemas.markExposed({ kind: 'model', name: returns.pagination.itemModel });
  return {
    name: ext.method,
    names,
    goByIdName: ext.binding === 'instance' ? `${names.go}ByID` : undefined,
    binding: ext.binding,
    operation,
    idParam,
    positional,
    options: args.filter((a) => !positional.includes(a)),
    returns,
    predicates: buildPredicates(ctx, schemas, source),
    summary: operation.summary,
    description: operation.description,
    optionsTypeName: `${pascalCase(ext.method)}Options`,
    groupTypeName: ext.optionGroup ? `${pascalCase(ext.method)}${pascalCase(ext.optionGroup)}` : undefined,
  };
}

function buildPagination(ctx: BuildContext, schemas: SchemaIndex, source: OperationSource): Pagination | undefined {
  const { operation, raw, pointer } = source;
  const cfg = raw['x-tensor-box-sdk'].pagination!;
  const at = `${pointer}/x-tensor-box-sdk/pagination`;
  for (const key of ['cursorParam', 'limitParam'] as const) {
    if (!operation.params.some((p) => p.location === 'query' && p.wireName === cfg[key])) {
      ctx.report(`${at}/${key}`, `no query parameter named "${cfg[key]}"`);
    }
  }
  const type = operation.success.type;
  const page = type?.kind === 'model' ? schemas.model(type.name) : undefined;
  const items = page?.fields.find((f) => f.name === cfg.itemsField);
  const next = page?.fields.find((f) => f.name === cfg.nextCursorField);
  if (!page || !items || items.type.kind !== 'array' || items.type.items.kind !== 'model') {
    ctx.report(`${at}/itemsField`, `the response needs an array-of-model field "${cfg.itemsField}"`);
    return undefined;
  }
  if (!next || next.type.kind !== 'string') {
    ctx.report(`${at}/nextCursorField`, `the response needs a string field "${cfg.nextCursorField}"`);
    return undefined;
  }
  return { ...cfg, itemModel: items.type.items.name };
}

function buildPredicates(ctx: BuildContext, schemas: SchemaIndex, source: OperationSource): Predicate[] {
  const { operation, raw, pointer } = source;
  const type = operation.success.type;
  const model = type?.kind === 'model' ? schemas.model(type.name) : undefined;
  return (raw['x-tensor-box-sdk'].predicates ?? []).map((p, i) => {
    if (!model?.fields.some((f) => f.name === p.field)) {
      ctx.report(`${pointer}/x-tensor-box-sdk/predicates/${i}/field`, `the response has no field "${p.field}"`);
    }
    return {
      name: p.method,
      names: memberNames(p.method),
      description: p.description.trim(),
      field: p.field,
      equals: p.equals,
      falseOnStatus: p.falseOnStatus ?? [],
    };
  });
}

/** A factory's response becomes an instance, so it must carry the instance's ID. */
function checkFactoryReturnsId(ctx: BuildContext, schemas: SchemaIndex, source: OperationSource, idParamName: string): void {
  const type = source.operation.success.type;
  const model = type?.kind === 'model' ? schemas.model(type.name) : undefined;
  if (!model?.fields.some((f) => f.name === idParamName && f.required)) {
    ctx.report(`${source.pointer}/x-tensor-box-sdk/binding`, `binding "factory" needs a response model with a required "${idParamName}"`);
  }
}

/** Method names (and predicate names) must be unique on the class, in every language. */
function checkNamesUnique(ctx: BuildContext, methods: SdkMethod[], sources: OperationSource[]): void {
  const seen = new Map<string, string>();
  methods.forEach((m, i) => {
    for (const name of [m.name, ...m.predicates.map((p) => p.name)]) {
      const other = seen.get(goName(name));
      if (other) ctx.report(`${sources[i]!.pointer}/x-tensor-box-sdk/method`, `method name "${name}" is already used by ${other}`);
      seen.set(goName(name), m.operation.operationId);
    }
  });
}
