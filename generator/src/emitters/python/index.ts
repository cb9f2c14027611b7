import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emitter, GeneratedFile } from '../types.js';
import { Templates } from './render.js';
import { flavours, initView, metaView, modelsView, operationsView, sandboxView } from './views.js';

const PACKAGE_DIR = 'packages/python-sdk';
const SOURCE_DIR = `${PACKAGE_DIR}/src/tensor_box`;
const OUT_DIR = `${SOURCE_DIR}/_generated`;

/**
 * The Python SDK (distribution `tensor-box`, import `tensor_box`): view models built in
 * `views.ts`, printed by the Handlebars templates of templates/python. One template renders both
 * `Sandbox` and `AsyncSandbox`. The runtime in `tensor_box/_core` is handwritten and never touched
 * here (the writer only replaces or removes files that carry the generated header).
 */
export const pythonEmitter: Emitter = {
  name: 'python',
  roots: [SOURCE_DIR],
  async emit(ir, ctx) {
    const templates = new Templates(join(ctx.templatesDir, 'python'));
    const version = pep440(packageVersion(ctx.outDir));
    const [sync, async_] = flavours(ir) as [ReturnType<typeof flavours>[0], ReturnType<typeof flavours>[0]];
    const files: GeneratedFile[] = [
      { path: `${SOURCE_DIR}/__init__.py`, content: templates.render('__init__.py.hbs', initView(ir, [sync, async_])) },
      { path: `${OUT_DIR}/__init__.py`, content: templates.render('_generated__init__.py.hbs', {}) },
      { path: `${OUT_DIR}/_meta.py`, content: templates.render('_meta.py.hbs', metaView(ir, version)) },
      { path: `${OUT_DIR}/models.py`, content: templates.render('models.py.hbs', modelsView(ir)) },
      { path: `${OUT_DIR}/_operations.py`, content: templates.render('_operations.py.hbs', operationsView(ir)) },
      { path: `${OUT_DIR}/${sync.module}.py`, content: templates.render('sandbox.py.hbs', sandboxView(ir, sync, async_)) },
      { path: `${OUT_DIR}/${async_.module}.py`, content: templates.render('sandbox.py.hbs', sandboxView(ir, async_, sync)) },
    ];
    return files;
  },
};

/**
 * The SDK's version: packages/python-sdk/package.json is the one place releases bump. Output
 * roots without that package (`--out /tmp/x`) get 0.0.0, as the TypeScript target does.
 */
function packageVersion(outDir: string): string {
  const file = join(outDir, PACKAGE_DIR, 'package.json');
  if (!existsSync(file)) return '0.0.0';
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  if (!pkg.version) throw new Error(`${file} has no version`);
  return pkg.version;
}

/** A semver version in PEP 440 spelling: `1.2.0-beta.3` → `1.2.0b3`, `1.2.0-rc.1` → `1.2.0rc1`. */
export function pep440(semver: string): string {
  const m = /^(\d+\.\d+\.\d+)(?:-(alpha|beta|rc|a|b)\.?(\d+))?$/.exec(semver);
  if (!m) throw new Error(`version ${semver} has no PEP 440 spelling (use x.y.z or x.y.z-alpha|beta|rc.N)`);
  const [, release, pre, n] = m;
  if (!pre) return release!;
  const tag = pre === 'alpha' ? 'a' : pre === 'beta' ? 'b' : pre;
  return `${release}${tag}${n}`;
}
