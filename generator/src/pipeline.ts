import { basename, relative, resolve, sep } from 'node:path';
import { EMITTERS, type Emitter, type GeneratedFile } from './emitters/index.js';
import { buildIR } from './ir/index.js';
import { loadSpec } from './load/index.js';
import { applyPlan, type Plan, planWrite } from './writer/write.js';

export interface GenerateOptions {
  specFile: string;
  outDir: string;
  templatesDir: string;
  /** Target names; empty means all. */
  targets: string[];
  /** Compare only; write nothing. */
  check: boolean;
}

export interface GenerateResult {
  plan: Plan;
  files: number;
}

/**
 * The whole pipeline: load → IR → emitters → writer. Any error before the writer's last step
 * leaves the output untouched.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const emitters = selectEmitters(options.targets);
  const specFile = resolve(options.specFile);
  const outDir = resolve(options.outDir);
  // Headers name the spec relative to the output root, or by file name when it lives elsewhere.
  const rel = relative(outDir, specFile).split(sep).join('/');
  const specPath = rel.startsWith('..') ? basename(specFile) : rel;

  const ctx = { outDir, specFile, templatesDir: resolve(options.templatesDir) };
  const prepared = emitters.map((e) => e.prepare?.(ctx));
  let ir;
  try {
    ir = buildIR(loadSpec(options.specFile), specPath);
  } catch (err) {
    prepared.forEach((p) => p?.cancel());
    throw err;
  }
  const outputs = await Promise.all(emitters.map((e, i) => e.emit(ir, ctx, prepared[i])));
  const files: GeneratedFile[] = outputs.flat();

  const plan = planWrite(outDir, specPath, files, emitters.flatMap((e) => e.roots));
  if (!options.check) applyPlan(outDir, plan);
  return { plan, files: files.length };
}

export class UsageError extends Error {}

function selectEmitters(targets: string[]): Emitter[] {
  if (targets.length === 0) return [...EMITTERS];
  return targets.map((name) => {
    const emitter = EMITTERS.find((e) => e.name === name);
    if (!emitter) throw new UsageError(`unknown target "${name}"; the targets are: ${EMITTERS.map((e) => e.name).join(', ')}`);
    return emitter;
  });
}
