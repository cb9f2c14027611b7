import type { CodeBlockWriter, MethodDeclarationStructure, OptionalKind, WriterFunction } from 'ts-morph';
import { Scope } from './morph.js';
import type { Statements } from './statements.js';
import { type ApiIR, findModel, type Predicate, safeTsIdent, type SdkArg, type SdkMethod, type TypeRef } from '../../ir/index.js';
import { referencedTypeNames } from './models.js';
import { checkExpr, decodeExpr, docText, encodeExpr, literal, tsType } from './type-expr.js';

type Method = OptionalKind<MethodDeclarationStructure>;

/**
 * `sandbox.ts`: the class users hold. Each instance method is a one-line call of its static
 * by-ID twin; each static method checks its arguments, builds the request parts and hands them
 * to the handwritten core (`request`).
 */
export function writeSandboxClass(ir: ApiIR, file: Statements): void {
  const { className } = ir.sdk;
  const methods = ir.sdk.methods;
  addImports(ir, file);

  file.addTypeAlias({ name: 'Wire', type: "components['schemas']" });
  file.addWriter(constObject('How each operation goes on the wire (from the spec).', 'operations', operationEntries(ir), ' as const satisfies Record<string, OperationInfo>'));
  for (const m of methods) file.addWriter(constObject(undefined, `${m.names.ts}Checks`, checkEntries(ir, m)));
  for (const m of methods) addOptionTypes(ir, file, m);

  const classMethods: Method[] = [];
  for (const m of methods) {
    classMethods.push(staticMethod(ir, m));
    if (m.binding === 'instance') classMethods.push(instanceMethod(ir, m));
    for (const p of m.predicates) {
      classMethods.push(staticPredicate(ir, m, p));
      if (m.binding === 'instance') classMethods.push(instancePredicate(ir, p));
    }
  }
  file.addClass({
    name: className,
    isExported: true,
    extends: 'SandboxBase',
    docs: [docText(ir.sdk.classDescription)],
    ctors: [
      {
        scope: Scope.Protected,
        parameters: [
          { name: `${ir.sdk.idParamName}`, type: 'string' },
          { name: 'options', type: 'CallOptions' },
        ],
        statements: `super(${ir.sdk.idParamName}, options);`,
      },
    ],
    methods: classMethods,
  });
}

function addImports(ir: ApiIR, file: Statements): void {
  const methods = ir.sdk.methods;
  const hasInstance = methods.some((m) => m.binding === 'instance');
  file.addImportDeclarations([
    {
      moduleSpecifier: '../core/config.js',
      namedImports: [
        { name: 'CallOptions', isTypeOnly: true },
        ...(hasInstance ? [{ name: 'ConnectionOptions', isTypeOnly: true }, { name: 'RequestOptions', isTypeOnly: true }] : []),
        'resolveConfig',
      ],
    },
    ...(methods.some((m) => m.predicates.length > 0) ? [{ moduleSpecifier: '../core/errors.js', namedImports: ['APIError'] }] : []),
    { moduleSpecifier: '../core/http.js', namedImports: [{ name: 'OperationInfo', isTypeOnly: true }, 'compactBody', 'request'] },
    ...(methods.some((m) => m.returns.kind === 'list') ? [{ moduleSpecifier: '../core/paginator.js', namedImports: ['Paginator'] }] : []),
    { moduleSpecifier: '../core/sandbox-base.js', namedImports: ['SandboxBase'] },
    { moduleSpecifier: '../core/validate.js', namespaceImport: 'v' },
  ]);
  const checkers = new Set<string>();
  const decoders = new Set<string>();
  const typeStrings: string[] = [];
  for (const m of methods) {
    for (const arg of [...m.positional, ...m.options]) {
      collectCheckers(arg.type, checkers);
      typeStrings.push(tsType(arg.type, 'input'));
    }
    if (m.returns.kind === 'value') {
      typeStrings.push(tsType(m.returns.type, 'output'));
      collectDecoders(m.returns.type, decoders);
    }
    if (m.returns.kind === 'list') {
      typeStrings.push(m.returns.pagination.itemModel);
      const page = m.operation.success.type;
      if (page) collectDecoders(page, decoders);
    }
  }
  if (checkers.size > 0) file.addImportDeclaration({ moduleSpecifier: './checks.js', namedImports: [...checkers].sort() });
  if (decoders.size > 0) file.addImportDeclaration({ moduleSpecifier: './decode.js', namedImports: [...decoders].sort() });
  const types = referencedTypeNames(ir, typeStrings);
  if (types.length > 0) file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: './models.js', namedImports: types });
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: './wire.js', namedImports: ['components'] });
}

