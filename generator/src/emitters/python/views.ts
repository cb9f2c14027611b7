import { type ApiIR, type Field, findModel, inputModelsInDependencyOrder, type Model, type Predicate, safePyIdent, type SdkArg, type SdkMethod, type TypeRef } from '../../ir/index.js';
import { type Code, call, docstring, INDENT, keywordDict, keywordTuple, layout, list, pyScalar, pyStr, pyStrTuple, sortAll, tuple } from './code.js';
import { importBlock, Imports } from './imports.js';
import { checkExpr, decodeField, encodeValue, enumValuesConst, type Helpers, modelCheckConst, pyType, type TypeContext } from './types.js';

/**
 * View models of the Python files: every name, type, default, docstring and statement is decided
 * here, in TypeScript; the templates in templates/python only print them. Statements that may be
 * too long for one line are laid out here too (see code.ts), at the indentation their template
 * puts them.
 */

const MODULE_INDENT = INDENT;
const CLASS_INDENT = INDENT.repeat(2);

/** The two flavours one template renders: blocking `Sandbox` and `AsyncSandbox`. */
export interface Flavour {
  isAsync: boolean;
  className: string;
  /** The module under `_generated` (`sandbox`, `async_sandbox`). */
  module: string;
  def: string;
  await: string;
  base: string;
  callOptions: string;
  paginator: string;
  invoke: string;
  invokeFactory: string;
  paginate: string;
}

export function flavours(ir: ApiIR): Flavour[] {
  const name = ir.sdk.className;
  return [
    {
      isAsync: false,
      className: name,
      module: snake(name),
      def: 'def',
      await: '',
      base: `${name}Base`,
      callOptions: 'CallOptions',
      paginator: 'Paginator',
      invoke: 'invoke',
      invokeFactory: 'invoke_factory',
      paginate: 'paginate',
    },
    {
      isAsync: true,
      className: `Async${name}`,
      module: `async_${snake(name)}`,
      def: 'async def',
      await: 'await ',
      base: `Async${name}Base`,
      callOptions: 'AsyncCallOptions',
      paginator: 'AsyncPaginator',
      invoke: 'invoke_async',
      invokeFactory: 'invoke_factory_async',
      paginate: 'paginate_async',
    },
  ];
}

