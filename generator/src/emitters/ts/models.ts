import { VariableDeclarationKind } from './morph.js';
import type { Statements } from './statements.js';
import { type ApiIR, type Field, inputModelsInDependencyOrder } from '../../ir/index.js';
import { checkExpr, decodeExpr, type Direction, docText, literal, tsType } from './type-expr.js';

/** `models.ts`: the public types (enums and the exposed models). */
export function writeModels(ir: ApiIR, file: Statements): void {
  if (ir.enums.length > 0 && ir.models.some((m) => m.exposed && m.usage.output)) {
    file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: '../core/types.js', namedImports: ['Open'] });
  }
  for (const e of ir.enums) {
    file.addTypeAlias({
      name: e.names.ts,
      isExported: true,
      type: e.values.map((v) => literal(v.value)).join(' | '),
      docs: [docText(e.description, ...e.values.filter((v) => v.description).map((v) => `- \`${v.value}\`: ${v.description}`))],
    });
  }
  for (const model of ir.models.filter((m) => m.exposed)) {
    const direction: Direction = model.usage.output ? 'output' : 'input';
    file.addInterface({
      name: model.names.ts,
      isExported: true,
      docs: model.description ? [docText(model.description)] : [],
      properties: model.fields.map((f) => ({
        name: f.names.ts,
        type: tsType(f.type, direction),
        hasQuestionToken: !f.required,
        docs: fieldDoc(f),
      })),
    });
  }
}

function fieldDoc(f: Field): string[] {
  const text = docText(f.description, f.defaultValue !== undefined ? `Default: \`${JSON.stringify(f.defaultValue)}\`.` : undefined);
  return text ? [text] : [];
}

/** `decode.ts`: wire → public values for every model a response carries (internal). */
export function writeDecoders(ir: ApiIR, file: Statements): void {
  const outputs = ir.models.filter((m) => m.usage.output);
  // Import only the helpers the decoders below call.
  const helpers = ['decodeDate', 'decodeMap'].filter((h) => outputs.some((m) => m.fields.some((f) => decodeFieldExpr(f).includes(`${h}(`))));
  if (helpers.length > 0) file.addImportDeclaration({ moduleSpecifier: '../core/decode.js', namedImports: helpers });
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: './wire.js', namedImports: ['components'] });
  const envelopes = outputs.filter((m) => !m.exposed);
  const used = referencedTypeNames(ir, [
    ...outputs.filter((m) => m.exposed).map((m) => m.names.ts),
    ...envelopes.flatMap((m) => m.fields.map((f) => tsType(f.type, 'output'))),
  ]);
  if (used.length > 0) file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: './models.js', namedImports: used });
  if (envelopes.some((m) => m.fields.some((f) => tsType(f.type, 'output').includes('Open<')))) {
    file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: '../core/types.js', namedImports: ['Open'] });
  }
  for (const model of outputs) {
    file.addFunction({
      name: `decode${model.name}`,
      isExported: true,
      parameters: [{ name: 'wire', type: `components['schemas']['${model.name}']` }],
      returnType: model.exposed ? model.names.ts : `Decoded${model.name}`,
      statements: (w) => {
        w.writeLine('return {');
        w.indent(() => model.fields.forEach((f) => w.writeLine(`${f.names.ts}: ${decodeFieldExpr(f)},`)));
        w.writeLine('};');
      },
    });
  }
  // Envelopes (a page of a list) are not public types, but their decoded shape needs a name.
  for (const model of envelopes) {
    file.addInterface({
      name: `Decoded${model.name}`,
      isExported: true,
      properties: model.fields.map((f) => ({ name: f.names.ts, type: tsType(f.type, 'output'), hasQuestionToken: !f.required })),
    });
  }
}

/** Public type names (models, enums) that appear in the given TS type strings, sorted. */
export function referencedTypeNames(ir: ApiIR, typeStrings: string[]): string[] {
  const known = new Set([...ir.models.filter((m) => m.exposed).map((m) => m.names.ts), ...ir.enums.map((e) => e.names.ts)]);
  const found = new Set<string>();
  for (const t of typeStrings) for (const word of t.match(/\b[A-Z]\w*\b/g) ?? []) if (known.has(word)) found.add(word);
  return [...found].sort();
}

function decodeFieldExpr(f: Field): string {
  const source = `wire.${f.name}`;
  const decoded = decodeExpr(f.type, source);
  if (decoded === source || f.required) return decoded;
  return `${source} === undefined ? undefined : ${decoded}`;
}

/** `checks.ts`: argument checkers for request models and enum value lists (internal). */
export function writeChecks(ir: ApiIR, file: Statements): void {
  file.addImportDeclaration({ moduleSpecifier: '../core/validate.js', namespaceImport: 'v' });
  for (const e of ir.enums) {
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: `${e.names.ts}Values`, initializer: `${literal(e.values.map((x) => x.value))} as const` }],
    });
  }
  for (const model of inputModelsInDependencyOrder(ir)) {
    const fields = model.fields
      .map((f) => `${f.names.ts}: { check: ${checkExpr(ir, f.type, f.constraints, f.secretValues)}, required: ${f.required} }`)
      .join(', ');
    const rules = model.rules.map((r) => literal(r));
    const defaults = Object.fromEntries(model.fields.filter((f) => f.defaultValue !== undefined).map((f) => [f.names.ts, f.defaultValue]));
    file.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: `check${model.name}`,
          initializer: `v.object({ ${fields} }, [${rules.join(', ')}], ${literal(defaults) || '{}'})`,
        },
      ],
    });
  }
}
