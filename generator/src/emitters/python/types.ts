import { type ApiIR, type Constraints, type EnumModel, findEnum, findModel, type Model, type TypeRef } from '../../ir/index.js';

/**
 * Python spellings of IR types, and the expressions that check, decode and encode them. The
 * decisions (which type, which check) come from the IR; this file only says how Python writes them.
 */

export type Direction = 'input' | 'output';

export interface TypeContext {
  ir: ApiIR;
  /** Inside a class that defines a method named `list`, builtins must be spelled `builtins.list`. */
  qualifyBuiltins: boolean;
  /** Names the annotation needs imported (`datetime`, `Sequence`, model names, …), collected here. */
  uses: Set<string>;
}

/**
 * The annotation users see. Arguments take the loosest fitting type (`Sequence`, `Mapping`) and
 * closed enums; results are concrete (`list`, `dict`) and enums are open (`SandboxState | str`).
 */
export function pyType(type: TypeRef, direction: Direction, ctx: TypeContext): string {
  const builtin = (name: string) => (ctx.qualifyBuiltins ? `builtins.${name}` : name);
  switch (type.kind) {
    case 'string':
      if (type.format === 'date-time') {
        ctx.uses.add('datetime');
        return 'datetime';
      }
      return 'str';
    case 'integer':
    case 'duration':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'array':
      if (direction === 'input') {
        ctx.uses.add('Sequence');
        return `Sequence[${pyType(type.items, direction, ctx)}]`;
      }
      return `${builtin('list')}[${pyType(type.items, direction, ctx)}]`;
    case 'map':
      if (direction === 'input') {
        ctx.uses.add('Mapping');
        return `Mapping[str, ${pyType(type.values, direction, ctx)}]`;
      }
      return `${builtin('dict')}[str, ${pyType(type.values, direction, ctx)}]`;
    case 'model':
      ctx.uses.add(findModel(ctx.ir, type.name).names.py);
      return findModel(ctx.ir, type.name).names.py;
    case 'enum': {
      const e = findEnum(ctx.ir, type.name);
      ctx.uses.add(e.names.py);
      return direction === 'output' && e.open ? `${e.names.py} | str` : e.names.py;
    }
  }
}

/** Helpers of `_core/decode.py` an expression uses, collected per module. */
export type Helpers = Set<string>;

/**
 * A function turning one JSON value of this type into the Python value, or undefined when the
 * JSON value is used as it is.
 */
function decodeFn(type: TypeRef, ir: ApiIR, helpers: Helpers): string | undefined {
  switch (type.kind) {
    case 'string':
      if (type.format !== 'date-time') return undefined;
      helpers.add('parse_datetime');
      return 'parse_datetime';
    case 'number':
      return 'float';
    case 'model':
      return `${findModel(ir, type.name).names.py}.from_dict`;
    case 'array':
    case 'map': {
      const inner = decodeFn(type.kind === 'array' ? type.items : type.values, ir, helpers);
      if (inner === undefined) return undefined;
      const helper = type.kind === 'array' ? 'list_of' : 'map_of';
      helpers.add(helper);
      helpers.add('partial');
      return `partial(${helper}, ${inner})`;
    }
    default:
      return undefined;
  }
}

/** The expression reading field `wire` of the JSON object `data`. */
export function decodeField(type: TypeRef, wire: string, required: boolean, ir: ApiIR, helpers: Helpers): string {
  const source = required ? `data[${JSON.stringify(wire)}]` : `data.get(${JSON.stringify(wire)})`;
  if (!required) {
    const fn = decodeFn(type, ir, helpers);
    if (fn === undefined) return source;
    helpers.add('optional');
    return `optional(${fn}, ${source})`;
  }
  if (type.kind === 'array' || type.kind === 'map') {
    const inner = decodeFn(type.kind === 'array' ? type.items : type.values, ir, helpers);
    if (inner === undefined) return source;
    const helper = type.kind === 'array' ? 'list_of' : 'map_of';
    helpers.add(helper);
    return `${helper}(${inner}, ${source})`;
  }
  const fn = decodeFn(type, ir, helpers);
  return fn === undefined ? source : `${fn}(${source})`;
}

/** A function turning a Python value of this type into its JSON form (for `to_dict`). */
function encodeFn(type: TypeRef, ir: ApiIR, helpers: Helpers): string | undefined {
  switch (type.kind) {
    case 'string':
      if (type.format !== 'date-time') return undefined;
      helpers.add('format_datetime');
      return 'format_datetime';
    case 'model':
      return `${findModel(ir, type.name).names.py}.to_dict`;
    case 'array':
    case 'map': {
      const inner = encodeFn(type.kind === 'array' ? type.items : type.values, ir, helpers);
      if (inner === undefined) return type.kind === 'array' ? 'list' : 'dict';
      const helper = type.kind === 'array' ? 'list_of' : 'map_of';
      helpers.add(helper);
      helpers.add('partial');
      return `partial(${helper}, ${inner})`;
    }
    default:
      return undefined;
  }
}

/** The JSON form of the attribute expression `expr` (never None here). */
export function encodeValue(type: TypeRef, expr: string, ir: ApiIR, helpers: Helpers): string {
  if (type.kind === 'array' || type.kind === 'map') {
    const inner = encodeFn(type.kind === 'array' ? type.items : type.values, ir, helpers);
    // A copy as a plain list / dict: arguments may be any Sequence / Mapping.
    if (inner === undefined) return `${type.kind === 'array' ? 'list' : 'dict'}(${expr})`;
    const helper = type.kind === 'array' ? 'list_of' : 'map_of';
    helpers.add(helper);
    return `${helper}(${inner}, ${expr})`;
  }
  const fn = encodeFn(type, ir, helpers);
  return fn === undefined ? expr : `${fn}(${expr})`;
}

/** Names of module-level constants in `_operations.py` that checks refer to. */
export function enumValuesConst(e: EnumModel): string {
  return `_${screaming(e.names.py)}_VALUES`;
}

export function modelCheckConst(m: Model): string {
  return `_CHECK_${screaming(m.names.py)}`;
}

function screaming(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The `v.…` check of a value of this type (see `_core/validate.py`). */
export function checkExpr(ir: ApiIR, type: TypeRef, c: Constraints, secret = false): string {
  const kw = (pairs: [string, number | string | undefined][]) =>
    pairs
      .filter(([, value]) => value !== undefined)
      .map(([k, value]) => `${k}=${typeof value === 'string' ? JSON.stringify(value) : value}`)
      .join(', ');
  switch (type.kind) {
    case 'string':
      if (type.format === 'date-time') return 'v.date_time()';
      return `v.string(${kw([['min_length', c.minLength], ['max_length', c.maxLength]])})`;
    case 'integer':
      return `v.integer(${kw([['minimum', c.minimum], ['maximum', c.maximum]])})`;
    case 'duration':
      return `v.integer(${kw([['minimum', c.minimum], ['maximum', c.maximum], ['unit', 'ms']])})`;
    case 'number':
      return 'v.number()';
    case 'boolean':
      return 'v.boolean()';
    case 'array':
      return `v.array(${checkExpr(ir, type.items, {})})`;
    case 'map':
      if (secret && type.values.kind !== 'string') throw new Error('secret values are supported for maps of strings only');
      return `v.mapping(${checkExpr(ir, type.values, {})}${secret ? ', secret=True' : ''})`;
    case 'enum':
      return `v.one_of(${enumValuesConst(findEnum(ir, type.name))})`;
    case 'model':
      return modelCheckConst(findModel(ir, type.name));
  }
}

