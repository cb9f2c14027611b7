import { fromPointer, type SpecProblem, toPointer } from './errors.js';
import type { LoadedSpec } from './load-spec.js';
import { isRef, resolveRef } from './refs.js';

/**
 * A small declarative description of the JSON the generator accepts. `checkShape` walks the
 * document against it and reports every mismatch with its JSON pointer, so the IR builder can
 * trust what it reads.
 */
export type Shape =
  | { t: 'string'; oneOf?: readonly string[]; pattern?: RegExp; patternHint?: string }
  | { t: 'number' }
  | { t: 'integer' }
  | { t: 'boolean' }
  | { t: 'scalar' }
  | { t: 'any' }
  | { t: 'array'; items: Shape; minItems?: number }
  | {
      t: 'object';
      props: Record<string, Shape>;
      required?: readonly string[];
      /** Extra `x-…` keys are allowed (unknown vendor extensions are ignored). */
      extensions?: boolean;
      /** Keys that are valid OpenAPI but that the generator does not support. */
      unsupported?: Record<string, string>;
      /** Keys that are valid OpenAPI and ignored by the generator. */
      ignored?: readonly string[];
    }
  | { t: 'map'; values: Shape; keyPattern?: RegExp; keyHint?: string }
  /** The value may be a `$ref`; the target is checked against `shape` at its own location. */
  | { t: 'ref'; shape: Shape };

export function checkShape(spec: LoadedSpec, shape: Shape): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const checkedRefs = new Set<string>();

  const report = (segments: readonly (string | number)[], message: string) =>
    problems.push({ file: spec.file, pointer: toPointer(segments), message });

  const describe = (value: unknown): string =>
    value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : JSON.stringify(value);

  const walk = (value: unknown, s: Shape, at: (string | number)[]): boolean => {
    switch (s.t) {
      case 'any':
        return true;
      case 'string':
        if (typeof value !== 'string') return report(at, `must be a string, got ${describe(value)}`), false;
        if (s.oneOf && !s.oneOf.includes(value))
          return report(at, `must be one of ${s.oneOf.join(', ')}; got ${JSON.stringify(value)}`), false;
        if (s.pattern && !s.pattern.test(value))
          return report(at, `must be ${s.patternHint ?? `like ${s.pattern}`}; got ${JSON.stringify(value)}`), false;
        return true;
      case 'number':
      case 'integer':
        if (typeof value !== 'number' || (s.t === 'integer' && !Number.isInteger(value)))
          return report(at, `must be ${s.t === 'integer' ? 'an integer' : 'a number'}, got ${describe(value)}`), false;
        return true;
      case 'boolean':
        if (typeof value !== 'boolean') return report(at, `must be true or false, got ${describe(value)}`), false;
        return true;
      case 'scalar':
        if (!['string', 'number', 'boolean'].includes(typeof value))
          return report(at, `must be a string, number or boolean, got ${describe(value)}`), false;
        return true;
      case 'array': {
        if (!Array.isArray(value)) return report(at, `must be a list, got ${describe(value)}`), false;
        if (s.minItems !== undefined && value.length < s.minItems)
          return report(at, `must have at least ${s.minItems} item(s)`), false;
        let ok = true;
        value.forEach((item, i) => (ok = walk(item, s.items, [...at, i]) && ok));
        return ok;
      }
      case 'map': {
        if (!isPlainObject(value)) return report(at, `must be an object, got ${describe(value)}`), false;
        let ok = true;
        for (const [key, item] of Object.entries(value)) {
          if (s.keyPattern && !s.keyPattern.test(key)) {
            report([...at, key], `key ${JSON.stringify(key)} must be ${s.keyHint ?? `like ${s.keyPattern}`}`);
            ok = false;
            continue;
          }
          ok = walk(item, s.values, [...at, key]) && ok;
        }
        return ok;
      }
      case 'object': {
        if (!isPlainObject(value)) return report(at, `must be an object, got ${describe(value)}`), false;
        let ok = true;
        for (const key of s.required ?? []) {
          if (value[key] === undefined) report(at, `"${key}" is required`), (ok = false);
        }
        for (const [key, item] of Object.entries(value)) {
          const propShape = s.props[key];
          if (propShape) ok = walk(item, propShape, [...at, key]) && ok;
          else if (s.unsupported?.[key]) report([...at, key], s.unsupported[key]!), (ok = false);
          else if (s.ignored?.includes(key) || (s.extensions && key.startsWith('x-'))) continue;
          else report([...at, key], `unknown key "${key}" (allowed: ${Object.keys(s.props).join(', ')})`), (ok = false);
        }
        return ok;
      }
      case 'ref': {
        if (!isRef(value)) return walk(value, s.shape, at);
        const resolved = resolveRef(spec, value, toPointer(at));
        if ('problem' in resolved) return problems.push(resolved.problem), false;
        if (checkedRefs.has(resolved.pointer)) return true;
        checkedRefs.add(resolved.pointer);
        return walk(resolved.value, s.shape, fromPointer(resolved.pointer));
      }
    }
  };

  walk(spec.root, shape, []);
  return problems.map((p) => ({ ...p, ...spec.locate(p.pointer) }));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
