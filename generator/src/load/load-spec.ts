import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
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

export function parseSpecText(file: string, text: string): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems: SpecProblem[] = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { file, pointer: '', line: pos.line, column: pos.col, message: `YAML syntax error: ${firstLine(e.message)}` };
    });
    throw new SpecError(problems);
  }
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new SpecError([{ file, pointer: '', message: 'the spec must be a YAML or JSON object' }]);
  }

  const locate = (pointer: string): { line: number; column: number } | undefined => {
    let node: unknown = doc.contents;
    for (const segment of fromPointer(pointer)) {
      if (isMap(node)) node = node.get(segment, true);
      else if (isSeq(node)) node = node.get(Number(segment), true);
      else return undefined;
      if (node === undefined) return undefined;
    }
    const range = (node as YamlNode | null)?.range;
    if (!range) return undefined;
    const pos = lineCounter.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  };

  return { file, root: root as Record<string, unknown>, locate };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
