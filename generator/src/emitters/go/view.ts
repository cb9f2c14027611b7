import { type ApiIR, type Constraints, type Field, findEnum, findModel, goName, type Model, type Param, type Predicate, type SdkArg, type SdkMethod, type TypeRef } from '../../ir/index.js';
import { commentLines, durationText, isSentence, lowerFirst, renameCodeSpans, thirdPerson } from './docs.js';
import {
  goIntType,
  goIsSet,
  goLiteral,
  goParamName,
  goType,
  goZero,
  Imports,
  modelTypeName,
  wireTypeName,
} from './go-types.js';

/**
 * The view model of the Go SDK: every name, type, expression and doc line the templates
 * print, decided here from the IR. Templates iterate over these objects and add nothing.
 */

export interface GoView {
  meta: MetaView;
  models: ModelsView;
  sandbox: SandboxView;
  dispatch: DispatchView;
}

interface MetaView {
  version: string;
  apiVersion: string;
  defaultDomain: string;
  envDomain: string;
  envApiKey: string;
  apiKeyHeader: string;
}

interface FieldView {
  name: string;
  type: string;
  tag: string;
  doc: string[];
}

interface StructView {
  name: string;
  doc: string[];
  fields: FieldView[];
}

interface EnumView {
  name: string;
  doc: string[];
  valuesVar: string;
  constants: { name: string; value: string; doc: string[] }[];
  knownDoc: string[];
  valuesDoc: string;
}

interface CheckView {
  typeName: string;
  /** Expressions that return an error (nil when the value is acceptable). */
  checks: string[];
  rules: { condition: string; argument: string; message: string }[];
}

interface ModelsView {
  imports: string[];
  enums: EnumView[];
  models: StructView[];
  checked: CheckView[];
  wires: StructView[];
}

interface ParamView {
  name: string;
  type: string;
}

interface SendView {
  name: string;
  doc: string[];
  params: ParamView[];
  results: string;
  failReturn: string;
  checks: string[];
  query: string[];
  /** Fields of the `call` literal, one per line. */
  callFields: string[];
  optionalBody?: { condition: string; expr: string };
  result?: { type: string; zero: string };
}

interface ListView {
  name: string;
  iterName: string;
  doc: string[];
  iterDoc: string[];
  where: string;
  iterWhere: string;
  optionsType: string;
  itemType: string;
  pageType: string;
  itemsField: string;
  nextField: string;
  opVar: string;
  pathExpr: string;
  checks: string[];
  query: string[];
}

interface FuncView {
  name: string;
  doc: string[];
  where: string;
  params: ParamView[];
  optionsType: string;
  /** The argument that resolves the connection: `o` or `&o.Options`. */
  optionsRef: string;
  results: string;
  failReturn: string;
  sendCall: string;
}

interface FactoryView extends FuncView {
  idField: string;
}

interface InstanceView extends FuncView {
  /** `o` or `&o.Options`: what is laid over the instance's options. */
  overRef: string;
}

interface PredicateSendView {
  name: string;
  doc: string[];
  params: ParamView[];
  sendCall: string;
  statuses: string;
  field: string;
  value: string;
}

interface PredicateInstanceView {
  name: string;
  doc: string[];
  where: string;
  sendCall: string;
}

interface OptionsTypeView {
  name: string;
  doc: string[];
  embeddedDoc: string[];
  fields: FieldView[];
}

interface SandboxView {
  imports: string[];
  operations: { name: string; fields: string }[];
  optionTypes: OptionsTypeView[];
  factories: FactoryView[];
  statics: FuncView[];
  lists: ListView[];
  byId: FuncView[];
  instance: InstanceView[];
  sends: SendView[];
  predicateSends: PredicateSendView[];
  predicateById: FuncView[];
  predicateInstance: PredicateInstanceView[];
}

interface DispatchEntryView {
  name: string;
  classBody: string[];
  instanceBody?: string[];
  argNames: { go: string; neutral: string }[];
}

interface DispatchView {
  modulePath: string;
  operations: string[];
  imports: string[];
  entries: DispatchEntryView[];
  converters: { name: string; type: string; keys: string; fields: string[] }[];
}

const PKG = 'tensorbox';

export function buildView(ir: ApiIR, opts: { version: string; modulePath: string }): GoView {
  return {
    meta: {
      version: opts.version,
      apiVersion: ir.apiVersion,
      defaultDomain: ir.sdk.defaultDomain,
      envDomain: ir.sdk.env.domain,
      envApiKey: ir.sdk.env.apiKey,
      apiKeyHeader: ir.apiKeyHeader,
    },
    models: buildModels(ir),
    sandbox: buildSandbox(ir),
    dispatch: buildDispatch(ir, opts.modulePath),
  };
}

// ---------------------------------------------------------------------------------------------
// Models

function enumConst(ir: ApiIR, enumName: string, value: string): string {
  const e = findEnum(ir, enumName);
  const v = e.values.find((x) => x.value === value);
  if (!v) throw new Error(`go emitter: enum ${enumName} has no value ${value}`);
  return `${e.names.go}${v.names.go}`;
}

/** The unexported list of an enum's known values (`sandboxStateValues`). */
function valuesVar(goName: string): string {
  return `${goName.charAt(0).toLowerCase()}${goName.slice(1)}Values`;
}

