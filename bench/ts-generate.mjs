// Regenerating the TypeScript target vs openapi-typescript's own whole process, same spec, same
// run. Target: ratio ≤ 1.0 (our run includes an openapi-typescript pass plus the SDK emission).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCommands, REPO, report } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 9);
const spec = join(REPO, 'spec/openapi.yaml');
const out = mkdtempSync(join(tmpdir(), 'tb-bench-gen-'));
const [ours, theirs] = compareCommands(
  [
    { cmd: process.execPath, args: [join(REPO, 'generator/dist/cli.js'), '--target', 'ts', '--spec', spec, '--out', out] },
    { cmd: process.execPath, args: [join(REPO, 'node_modules/openapi-typescript/bin/cli.js'), spec, '-o', join(out, 'oapi.ts')] },
  ],
  rounds,
);
report(`TS target generation (median of ${rounds}, interleaved)`, [
  ['tensor-box-generate --target ts', `${ours.toFixed(0)} ms`],
  ['openapi-typescript (whole process)', `${theirs.toFixed(0)} ms`],
  ['ratio (target ≤ 1.00)', (ours / theirs).toFixed(2)],
]);