function snake(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function screaming(snakeName: string): string {
  return snakeName.toUpperCase();
}

/**
 * Spec prose names fields and arguments by their neutral (camelCase) names in backticks; Python
 * readers know them by their snake_case names.
 */
function pyProse(text: string, names: Map<string, string>): string {
  return text.replace(/`([A-Za-z][A-Za-z0-9]*)`/g, (whole, name: string) => {
    const py = names.get(name);
    return py === undefined ? whole : `\`${py}\``;
  });
}

function argNames(m: SdkMethod): Map<string, string> {
  const names = new Map<string, string>();
  if (m.idParam) names.set(m.idParam.name, m.idParam.names.py);
  for (const a of [...m.positional, ...m.options]) {
    names.set(a.name, a.names.py);
    // The spec's prose may name the wire field of a renamed argument (`templateId` → `template`).
    if (a.target.in === 'body') names.set(a.target.field, a.names.py);
  }
  return names;
}

function fieldNames(m: Model): Map<string, string> {
  return new Map(m.fields.map((f) => [f.name, f.names.py]));
}

/** One paragraph of spec text on one line (Args entries are re-wrapped by `docstring`). */
function oneParagraph(text: string | undefined): string {
  return (text ?? '').trim().replace(/\s*\n\s*/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// _meta.py

export interface MetaView {
  constants: { name: string; value: string; doc: string }[];
}

export function metaView(ir: ApiIR, version: string): MetaView {
  const constants: [string, string, string][] = [
    ['SDK_LANGUAGE', 'python', 'The language tag sent in `User-Agent` and `X-Tensor-Box-Lang`.'],
    ['SDK_VERSION', version, "This package's version (from packages/python-sdk/package.json)."],
    ['API_VERSION', ir.apiVersion, 'The version of the API description this SDK was generated from.'],
    ['DEFAULT_DOMAIN', ir.sdk.defaultDomain, "The API's base URL when neither an option nor the environment gives one."],
    ['ENV_DOMAIN', ir.sdk.env.domain, 'The environment variable that may give the domain.'],
    ['ENV_API_KEY', ir.sdk.env.apiKey, 'The environment variable that may give the API key.'],
    ['API_KEY_HEADER', ir.apiKeyHeader, 'The header that carries the API key.'],
  ];
  return { constants: constants.map(([name, value, doc]) => ({ name, value: pyStr(value), doc: docstring(doc, '') })) };
}

// ---------------------------------------------------------------------------------------------
// models.py

interface ModelFieldView {
  name: string;
  annotation: string;
  doc: string;
  param: string;
}

interface ModelView {
  name: string;
  doc: string;
  slots: string;
  fields: ModelFieldView[];
  fromDict: string;
  toDictRequired: { wire: string; value: string }[];
  toDictOptional: { name: string; wire: string; value: string }[];
}

export interface ModelsView {
  doc: string;
  imports: string;
  enums: { name: string; value: string; doc: string }[];
  models: ModelView[];
  all: string;
}

export function modelsView(ir: ApiIR): ModelsView {
  const ctx: TypeContext = { ir, qualifyBuiltins: false, uses: new Set() };
  const helpers: Helpers = new Set();
  const enums = ir.enums.map((e) => ({
    name: e.names.py,
    value: `Literal[${e.values.map((v) => pyStr(v.value)).join(', ')}]`,
    doc: docstring(
      [
        (e.description ?? '').trim(),
        e.open ? 'Results may carry values newer than this SDK: code that branches on one should keep a default branch.' : '',
        e.values.filter((v) => v.description).map((v) => `- ${pyStr(v.value)}: ${v.description}`).join('\n'),
      ]
        .filter((p) => p !== '')
        .join('\n\n'),
      '',
    ),
  }));

  const models = ir.models.filter((m) => m.exposed).map((m) => modelView(ir, m, ctx, helpers));

  const runtime = new Imports().add('future', '__future__', 'annotations');
  const typeOnly = new Imports();
  runtime.add('stdlib', 'typing', 'TYPE_CHECKING', 'Any');
  if (enums.length > 0) runtime.add('stdlib', 'typing', 'Literal');
  if (helpers.has('partial')) runtime.add('stdlib', 'functools', 'partial');
  const coreHelpers = [...helpers].filter((h) => h !== 'partial');
  if (coreHelpers.length > 0) runtime.add('local', '.._core.decode', ...coreHelpers);
  runtime.add('local', '.._core.model', 'Model');
  typeOnly.add('stdlib', 'collections.abc', 'Mapping');
  if (ctx.uses.has('Sequence')) typeOnly.add('stdlib', 'collections.abc', 'Sequence');
  if (ctx.uses.has('datetime')) typeOnly.add('stdlib', 'datetime', 'datetime');

  const names = [...enums.map((e) => e.name), ...models.map((m) => m.name)];
  return {
    doc: docstring(
      `The API's data types, from the spec's schemas.\n\nResults are models with snake_case attributes (\`SandboxInfo.started_at\` is a \`datetime\`); \`to_dict()\` gives the API's JSON form and \`from_dict()\` reads it. Enumerations are \`Literal\` types; in results they are open: a value newer than this SDK arrives as a plain \`str\`.`,
      '',
    ),
    imports: importBlock(runtime, typeOnly),
    enums,
    models,
    all: layout(list(sortAll(names).map(pyStr)), '', '__all__ = '),
  };
}

function modelView(ir: ApiIR, m: Model, ctx: TypeContext, helpers: Helpers): ModelView {
  if (m.fields.length === 0) throw new Error(`model ${m.name} has no fields; the Python emitter needs at least one`);
  const direction = m.usage.output ? 'output' : 'input';
  const fields = m.fields.map((f) => {
    const type = pyType(f.type, direction, ctx);
    // Arguments default to None (unset: not sent), never to the spec's default, so that a body
    // carries only what the caller gave. Required results are required keywords.
    const required = f.required && direction === 'output';
    const annotation = required ? type : `${type} | None`;
    return {
      name: f.names.py,
      annotation,
      doc: docstring(pyProse(fieldDoc(f), fieldNames(m)), MODULE_INDENT),
      param: required ? `${f.names.py}: ${annotation}` : `${f.names.py}: ${annotation} = None`,
    };
  });
  const kwargs: Code[] = m.fields.map((f) => `${f.names.py}=${decodeField(f.type, f.name, f.required, ir, helpers)}`);
  const requiredOut = m.fields.filter((f) => f.required && direction === 'output');
  const optionalOut = m.fields.filter((f) => !(f.required && direction === 'output'));
  return {
    name: m.names.py,
    doc: docstring(pyProse(m.description ?? m.name, fieldNames(m)), MODULE_INDENT),
    slots: layout(tuple(m.fields.map((f) => pyStr(f.names.py))), MODULE_INDENT, '__slots__ = '),
    fields,
    fromDict: layout(call('cls', kwargs), CLASS_INDENT, 'return '),
    toDictRequired: requiredOut.map((f) => ({ wire: pyStr(f.name), value: encodeValue(f.type, `self.${f.names.py}`, ir, helpers) })),
    toDictOptional: optionalOut.map((f) => ({
      name: f.names.py,
      wire: pyStr(f.name),
      value: encodeValue(f.type, `self.${f.names.py}`, ir, helpers),
    })),
  };
}

function fieldDoc(f: Field): string {
  const parts = [(f.description ?? '').trim()];
  if (f.defaultValue !== undefined) parts.push(`Default (when unset): \`\`${pyScalar(f.defaultValue)}\`\`.`);
  return parts.filter((p) => p !== '').join('\n\n') || f.names.py;
}

// ---------------------------------------------------------------------------------------------
// _operations.py

export interface OperationsView {
  doc: string;
  imports: string;
  enumValues: { name: string; value: string }[];
  checks: { code: string }[];
  operations: { code: string }[];
}

/** Where an argument's value comes from in the generated method. */
interface Slot {
  arg: Code;
  /** The `_core.operation` constants the `Arg(...)` names. */
  constants: string[];
  /** The local name in the by-ID function, or `None` for the paginator's cursor. */
  local: string;
  isId: boolean;
}

function opConst(m: SdkMethod): string {
  return screaming(m.names.py);
}

/** The operation's arguments in wire order (parameters as the IR orders them, then body fields). */
function slots(ir: ApiIR, m: SdkMethod): Slot[] {
  const op = m.operation;
  const all = [...m.positional, ...m.options];
  const pagination = m.returns.kind === 'list' ? m.returns.pagination : undefined;
  const out: Slot[] = [];
  const argCode = (name: string, check: string, location: string, wire: string, extra: string[]) =>
    call('Arg', [pyStr(name), check, location, pyStr(wire), ...extra]);
  // Required arguments, and those whose values are secrets (kept out of errors and logs).
  const flags = (a: SdkArg) => [...(a.required ? ['required=True'] : []), ...(a.secretValues ? ['secret=True'] : [])];
  const constants = (location: string, style: string[]) => [location, ...style.map((x) => x.replace('style=', ''))];
  for (const p of op.params) {
    const location = p.location === 'path' ? 'PATH' : p.location === 'query' ? 'QUERY' : 'HEADER';
    const style = p.serialization === 'form-explode' ? ['style=FORM_EXPLODE'] : p.serialization === 'form-urlencoded-map' ? ['style=FORM_URLENCODED_MAP'] : [];
    if (m.idParam === p) {
      out.push({ arg: argCode(p.names.py, checkExpr(ir, p.type, p.constraints), location, p.wireName, ['required=True']), constants: constants(location, []), local: safePyIdent(p.names.py), isId: true });
      continue;
    }
    if (pagination && p.wireName === pagination.cursorParam) {
      out.push({ arg: argCode(p.names.py, checkExpr(ir, p.type, p.constraints), location, p.wireName, style), constants: constants(location, style), local: 'None', isId: false });
      continue;
    }
    const a = all.find((x) => x.target.in === 'param' && x.target.param === p.wireName);
    if (!a) throw new Error(`${op.operationId}: parameter ${p.wireName} has no SDK argument`);
    out.push({
      arg: argCode(a.names.py, checkExpr(ir, a.type, a.constraints, a.secretValues), location, p.wireName, [...style, ...flags(a)]),
      constants: constants(location, style),
      local: safePyIdent(a.names.py),
      isId: false,
    });
  }
  if (op.body) {
    for (const f of findModel(ir, op.body.model).fields) {
      const a = all.find((x) => x.target.in === 'body' && x.target.field === f.name);
      if (!a) throw new Error(`${op.operationId}: body field ${f.name} has no SDK argument`);
      out.push({
        arg: argCode(a.names.py, checkExpr(ir, a.type, a.constraints, a.secretValues), 'BODY', f.name, flags(a)),
        constants: ['BODY'],
        local: safePyIdent(a.names.py),
        isId: false,
      });
    }
  }
  return out;
}

/** The `decode=` of an operation, and the models it names. */
function decodeOf(ir: ApiIR, m: SdkMethod, used: Set<string>): { expr: string; models: string[] } {
  const r = m.returns;
  if (r.kind === 'void') {
    used.add('decode_none');
    return { expr: 'decode_none', models: [] };
  }
  if (r.kind === 'instance') {
    used.add('decode_field');
    return { expr: `decode_field(${pyStr(ir.sdk.idParamName)})`, models: [] };
  }
  if (r.kind === 'list') {
    used.add('decode_page');
    const p = r.pagination;
    const item = findModel(ir, p.itemModel).names.py;
    return { expr: `decode_page(${pyStr(p.itemsField)}, ${pyStr(p.nextCursorField)}, ${item}.from_dict)`, models: [item] };
  }
  const t = r.type;
  if (t.kind === 'model') {
    const model = findModel(ir, t.name).names.py;
    return { expr: `${model}.from_dict`, models: [model] };
  }
  if (t.kind === 'array' && t.items.kind === 'model') {
    used.add('decode_list');
    const model = findModel(ir, t.items.name).names.py;
    return { expr: `decode_list(${model}.from_dict)`, models: [model] };
  }
  throw new Error(`${m.operation.operationId}: the Python emitter returns models or lists of models only`);
}

export function operationsView(ir: ApiIR): OperationsView {
  const used = new Set<string>(['Arg', 'Operation']);
  const modelNames = new Set<string>();
  const operations = ir.sdk.methods.map((m) => {
    const op = m.operation;
    const s = slots(ir, m);
    for (const slot of s) slot.constants.forEach((c) => used.add(c));
    const decode = decodeOf(ir, m, used);
    decode.models.forEach((name) => modelNames.add(name));
    const type = op.success.type;
    const response = type === undefined ? undefined : type.kind === 'array' ? 'array' : 'object';
    const kwargs: Code[] = [
      `method=${pyStr(op.httpMethod)}`,
      `path=${pyStr(op.path)}`,
      keywordTuple('args', s.map((x) => x.arg)),
      `retry_safe=${op.retrySafe ? 'True' : 'False'}`,
      `decode=${decode.expr}`,
      ...(response ? [`response=${pyStr(response)}`] : []),
      ...(op.body ? [`body=${pyStr(op.body.required ? 'required' : 'optional')}`] : []),
      ...(op.idempotencyKeyHeader ? [`idempotency_key_header=${pyStr(op.idempotencyKeyHeader)}`] : []),
      ...(m.returns.kind === 'list' ? [`cursor_param=${pyStr(m.returns.pagination.cursorParam)}`] : []),
    ];
    return { code: layout(call('Operation', kwargs), '', `${opConst(m)} = `) };
  });

  const enumValues = ir.enums
    .filter((e) => usedInInputs(ir, e.name))
    .map((e) => ({ name: enumValuesConst(e), value: pyStrTuple(e.values.map((v) => v.value)) }));
  const checks = inputModelsInDependencyOrder(ir).map((m) => {
    modelNames.add(m.names.py);
    const fields = m.fields.map((f) =>
      call('v.Field', [pyStr(f.names.py), pyStr(f.name), checkExpr(ir, f.type, f.constraints, f.secretValues), ...(f.required ? ['required=True'] : [])]),
    );
    const pyName = (neutral: string) => m.fields.find((f) => f.name === neutral)?.names.py ?? neutral;
    const dict = (rec: Record<string, string | number | boolean>) =>
      `{${Object.entries(rec)
        .map(([k, value]) => `${pyStr(pyName(k))}: ${pyScalar(value)}`)
        .join(', ')}}`;
    const rules = m.rules.map((r) => call('v.Rule', [`when=${dict(r.when)}`, `require=${dict(r.require)}`, `message=${pyStr(pyMessage(m, r.message))}`]));
    const defaults = m.fields.filter((f) => f.defaultValue !== undefined).map((f) => `${pyStr(f.names.py)}: ${pyScalar(f.defaultValue!)}`);
    const items: Code[] = [m.names.py, keywordTuple('fields', fields)];
    if (rules.length > 0) items.push(keywordTuple('rules', rules));
    if (defaults.length > 0) items.push(keywordDict('defaults', defaults));
    return { code: layout(call('v.model', items), '', `${modelCheckConst(m)} = `) };
  });

  const runtime = new Imports().add('future', '__future__', 'annotations');
  runtime.add('local', '.._core', 'validate as v');
  runtime.add('local', '.._core.operation', ...used);
  if (modelNames.size > 0) runtime.add('local', '.models', ...modelNames);
  return {
    doc: docstring(
      'How each operation goes on the wire, and the checks of its arguments, from the spec (internal).\n\nShared by `Sandbox` and `AsyncSandbox`: only sending differs between them.',
      '',
    ),
    imports: importBlock(runtime, new Imports()),
    enumValues,
    checks,
    operations,
  };
}

/** A rule's message names fields by their neutral names; Python users know the snake_case ones. */
function pyMessage(m: Model, message: string): string {
  let out = message;
  for (const f of m.fields) out = out.replace(new RegExp(`\\b${f.name}\\b`, 'g'), f.names.py);
  return out;
}

function usedInInputs(ir: ApiIR, enumName: string): boolean {
  const uses = (t: TypeRef): boolean =>
    t.kind === 'enum' ? t.name === enumName : t.kind === 'array' ? uses(t.items) : t.kind === 'map' ? uses(t.values) : false;
  const inArgs = ir.sdk.methods.some((m) => [...m.positional, ...m.options].some((a) => uses(a.type)));
  const inModels = inputModelsInDependencyOrder(ir).some((m) => m.fields.some((f) => uses(f.type)));
  return inArgs || inModels;
}


// ---------------------------------------------------------------------------------------------
// sandbox.py / async_sandbox.py

export interface FunctionView {
  decorators: string[];
  def: string;
  name: string;
  params: string[];
  returns: string;
  doc: string;
  /** Physical lines with their full indentation. */
  body: string[];
}

export interface MemberView {
  /** A method defined in the class body. */
  method?: FunctionView;
  /** A name bound to a by-ID function and an instance function. */
  dual?: { name: string; value: string };
}

export interface SandboxView {
  doc: string;
  imports: string;
  functions: FunctionView[];
  className: string;
  base: string;
  classDoc: string;
  idAttribute: string;
  idDoc: string;
  members: MemberView[];
}

interface MethodContext {
  ir: ApiIR;
  f: Flavour;
  types: TypeContext;
  where: (m: SdkMethod | Predicate) => string;
}

export function sandboxView(ir: ApiIR, f: Flavour, other: Flavour): SandboxView {
  const types: TypeContext = { ir, qualifyBuiltins: true, uses: new Set() };
  const ctx: MethodContext = { ir, f, types, where: (m) => `${f.className}.${m.names.py}` };
  const functions: FunctionView[] = [];
  const members: MemberView[] = [];
  const lazyName = (m: SdkMethod) => `${m.names.py}_iter`;
  const taken = new Set(ir.sdk.methods.flatMap((m) => [m.names.py, ...m.predicates.map((p) => p.names.py)]));

  for (const m of ir.sdk.methods) {
    if (m.binding === 'instance') {
      functions.push(byIdFunction(ctx, m), boundFunction(ctx, m));
      members.push({ dual: { name: m.names.py, value: `DualMethod(${byIdName(m)}, ${boundName(m)})` } });
      for (const p of m.predicates) {
        functions.push(predicateFunction(ctx, m, p, 'byId'), predicateFunction(ctx, m, p, 'bound'));
        members.push({ dual: { name: p.names.py, value: `DualMethod(${byIdName(p)}, ${boundName(p)})` } });
      }
      continue;
    }
    if (m.predicates.length > 0) throw new Error(`${m.operation.operationId}: predicates need binding "instance" in the Python emitter`);
    if (m.binding === 'factory') {
      members.push({ method: factoryMethod(ctx, m) });
    } else if (m.returns.kind === 'list') {
      if (taken.has(lazyName(m))) throw new Error(`the lazy form of ${m.names.py} would be named ${lazyName(m)}, which another method uses`);
      members.push({ method: listMethod(ctx, m, 'all') }, { method: listMethod(ctx, m, 'lazy') });
    } else {
      members.push({ method: staticMethod(ctx, m) });
    }
  }

  const runtime = new Imports().add('future', '__future__', 'annotations');
  runtime.addModule('stdlib', 'builtins');
  runtime.add('stdlib', 'typing', 'TYPE_CHECKING');
  const core = new Set<string>();
  for (const m of ir.sdk.methods) {
    if (m.binding === 'factory') core.add(f.invokeFactory);
    else if (m.returns.kind === 'list') core.add(f.paginate);
    else core.add(f.invoke);
  }
  runtime.add('local', '.._core.api', ...core);
  runtime.add('local', '.._core.base', f.base, ...(functions.length > 0 ? ['DualMethod'] : []));
  if (ir.sdk.methods.some((m) => m.predicates.length > 0)) runtime.add('local', '.._core.errors', 'APIError');
  runtime.add('local', '.', '_operations as _ops');

  const typeOnly = new Imports();
  for (const name of ['Mapping', 'Sequence']) if (types.uses.has(name)) typeOnly.add('stdlib', 'collections.abc', name);
  if (types.uses.has('datetime')) typeOnly.add('stdlib', 'datetime', 'datetime');
  typeOnly.add('thirdParty', 'typing_extensions', 'Unpack');
  typeOnly.add('local', '.._core.config', f.callOptions, ...(functions.length > 0 ? ['RequestOptions'] : []));
  if (ir.sdk.methods.some((m) => m.returns.kind === 'list')) typeOnly.add('local', '.._core.pagination', f.paginator);
  const modelTypes = [...types.uses].filter((n) => ir.models.some((m) => m.names.py === n) || ir.enums.some((e) => e.names.py === n));
  if (modelTypes.length > 0) typeOnly.add('local', '.models', ...modelTypes);

  const blocking = f.isAsync ? `the same API in async/await (\`${other.className}\` blocks)` : `every call blocks (\`${other.className}\` is the same API in async/await)`;
  return {
    doc: docstring(`\`${f.className}\`: ${blocking}.\n\nGenerated from the spec's \`x-tensor-box-sdk\` description; each method checks its arguments and hands the request to the handwritten runtime in \`tensor_box._core\`.`, ''),
    imports: importBlock(runtime, typeOnly),
    functions,
    className: f.className,
    base: f.base,
    classDoc: docstring(classDoc(ir, f, other), MODULE_INDENT),
    idAttribute: safePyIdent(snakeOf(ir.sdk.idParamName, ir)),
    idDoc: docstring(`The ${snakeCaseWords(ir.sdk.className)}'s ID.`, CLASS_INDENT),
    members,
  };
}

function snakeOf(neutral: string, ir: ApiIR): string {
  const param = ir.operations.flatMap((o) => o.params).find((p) => p.wireName === neutral);
  if (!param) throw new Error(`no parameter ${neutral} (x-tensor-box-sdk.idParameter)`);
  return param.names.py;
}

function snakeCaseWords(pascal: string): string {
  return snake(pascal).replace(/_/g, ' ');
}

function classDoc(ir: ApiIR, f: Flavour, other: Flavour): string {
  const example = f.isAsync
    ? `Every method is a coroutine: \`sandbox = await ${f.className}.create()\`, \`await sandbox.kill()\`; \`${other.className}\` is the same API blocking.`
    : `Every method blocks: \`sandbox = ${f.className}.create()\`, \`sandbox.kill()\`; \`${other.className}\` is the same API in async/await.`;
  return `${ir.sdk.classDescription}\n\n${example} A method called on the class takes the ID first (\`${f.className}.kill("sbx_…")\`); on an instance it uses the instance's ID and connection. Durations are milliseconds.`;
}

function byIdName(m: SdkMethod | Predicate): string {
  return `_${m.names.py}_by_id`;
}

function boundName(m: SdkMethod | Predicate): string {
  return `_${m.names.py}`;
}

/** A positional or keyword parameter declaration, with its default. */
function paramDecl(ctx: MethodContext, a: SdkArg): string {
  const name = safePyIdent(a.names.py);
  const type = pyType(a.type, 'input', ctx.types);
  if (a.defaultValue !== undefined && a.required) return `${name}: ${type} = ${pyScalar(a.defaultValue)}`;
  if (a.required) return `${name}: ${type}`;
  return `${name}: ${type} | None = None`;
}

/** Positionals, then `*` and the keyword options, then `**options`. */
function argParams(ctx: MethodContext, m: SdkMethod, optionsType: string): string[] {
  const out = m.positional.map((a) => paramDecl(ctx, a));
  if (m.options.length > 0) out.push('*', ...m.options.map((a) => paramDecl(ctx, a)));
  out.push(`**options: Unpack[${optionsType}]`);
  return out;
}

function idParamDecl(m: SdkMethod): string {
  return `${safePyIdent(m.idParam!.names.py)}: str`;
}

function returnType(ctx: MethodContext, m: SdkMethod): string {
  const r = m.returns;
  if (r.kind === 'void') return 'None';
  if (r.kind === 'instance') return ctx.f.className;
  if (r.kind === 'list') return `builtins.list[${pyType({ kind: 'model', name: r.pagination.itemModel }, 'output', ctx.types)}]`;
  return pyType(r.type, 'output', ctx.types);
}

function valuesTuple(ctx: MethodContext, m: SdkMethod, id: string): Code {
  return tuple(slots(ctx.ir, m).map((s) => (s.isId ? id : s.local)));
}

/** `[return ][await ]fn(op, "where", values, options[, connection])` laid out at `indent`. */
function invokeStatement(ctx: MethodContext, m: SdkMethod, fn: string, indent: string, id: string, bound: boolean, prefix: string): string[] {
  const items: Code[] = [`_ops.${opConst(m)}`, pyStr(ctx.where(m)), valuesTuple(ctx, m, id), 'options'];
  if (bound) items.push('self._connection');
  return layout(call(fn, items), indent, prefix).split('\n');
}

interface DocParts {
  m: SdkMethod;
  form: 'byId' | 'bound' | 'class';
  returns?: string;
  extra?: string;
}

function methodDoc(ctx: MethodContext, d: DocParts, indent: string): string {
  const { m, form } = d;
  const args: string[] = [];
  if (form === 'byId' && m.idParam) args.push(`${safePyIdent(m.idParam.names.py)}: ${oneParagraph(m.idParam.description) || 'The ID.'}`);
  for (const a of [...m.positional, ...m.options]) {
    const dflt = a.defaultValue !== undefined ? ` Default: \`\`${pyScalar(a.defaultValue)}\`\`.` : '';
    args.push(`${safePyIdent(a.names.py)}: ${oneParagraph(a.description) || a.names.py}${dflt}`);
  }
  args.push(
    form === 'bound'
      ? '**options: Options of this call (`RequestOptions`); the instance keeps how to connect.'
      : `**options: How to connect, and options of this call (\`${ctx.f.callOptions}\`).`,
  );
  const raises = [
    'InvalidArgumentError: An argument is not allowed; nothing was sent.',
    'APIError: The server answered with an error status (a subclass per status, such as `NotFoundError`).',
    'APIConnectionError: No usable answer, after the retries the call allows.',
  ];
  if (form === 'bound') raises.push('APIUserAbortError: The instance was disconnected.');
  const sections = [`${m.summary.replace(/\.$/, '')}.`, m.description];
  if (d.extra) sections.push(d.extra);
  sections.push(`Args:\n${args.map((a) => `${INDENT}${a}`).join('\n')}`);
  if (d.returns) sections.push(`Returns:\n${INDENT}${d.returns}`);
  sections.push(`Raises:\n${raises.map((r) => `${INDENT}${r}`).join('\n')}`);
  return docstring(pyProse(sections.join('\n\n'), argNames(m)), indent);
}

function returnsDoc(ctx: MethodContext, m: SdkMethod): string | undefined {
  const r = m.returns;
  if (r.kind === 'void') return undefined;
  if (r.kind === 'instance') return `A connected \`${ctx.f.className}\`.`;
  if (r.kind === 'value') return `The result, as \`${pyType(r.type, 'output', { ...ctx.types, qualifyBuiltins: false, uses: new Set() })}\`.`;
  return undefined;
}

function byIdFunction(ctx: MethodContext, m: SdkMethod): FunctionView {
  const returns = returnType(ctx, m);
  const prefix = m.returns.kind === 'void' ? ctx.f.await : `return ${ctx.f.await}`;
  return {
    decorators: [],
    def: ctx.f.def,
    name: byIdName(m),
    params: [idParamDecl(m), ...argParams(ctx, m, ctx.f.callOptions)],
    returns,
    doc: methodDoc(ctx, { m, form: 'byId', returns: returnsDoc(ctx, m) }, MODULE_INDENT),
    body: invokeStatement(ctx, m, ctx.f.invoke, MODULE_INDENT, safePyIdent(m.idParam!.names.py), false, prefix).map(indentFirst(MODULE_INDENT)),
  };
}

function boundFunction(ctx: MethodContext, m: SdkMethod): FunctionView {
  const prefix = m.returns.kind === 'void' ? ctx.f.await : `return ${ctx.f.await}`;
  return {
    decorators: [],
    def: ctx.f.def,
    name: boundName(m),
    params: [`self: ${ctx.f.className}`, ...argParams(ctx, m, 'RequestOptions')],
    returns: returnType(ctx, m),
    doc: methodDoc(ctx, { m, form: 'bound', returns: returnsDoc(ctx, m) }, MODULE_INDENT),
    body: invokeStatement(ctx, m, ctx.f.invoke, MODULE_INDENT, 'self._id', true, prefix).map(indentFirst(MODULE_INDENT)),
  };
}

/** The first line of a laid-out statement gets the indentation its continuation lines already have. */
function indentFirst(indent: string): (line: string, i: number) => string {
  return (line, i) => (i === 0 ? `${indent}${line}` : line);
}

function predicateFunction(ctx: MethodContext, m: SdkMethod, p: Predicate, form: 'byId' | 'bound'): FunctionView {
  const i1 = MODULE_INDENT;
  const i2 = i1 + INDENT;
  const i3 = i2 + INDENT;
  const source = form === 'byId' ? byIdName(m) : boundName(m);
  const first = form === 'byId' ? safePyIdent(m.idParam!.names.py) : 'self';
  const field = findModel(ctx.ir, (m.returns as { type: TypeRef & { name: string } }).type.name).fields.find((x) => x.name === p.field);
  if (!field) throw new Error(`predicate ${p.name}: no field ${p.field}`);
  const body = [`${i1}try:`, `${i2}result = ${ctx.f.await}${source}(${first}, **options)`, `${i1}except APIError as error:`];
  if (p.falseOnStatus.length > 0) {
    const statuses = p.falseOnStatus.length === 1 ? `(${p.falseOnStatus[0]},)` : `(${p.falseOnStatus.join(', ')})`;
    body.push(`${i2}if error.status in ${statuses}:`, `${i3}return False`);
  }
  body.push(`${i2}raise`, `${i1}return result.${field.names.py} == ${pyStr(p.equals)}`);
  const args =
    form === 'byId'
      ? [`${safePyIdent(m.idParam!.names.py)}: ${oneParagraph(m.idParam!.description)}`, `**options: How to connect, and options of this call (\`${ctx.f.callOptions}\`).`]
      : ['**options: Options of this call (`RequestOptions`).'];
  const statusText = p.falseOnStatus.length > 0 ? ` A ${p.falseOnStatus.join(' or ')} answer means False.` : '';
  return {
    decorators: [],
    def: ctx.f.def,
    name: form === 'byId' ? byIdName(p) : boundName(p),
    params: form === 'byId' ? [idParamDecl(m), `**options: Unpack[${ctx.f.callOptions}]`] : [`self: ${ctx.f.className}`, '**options: Unpack[RequestOptions]'],
    returns: 'bool',
    doc: docstring(
      `${p.description}\n\nCalls \`${m.names.py}\` and compares \`${field.names.py}\` with ${pyStr(p.equals)}.${statusText}\n\nArgs:\n${args.map((a) => `${INDENT}${a}`).join('\n')}`,
      MODULE_INDENT,
    ),
    body,
  };
}

function factoryMethod(ctx: MethodContext, m: SdkMethod): FunctionView {
  const params = ['cls', ...(m.idParam ? [idParamDecl(m)] : []), ...argParams(ctx, m, ctx.f.callOptions)];
  const id = m.idParam ? safePyIdent(m.idParam.names.py) : '';
  const first = invokeStatement(ctx, m, ctx.f.invokeFactory, CLASS_INDENT, id, false, `instance_id, connection = ${ctx.f.await}`);
  return {
    decorators: ['@classmethod'],
    def: ctx.f.def,
    name: m.names.py,
    params,
    returns: ctx.f.className,
    doc: methodDoc(ctx, { m, form: m.idParam ? 'byId' : 'class', returns: returnsDoc(ctx, m) }, CLASS_INDENT),
    body: [...first.map(indentFirst(CLASS_INDENT)), `${CLASS_INDENT}return cls(instance_id, connection)`],
  };
}

function staticMethod(ctx: MethodContext, m: SdkMethod): FunctionView {
  const prefix = m.returns.kind === 'void' ? ctx.f.await : `return ${ctx.f.await}`;
  return {
    decorators: ['@staticmethod'],
    def: ctx.f.def,
    name: m.names.py,
    params: argParams(ctx, m, ctx.f.callOptions),
    returns: returnType(ctx, m),
    doc: methodDoc(ctx, { m, form: 'class', returns: returnsDoc(ctx, m) }, CLASS_INDENT),
    body: invokeStatement(ctx, m, ctx.f.invoke, CLASS_INDENT, '', false, prefix).map(indentFirst(CLASS_INDENT)),
  };
}

function listMethod(ctx: MethodContext, m: SdkMethod, form: 'all' | 'lazy'): FunctionView {
  const r = m.returns as Extract<SdkMethod['returns'], { kind: 'list' }>;
  const item = pyType({ kind: 'model', name: r.pagination.itemModel }, 'output', ctx.types);
  const lazy = `${m.names.py}_iter`;
  const items: Code[] = [`_ops.${opConst(m)}`, pyStr(`${ctx.f.className}.${form === 'all' ? m.names.py : lazy}`), valuesTuple(ctx, m, ''), 'options'];
  const paginator = call(ctx.f.paginate, items);
  const body =
    form === 'lazy'
      ? layout(paginator, CLASS_INDENT, 'return ')
      : layout(
          // `.to_list()` hangs off the call; laid out like ruff lays out a call chain.
          { ...paginator, close: ').to_list()' },
          CLASS_INDENT,
          `return ${ctx.f.await}`,
        );
  const iterate = ctx.f.isAsync ? '`async for`' : '`for`';
  return {
    decorators: ['@staticmethod'],
    def: form === 'all' ? ctx.f.def : 'def',
    name: form === 'all' ? m.names.py : lazy,
    params: argParams(ctx, m, ctx.f.callOptions),
    returns: form === 'all' ? returnType(ctx, m) : `${ctx.f.paginator}[${item}]`,
    doc: methodDoc(
      ctx,
      {
        m,
        form: 'class',
        extra:
          form === 'all'
            ? `Follows every page and returns all matches; \`${lazy}\` is the lazy form for large fleets.`
            : `The lazy form of \`${m.names.py}\`: the arguments are checked now, and pages are fetched one at a time while you iterate (${iterate} over it for the items, or over \`.pages()\` for the pages).`,
        returns: form === 'all' ? `Every matching \`${item}\`, from all pages.` : `A \`${ctx.f.paginator}\` of \`${item}\`.`,
      },
      CLASS_INDENT,
    ),
    body: body.split('\n').map(indentFirst(CLASS_INDENT)),
  };
}

// ---------------------------------------------------------------------------------------------
// __init__.py

/** What the handwritten core exports, by module (a test checks this against each module's `__all__`). */
export const CORE_EXPORTS: Record<string, string[]> = {
  '._core.config': ['AsyncCallOptions', 'CallOptions', 'RequestOptions'],
  '._core.errors': [
    'APIConnectionError',
    'APIConnectionTimeoutError',
    'APIError',
    'APIUserAbortError',
    'AuthenticationError',
    'BadRequestError',
    'ConflictError',
    'InternalServerError',
    'InvalidArgumentError',
    'NotFoundError',
    'PermissionDeniedError',
    'RateLimitError',
    'TensorBoxError',
    'UnprocessableEntityError',
  ],
  '._core.pagination': ['AsyncPaginator', 'Page', 'Paginator'],
};

export interface InitView {
  doc: string;
  imports: string;
  all: string;
}

export function initView(ir: ApiIR, fl: Flavour[]): InitView {
  const runtime = new Imports();
  for (const [module, names] of Object.entries(CORE_EXPORTS)) runtime.add('local', module, ...names);
  runtime.add('local', '._generated._meta', 'SDK_VERSION');
  for (const f of fl) runtime.add('local', `._generated.${f.module}`, f.className);
  const modelNames = [...ir.enums.map((e) => e.names.py), ...ir.models.filter((m) => m.exposed).map((m) => m.names.py)];
  runtime.add('local', '._generated.models', ...modelNames);
  const names = [...Object.values(CORE_EXPORTS).flat(), ...fl.map((f) => f.className), ...modelNames, '__version__'];
  const title = ir.title.replace(/ API$/, '');
  return {
    doc: docstring(
      `${title}: the Python SDK.\n\n${ir.description.split(/\n\s*\n/)[0]}\n\n\`${fl[0]!.className}\` blocks; \`${fl[1]!.className}\` is the same API in async/await. Both read \`${ir.sdk.env.apiKey}\` and \`${ir.sdk.env.domain}\` from the environment unless \`api_key\` / \`domain\` are passed.`,
      '',
    ),
    imports: importBlock(runtime, new Imports()),
    all: layout(list(sortAll(names).map(pyStr)), '', '__all__ = '),
  };
}

