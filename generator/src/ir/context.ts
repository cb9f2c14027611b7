import { type LoadedSpec, type Resolved, resolveRef, SpecError, type SpecProblem, toPointer } from '../load/index.js';

/**
 * What the IR builders share: the spec, a way to follow `$ref`s, and a list of located
 * problems. Builders report a problem and carry on, so one run shows every mistake.
 */
export class BuildContext {
  readonly problems: SpecProblem[] = [];

  constructor(readonly spec: LoadedSpec) {}

  report(pointer: string | (string | number)[], message: string): void {
    const p = typeof pointer === 'string' ? pointer : toPointer(pointer);
    this.problems.push({ file: this.spec.file, pointer: p, message, ...this.spec.locate(p) });
  }

  /** Follows `$ref`s; the loader has already proven that every ref resolves. */
  deref<T>(value: unknown, pointer: string): Resolved<T> {
    const resolved = resolveRef(this.spec, value, pointer);
    if ('problem' in resolved) throw new SpecError([resolved.problem]);
    return resolved as Resolved<T>;
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) throw new SpecError(this.problems);
  }
}