function collectCheckers(type: TypeRef, into: Set<string>): void {
  if (type.kind === 'enum') into.add(`${type.name}Values`);
  if (type.kind === 'model') into.add(`check${type.name}`);
  if (type.kind === 'array') collectCheckers(type.items, into);
  if (type.kind === 'map') collectCheckers(type.values, into);
}

function collectDecoders(type: TypeRef, into: Set<string>): void {
  if (type.kind === 'model') into.add(`decode${type.name}`);
  if (type.kind === 'array') collectDecoders(type.items, into);
  if (type.kind === 'map') collectDecoders(type.values, into);
}

/** `const name = {` one entry per line `}suffix;`, with an optional doc comment. */
function constObject(doc: string | undefined, name: string, entries: string[], suffix = ''): WriterFunction {
  return (w) => {
    if (doc) w.writeLine(`/** ${doc} */`);
    w.writeLine(`const ${name} = {`);
    w.indent(() => entries.forEach((e) => w.writeLine(e)));
    w.writeLine(`}${suffix};`);
  };
}

function operationEntries(ir: ApiIR): string[] {
  return ir.sdk.methods.map((m) => {
    const op = m.operation;
    const type = op.success.type;
    const info = {
      method: op.httpMethod,
      path: op.path,
      retrySafe: op.retrySafe,
      idempotencyKeyHeader: op.idempotencyKeyHeader,
      responseShape: type === undefined ? undefined : type.kind === 'array' ? 'array' : type.kind === 'model' || type.kind === 'map' ? 'object' : undefined,
    };
    return `${op.operationId}: ${literal(info)},`;
  });
}

/** Every argument's checker: the ID, positionals and options (grouped ones by their own name). */
function checkEntries(ir: ApiIR, m: SdkMethod): string[] {
  const lines: string[] = [];
  if (m.idParam) {
    const id = m.idParam;
    lines.push(`${id.names.ts}: { check: ${checkExpr(ir, id.type, id.constraints)}, required: true },`);
  }
  for (const arg of [...m.positional, ...m.options]) {
    const required = arg.required && arg.defaultValue === undefined;
    lines.push(`${arg.names.ts}: { check: ${checkExpr(ir, arg.type, arg.constraints, arg.secretValues)}, required: ${required} },`);
  }
  return lines;
}

function ungrouped(m: SdkMethod): SdkArg[] {
  return m.options.filter((a) => a.group === undefined);
}

function grouped(m: SdkMethod): SdkArg[] {
  return m.options.filter((a) => a.group !== undefined);
}

function groupName(m: SdkMethod): string | undefined {
  return grouped(m)[0]?.group;
}

/** Does the method have its own options type, or just the shared CallOptions / RequestOptions? */
function hasOwnOptions(m: SdkMethod): boolean {
  return m.options.length > 0;
}

