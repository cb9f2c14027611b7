import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { Emitter, GeneratedFile } from '../types.js';
import { buildView, type GoView } from './view.js';

const PACKAGE_DIR = 'packages/go-sdk';

/**
 * The templates, each rendering one generated file of package tensorbox. Handwritten runtime
 * files (core_*.go, tests, examples) live beside them and are never touched: the writer only
 * replaces or removes files that carry the generated-file header.
 */
const FILES: { template: string; output: string }[] = [
  { template: 'meta.go.hbs', output: 'gen_meta.go' },
  { template: 'models.go.hbs', output: 'gen_models.go' },
  { template: 'sandbox.go.hbs', output: 'gen_sandbox.go' },
  { template: 'dispatch_test.go.hbs', output: 'gen_dispatch_test.go' },
];

/** The Go SDK: a view model built from the IR, printed by Handlebars templates, then gofmt. */
export const goEmitter: Emitter = {
  name: 'go',
  roots: [PACKAGE_DIR],
  async emit(ir, ctx) {
    const view = buildView(ir, {
      version: packageVersion(ctx.outDir),
      modulePath: modulePath(ctx.outDir, ctx.templatesDir),
    });
    const hbs = Handlebars.create();
    return FILES.map(({ template, output }): GeneratedFile => {
      const source = readFileSync(join(ctx.templatesDir, 'go', template), 'utf8');
      const render = hbs.compile<GoView>(source, { noEscape: true, strict: true });
      // The blank line keeps the writer's header from becoming the package's doc comment.
      return { path: `${PACKAGE_DIR}/${output}`, content: `\n${gofmt(output, render(view))}` };
    });
  },
};

/**
 * Formats Go source with the toolchain's gofmt, so the output is exactly what `gofmt -l`
 * expects. A syntax error in the output is a bug in the emitter or a template: report it with
 * the line, so it is found before anything is written.
 */
function gofmt(name: string, source: string): string {
  const result = spawnSync('gofmt', [], { input: source, encoding: 'utf8' });
  if (result.error) {
    throw new Error(`go emitter: could not run gofmt (${result.error.message}); the Go target needs a Go toolchain on PATH`);
  }
  if (result.status !== 0) {
    const numbered = source
      .split('\n')
      .map((line, i) => `${String(i + 1).padStart(4)}  ${line}`)
      .join('\n');
    throw new Error(`go emitter: gofmt refused the generated ${name}:\n${result.stderr}\n${numbered}`);
  }
  return result.stdout;
}

/**
 * The SDK's version, from the npm wrapper's package.json (one version for every release tool);
 * 0.0.0 when the output root has none (generating elsewhere), as the TypeScript target does.
 */
function packageVersion(outDir: string): string {
  const file = join(outDir, PACKAGE_DIR, 'package.json');
  if (!existsSync(file)) return '0.0.0';
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  if (!pkg.version) throw new Error(`go emitter: ${file} has no "version"`);
  return pkg.version;
}

/**
 * The module path, from the handwritten go.mod (the generated test imports the package by
 * it): the output root's, else this repository's (generating elsewhere).
 */
function modulePath(outDir: string, templatesDir: string): string {
  const candidates = [join(outDir, PACKAGE_DIR, 'go.mod'), join(templatesDir, '..', PACKAGE_DIR, 'go.mod')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`go emitter: no go.mod at ${candidates.join(' or ')}`);
  const found = readFileSync(file, 'utf8').match(/^module\s+(\S+)/m);
  if (!found) throw new Error(`go emitter: ${file} has no module line`);
  return found[1]!;
}
