import { type ApiIR, type Constraints, findEnum, findModel, type Model, type TypeRef } from '../../ir/index.js';

/**
 * Go spellings of IR types. Every decision about how a spec type looks in Go is made here, so
 * the templates only print what they are given.
 */

/** Standard-library packages a generated file refers to, collected while types are spelled. */
export class Imports {
  private readonly used = new Set<string>();

  add(...paths: string[]): void {
    for (const p of paths) this.used.add(p);
  }

  list(): string[] {
    return [...this.used].sort();
  }
}

/** Where a type appears: a public result field, a public input (argument or input model), or a wire body. */
export type Position = 'output' | 'input' | 'wire';

const INT32_MAX = 2 ** 31 - 1;

/**
 * Integers whose spec limits fit 32 bits are `int` (page sizes); the others are `int64`, so byte
 * counts cannot overflow on 32-bit platforms.
 */
export function goIntType(c: Constraints): 'int' | 'int64' {
  return c.maximum !== undefined && c.maximum <= INT32_MAX && (c.minimum ?? 0) >= -INT32_MAX ? 'int' : 'int64';
}


/** Go name of a model as this package spells it: exposed models are public, wire envelopes not. */
export function modelTypeName(ir: ApiIR, name: string): string {
  const model = findModel(ir, name);
  return model.exposed ? model.names.go : wireTypeName(model);
}

/** Unexported name of a wire-only struct (a request body, a list page). */
export function wireTypeName(model: Model): string {
  return `${model.name.charAt(0).toLowerCase()}${model.name.slice(1)}Wire`;
}

/**
 * The Go type of a value.
 * - Dates are `time.Time`; durations `time.Duration` (whole milliseconds on the wire, so a wire
 *   struct holds `int64`).
 * - Enums are their open string type, except in an input list, which is `[]string`: the
 *   contract writes `State: []string{"running", "paused"}`, and Go cannot convert a `[]string`
 *   to a slice of a named string type.
 * - `optional` fields of a struct whose zero value is a valid value (a boolean, an integer
 *   range that holds 0) are pointers, so that "not set" and the zero value differ; every other
 *   optional uses its zero value for "not set" (the spec's limits exclude it).
 */
export function goType(ir: ApiIR, type: TypeRef, c: Constraints, position: Position, imports: Imports, optional = false): string {
  switch (type.kind) {
    case 'string':
      if (type.format === 'date-time') {
        imports.add('time');
        return 'time.Time';
      }
      return 'string';
    case 'integer': {
      const t = goIntType(c);
      return optional && position !== 'output' && zeroAllowed(c) ? `*${t}` : t;
    }
    case 'number':
      return optional && position !== 'output' && zeroAllowed(c) ? '*float64' : 'float64';
    case 'boolean':
      return optional && position !== 'output' ? '*bool' : 'bool';
    case 'duration':
      if (position === 'output') {
        throw new Error('go emitter: a duration in a response is not supported yet (it needs a JSON decoder from milliseconds)');
      }
      if (position === 'wire') return 'int64';
      imports.add('time');
      return 'time.Duration';
    case 'array': {
      if (type.items.kind === 'enum' && position !== 'output') return '[]string';
      return `[]${goType(ir, type.items, {}, position, imports)}`;
    }
    case 'map':
      return `map[string]${goType(ir, type.values, {}, position, imports)}`;
    case 'model': {
      const name = modelTypeName(ir, type.name);
      return optional ? `*${name}` : name;
    }
    case 'enum':
      return findEnum(ir, type.name).names.go;
  }
}

/** Whether 0 is inside the spec's limits (so it cannot double as "not set"). */
function zeroAllowed(c: Constraints): boolean {
  return (c.minimum === undefined || c.minimum <= 0) && (c.maximum === undefined || c.maximum >= 0);
}

/** The zero value of a Go type, for `return <zero>, err`. */
export function goZero(goTypeName: string): string {
  if (/^(\*|\[\]|map\[)/.test(goTypeName)) return 'nil';
  if (goTypeName === 'string') return '""';
  if (goTypeName === 'bool') return 'false';
  if (/^(int|int64|float64|time\.Duration)$/.test(goTypeName)) return '0';
  return `${goTypeName}{}`;
}

/** A Go expression that is true when a value of this type counts as set. */
export function goIsSet(type: TypeRef, goTypeName: string, expr: string): string {
  if (goTypeName.startsWith('*')) return `${expr} != nil`;
  if (goTypeName.startsWith('[]') || goTypeName.startsWith('map[')) return `len(${expr}) > 0`;
  if (goTypeName === 'time.Time') return `!${expr}.IsZero()`;
  if (goTypeName === 'string' || type.kind === 'enum') return `${expr} != ""`;
  if (goTypeName === 'bool') return expr;
  return `${expr} != 0`;
}

/** A Go literal for a scalar from the spec (a default, a rule value). */
export function goLiteral(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Go keywords and predeclared names a parameter must not shadow. */
const GO_RESERVED = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
  'ctx', 'opts', 'err', 'where', 'c', 's', 'o', 'r', 'out', 'q', 'len', 'string', 'error', 'any', 'new', 'make',
]);

/** A parameter name from a Go exported name: `SandboxID` → `sandboxID`, `Timeout` → `timeout`. */
export function goParamName(exported: string): string {
  const m = exported.match(/^([A-Z]+)(?=[A-Z][a-z]|$)/);
  const lowered = m && m[1]!.length > 1 ? m[1]!.toLowerCase() + exported.slice(m[1]!.length) : exported.charAt(0).toLowerCase() + exported.slice(1);
  return GO_RESERVED.has(lowered) ? `${lowered}Arg` : lowered;
}