function addOptionTypes(ir: ApiIR, file: Statements, m: SdkMethod): void {
  if (!hasOwnOptions(m)) return;
  const group = groupName(m);
  if (group && m.groupTypeName) {
    file.addInterface({
      name: m.groupTypeName,
      isExported: true,
      docs: [`Filters and paging of {@link ${ir.sdk.className}.${m.names.ts}}.`],
      properties: grouped(m).map((a) => argProperty(a)),
    });
  }
  file.addInterface({
    name: m.optionsTypeName,
    isExported: true,
    extends: [m.binding === 'instance' ? 'RequestOptions' : 'CallOptions'],
    docs: [`Options of {@link ${ir.sdk.className}.${m.names.ts}}.`],
    properties: [
      ...ungrouped(m).map((a) => argProperty(a)),
      ...(group && m.groupTypeName ? [{ name: group, type: m.groupTypeName, hasQuestionToken: true, docs: [`Filters and paging.`] }] : []),
    ],
  });
}

function argProperty(a: SdkArg) {
  return { name: a.names.ts, type: tsType(a.type, 'input'), hasQuestionToken: !a.required, docs: argDoc(a) ? [argDoc(a)] : [] };
}

function argDoc(a: SdkArg): string {
  return docText(a.description, a.defaultValue !== undefined ? `Default: \`${JSON.stringify(a.defaultValue)}\`.` : undefined);
}

function positionalParams(m: SdkMethod) {
  return m.positional.map((a) => {
    const name = safeTsIdent(a.names.ts);
    const type = tsType(a.type, 'input');
    if (a.defaultValue !== undefined) return { name, type, initializer: literal(a.defaultValue) };
    return { name, type, hasQuestionToken: !a.required };
  });
}

function staticOptionsType(m: SdkMethod): string {
  if (!hasOwnOptions(m)) return 'CallOptions';
  return m.binding === 'instance' ? `${m.optionsTypeName} & ConnectionOptions` : m.optionsTypeName;
}

function methodDocs(ir: ApiIR, m: SdkMethod, form: 'static' | 'instance'): string[] {
  const tags: string[] = [];
  if (form === 'static' && m.idParam) tags.push(`@param ${m.idParam.names.ts} ${m.idParam.description ?? 'The ID.'}`);
  for (const a of m.positional) tags.push(`@param ${safeTsIdent(a.names.ts)} ${argDoc(a) || a.name}`);
  tags.push(`@param options ${form === 'static' ? 'How to connect, and options of this call.' : 'Options of this call.'}`);
  const returns =
    m.returns.kind === 'list'
      ? 'Await it for every item (it follows the pages), or iterate it with `for await` to fetch one page at a time.'
      : m.returns.kind === 'instance'
        ? `A connected {@link ${ir.sdk.className}}.`
        : undefined;
  if (returns) tags.push(`@returns ${returns}`);
  return [docText(m.summary + '.', m.description, tags.join('\n'))];
}

function staticMethod(ir: ApiIR, m: SdkMethod): Method {
  const params = [
    ...(m.idParam ? [{ name: m.idParam.names.ts, type: 'string' }] : []),
    ...positionalParams(m),
    { name: 'options', type: staticOptionsType(m), initializer: '{}' },
  ];
  const returnType =
    m.returns.kind === 'list'
      ? `Paginator<${m.returns.pagination.itemModel}>`
      : `Promise<${m.returns.kind === 'instance' ? ir.sdk.className : m.returns.kind === 'void' ? 'void' : tsType(m.returns.type, 'output')}>`;
  return {
    name: m.names.ts,
    isStatic: true,
    isAsync: m.returns.kind !== 'list',
    parameters: params,
    returnType,
    docs: methodDocs(ir, m, 'static'),
    statements: staticBody(ir, m),
  };
}

/** The value expression of an argument inside the static method. */
function argValue(a: SdkArg, m: SdkMethod): string {
  if (m.positional.includes(a)) return safeTsIdent(a.names.ts);
  return a.group ? `${a.group}.${a.names.ts}` : `options.${a.names.ts}`;
}

