/**
 * How Python source text is spelled: literals, docstrings, imports and calls, written exactly as
 * `ruff format` (line length 120) and ruff's isort would leave them, so the generated package
 * passes `ruff format --check` without the generator running ruff.
 *
 * The layout rule for calls, tuples and lists is the formatter's own: a construct that fits on
 * its line stays on one line; one that does not is exploded one element per line with a trailing
 * comma (ruff keeps such a "magic trailing comma" layout as it is).
 */

export const LINE_LENGTH = 120;
export const INDENT = '    ';

/** A Python string literal, double-quoted unless that needs more escapes (ruff's preference). */
export function pyStr(value: string): string {
  const quote = value.includes('"') && !value.includes("'") ? "'" : '"';
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** A scalar as a Python literal. */
export function pyScalar(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`no Python literal for ${value}`);
    return String(value);
  }
  return pyStr(value);
}

/** A tuple literal of strings: `("a", "b")`, `("a",)`, `()`. */
export function pyStrTuple(values: string[]): string {
  if (values.length === 1) return `(${pyStr(values[0]!)},)`;
  return `(${values.map(pyStr).join(', ')})`;
}

/**
 * A docstring (with its quotes) whose continuation lines are indented by `indent`; the first line
 * goes wherever the template puts it. Lines longer than the line length are wrapped at spaces.
 */
export function docstring(text: string, indent: string): string {
  const escaped = text.trim().replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
  const width = LINE_LENGTH - indent.length;
  const lines = escaped.split('\n').map((l) => l.replace(/\s+$/, ''));
  // One line when it fits between its quotes.
  if (lines.length === 1 && lines[0]!.length + 6 <= width && !lines[0]!.endsWith('"')) return `"""${lines[0]}"""`;
  const wrapped = lines.flatMap((line, i) => wrap(line, i === 0 ? width - 3 : width));
  const body = wrapped.map((l, i) => (i === 0 || l === '' ? l : `${indent}${l}`));
  return `"""${body.join('\n')}\n${indent}"""`;
}

/** Greedy wrapping at spaces; an indented line (an `Args:` entry) continues one level deeper. */
function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const lead = /^\s*/.exec(line)![0];
  const hang = lead === '' ? '' : `${lead}${INDENT}`;
  const out: string[] = [];
  let current = '';
  for (const word of line.trim().split(/ +/)) {
    const next = current === '' ? `${out.length === 0 ? lead : hang}${word}` : `${current} ${word}`;
    if (next.length > width && current !== '') {
      out.push(current);
      current = `${hang}${word}`;
    } else current = next;
  }
  out.push(current);
  return out;
}

/** A bracketed construct the formatter may explode: a call (`head(`), a tuple or a list. */
export interface Bracketed {
  head: string;
  open: '(' | '[' | '{';
  items: Code[];
  close: string;
  /** A one-element tuple needs its comma even on one line. */
  singleTuple?: boolean;
}

export type Code = string | Bracketed;

export function call(head: string, items: Code[]): Bracketed {
  return { head, open: '(', items, close: ')' };
}

export function tuple(items: Code[]): Bracketed {
  return { head: '', open: '(', items, close: ')', singleTuple: items.length === 1 };
}

/** `name=(a, b)`: a keyword argument whose tuple the formatter may explode. */
export function keywordTuple(name: string, items: Code[]): Bracketed {
  return { head: `${name}=`, open: '(', items, close: ')', singleTuple: items.length === 1 };
}

/** `name={"a": 1}`: a keyword argument whose dict entries (`"a": 1`) the formatter may explode. */
export function keywordDict(name: string, entries: string[]): Bracketed {
  return { head: `${name}=`, open: '{', items: entries, close: '}' };
}

export function list(items: Code[]): Bracketed {
  return { head: '', open: '[', items, close: ']' };
}

/** The one-line form. */
export function flat(code: Code): string {
  if (typeof code === 'string') return code;
  const inner = code.items.map(flat).join(', ');
  return `${code.head}${code.open}${inner}${code.singleTuple ? ',' : ''}${code.close}`;
}

/**
 * `prefix + code + suffix` as lines for a statement at `indent`: the first line without the
 * indentation (the template writes it), continuation lines with it.
 */
export function layout(code: Code, indent: string, prefix = '', suffix = ''): string {
  const one = `${prefix}${flat(code)}${suffix}`;
  if (typeof code === 'string' || indent.length + one.length <= LINE_LENGTH || code.items.length === 0) return one;
  const inner = indent + INDENT;
  const items = code.items.map((item) => `${inner}${layout(item, inner, '', ',')}`);
  return `${prefix}${code.head}${code.open}\n${items.join('\n')}\n${indent}${code.close}${suffix}`;
}

/** One import statement. */
export interface Import {
  /** `from` module (`..core.errors`, `typing`) or, with `names` empty, a plain `import module`. */
  module: string;
  names: string[];
  alias?: string;
}

/** ruff's isort: constants, then classes, then the rest; case-sensitive order within each. */
function nameRank(name: string): number {
  const bare = name.split(' as ')[0]!;
  if (bare.length > 1 && bare === bare.toUpperCase()) return 0;
  if (/^[A-Z]/.test(bare)) return 1;
  return 2;
}

export function sortNames(names: string[]): string[] {
  return [...new Set(names)].sort((a, b) => nameRank(a) - nameRank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Import lines in ruff's isort order for one section group: `import x` lines first, then `from`
 * lines; relative modules furthest first (`..` before `.`).
 */
export function importLines(imports: Import[], indent = ''): string[] {
  const merged = new Map<string, Set<string>>();
  const plain = new Set<string>();
  for (const imp of imports) {
    if (imp.names.length === 0) {
      plain.add(imp.alias ? `${imp.module} as ${imp.alias}` : imp.module);
      continue;
    }
    const set = merged.get(imp.module) ?? new Set<string>();
    imp.names.forEach((n) => set.add(n));
    merged.set(imp.module, set);
  }
  const depth = (m: string) => /^\.*/.exec(m)![0].length;
  const modules = [...merged.keys()].sort((a, b) => depth(b) - depth(a) || (a.replace(/^\.+/, '') < b.replace(/^\.+/, '') ? -1 : 1));
  const lines = [...plain].sort().map((m) => `${indent}import ${m}`);
  for (const module of modules) {
    const names = sortNames([...merged.get(module)!]);
    const one = `${indent}from ${module} import ${names.join(', ')}`;
    if (one.length <= LINE_LENGTH) lines.push(one);
    else lines.push(`${indent}from ${module} import (\n${names.map((n) => `${indent}${INDENT}${n},`).join('\n')}\n${indent})`);
  }
  return lines;
}

/** `__all__` in ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest. */
export function sortAll(names: string[]): string[] {
  const rank = (n: string) => (n === n.toUpperCase() && /[A-Z]/.test(n) ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
