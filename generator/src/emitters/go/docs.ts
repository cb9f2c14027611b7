/**
 * Go doc comments from spec text. Go wants a doc comment to start with the name it documents
 * and reads the text as plain paragraphs; these helpers decide the words, the templates print
 * the lines.
 */

const WIDTH = 96;

/**
 * `// `-prefixed lines of one or more paragraphs (a blank line between them). Each paragraph
 * is re-wrapped to one width, since spec text and generated sentences break lines differently;
 * list items and indented lines keep their own line.
 */
export function commentLines(...paragraphs: (string | undefined)[]): string[] {
  const blocks = paragraphs
    .filter((p): p is string => p !== undefined && p.trim() !== '')
    .flatMap((p) => p.trim().split(/\n\s*\n/));
  const lines: string[] = [];
  blocks.forEach((block, i) => {
    if (i > 0) lines.push('//');
    let current = '';
    const flush = () => {
      if (current !== '') lines.push(...wrap(current));
      current = '';
    };
    for (const raw of block.split('\n')) {
      if (/^(\s+|[-*] )/.test(raw)) {
        flush();
        lines.push(`// ${raw.trimEnd()}`);
      } else current = current === '' ? raw.trim() : `${current} ${raw.trim()}`;
    }
    flush();
  });
  return lines;
}

function wrap(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > WIDTH) {
      out.push(`// ${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(`// ${line}`);
  return out;
}

/** "Create a sandbox" → "creates a sandbox": a summary in the imperative, as a Go doc sentence. */
export function thirdPerson(summary: string): string {
  const [verb = '', ...rest] = summary.trim().split(' ');
  const lower = verb.toLowerCase();
  let conjugated: string;
  if (/(s|sh|ch|x|z|o)$/.test(lower)) conjugated = `${lower}es`;
  else if (/[^aeiou]y$/.test(lower)) conjugated = `${lower.slice(0, -1)}ies`;
  else conjugated = `${lower}s`;
  return [conjugated, ...rest].join(' ').replace(/\.?$/, '.');
}

/** "A sandbox and its current state." → "Info is a sandbox and its current state." */
export function isSentence(name: string, description: string | undefined): string {
  const text = (description ?? '').trim();
  if (text === '') return `${name} is part of the tensor-box API.`;
  if (text.startsWith(`${name} `)) return text;
  return `${name} is ${lowerFirst(text)}`;
}

/** Lower-cases the first letter unless the first word is an acronym or code. */
export function lowerFirst(text: string): string {
  if (/^[A-Z][A-Z0-9]/.test(text) || text.startsWith('`')) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * The spec counts durations in milliseconds; Go hands a `time.Duration`, so the unit words go.
 * (The IR could carry a unit-neutral description; until then this rewrites the two phrasings
 * the spec uses.)
 */
export function durationText(text: string | undefined): string | undefined {
  return text?.replace(/this many milliseconds/g, 'this long').replace(/ in milliseconds/g, '');
}

/** Spec names in backticks (`timeoutMs`) → the Go names of the same arguments. */
export function renameCodeSpans(text: string, names: Map<string, string>): string {
  return text.replace(/`([A-Za-z]+)`/g, (whole, name: string) => {
    const go = names.get(name);
    return go === undefined ? whole : go;
  });
}