function staticBody(ir: ApiIR, m: SdkMethod): WriterFunction {
  const op = m.operation;
  const where = `${ir.sdk.className}.${m.names.ts}`;
  const group = groupName(m);
  const allArgs = [...m.positional, ...m.options];
  const checkedValues = [...(m.idParam ? [m.idParam.names.ts] : []), ...allArgs.map((a) => property(a.names.ts, argValue(a, m)))];
  const optionKeys = [...ungrouped(m).map((a) => a.names.ts), ...(group ? [group] : [])];

  return (w) => {
    w.writeLine(`const where = '${where}';`);
    const check = () => {
      w.writeLine(`v.checkOptionKeys(where, 'options', options, ${literal(optionKeys)});`);
      if (group) {
        w.writeLine(`const ${group} = options.${group} ?? {};`);
        w.writeLine(`v.checkOptionKeys(where, 'options.${group}', ${group}, ${literal(grouped(m).map((a) => a.names.ts))}, false);`);
      }
      w.writeLine(`v.checkArgs(where, ${m.names.ts}Checks, { ${checkedValues.join(', ')} });`);
      w.writeLine('const config = resolveConfig(options, where);');
    };
    const send = () => writeRequest(w, ir, m);

    if (m.returns.kind === 'list') {
      const p = m.returns.pagination;
      const page = op.success.type as TypeRef;
      w.writeLine('// Checked when the first page is requested, so errors arrive the same way as for other calls.');
      w.writeLine('return new Paginator(async (cursor) => {');
      w.indent(() => {
        check();
        send();
        w.writeLine(`const page = ${decodeExpr(page, `data as ${wireType(page)}`)};`);
        w.writeLine(`return { items: page.${p.itemsField}, nextCursor: page.${p.nextCursorField} };`);
      });
      w.writeLine('});');
      return;
    }
    check();
    send();
    if (m.returns.kind === 'instance') {
      w.writeLine(`return new ${ir.sdk.className}((data as ${wireType(op.success.type as TypeRef)}).${ir.sdk.idParamName}, options);`);
    } else if (m.returns.kind === 'value') {
      w.writeLine(`return ${decodeExpr(m.returns.type, `data as ${wireType(m.returns.type)}`)};`);
    }
  };
}

/** `property: value`, or the shorthand when both are the same name. */
function property(name: string, value: string): string {
  return name === value ? name : `${name}: ${value}`;
}

/** `const data = await request(config, operations.x, { …parts, one per line });` */
function writeRequest(w: CodeBlockWriter, ir: ApiIR, m: SdkMethod): void {
  const parts = requestParts(ir, m);
  const target = m.returns.kind === 'void' ? 'await ' : 'const data = await ';
  const head = `${target}request(config, operations.${m.operation.operationId}`;
  if (parts.length === 0) {
    w.writeLine(`${head}, {});`);
    return;
  }
  w.writeLine(`${head}, {`);
  w.indent(() => parts.forEach((part) => w.writeLine(`${part},`)));
  w.writeLine('});');
}

function requestParts(ir: ApiIR, m: SdkMethod): string[] {
  const op = m.operation;
  const parts: string[] = [];
  const argFor = (wireName: string) => [...m.positional, ...m.options].find((a) => a.target.in === 'param' && a.target.param === wireName);
  const pagination = m.returns.kind === 'list' ? m.returns.pagination : undefined;

  const pathParams = op.params.filter((p) => p.location === 'path');
  if (pathParams.length > 0) parts.push(`pathParams: { ${pathParams.map((p) => property(p.wireName, p.names.ts)).join(', ')} }`);

  const query = op.params
    .filter((p) => p.location === 'query')
    .map((p) => {
      const value = pagination && p.wireName === pagination.cursorParam ? 'cursor' : encodeExpr(p.type, argValue(argFor(p.wireName)!, m), true);
      return `{ name: ${literal(p.wireName)}, style: ${literal(p.serialization)}, value: ${value} }`;
    });
  if (query.length > 0) parts.push(`query: [\n${query.map((q) => `  ${q},`).join('\n')}\n]`);

  const headers = op.params.filter((p) => p.location === 'header');
  if (headers.length > 0) parts.push(`headers: { ${headers.map((p) => `${literal(p.wireName)}: ${argValue(argFor(p.wireName)!, m)}`).join(', ')} }`);

  if (op.body) {
    const model = findModel(ir, op.body.model);
    const fields = model.fields.map((f) => {
      const arg = [...m.positional, ...m.options].find((a) => a.target.in === 'body' && a.target.field === f.name)!;
      return property(f.name, encodeExpr(f.type, argValue(arg, m), !f.required));
    });
    const body = `{ ${fields.join(', ')} } satisfies Wire['${model.name}']`;
    // An optional body whose fields are all unset is not sent at all.
    parts.push(op.body.required ? `body: ${body}` : `body: compactBody(${body})`);
  }
  // Values the spec marks secret (env vars) are redacted from any error or log line.
  const secrets = [...m.positional, ...m.options].filter((a) => a.secretValues && a.type.kind === 'map');
  if (secrets.length > 0) parts.push(`secrets: [${secrets.map((a) => `...Object.values(${argValue(a, m)} ?? {})`).join(', ')}]`);
  return parts;
}

