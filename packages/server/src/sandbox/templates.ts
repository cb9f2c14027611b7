/**
 * Templates: what a sandbox runs and its quota. A small JSON file (`templates.json` beside the
 * package by default, `--templates FILE` to replace it), checked at start-up so a mistake is
 * reported once, precisely, instead of at the first create.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Template {
  id: string;
  description: string;
  /** Run by /bin/sh -c in the sandbox's working folder. */
  command: string;
  cpuCount: number;
  memoryMB: number;
  diskGB: number;
}

/** The product's default quota (lifecycle contract): 2 vCPU, 2048 MiB, 40 GiB. */
const DEFAULTS = { cpuCount: 2, memoryMB: 2048, diskGB: 40 };
const LIMITS = { cpuCount: [1, 256], memoryMB: [16, 1024 * 1024], diskGB: [1, 64 * 1024] } as const;

export function defaultTemplatesFile(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates.json');
}

export function loadTemplates(file = defaultTemplatesFile()): Map<string, Template> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`templates file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message}`);
  }
  const fail = (where: string, problem: string): never => {
    throw new Error(`templates file ${file}: ${where} ${problem}`);
  };
  const list = (doc as { templates?: unknown } | null)?.templates;
  if (typeof list !== 'object' || list === null || Array.isArray(list)) fail('"templates"', 'must be an object of template name → template');
  const out = new Map<string, Template>();
  for (const [id, raw] of Object.entries(list as Record<string, unknown>)) {
    const where = `templates.${id}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) fail(where, 'has an invalid name (letters, digits, . _ -; at most 128)');
    if (typeof raw !== 'object' || raw === null) fail(where, 'must be an object');
    const t = raw as Record<string, unknown>;
    for (const key of Object.keys(t)) {
      if (!['description', 'command', 'cpuCount', 'memoryMB', 'diskGB'].includes(key)) fail(`${where}.${key}`, 'is not a template field');
    }
    if (typeof t.command !== 'string' || t.command.trim() === '') fail(`${where}.command`, 'must be a non-empty shell command');
    const quota = { ...DEFAULTS };
    for (const key of ['cpuCount', 'memoryMB', 'diskGB'] as const) {
      if (t[key] === undefined) continue;
      const [min, max] = LIMITS[key];
      const v = t[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`${where}.${key}`, `must be an integer from ${min} to ${max}`);
      quota[key] = v as number;
    }
    out.set(id, {
      id,
      description: typeof t.description === 'string' ? t.description : '',
      command: t.command as string,
      ...quota,
    });
  }
  if (out.size === 0) fail('"templates"', 'lists no template');
  return out;
}
