import type { ApiIR, Constraints, TypeRef } from '../../ir/index.js';

/**
 * TypeScript spellings of IR types, and the expressions that check and decode them. The
 * decisions (which type, which check) come from the IR; this file only says how TS writes them.
 */

export type Direction = 'input' | 'output';

/** The TS type users see. Output enums are open (`Open<SandboxState>`); input enums are closed. */
export function tsType(type: TypeRef, direction: Direction): string {
  switch (type.kind) {
    case 'string':
      return type.format === 'date-time' ? 'Date' : 'string';
    case 'integer':
    case 'number':
    case 'duration':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = tsType(type.items, direction);
      return /[ |&]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'map':
      return `Record<string, ${tsType(type.values, direction)}>`;
    case 'model':
      return type.name;
    case 'enum':
      return direction === 'output' ? `Open<${type.name}>` : type.name;
  }
}

/** Does decoding change this value (dates become `Date`, models are rebuilt)? */
export function needsDecode(type: TypeRef): boolean {
  switch (type.kind) {
    case 'string':
      return type.format === 'date-time';
    case 'model':
      return true;
    case 'array':
      return needsDecode(type.items);
    case 'map':
      return needsDecode(type.values);
    default:
      return false;
  }
}

/** An expression turning the wire value `expr` into the user-facing value. */
export function decodeExpr(type: TypeRef, expr: string): string {
  switch (type.kind) {
    case 'string':
      return type.format === 'date-time' ? `decodeDate(${expr})` : expr;
    case 'model':
      return `decode${type.name}(${expr})`;
    case 'array': {
      if (!needsDecode(type.items)) return expr;
      const target = /\s/.test(expr) ? `(${expr})` : expr;
      return type.items.kind === 'model'
        ? `${target}.map(decode${type.items.name})`
        : `${target}.map((item) => ${decodeExpr(type.items, 'item')})`;
    }
    case 'map':
      return needsDecode(type.values) ? `decodeMap(${expr}, (value) => ${decodeExpr(type.values, 'value')})` : expr;
    default:
      return expr;
  }
}

/** An expression turning the user's value `expr` into its wire form (dates → ISO strings). */
export function encodeExpr(type: TypeRef, expr: string, optional: boolean): string {
  if (type.kind === 'string' && type.format === 'date-time') return optional ? `${expr}?.toISOString()` : `${expr}.toISOString()`;
  return expr;
}

/** The `v.…` checker expression for a value of this type (see core/validate.ts). */
export function checkExpr(ir: ApiIR, type: TypeRef, c: Constraints, secret = false): string {
  switch (type.kind) {
    case 'string':
      return type.format === 'date-time' ? 'v.date()' : `v.string(${literal(pick(c, ['minLength', 'maxLength']))})`;
    case 'integer':
      return `v.integer(${literal(pick(c, ['minimum', 'maximum']))})`;
    case 'duration':
      return `v.integer(${literal({ ...pick(c, ['minimum', 'maximum']), unit: 'ms' })})`;
    case 'number':
      return 'v.number()';
    case 'boolean':
      return 'v.boolean()';
    case 'array':
      return `v.array(${checkExpr(ir, type.items, {})})`;
    case 'map':
      return `v.map(${checkExpr(ir, type.values, {})}${secret ? ', true' : ''})`;
    case 'enum':
      return `v.oneOf(${type.name}Values)`;
    case 'model':
      return `check${type.name}`;
  }
}

/** A JS literal for a plain value, with keys in insertion order; `{}` prints as nothing. */
export function literal(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '';
    return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(v) || '{}'}`).join(', ')} }`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(value);
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/** A JSDoc description from spec text: trimmed, and a star-slash in it cannot end the comment early. */
export function docText(...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p && p.trim() !== '')
    .map((p) => p.trim().replace(/\*\//g, '*\\/'))
    .join('\n\n');
}