function wireType(type: TypeRef): string {
  switch (type.kind) {
    case 'model':
    case 'enum':
      return `Wire['${type.name}']`;
    case 'array':
      return `${wireType(type.items)}[]`;
    case 'map':
      return `Record<string, ${wireType(type.values)}>`;
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      return 'number';
  }
}

function instanceMethod(ir: ApiIR, m: SdkMethod): Method {
  const optionsType = hasOwnOptions(m) ? m.optionsTypeName : 'RequestOptions';
  const positional = positionalParams(m);
  const args = [`this.${ir.sdk.idParamName}`, ...positional.map((p) => p.name), 'this.callOptions(options)'];
  const returnType = m.returns.kind === 'void' ? 'void' : m.returns.kind === 'value' ? tsType(m.returns.type, 'output') : ir.sdk.className;
  return {
    name: m.names.ts,
    isAsync: true,
    parameters: [...positional, { name: 'options', type: optionsType, hasQuestionToken: true }],
    returnType: `Promise<${returnType}>`,
    docs: methodDocs(ir, m, 'instance'),
    statements: `return ${ir.sdk.className}.${m.names.ts}(${args.join(', ')});`,
  };
}

function staticPredicate(ir: ApiIR, m: SdkMethod, p: Predicate): Method {
  const idParams = m.idParam ? [{ name: m.idParam.names.ts, type: 'string' }] : [];
  const statuses = literal(p.falseOnStatus);
  return {
    name: p.names.ts,
    isStatic: true,
    isAsync: true,
    parameters: [...idParams, { name: 'options', type: 'CallOptions', initializer: '{}' }],
    returnType: 'Promise<boolean>',
    docs: [docText(p.description, m.idParam ? `@param ${m.idParam.names.ts} ${m.idParam.description ?? ''}` : undefined)],
    statements: (w) => {
      const callArgs = [...idParams.map((x) => x.name), 'options'].join(', ');
      w.writeLine('try {');
      w.indent(() => {
        w.writeLine(`const result = await ${ir.sdk.className}.${m.names.ts}(${callArgs});`);
        w.writeLine(`return result.${p.field} === ${literal(p.equals)};`);
      });
      w.writeLine('} catch (err) {');
      w.indent(() => {
        if (p.falseOnStatus.length > 0) w.writeLine(`if (err instanceof APIError && ${statuses}.includes(err.status)) return false;`);
        w.writeLine('throw err;');
      });
      w.writeLine('}');
    },
  };
}

function instancePredicate(ir: ApiIR, p: Predicate): Method {
  return {
    name: p.names.ts,
    isAsync: true,
    parameters: [{ name: 'options', type: 'RequestOptions', hasQuestionToken: true }],
    returnType: 'Promise<boolean>',
    docs: [docText(p.description)],
    statements: `return ${ir.sdk.className}.${p.names.ts}(this.${ir.sdk.idParamName}, this.callOptions(options));`,
  };
}