function buildModels(ir: ApiIR): ModelsView {
  const imports = new Imports();
  const enums: EnumView[] = ir.enums.map((e) => ({
    name: e.names.go,
    doc: commentLines(
      isSentence(e.names.go, e.description),
      e.open
        ? `The type is open: a value this SDK does not know yet (from a newer server) is kept as it is, so code that switches on it should have a default case. See ${e.names.go}.Known.`
        : undefined,
    ),
    valuesVar: valuesVar(e.names.go),
    constants: e.values.map((v) => ({
      name: `${e.names.go}${v.names.go}`,
      value: goLiteral(v.value),
      doc: commentLines(`${e.names.go}${v.names.go} is ${goLiteral(v.value)}.${v.description ? ` ${v.description}` : ''}`),
    })),
    knownDoc: commentLines(`Known reports whether v is one of the values this version of the SDK knows.`),
    valuesDoc: `${valuesVar(e.names.go)} lists the known values, for argument checks.`,
  }));

  const exposed = ir.models.filter((m) => m.exposed);
  const models: StructView[] = exposed.map((m) => {
    const position = m.usage.output ? 'output' : 'input';
    return {
      name: m.names.go,
      doc: commentLines(isSentence(m.names.go, m.description)),
      fields: m.fields.map((f) => fieldView(ir, f, position, imports)),
    };
  });

  const checked: CheckView[] = exposed
    .filter((m) => m.usage.input)
    .map((m) => ({
      typeName: m.names.go,
      checks: m.fields.flatMap((f) => {
        const check = checkExpr(ir, f.type, f.constraints, `v.${f.names.go}`, `path+".${f.names.go}"`, !f.required);
        return check ? [check] : [];
      }),
      rules: m.rules.map((rule) => ruleView(ir, m, rule)),
    }));

  // Request bodies and list pages: wire shapes, not part of the public surface.
  const wires: StructView[] = ir.models
    .filter((m) => !m.exposed && (m.usage.input || m.usage.output))
    .map((m) => ({
      name: wireTypeName(m),
      doc: commentLines(`${wireTypeName(m)} is the JSON of ${m.name} on the wire.`),
      fields: m.fields.map((f) => ({
        name: wireFieldName(f),
        type: goType(ir, f.type, f.constraints, m.usage.output ? 'output' : 'wire', imports, !f.required),
        tag: jsonTag(f),
        doc: [],
      })),
    }));
  return { imports: imports.list(), enums, models, checked, wires };
}

/** Wire structs keep the spec's unit in the name (`TimeoutMs int64`); the public API does not. */
function wireFieldName(f: Field): string {
  return goName(f.name);
}

function jsonTag(f: Field): string {
  return `\`json:"${f.name}${f.required ? '' : ',omitempty'}"\``;
}

function fieldView(ir: ApiIR, f: Field, position: 'input' | 'output', imports: Imports): FieldView {
  const type = goType(ir, f.type, f.constraints, position, imports, !f.required);
  const description = f.type.kind === 'duration' ? durationText(f.description) : f.description;
  return {
    name: f.names.go,
    type,
    tag: jsonTag(f),
    doc: commentLines(description, position === 'input' ? allowedText(ir, f.type, f.constraints, !f.required, f.defaultValue) : undefined),
  };
}

/** A rule "when every `when` field has its value, each `require` field must too" as Go. */
function ruleView(ir: ApiIR, m: Model, rule: Model['rules'][number]): CheckView['rules'][number] {
  const field = (name: string) => {
    const f = m.fields.find((x) => x.name === name);
    if (!f) throw new Error(`go emitter: rule of ${m.name} names unknown field ${name}`);
    return f;
  };
  const applies = Object.entries(rule.when).map(([k, v]) => effectiveCompare(ir, field(k), `v.${field(k).names.go}`, v, false));
  const broken = Object.entries(rule.require).map(([k, v]) => effectiveCompare(ir, field(k), `v.${field(k).names.go}`, v, true));
  const [first] = Object.keys(rule.require);
  return {
    condition: [...applies, broken.length > 1 ? `(${broken.join(' || ')})` : broken[0]!].join(' && '),
    argument: `path+".${field(first!).names.go}"`,
    message: JSON.stringify(rule.message),
  };
}

/**
 * "The field (or its spec default when unset) equals value" as a Go expression, or with
 * `negate` "differs from value", written without a leading `!(…)`.
 */
function effectiveCompare(ir: ApiIR, f: Field, expr: string, value: string | number | boolean, negate: boolean): string {
  const type = goType(ir, f.type, f.constraints, 'input', new Imports(), !f.required);
  const literal = f.type.kind === 'enum' && typeof value === 'string' ? enumConst(ir, f.type.name, value) : goLiteral(value);
  const defaultMatches = f.defaultValue !== undefined && f.defaultValue === value;
  const compare = (x: string) => {
    if (type === 'bool' || type === '*bool') return value === !negate ? x : `!${x}`;
    return `${x} ${negate ? '!=' : '=='} ${literal}`;
  };
  if (type.startsWith('*')) {
    // Unset takes the default: it matches when the default equals value.
    const unsetMatches = defaultMatches !== negate;
    return unsetMatches ? `(${expr} == nil || ${compare(`*${expr}`)})` : `(${expr} != nil && ${compare(`*${expr}`)})`;
  }
  if (defaultMatches && !f.required) {
    const unset = `!(${goIsSet(f.type, type, expr)})`;
    return negate ? `(${goIsSet(f.type, type, expr)} && ${compare(expr)})` : `(${unset} || ${compare(expr)})`;
  }
  return compare(expr);
}

