import { SpecError, type SpecProblem, toPointer } from './errors.js';
import { type LoadedSpec, parseSpecFile } from './load-spec.js';
import { documentShape } from './openapi-shape.js';
import { isRef, resolveRef } from './refs.js';
import { checkShape } from './shape.js';

export { SpecError, formatProblem, toPointer, fromPointer, type SpecProblem } from './errors.js';
export type { LoadedSpec } from './load-spec.js';
export { parseSpecText } from './load-spec.js';
export { getAt, isRef, resolveRef, type Resolved } from './refs.js';

/**
 * Stage 1 of the pipeline: read, parse and validate the spec. Throws a `SpecError` listing
 * every problem (file, JSON pointer, line, what is wrong); returns only a spec the IR builder
 * can trust.
 */
export function loadSpec(file: string): LoadedSpec {
  return validateSpec(parseSpecFile(file));
}

export function validateSpec(spec: LoadedSpec): LoadedSpec {
  const problems = [...checkAllRefs(spec), ...checkShape(spec, documentShape)];
  if (problems.length > 0) throw new SpecError(dedupe(problems));
  return spec;
}

/** Every `$ref` anywhere in the document must resolve (including in examples). */
function checkAllRefs(spec: LoadedSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const visit = (node: unknown, at: (string | number)[]) => {
    if (node === null || typeof node !== 'object') return;
    if (isRef(node)) {
      const resolved = resolveRef(spec, node, toPointer(at));
      if ('problem' in resolved) problems.push({ ...resolved.problem, ...spec.locate(resolved.problem.pointer) });
      return;
    }
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, [...at, i]));
    else for (const [key, value] of Object.entries(node)) visit(value, [...at, key]);
  };
  visit(spec.root, []);
  return problems;
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
