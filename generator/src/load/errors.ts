/** A problem in the spec, located by file, JSON pointer and (when known) line and column. */
export interface SpecProblem {
  file: string;
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

/** Thrown when the spec cannot be used; carries every problem found, not just the first. */
export class SpecError extends Error {
  readonly problems: SpecProblem[];

  constructor(problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
    this.problems = problems;
  }
}

export function formatProblem(p: SpecProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${where} ${p.pointer || '#'}: ${p.message}`;
}

/** RFC 6901 JSON pointer from path segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  return '#' + segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Path segments from an RFC 6901 pointer (`#/a/b~1c` → `['a', 'b/c']`). */
export function fromPointer(pointer: string): string[] {
  const body = pointer.replace(/^#/, '');
  if (body === '') return [];
  return body
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