/** A sentence on what a caller may pass, from the spec's limits. */
function allowedText(ir: ApiIR, type: TypeRef, c: Constraints, optional: boolean, defaultValue?: string | number | boolean): string | undefined {
  const parts: string[] = [];
  if (type.kind === 'duration') {
    const ms = (n: number) => goDurationString(n);
    parts.push(`A whole number of milliseconds from ${ms(c.minimum ?? 0)} to ${ms(c.maximum ?? 86_400_000)}${optional ? '; zero means not set' : ''}.`);
  } else if (type.kind === 'integer' && (c.minimum !== undefined || c.maximum !== undefined)) {
    const range = c.minimum !== undefined && c.maximum !== undefined ? `From ${c.minimum} to ${c.maximum}` : c.minimum !== undefined ? `At least ${c.minimum}` : `At most ${c.maximum}`;
    parts.push(`${range}${optional && !(c.minimum !== undefined && c.minimum <= 0) ? '; zero means not set' : ''}.`);
  } else if (type.kind === 'enum') {
    const e = findEnum(ir, type.name);
    parts.push(`One of ${e.values.map((v) => `${e.names.go}${v.names.go}`).join(', ')}${optional ? '; empty means not set' : ''}.`);
  } else if (type.kind === 'array' && type.items.kind === 'enum') {
    const e = findEnum(ir, type.items.name);
    parts.push(`Each one of ${e.values.map((v) => goLiteral(v.value)).join(', ')} (the ${e.names.go} constants).`);
  } else if (type.kind === 'string' && type.format === 'date-time') {
    if (optional) parts.push('The zero time means not set.');
  } else if (type.kind === 'string' && (c.minLength !== undefined || c.maxLength !== undefined)) {
    if (c.maxLength !== undefined) parts.push(`At most ${c.maxLength} characters${optional ? '; empty means not set' : ''}.`);
  } else if (type.kind === 'boolean' && optional) {
    parts.push('Nil means not set.');
  }
  if (defaultValue !== undefined && type.kind !== 'duration') parts.push(`The server's default: ${goLiteral(defaultValue)}.`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Milliseconds as Go prints a time.Duration (`1s`, `24h0m0s`), for docs. */
function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0 || ms < 1000) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/**
 * The Go expression that checks a value (nil error when acceptable), or undefined when the Go
 * type already guarantees everything the spec asks. `argument` is a Go string expression.
 */
function checkExpr(ir: ApiIR, type: TypeRef, c: Constraints, expr: string, argument: string, optional: boolean): string | undefined {
  const where = 'where';
  switch (type.kind) {
    case 'string':
      if (type.format === 'date-time' || (c.minLength === undefined && c.maxLength === undefined)) return undefined;
      return `checkString(${where}, ${argument}, ${expr}, ${c.minLength ?? 0}, ${c.maxLength ?? -1}, ${optional})`;
    case 'duration':
      return `checkDuration(${where}, ${argument}, ${expr}, ${c.minimum ?? 0}, ${c.maximum ?? 9_223_372_036_854}, ${optional})`;
    case 'integer': {
      if (c.minimum === undefined && c.maximum === undefined) return undefined;
      const lo = c.minimum === undefined ? 'nil' : `bound(${c.minimum})`;
      const hi = c.maximum === undefined ? 'nil' : `bound(${c.maximum})`;
      const pointer = optional && (c.minimum === undefined || c.minimum <= 0) && (c.maximum === undefined || c.maximum >= 0);
      if (pointer) return undefined; // a pointer integer whose range holds 0: checked below when set
      const value = goIntType(c) === 'int64' ? expr : `int64(${expr})`;
      return `checkInt(${where}, ${argument}, ${value}, ${lo}, ${hi}, ${optional})`;
    }
    case 'enum':
      return `checkEnum(${where}, ${argument}, string(${expr}), ${valuesVar(findEnum(ir, type.name).names.go)}, ${optional})`;
    case 'array':
      if (type.items.kind === 'enum') return `checkEnums(${where}, ${argument}, ${expr}, ${valuesVar(findEnum(ir, type.items.name).names.go)})`;
      return undefined;
    case 'model':
      // Input models check themselves (nil-safe), naming their fields under argument.
      return `${expr}.check(${where}, ${argument})`;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Methods

interface ArgInfo {
  arg: SdkArg | undefined;
  /** Go name used in errors and docs: a parameter name or an options field. */
  goName: string;
  /** How generated code reads the value. */
  expr: string;
  type: TypeRef;
  goType: string;
  optional: boolean;
  constraints: Constraints;
  kind: 'id' | 'positional' | 'option';
}

function methodArgs(ir: ApiIR, m: SdkMethod, imports: Imports): ArgInfo[] {
  const out: ArgInfo[] = [];
  if (m.idParam) {
    const name = goParamName(m.idParam.names.go);
    out.push({
      arg: undefined,
      goName: name,
      expr: name,
      type: m.idParam.type,
      goType: goType(ir, m.idParam.type, m.idParam.constraints, 'input', imports),
      optional: false,
      constraints: m.idParam.constraints,
      kind: 'id',
    });
  }
  for (const a of m.positional) {
    const name = goParamName(a.names.go);
    out.push({
      arg: a,
      goName: name,
      expr: name,
      type: a.type,
      goType: goType(ir, a.type, a.constraints, 'input', imports),
      optional: !a.required,
      constraints: a.constraints,
      kind: 'positional',
    });
  }
  for (const a of m.options) {
    out.push({
      arg: a,
      goName: a.names.go,
      expr: `o.${a.names.go}`,
      type: a.type,
      goType: goType(ir, a.type, a.constraints, 'input', imports, true),
      optional: true,
      constraints: a.constraints,
      kind: 'option',
    });
  }
  return out;
}

function hasOwnOptions(m: SdkMethod): boolean {
  return m.options.length > 0;
}

function optionsTypeOf(m: SdkMethod): string {
  return hasOwnOptions(m) ? m.optionsTypeName : 'Options';
}

function optionsRef(m: SdkMethod): string {
  return hasOwnOptions(m) ? '&o.Options' : 'o';
}

/**
 * Spec names in doc text → Go names: the fields of public models, the SDK's methods, and (they
 * win) the method's own arguments.
 */
function docNames(ir: ApiIR, args: ArgInfo[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const model of ir.models.filter((x) => x.exposed)) for (const f of model.fields) names.set(f.name, f.names.go);
  for (const m of ir.sdk.methods) {
    names.set(m.name, m.names.go);
    for (const p of m.predicates) names.set(p.name, p.names.go);
  }
  for (const a of args) if (a.arg) names.set(a.arg.name, a.goName);
  return names;
}

function methodDoc(ir: ApiIR, m: SdkMethod, name: string, args: ArgInfo[], extra?: string): string[] {
  const names = docNames(ir, args);
  const description = renameCodeSpans(m.description, names);
  const positional = args
    .filter((a) => a.kind === 'positional')
    .map((a) => {
      const text = a.type.kind === 'duration' ? durationText(a.arg!.description) : a.arg!.description;
      const zero = a.optional ? ` Zero ${a.type.kind === 'duration' ? 'leaves it unset' : 'means not set'}.` : '';
      return `The argument ${a.goName}: ${lowerFirst((text ?? '').trim())}${zero}`;
    });
  return commentLines(`${name} ${thirdPerson(m.summary)}`, description, ...positional, extra);
}

function resultType(ir: ApiIR, type: TypeRef | undefined, imports: Imports): string | undefined {
  return type === undefined ? undefined : goType(ir, type, {}, 'output', imports);
}

/** `"/sandboxes/" + escape(sandboxID) + "/pause"` from the path template. */
function pathExpr(m: SdkMethod, args: ArgInfo[], imports: Imports): string {
  const parts = m.operation.path.split(/(\{[^}]+\})/).filter((p) => p !== '');
  return parts
    .map((part) => {
      const name = part.match(/^\{(.+)\}$/)?.[1];
      if (name === undefined) return JSON.stringify(part);
      const param = m.operation.params.find((p) => p.location === 'path' && p.wireName === name);
      const arg = param === m.idParam ? args.find((a) => a.kind === 'id') : args.find((a) => a.arg?.target.in === 'param' && a.arg.target.param === name);
      if (!param || !arg) throw new Error(`go emitter: ${m.operation.operationId} has no argument for path parameter ${name}`);
      if (param.type.kind === 'integer') {
        imports.add('strconv');
        return `escape(strconv.FormatInt(int64(${arg.expr}), 10))`;
      }
      return `escape(${arg.expr})`;
    })
    .join(' + ');
}

/** Statements that add one query parameter to `q`. */
function queryStmt(p: Param, a: ArgInfo | undefined, cursorVar: string | undefined, imports: Imports): string {
  const name = JSON.stringify(p.wireName);
  if (cursorVar !== undefined) return `if ${cursorVar} != "" {\nq.add(${name}, ${cursorVar})\n}`;
  if (!a) throw new Error(`go emitter: no argument for query parameter ${p.wireName}`);
  const guard = (stmt: string) => (a.optional ? `if ${goIsSet(a.type, a.goType, a.expr)} {\n${stmt}\n}` : stmt);
  const deref = a.goType.startsWith('*') ? `*${a.expr}` : a.expr;
  switch (p.serialization) {
    case 'form-explode':
      if (a.goType !== '[]string') throw new Error(`go emitter: only lists of strings or enums are supported in the query (${p.wireName})`);
      return `q.addEach(${name}, ${a.expr})`;
    case 'form-urlencoded-map':
      return `q.addMap(${name}, ${a.expr})`;
    case 'form': {
      let value: string;
      const base = a.goType.replace(/^\*/, '');
      if (a.type.kind === 'string' && a.type.format === 'date-time') value = `formatTime(${deref})`;
      else if (a.type.kind === 'enum') value = `string(${deref})`;
      else if (a.type.kind === 'duration') {
        imports.add('strconv');
        value = `strconv.FormatInt(${deref}.Milliseconds(), 10)`;
      } else if (base === 'int') {
        imports.add('strconv');
        value = `strconv.Itoa(${deref})`;
      } else if (base === 'int64') {
        imports.add('strconv');
        value = `strconv.FormatInt(${deref}, 10)`;
      } else if (base === 'float64') {
        imports.add('strconv');
        value = `strconv.FormatFloat(${deref}, 'f', -1, 64)`;
      } else if (base === 'bool') {
        imports.add('strconv');
        value = `strconv.FormatBool(${deref})`;
      } else if (base === 'string') value = deref;
      else throw new Error(`go emitter: query parameter ${p.wireName} has a type the query cannot carry`);
      return guard(`q.add(${name}, ${value})`);
    }
    default:
      throw new Error(`go emitter: query parameter ${p.wireName} has serialization ${p.serialization}`);
  }
}

/** The argument that fills a parameter or body field. */
function argFor(args: ArgInfo[], target: { in: 'param'; param: string } | { in: 'body'; field: string }): ArgInfo | undefined {
  return args.find((a) => {
    const t = a.arg?.target;
    if (!t || t.in !== target.in) return false;
    return t.in === 'param' ? t.param === (target as { param: string }).param : t.field === (target as { field: string }).field;
  });
}

function buildSend(ir: ApiIR, m: SdkMethod, args: ArgInfo[], imports: Imports): SendView {
  const op = m.operation;
  const params: ParamView[] = [
    ...args.filter((a) => a.kind !== 'option').map((a) => ({ name: a.goName, type: a.goType })),
    ...(hasOwnOptions(m) ? [{ name: 'o', type: `*${m.optionsTypeName}` }] : []),
  ];
  const responseType = m.returns.kind === 'void' ? undefined : resultType(ir, op.success.type, imports);
  const result = responseType === undefined ? undefined : { type: responseType, zero: goZero(responseType) };
  const query = op.params.filter((p) => p.location === 'query').map((p) => queryStmt(p, argFor(args, { in: 'param', param: p.wireName }), undefined, imports));
  const callFields: string[] = [`op: &${opVar(m)}`, `path: ${pathExpr(m, args, imports)}`, ...(query.length > 0 ? ['query: q.String()'] : [])];
  const headers = op.params.filter((p) => p.location === 'header');
  if (headers.length > 0) {
    const entries = headers.map((p) => {
      const a = argFor(args, { in: 'param', param: p.wireName });
      if (!a || a.goType !== 'string') throw new Error(`go emitter: header parameter ${p.wireName} must be a string argument`);
      return `${JSON.stringify(p.wireName)}: ${a.expr}`;
    });
    callFields.push(`header: map[string]string{${entries.join(', ')}}`);
  }
  let optionalBody: SendView['optionalBody'];
  if (op.body) {
    const model = findModel(ir, op.body.model);
    const fields = model.fields.map((f) => {
      const a = argFor(args, { in: 'body', field: f.name });
      if (!a) throw new Error(`go emitter: no argument fills body field ${model.name}.${f.name}`);
      return { a, value: a.type.kind === 'duration' ? `${a.expr}.Milliseconds()` : a.expr, name: wireFieldName(f) };
    });
    const expr = `&${wireTypeName(model)}{${fields.map((f) => `${f.name}: ${f.value}`).join(', ')}}`;
    if (op.body.required) callFields.push(`body: ${expr}`);
    // An optional body whose fields are all unset is not sent at all.
    else optionalBody = { condition: fields.map((f) => goIsSet(f.a.type, f.a.goType, f.a.expr)).join(' || '), expr };
    const secrets = fields.filter((f) => f.a.arg?.secretValues);
    if (secrets.length > 0) {
      for (const s of secrets) if (!s.a.goType.startsWith('map[string]string')) throw new Error('go emitter: secret values are supported on string maps only');
      callFields.push(`secrets: secretValues(${secrets.map((s) => s.a.expr).join(', ')})`);
    }
  }
  return {
    name: `send${m.names.go}`,
    doc: commentLines(`send${m.names.go} checks the arguments of ${m.names.go} and sends its request.`),
    params,
    results: result ? `(${result.type}, error)` : 'error',
    failReturn: result ? `return ${result.zero}, err` : 'return err',
    checks: checksOf(ir, args),
    query,
    callFields,
    optionalBody,
    result,
  };
}

function checksOf(ir: ApiIR, args: ArgInfo[]): string[] {
  return args.flatMap((a) => {
    const check = checkExpr(ir, a.type, a.constraints, a.expr, JSON.stringify(a.goName), a.optional);
    if (a.arg?.secretValues && check && a.type.kind !== 'map') throw new Error('go emitter: a check on a secret value would print it');
    return check ? [check] : [];
  });
}

function opVar(m: SdkMethod): string {
  const id = m.operation.operationId;
  return `op${id.charAt(0).toUpperCase()}${id.slice(1)}`;
}

function sendCallArgs(args: ArgInfo[], m: SdkMethod, idExpr: string): string {
  return [
    'ctx',
    'c',
    'where',
    ...args.filter((a) => a.kind !== 'option').map((a) => (a.kind === 'id' ? idExpr : a.goName)),
    ...(hasOwnOptions(m) ? ['o'] : []),
  ].join(', ');
}

function buildSandbox(ir: ApiIR): SandboxView {
  const imports = new Imports();
  imports.add('context');
  const view: SandboxView = {
    imports: [],
    operations: ir.sdk.methods.map((m) => ({
      name: opVar(m),
      fields: [
        `method: ${JSON.stringify(m.operation.httpMethod)}`,
        ...(m.operation.retrySafe ? ['retrySafe: true'] : []),
        ...(m.operation.idempotencyKeyHeader ? [`idempotencyKeyHeader: ${JSON.stringify(m.operation.idempotencyKeyHeader)}`] : []),
      ].join(', '),
    })),
    optionTypes: [],
    factories: [],
    statics: [],
    lists: [],
    byId: [],
    instance: [],
    sends: [],
    predicateSends: [],
    predicateById: [],
    predicateInstance: [],
  };
  const className = ir.sdk.className;

  for (const m of ir.sdk.methods) {
    const args = methodArgs(ir, m, imports);
    const name = m.names.go;
    if (hasOwnOptions(m)) view.optionTypes.push(optionsTypeView(ir, m, args));
    const publicParams = args.filter((a) => a.kind !== 'option').map((a) => ({ name: a.goName, type: a.goType }));

    if (m.returns.kind === 'list') {
      if (m.binding !== 'static') throw new Error(`go emitter: list method ${m.name} must have binding "static"`);
      view.lists.push(listView(ir, m, args, imports));
      continue;
    }
    view.sends.push(buildSend(ir, m, args, imports));
    const send = view.sends[view.sends.length - 1]!;

    if (m.binding === 'factory') {
      const response = m.operation.success.type;
      const model = response?.kind === 'model' ? findModel(ir, response.name) : undefined;
      const idField = model?.fields.find((f) => f.name === ir.sdk.idParamName);
      if (!idField) throw new Error(`go emitter: factory ${m.name} returns no ${ir.sdk.idParamName}`);
      view.factories.push({
        name,
        doc: methodDoc(ir, m, name, args, `The returned ${className} keeps the connection part of the options for its later calls.`),
        where: `${PKG}.${name}`,
        params: publicParams,
        optionsType: optionsTypeOf(m),
        optionsRef: optionsRef(m),
        results: `(*${className}, error)`,
        failReturn: 'return nil, err',
        sendCall: `${send.name}(${sendCallArgs(args, m, args.find((a) => a.kind === 'id')?.goName ?? '')})`,
        idField: idField.names.go,
      });
      continue;
    }
    const func: FuncView = {
      name: m.binding === 'instance' ? m.goByIdName! : name,
      doc: [],
      where: `${PKG}.${m.binding === 'instance' ? m.goByIdName! : name}`,
      params: publicParams,
      optionsType: optionsTypeOf(m),
      optionsRef: optionsRef(m),
      results: send.results,
      failReturn: send.failReturn,
      sendCall: `${send.name}(${sendCallArgs(args, m, args.find((a) => a.kind === 'id')?.goName ?? '')})`,
    };
    if (m.binding === 'static') {
      func.doc = methodDoc(ir, m, name, args);
      view.statics.push(func);
    } else {
      func.doc = commentLines(`${m.goByIdName} is [${className}.${name}] for a sandbox known only by its ID.`);
      view.byId.push(func);
      view.instance.push({
        ...func,
        name,
        doc: methodDoc(ir, m, name, args),
        where: `${className}.${name}`,
        params: publicParams.filter((p) => p.name !== args.find((a) => a.kind === 'id')?.goName),
        overRef: optionsRef(m),
        sendCall: `${send.name}(${sendCallArgs(args, m, 's.id')})`,
      });
    }
    for (const p of m.predicates) addPredicate(ir, view, m, p, args, send, imports);
  }
  view.imports = imports.list();
  return view;
}

function addPredicate(ir: ApiIR, view: SandboxView, m: SdkMethod, p: Predicate, args: ArgInfo[], send: SendView, imports: Imports): void {
  if (hasOwnOptions(m) || m.positional.length > 0) throw new Error(`go emitter: predicate ${p.name} needs a method without arguments`);
  const response = m.operation.success.type;
  const model = response?.kind === 'model' ? findModel(ir, response.name) : undefined;
  const field = model?.fields.find((f) => f.name === p.field);
  if (!field) throw new Error(`go emitter: predicate ${p.name} reads unknown field ${p.field}`);
  const value = field.type.kind === 'enum' ? enumConst(ir, field.type.name, p.equals) : goLiteral(p.equals);
  const name = p.names.go;
  const id = args.find((a) => a.kind === 'id');
  const params = id ? [{ name: id.goName, type: id.goType }] : [];
  if (p.falseOnStatus.length > 0) imports.add('errors');
  view.predicateSends.push({
    name: `send${name}`,
    doc: commentLines(`send${name} reads ${m.names.go} and compares its ${field.names.go}.`),
    params,
    sendCall: `${send.name}(${['ctx', 'c', 'where', ...params.map((x) => x.name)].join(', ')})`,
    statuses: p.falseOnStatus.join(', '),
    field: field.names.go,
    value,
  });
  const description = renameCodeSpans(p.description, docNames(ir, []));
  if (m.binding === 'instance') {
    view.predicateById.push({
      name: `${name}ByID`,
      doc: commentLines(`${name}ByID is [${ir.sdk.className}.${name}] for a sandbox known only by its ID, and it returns the error that ${ir.sdk.className}.${name} can only log.`, description),
      where: `${PKG}.${name}ByID`,
      params,
      optionsType: 'Options',
      optionsRef: 'o',
      results: '(bool, error)',
      failReturn: 'return false, err',
      sendCall: `send${name}(${['ctx', 'c', 'where', ...params.map((x) => x.name)].join(', ')})`,
    });
    view.predicateInstance.push({
      name,
      doc: commentLines(
        `${name} reports ${lowerFirst(description.replace(/^Whether /, 'whether '))}`,
        `Any other error (a server failure, a cancelled context, a disconnected ${ir.sdk.className}) also gives false, since this method has no error result; it is written to the debug log (Options.Debug). Use ${name}ByID to get the error.`,
      ),
      where: `${ir.sdk.className}.${name}`,
      sendCall: `send${name}(${['ctx', 'c', 'where', ...(id ? ['s.id'] : [])].join(', ')})`,
    });
  } else {
    view.predicateById.push({
      name,
      doc: commentLines(`${name} reports ${lowerFirst(description.replace(/^Whether /, 'whether '))}`),
      where: `${PKG}.${name}`,
      params,
      optionsType: 'Options',
      optionsRef: 'o',
      results: '(bool, error)',
      failReturn: 'return false, err',
      sendCall: `send${name}(${['ctx', 'c', 'where', ...params.map((x) => x.name)].join(', ')})`,
    });
  }
}

function optionsTypeView(ir: ApiIR, m: SdkMethod, args: ArgInfo[]): OptionsTypeView {
  const embeddedDoc =
    m.binding === 'factory'
      ? `Options say how to reach the API; the returned ${ir.sdk.className} keeps them for its later calls.`
      : m.binding === 'instance'
        ? `Options say how to reach the API. On a ${ir.sdk.className}'s method, the fields set here are laid over the ${ir.sdk.className}'s own for this call.`
        : 'Options say how to reach the API and how this call behaves.';
  const users = m.binding === 'instance' ? `[${m.goByIdName}] and [${ir.sdk.className}.${m.names.go}]` : `[${m.names.go}]`;
  return {
    name: m.optionsTypeName,
    doc: commentLines(`${m.optionsTypeName} are the options of ${users}. The zero value asks for the defaults.`),
    embeddedDoc: commentLines(embeddedDoc),
    fields: args
      .filter((a) => a.kind === 'option')
      .map((a) => {
        const description = a.type.kind === 'duration' ? durationText(a.arg!.description) : a.arg!.description;
        return {
          name: a.goName,
          type: a.goType,
          tag: '',
          doc: commentLines(
            description ? renameCodeSpans(description, docNames(ir, args)) : undefined,
            allowedText(ir, a.type, a.constraints, true, a.arg!.defaultValue),
          ),
        };
      }),
  };
}

function listView(ir: ApiIR, m: SdkMethod, args: ArgInfo[], imports: Imports): ListView {
  if (m.returns.kind !== 'list') throw new Error('unreachable');
  imports.add('iter');
  const p = m.returns.pagination;
  const page = m.operation.success.type;
  if (page?.kind !== 'model') throw new Error(`go emitter: list ${m.name} needs a page model`);
  const pageModel = findModel(ir, page.name);
  const items = pageModel.fields.find((f) => f.name === p.itemsField)!;
  const next = pageModel.fields.find((f) => f.name === p.nextCursorField)!;
  const itemType = modelTypeName(ir, p.itemModel);
  const name = m.names.go;
  const query = m.operation.params
    .filter((x) => x.location === 'query')
    .map((x) => queryStmt(x, argFor(args, { in: 'param', param: x.wireName }), x.wireName === p.cursorParam ? 'cursor' : undefined, imports));
  return {
    name,
    iterName: `${name}Iter`,
    doc: methodDoc(ir, m, name, args, `It returns every item of every page; ${name}Iter is the lazy form.`),
    iterDoc: commentLines(
      `${name}Iter is the lazy form of [${name}]: it fetches one page at a time, when the loop gets past the last item of the page before, and stops fetching when the loop stops. Nothing is sent before the loop starts.`,
      `An error (a refused argument included) ends the sequence: it comes as the second value, with a zero ${itemType}.`,
    ),
    where: `${PKG}.${name}`,
    iterWhere: `${PKG}.${name}Iter`,
    optionsType: optionsTypeOf(m),
    itemType,
    pageType: modelTypeName(ir, page.name),
    itemsField: wireFieldName(items),
    nextField: wireFieldName(next),
    opVar: opVar(m),
    pathExpr: pathExpr(m, args, imports),
    checks: checksOf(ir, args),
    query,
  };
}

// ---------------------------------------------------------------------------------------------
// Test-only dispatch table: neutral scenario calls → Go calls, without reflection.

function converterFor(ir: ApiIR, type: TypeRef, goTypeName: string): string {
  const base = goTypeName.replace(/^\*/, '');
  const ptr = goTypeName.startsWith('*');
  switch (type.kind) {
    case 'string':
      return type.format === 'date-time' ? 'asTime' : 'asString';
    case 'duration':
      return 'asDuration';
    case 'integer':
      return `${ptr ? 'asPtr(' : ''}asInt[${base}]${ptr ? ')' : ''}`;
    case 'number':
      return ptr ? 'asPtr(asFloat)' : 'asFloat';
    case 'boolean':
      return ptr ? 'asPtr(asBool)' : 'asBool';
    case 'enum':
      return `asEnum[${PKG}.${findEnum(ir, type.name).names.go}]`;
    case 'array':
      if (goTypeName === '[]string') return 'asStrings';
      throw new Error(`go emitter: the dispatch table cannot convert ${goTypeName}`);
    case 'map':
      if (goTypeName === 'map[string]string') return 'asStringMap';
      throw new Error(`go emitter: the dispatch table cannot convert ${goTypeName}`);
    case 'model':
      return `as${findModel(ir, type.name).names.go}`;
  }
}

function qualify(goTypeName: string, ir: ApiIR): string {
  const publicNames = new Set([...ir.models.filter((m) => m.exposed).map((m) => m.names.go), ...ir.enums.map((e) => e.names.go)]);
  return goTypeName.replace(/\b[A-Z]\w*\b/g, (w) => (publicNames.has(w) ? `${PKG}.${w}` : w));
}

function buildDispatch(ir: ApiIR, modulePath: string): DispatchView {
  const imports = new Imports();
  imports.add('context', 'errors');
  const entries: DispatchEntryView[] = [];
  for (const m of ir.sdk.methods) {
    const args = methodArgs(ir, m, new Imports());
    const positional = args.filter((a) => a.kind === 'positional');
    const options = args.filter((a) => a.kind === 'option');
    const argNames = args.map((a) => ({ go: a.goName, neutral: a.kind === 'id' ? ir.sdk.idParamName : a.arg!.name }));
    const fail = 'if err != nil {\nreturn nil, err\n}';
    const positionalStmts = positional.map((a, i) => {
      const fallback = a.arg!.defaultValue !== undefined ? goLiteral(a.arg!.defaultValue) : goZero(a.goType);
      if (a.type.kind === 'duration' && a.arg!.defaultValue !== undefined) throw new Error('go emitter: duration defaults are not supported in the dispatch table');
      return `${a.goName}, err := positional(d, ${i}, ${converterFor(ir, a.type, a.goType)}, ${qualify(fallback, ir)})\n${fail}`;
    });
    const optionsStmts = (base: string) => {
      if (!hasOwnOptions(m)) return [`if err := d.unknownOptions(); err != nil {\nreturn nil, err\n}`];
      return [
        `o := &${PKG}.${m.optionsTypeName}{Options: ${base}}`,
        `if err := errors.Join(\n${options.map((a) => `option(d, ${JSON.stringify(a.arg!.name)}, ${converterFor(ir, a.type, a.goType)}, &o.${a.goName}),`).join('\n')}\nd.unknownOptions(),\n); err != nil {\nreturn nil, err\n}`,
      ];
    };
    const optsArg = (base: string) => (hasOwnOptions(m) ? 'o' : `&${base}`);
    const callArgs = (base: string, withId: boolean) =>
      ['ctx', ...(withId && m.idParam ? ['d.id'] : []), ...positional.map((a) => a.goName), optsArg(base)].join(', ');
    const wrap = (call: string) => (m.returns.kind === 'void' ? `return nil, ${call}` : `return ${call}`);

    let classBody: string[];
    if (m.returns.kind === 'list') {
      classBody = [
        ...positionalStmts,
        ...optionsStmts('d.client'),
        `if d.take > 0 {\nreturn take(${PKG}.${m.names.go}Iter(${callArgs('d.client', true)}), d.take)\n}`,
        `return ${PKG}.${m.names.go}(${callArgs('d.client', true)})`,
      ];
    } else {
      const fn = m.binding === 'instance' ? m.goByIdName! : m.names.go;
      classBody = [...positionalStmts, ...optionsStmts('d.client'), wrap(`${PKG}.${fn}(${callArgs('d.client', true)})`)];
    }
    const instanceBody =
      m.binding === 'instance'
        ? [...positionalStmts, ...optionsStmts('d.call'), wrap(`s.${m.names.go}(${callArgs('d.call', false)})`)]
        : undefined;
    entries.push({ name: m.name, classBody, instanceBody, argNames });
    for (const p of m.predicates) {
      entries.push({
        name: p.name,
        classBody: [
          `if err := d.unknownOptions(); err != nil {\nreturn nil, err\n}`,
          `return ${PKG}.${p.names.go}${m.binding === 'instance' ? 'ByID' : ''}(${['ctx', ...(m.idParam ? ['d.id'] : []), '&d.client'].join(', ')})`,
        ],
        instanceBody:
          m.binding === 'instance' ? [`if err := d.unknownOptions(); err != nil {\nreturn nil, err\n}`, `return s.${p.names.go}(ctx, &d.call), nil`] : undefined,
        argNames,
      });
    }
  }
  const converters = ir.models
    .filter((m) => m.exposed && m.usage.input)
    .map((m) => ({
      name: `as${m.names.go}`,
      type: `${PKG}.${m.names.go}`,
      keys: m.fields.map((f) => JSON.stringify(f.name)).join(', '),
      fields: m.fields.map((f) => {
        const t = goType(ir, f.type, f.constraints, 'input', new Imports(), !f.required);
        return `field(fields, ${JSON.stringify(f.name)}, ${converterFor(ir, f.type, t)}, &out.${f.names.go}),`;
      }),
    }));
  if (entries.some((e) => [...e.classBody, ...(e.instanceBody ?? [])].some((s) => s.includes('time.')))) imports.add('time');
  return { modulePath, operations: ir.operations.map((o) => o.operationId), imports: imports.list(), entries, converters };
}
