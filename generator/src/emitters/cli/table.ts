import type { ApiIR, CliCommand, CliValueKind, Constraints, Field, Model, SdkArg, SdkMethod, TypeRef } from '../../ir/index.js';

/**
 * The CLI command table: the IR's `cli` commands joined with what the runtime needs to call the
 * SDK method and to print its result. The shapes mirror `packages/cli/src/table.ts`, the runtime's
 * declaration of this data; keep the two in step.
 */

type Scalar = string | number | boolean;

export type TableValue =
  | { kind: 'string'; minLength?: number; maxLength?: number }
  | { kind: 'integer'; min?: number; max?: number; unit?: string }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: string[] }
  /** A point in time; the runtime reads it into a `Date` for the SDK. */
  | { kind: 'date' }
  | { kind: 'list'; items: TableValue }
  | { kind: 'keyValue'; secret?: boolean };

export type TableFieldType = 'string' | 'date' | 'integer' | 'number' | 'boolean' | 'map' | { model: string } | { list: TableFieldType };

export interface TableCommand {
  group: string;
  name: string;
  aliases: string[];
  summary: string;
  description: string;
  method: string;
  returns: 'void' | 'instance' | 'value' | 'list';
  idTarget?: string;
  positional: string[];
  groups: Record<string, string>;
  args: { name: string; description: string; target: string; value: TableValue; required: boolean; variadic: boolean }[];
  flags: { name: string; description: string; target: string; value: TableValue }[];
  rules: { when: Record<string, Scalar>; require: Record<string, Scalar>; message: string }[];
  defaults: Record<string, Scalar>;
  examples: string[];
  progress?: string;
  live?: { flag: string; description: string; since?: string; timeField?: string };
  output: CliCommand['output'];
}

export interface Table {
  program: { title: string; env: { domain: string; apiKey: string }; defaultDomain: string; idParam: string };
  groups: { name: string; aliases: string[]; description: string }[];
  commands: TableCommand[];
  models: Record<string, { fields: { name: string; type: TableFieldType }[] }>;
}

export function buildTable(ir: ApiIR): Table {
  const models = new Map(ir.models.map((m) => [m.name, m]));
  const groups: Table['groups'] = [];
  for (const c of ir.cli) {
    if (!groups.some((g) => g.name === c.group)) groups.push({ name: c.group, aliases: c.groupAliases, description: helpText(c.groupDescription) });
  }
  const commands = ir.cli.map((c) => buildCommand(ir, models, c));
  const wanted = new Set<string>();
  for (const c of commands) if (c.output.kind !== 'none') collectModels(models, c.output.model, wanted);
  const outModels: Table['models'] = {};
  for (const m of ir.models) {
    if (wanted.has(m.name)) outModels[m.name] = { fields: m.fields.map((f) => ({ name: f.name, type: fieldType(f.type) })) };
  }
  return {
    program: { title: ir.title, env: ir.sdk.env, defaultDomain: ir.sdk.defaultDomain, idParam: ir.sdk.idParamName },
    groups,
    commands,
    models: outModels,
  };
}

function buildCommand(ir: ApiIR, models: Map<string, Model>, c: CliCommand): TableCommand {
  const method = ir.sdk.methods.find((m) => m.name === c.method);
  if (!method) throw new Error(`CLI command ${c.group} ${c.name} calls ${c.method}, which is not an SDK method`);
  const target = (path: string) => resolve(models, method, path);

  const groups: Record<string, string> = {};
  for (const o of method.options) if (o.group) groups[o.name] = o.group;

  // Cross-field rules of a model-valued argument apply when the CLI fills its fields one by one
  // (`--on-timeout`, `--auto-resume` → `lifecycle`); checking them here names the flags.
  const rules: TableCommand['rules'] = [];
  const defaults: Record<string, Scalar> = {};
  const heads = new Set([...c.args, ...c.flags].map((x) => x.target).filter((t) => t.includes('.')).map((t) => t.split('.')[0]!));
  for (const head of heads) {
    const arg = [...method.positional, ...method.options].find((a) => a.name === head);
    const model = arg?.type.kind === 'model' ? models.get(arg.type.name) : undefined;
    if (!model) continue;
    const prefix = (rec: Record<string, Scalar>) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [`${head}.${k}`, v]));
    for (const rule of model.rules) {
      rules.push({ when: prefix(rule.when), require: prefix(rule.require), message: rule.message });
      for (const name of [...Object.keys(rule.when), ...Object.keys(rule.require)]) {
        const def = model.fields.find((f) => f.name === name)?.defaultValue;
        if (def !== undefined) defaults[`${head}.${name}`] = def;
      }
    }
  }

  const table: TableCommand = {
    group: c.group,
    name: c.name,
    aliases: c.aliases,
    summary: helpText(c.summary),
    description: helpText(c.description),
    method: method.name,
    returns: method.returns.kind,
    idTarget: method.idParam?.name,
    positional: method.positional.map((a) => a.name),
    groups,
    args: c.args.map((a) => ({
      name: a.name,
      description: helpText(a.description),
      target: a.target,
      value: tableValue(a.value, target(a.target)),
      required: a.required,
      variadic: a.variadic,
    })),
    flags: c.flags.map((f) => ({ name: f.name, description: helpText(f.description), target: f.target, value: tableValue(f.value, target(f.target)) })),
    rules,
    defaults,
    examples: c.examples,
    output: c.output,
  };
  if (c.progress !== undefined) table.progress = c.progress;
  if (c.live) table.live = { ...c.live, description: helpText(c.live.description), ...liveCursor(models, method, c.output) };
  if (table.idTarget === undefined) delete table.idTarget;
  return table;
}

