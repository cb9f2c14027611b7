import type { LangNames } from './types.js';

/**
 * Naming rules: how a neutral lowerCamelCase name from the spec is spelled in each language.
 * Every emitter takes its names from here, so a name is decided once.
 */

/** Words that Go writes in capitals (Go's own convention: `SandboxID`, `APIKey`). */
const GO_INITIALISMS = new Set(['id', 'api', 'cpu', 'url', 'http', 'https', 'json', 'uuid', 'uri', 'ip', 'tls', 'ttl']);

const PY_RESERVED = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'type', 'id', 'list', 'dict', 'format',
]);

const TS_RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield',
  'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'options',
]);

/** Splits `memoryMB` → [memory, MB], `cpuUsedPct` → [cpu, Used, Pct], `Idempotency-Key` → [Idempotency, Key]. */
export function words(name: string): string[] {
  return name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+/g) ?? [name];
}

export function camelCase(name: string): string {
  return words(name)
    .map((w, i) => (i === 0 ? w.toLowerCase() : capitalize(w.toLowerCase())))
    .join('');
}

export function snakeCase(name: string): string {
  return words(name)
    .map((w) => w.toLowerCase())
    .join('_');
}

export function screamingSnakeCase(name: string): string {
  return snakeCase(name).toUpperCase();
}

export function kebabCase(name: string): string {
  return words(name)
    .map((w) => w.toLowerCase())
    .join('-');
}

/** Go exported spelling: `sandboxId` → `SandboxID`, `memoryMB` → `MemoryMB`. */
export function goName(name: string): string {
  return words(name)
    .map((w) => (GO_INITIALISMS.has(w.toLowerCase()) ? w.toUpperCase() : capitalize(w)))
    .join('');
}

/** A duration field drops its unit in Go, where the type carries it: `timeoutMs` → `Timeout`. */
export function goDurationName(name: string): string {
  return goName(name.replace(/Ms$/, ''));
}

export function pascalCase(name: string): string {
  return words(name)
    .map((w) => capitalize(w.toLowerCase()))
    .join('');
}

/** Names of a member (field, argument, method). */
export function memberNames(neutral: string, opts: { duration?: boolean } = {}): LangNames {
  return {
    ts: neutral,
    py: snakeCase(neutral),
    go: opts.duration ? goDurationName(neutral) : goName(neutral),
  };
}

/** Names of a type; Go may be overridden (`x-tensor-box-go-name`). */
export function typeNames(name: string, goOverride?: string): LangNames {
  return { ts: name, py: name, go: goOverride ?? name };
}

/** An identifier safe to use as a local variable / parameter in each language. */
export function safeTsIdent(name: string): string {
  return TS_RESERVED.has(name) ? `${name}_` : name;
}

export function safePyIdent(name: string): string {
  return PY_RESERVED.has(name) ? `${name}_` : name;
}

function capitalize(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}
