// Type-checks src and emits dist/ in one tsc run (tsconfig.json). It emits into a fresh folder
// beside dist/ and swaps it in at the end, so a server started from dist/cli.js meanwhile (a
// test run elsewhere in the worktree, say) never finds half a build; a failed build leaves
// dist/ as it was.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const dist = join(root, 'dist');
const fresh = join(root, `.dist-${process.pid}`);
const old = join(root, `.dist-old-${process.pid}`);
rmSync(fresh, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', fresh], { stdio: 'inherit' });
  chmodSync(join(fresh, 'cli.js'), 0o755);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(fresh, dist);
} catch (err) {
  process.exitCode = 1;
  if (!(err && typeof err === 'object' && 'status' in err)) console.error(err); // tsc printed its own errors
} finally {
  rmSync(fresh, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