interface Resolved {
  constraints: Constraints;
  type: TypeRef;
  secret: boolean;
}

/** What a dotted target names: the ID parameter, an SDK argument, or a field of one. */
function resolve(models: Map<string, Model>, method: SdkMethod, path: string): Resolved | undefined {
  const [head, field] = path.split('.') as [string, string | undefined];
  if (method.idParam && head === method.idParam.name && field === undefined) {
    return { constraints: method.idParam.constraints, type: method.idParam.type, secret: false };
  }
  const arg: SdkArg | undefined = [...method.positional, ...method.options].find((a) => a.name === head);
  if (!arg) return undefined;
  if (field === undefined) return { constraints: arg.constraints, type: arg.type, secret: arg.secretValues };
  const f: Field | undefined = arg.type.kind === 'model' ? models.get(arg.type.name)?.fields.find((x) => x.name === field) : undefined;
  return f ? { constraints: f.constraints, type: f.type, secret: f.secretValues } : undefined;
}

/**
 * The IR's value kind plus what the CLI checks before any request: string lengths, the unit
 * of a duration, and whether a map's values are secrets (never echoed in a message).
 */
function tableValue(kind: CliValueKind, target: Resolved | undefined): TableValue {
  switch (kind.kind) {
    case 'string':
      return strip({ kind: 'string', minLength: target?.constraints.minLength, maxLength: target?.constraints.maxLength });
    case 'integer':
      return strip({ kind: 'integer', min: kind.min, max: kind.max, unit: target?.type.kind === 'duration' ? 'ms' : undefined });
    case 'list':
      return { kind: 'list', items: tableValue(kind.items, undefined) };
    case 'keyValue':
      return target?.secret ? { kind: 'keyValue', secret: true } : { kind: 'keyValue' };
    case 'date':
      return { kind: 'date' };
    default:
      return kind;
  }
}

/**
 * For a live command: the option that asks only for items at or after a time, and the item
 * field that carries each item's time, so that polling fetches only what is new.
 */
function liveCursor(models: Map<string, Model>, method: SdkMethod, output: CliCommand['output']): { since?: string; timeField?: string } {
  const since = method.options.find((o) => o.type.kind === 'string' && o.type.format === 'date-time');
  const model = output.kind === 'none' ? undefined : models.get(output.model);
  const timeField = model?.fields.find((f) => f.type.kind === 'string' && f.type.format === 'date-time' && f.required);
  return since && timeField ? { since: since.name, timeField: timeField.name } : {};
}

function fieldType(type: TypeRef): TableFieldType {
  switch (type.kind) {
    case 'string':
      return type.format === 'date-time' ? 'date' : 'string';
    case 'integer':
    case 'duration':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return 'string';
    case 'map':
      return 'map';
    case 'model':
      return { model: type.name };
    case 'array':
      return { list: fieldType(type.items) };
  }
}

function collectModels(models: Map<string, Model>, name: string, into: Set<string>): void {
  if (into.has(name)) return;
  const model = models.get(name);
  if (!model) return;
  into.add(name);
  const visit = (t: TypeRef): void => {
    if (t.kind === 'model') collectModels(models, t.name, into);
    else if (t.kind === 'array') visit(t.items);
    else if (t.kind === 'map') visit(t.values);
  };
  for (const f of model.fields) visit(f.type);
}

/** Spec prose (Markdown) as terminal help: no code backticks, lines of a paragraph joined. */
export function helpText(text: string): string {
  return text
    .replace(/`([^`]*)`/g, '$1')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p !== '')
    .join('\n\n');
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
