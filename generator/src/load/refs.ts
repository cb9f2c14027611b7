import { fromPointer, type SpecProblem, toPointer } from './errors.js';
import type { LoadedSpec } from './load-spec.js';

/** A value found by following `$ref`s, with where it really lives. */
export interface Resolved<T = unknown> {
  value: T;
  pointer: string;
  /** The last path segment of the final `$ref` (a component name), if a ref was followed. */
  refName?: string;
}

const MAX_REF_HOPS = 32;

/** Looks up a JSON pointer in the document; `undefined` when it does not exist. */
export function getAt(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const segment of fromPointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
    if (node === undefined) return undefined;
  }
  return node;
}

export function isRef(value: unknown): value is { $ref: string } {
  return value !== null && typeof value === 'object' && typeof (value as { $ref?: unknown }).$ref === 'string';
}

/**
 * Follows `$ref` chains from `value` (found at `pointer`). Only local refs (`#/…`) are
 * supported. Returns a problem instead of a value when a ref dangles, is external or loops.
 */
export function resolveRef(
  spec: LoadedSpec,
  value: unknown,
  pointer: string,
): Resolved | { problem: SpecProblem } {
  let current: Resolved = { value, pointer };
  const seen = new Set<string>();
  for (let hop = 0; isRef(current.value); hop++) {
    const ref = current.value.$ref;
    const refPointer = toPointer([...fromPointer(current.pointer), '$ref']);
    const problem = (message: string) => ({ problem: { file: spec.file, pointer: refPointer, message } });
    if (!ref.startsWith('#')) return problem(`external $ref "${ref}" is not supported; put the definition in this file`);
    if (seen.has(ref) || hop > MAX_REF_HOPS) return problem(`$ref "${ref}" loops back to itself`);
    seen.add(ref);
    const target = getAt(spec.root, ref);
    if (target === undefined) return problem(`$ref "${ref}" points to nothing`);
    const segments = fromPointer(ref);
    current = { value: target, pointer: ref, refName: segments[segments.length - 1] };
  }
  return current;
}
