import type { Emitter } from '../types.js';
import { buildTable } from './table.js';

const OUT_DIR = 'packages/cli/src/generated';

/**
 * The CLI target: the command table as data. The handwritten runtime in `packages/cli/src`
 * turns it into commands, so a spec operation with `x-tensor-box-cli` becomes a command with no
 * other edit.
 */
export const cliEmitter: Emitter = {
  name: 'cli',
  roots: [OUT_DIR],
  async emit(ir) {
    const table = buildTable(ir);
    const content = [
      `/** The ${ir.title} command table, from each operation's x-tensor-box-cli extension. */`,
      `import type { CommandSpec, GroupSpec, ModelSpec, ProgramSpec } from '../table.js';`,
      '',
      `export const PROGRAM: ProgramSpec = ${tsLiteral(table.program)};`,
      '',
      `export const GROUPS: GroupSpec[] = ${tsLiteral(table.groups)};`,
      '',
      `export const COMMANDS: CommandSpec[] = ${tsLiteral(table.commands)};`,
      '',
      `export const MODELS: Record<string, ModelSpec> = ${tsLiteral(table.models)};`,
      '',
    ].join('\n');
    return [{ path: `${OUT_DIR}/commands.ts`, content }];
  },
};

/**
 * A TypeScript literal of plain data, keys in insertion order: on one line when it fits,
 * else one property per line.
 */
export function tsLiteral(value: unknown, indent = ''): string {
  const flat = oneLine(value);
  if (flat.length + indent.length <= 96 || value === null || typeof value !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => `${inner}${tsLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${tsLiteral(v, inner)},`).join('\n')}\n${indent}}`;
}

function oneLine(value: unknown): string {
  if (value === null || value === undefined) return 'undefined';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${key(k)}: ${oneLine(v)}`).join(', ')} }`;
}

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
