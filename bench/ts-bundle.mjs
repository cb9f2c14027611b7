// Size of what a browser app ships for `import { Sandbox } from 'tensor-box'; Sandbox.list()`:
// esbuild, minified, gzip. Target ≤ 8 KB. Run after `npm run build -w tensor-box`.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { join } from 'node:path';
import { REPO, report } from './lib.mjs';

const BUDGET = 8 * 1024;
const bundle = async (contents, platform) => {
  const result = await build({
    stdin: { contents, resolveDir: join(REPO, 'test'), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    write: false,
  });
  const bytes = result.outputFiles[0].contents;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

const list = await bundle("import { Sandbox } from 'tensor-box';\nSandbox.list();\n", 'browser');
const node = await bundle("import { Sandbox } from 'tensor-box';\nSandbox.list();\n", 'node');
report('Bundle of `Sandbox.list()` (esbuild, minified)', [
  ['browser: raw', `${(list.raw / 1024).toFixed(1)} KB`],
  ['browser: gzip', `${(list.gzip / 1024).toFixed(2)} KB`],
  ['node: gzip', `${(node.gzip / 1024).toFixed(2)} KB`],
  ['gzip / 8 KB budget (target ≤ 1.00)', (list.gzip / BUDGET).toFixed(2)],
]);
