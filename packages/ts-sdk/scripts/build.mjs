// Builds the package: one ES module and one CommonJS file (fewer files load faster), each with
// the type declarations tsc emits beside it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });

// Type-check everything, and emit declarations for both formats.
for (const project of ['tsconfig.esm.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit' });
}
for (const [format, dir] of [['esm', 'dist/esm'], ['cjs', 'dist/cjs']]) {
  await build({
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(root, dir, 'index.js'),
    bundle: true,
    format,
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'warning',
  });
}
// Inside dist/cjs, .js files are CommonJS (the package itself is "type": "module").
mkdirSync(join(root, 'dist/cjs'), { recursive: true });
writeFileSync(join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
