import type { BuildContext } from './context.js';
import type { OperationSource } from './operations.js';
import type { RawTag } from './raw.js';
import type { SchemaIndex } from './schemas.js';
import type { CliArgument, CliCommand, CliFlag, CliValueKind, SdkMethod, TypeRef } from './types.js';

interface Target {
  description: string;
  value: CliValueKind;
  required: boolean;
}

/** The CLI's command table, from each operation's `x-tensor-box-cli` (operations without one have no command). */
export function buildCli(ctx: BuildContext, schemas: SchemaIndex, sources: OperationSource[], methods: SdkMethod[]): CliCommand[] {
  const tags = new Map(((ctx.spec.root.tags as RawTag[] | undefined) ?? []).map((t) => [t.name, t]));
  const commands: CliCommand[] = [];
  const seen = new Map<string, string>();
  sources.forEach((source, i) => {
    const ext = source.raw['x-tensor-box-cli'];
    if (!ext) return;
    const at = `${source.pointer}/x-tensor-box-cli`;
    const method = methods[i]!;
    const tagName = source.operation.tags[0];
    const group = tagName === undefined ? undefined : tags.get(tagName)?.['x-tensor-box-cli-group'];
    if (!group) {
      ctx.report(`${source.pointer}/tags`, 'an operation with x-tensor-box-cli needs a first tag that has x-tensor-box-cli-group');
      return;
    }
    for (const name of [ext.command, ...(ext.aliases ?? [])]) {
      const key = `${group.name} ${name}`;
      const other = seen.get(key);
      if (other) ctx.report(`${at}/command`, `"${key}" is already a command or alias of ${other}`);
      seen.set(key, source.operation.operationId);
    }

    const lookup = (from: string, pointer: string): Target | undefined => {
      const target = resolveTarget(schemas, method, from);
      if (!target) ctx.report(pointer, `"${from}" is not an argument of ${method.name} (nor a field of one)`);
      return target;
    };

    const args: CliArgument[] = [];
    (ext.args ?? []).forEach((a, j) => {
      const target = lookup(a.from, `${at}/args/${j}/from`);
      if (!target) return;
      if (a.variadic && j !== (ext.args ?? []).length - 1) ctx.report(`${at}/args/${j}/variadic`, 'only the last argument may be variadic');
      args.push({
        name: a.name,
        description: a.description ?? target.description,
        target: a.from,
        value: target.value,
        required: !a.optional && target.required,
        variadic: a.variadic ?? false,
      });
    });
    const flags: CliFlag[] = [];
    (ext.flags ?? []).forEach((f, j) => {
      const target = lookup(f.from, `${at}/flags/${j}/from`);
      if (target) flags.push({ name: f.name, description: f.description ?? target.description, target: f.from, value: target.value });
    });
    if (method.binding === 'instance' || method.binding === 'factory') {
      if (method.idParam && !args.some((a) => a.target === method.idParam!.name)) {
        ctx.report(`${at}/args`, `the command needs an argument from "${method.idParam.name}"`);
      }
    }

    commands.push({
      group: group.name,
      groupAliases: group.aliases ?? [],
      groupDescription: group.description,
      name: ext.command,
      aliases: ext.aliases ?? [],
      summary: method.summary,
      description: method.description,
      method: method.name,
      binding: method.binding,
      args,
      flags,
      examples: ext.examples ?? [],
      progress: ext.progress,
      live: ext.live,
      output: outputOf(schemas, method),
    });
  });
  return commands;
}

/** Finds what a `from` names: the ID, an SDK argument, or a field of an argument's model. */
function resolveTarget(schemas: SchemaIndex, method: SdkMethod, from: string): Target | undefined {
  const [head, field] = from.split('.') as [string, string | undefined];
  if (method.idParam && head === method.idParam.name && field === undefined) {
    return { description: method.idParam.description ?? 'The sandbox ID', value: { kind: 'string' }, required: true };
  }
  const arg = [...method.positional, ...method.options].find((a) => a.name === head);
  if (!arg) return undefined;
  if (field === undefined) {
    return { description: arg.description ?? '', value: valueKind(schemas, arg.type, arg.constraints), required: arg.required && arg.defaultValue === undefined };
  }
  if (arg.type.kind !== 'model') return undefined;
  const f = schemas.model(arg.type.name)?.fields.find((x) => x.name === field);
  return f ? { description: f.description ?? '', value: valueKind(schemas, f.type, f.constraints), required: false } : undefined;
}

function valueKind(schemas: SchemaIndex, type: TypeRef, c: { minimum?: number; maximum?: number }): CliValueKind {
  switch (type.kind) {
    case 'integer':
    case 'duration':
      return { kind: 'integer', min: c.minimum, max: c.maximum };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', values: schemas.enum(type.name)?.values.map((v) => v.value) ?? [] };
    case 'array':
      return { kind: 'list', items: valueKind(schemas, type.items, {}) };
    case 'map':
      return { kind: 'keyValue' };
    case 'string':
      return type.format === 'date-time' ? { kind: 'date' } : { kind: 'string' };
    default:
      return { kind: 'string' };
  }
}

function outputOf(schemas: SchemaIndex, method: SdkMethod): CliCommand['output'] {
  const returns = method.returns;
  const table = (model: string): CliCommand['output'] => ({ kind: 'table', model, columns: schemas.model(model)?.cliColumns ?? [] });
  if (returns.kind === 'list') return table(returns.pagination.itemModel);
  if (returns.kind === 'instance') {
    const type = method.operation.success.type;
    return type?.kind === 'model' ? { kind: 'record', model: type.name } : { kind: 'none' };
  }
  if (returns.kind === 'value') {
    if (returns.type.kind === 'model') return { kind: 'record', model: returns.type.name };
    if (returns.type.kind === 'array' && returns.type.items.kind === 'model') return table(returns.type.items.name);
  }
  return { kind: 'none' };
}
