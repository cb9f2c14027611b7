import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { GeneratedFile } from '../emitters/types.js';
import { isGenerated, withHeader } from './header.js';

export interface Plan {
  /** Files whose content will change (new or different). */
  changed: { path: string; content: string; isNew: boolean }[];
  /** Generated files on disk that the spec no longer produces. */
  stale: string[];
  unchanged: number;
}

/** Compares what the emitters produced with what is on disk under the owned roots. */
export function planWrite(outDir: string, specPath: string, files: GeneratedFile[], roots: string[]): Plan {
  const produced = new Map<string, string>();
  for (const file of files) {
    if (produced.has(file.path)) throw new Error(`two emitters produced ${file.path}`);
    produced.set(file.path, withHeader(file.path, specPath, file.content));
  }
  const plan: Plan = { changed: [], stale: [], unchanged: 0 };
  for (const [path, content] of [...produced].sort(([a], [b]) => a.localeCompare(b))) {
    const abs = join(outDir, path);
    if (!existsSync(abs)) {
      plan.changed.push({ path, content, isNew: true });
      continue;
    }
    const current = readFileSync(abs, 'utf8');
    if (current === content) plan.unchanged++;
    else if (!isGenerated(current)) {
      throw new Error(`${path} exists and has no generated-file header; it looks handwritten, so it is left alone. Move it, then run again.`);
    } else plan.changed.push({ path, content, isNew: false });
  }
  for (const root of roots) {
    for (const path of listFiles(outDir, root)) {
      if (!produced.has(path) && isGenerated(readFileSync(join(outDir, path), 'utf8'))) plan.stale.push(path);
    }
  }
  plan.stale.sort();
  return plan;
}

/**
 * Applies a plan so that a failure leaves the previous output in place: every new file is
 * first written beside its target, and only when all are written are they renamed over the
 * old ones (a rename is atomic per file) and stale files removed.
 */
export function applyPlan(outDir: string, plan: Plan): void {
  const temps: { temp: string; target: string }[] = [];
  try {
    for (const file of plan.changed) {
      const target = join(outDir, file.path);
      mkdirSync(dirname(target), { recursive: true });
      const temp = `${target}.tensor-box-tmp-${process.pid}`;
      writeFileSync(temp, file.content);
      temps.push({ temp, target });
    }
  } catch (err) {
    for (const { temp } of temps) rmSync(temp, { force: true });
    throw err;
  }
  for (const { temp, target } of temps) renameSync(temp, target);
  for (const path of plan.stale) rmSync(join(outDir, path));
}

function listFiles(outDir: string, root: string): string[] {
  const base = join(outDir, root);
  if (!existsSync(base)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry === '.venv' || entry === '__pycache__' || entry === 'dist') continue;
      const abs = join(dir, entry);
      if (statSync(abs).isDirectory()) walk(abs);
      else out.push(relative(outDir, abs).split(sep).join('/'));
    }
  };
  walk(base);
  return out;
}
