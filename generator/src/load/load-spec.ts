import { readFileSync } from 'node:fs';
import { CORE_SCHEMA, load as loadYaml, YAMLException } from 'js-yaml';
import { type Document, isMap, isSeq, LineCounter, type Node as YamlNode, parseDocument } from 'yaml';
import { fromPointer, SpecError, type SpecProblem } from './errors.js';

/** A parsed spec, with the means to locate any JSON pointer in its source. */
export interface LoadedSpec {
  /** The file as given (used in messages). */
  file: string;
  /** The document as plain JSON-compatible data. */
  root: Record<string, unknown>;
  /** Line and column (1-based) of the node at `pointer`, if it exists. */
  locate(pointer: string): { line: number; column: number } | undefined;
}

/** Reads and parses the spec. YAML (and therefore JSON) syntax errors are located. */
export function parseSpecFile(file: string): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    throw new SpecError([{ file, pointer: '', message: `cannot read the spec: ${reason}` }]);
  }
  return parseSpecText(file, text);
}

/**
 * Two parsers, for speed: js-yaml (YAML 1.2 core schema, several times faster) reads the data;
 * the `yaml` package, which keeps source positions, runs only when something must be located —
 * a syntax error, or a problem found later by validation.
 */
export function parseSpecText(file: string, text: string): LoadedSpec {
  let root: unknown;
  try {
    root = loadYaml(text, { schema: CORE_SCHEMA, filename: file });
  } catch (err) {
    throw new SpecError(syntaxProblems(file, text, err));
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new SpecError([{ file, pointer: '', message: 'the spec must be a YAML or JSON object' }]);
  }

  let positions: { doc: Document; lines: LineCounter } | undefined;
  const locate = (pointer: string): { line: number; column: number } | undefined => {
    if (!positions) {
      const lines = new LineCounter();
      positions = { doc: parseDocument(text, { lineCounter: lines }), lines };
    }
    let node: unknown = positions.doc.contents;
    for (const segment of fromPointer(pointer)) {
      if (isMap(node)) node = node.get(segment, true);
      else if (isSeq(node)) node = node.get(Number(segment), true);
      else return undefined;
      if (node === undefined) return undefined;
    }
    const range = (node as YamlNode | null)?.range;
    if (!range) return undefined;
    const pos = positions.lines.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  };

  return { file, root: root as Record<string, unknown>, locate };
}

/** Located syntax errors: the `yaml` parser's (it finds them all), else js-yaml's own. */
function syntaxProblems(file: string, text: string, err: unknown): SpecProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { file, pointer: '', line: pos.line, column: pos.col, message: `YAML syntax error: ${firstLine(e.message)}` };
    });
  }
  const mark = err instanceof YAMLException ? err.mark : undefined;
  const reason = err instanceof YAMLException ? err.reason : String(err);
  return [{ file, pointer: '', line: mark ? mark.line + 1 : undefined, column: mark ? mark.column + 1 : undefined, message: `YAML syntax error: ${reason}` }];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
