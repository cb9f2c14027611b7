// Type-checks src/, then bundles it with commander into one CommonJS file, dist/cli.cjs.
// Start-up is most of a CLI's latency: one file, read and parsed once, with no ES-module loader
// and no module resolution, keeps `--help` close to bare `node`. The SDK stays outside (loaded
// by the commands that call it); run, live, chart and completion code is in the file but only
// evaluated when a command uses it.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--noEmit'], { stdio: 'inherit' });

const { build } = await import('esbuild');
const commanderLicense = readFileSync(join(dirname(require.resolve('commander', { paths: [root] })), 'LICENSE'), 'utf8');
rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile: join(root, 'dist', 'cli.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['tensor-box'],
  // Whitespace and syntax only: names stay, so --debug stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: `/* @tensor-box/cli. Includes commander (https://github.com/tj/commander.js):\n${commanderLicense.trim()}\n*/` },
  logLevel: 'warning',
});
