// Start-up time of the tensor-box CLI beside npm's @e2b/cli, in one run, interleaved:
// `--version` and `sandbox list --help` against `node -e 0`. Target for tensor-box: ≤ 1.5×.
//
//   node bench/cli-startup.mjs [rounds]      (build first: npm run build -w @tensor-box/cli)
//
// @e2b/cli is installed into bench/.work (gitignored) with its own npm install, pinned.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareCommands, REPO, report } from './lib.mjs';

const E2B_VERSION = '2.19.0';
const LIMIT = 1.5;
const rounds = Number(process.argv[2] ?? 30);

const work = join(REPO, 'bench', '.work');
const e2bDir = join(work, 'node_modules', '@e2b', 'cli');
const installed = existsSync(join(e2bDir, 'package.json')) && JSON.parse(readFileSync(join(e2bDir, 'package.json'), 'utf8')).version === E2B_VERSION;
if (!installed) {
  mkdirSync(work, { recursive: true });
  console.log(`installing @e2b/cli@${E2B_VERSION} into bench/.work …`);
  execFileSync('npm', ['install', '--prefix', work, '--no-audit', '--no-fund', '--no-save', `@e2b/cli@${E2B_VERSION}`], { stdio: 'inherit' });
}
const e2b = join(e2bDir, JSON.parse(readFileSync(join(e2bDir, 'package.json'), 'utf8')).bin.e2b);

const tensorBox = join(REPO, 'packages', 'cli', 'bin', 'tensor-box.js');
if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'cli.cjs'))) {
  console.error('packages/cli is not built: run `npm run build -w @tensor-box/cli` first');
  process.exit(2);
}

// A clean environment: no API key or domain, so neither CLI does anything but start.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TENSOR_BOX_') && !k.startsWith('E2B_')));
const options = { cwd: work, env };
const node = process.execPath;
const commands = [
  { label: 'node -e 0', cmd: node, args: ['-e', '0'] },
  { label: 'tensor-box --version', cmd: node, args: [tensorBox, '--version'] },
  { label: 'tensor-box sandbox list --help', cmd: node, args: [tensorBox, 'sandbox', 'list', '--help'] },
  { label: `e2b --version (@e2b/cli ${E2B_VERSION})`, cmd: node, args: [e2b, '--version'] },
  { label: 'e2b sandbox list --help', cmd: node, args: [e2b, 'sandbox', 'list', '--help'] },
];
// Warm the file cache first so the first command is not penalised.
compareCommands(commands.map((c) => ({ ...c, options })), 3);
const medians = compareCommands(commands.map((c) => ({ ...c, options })), rounds);
const base = medians[0];
report(
  `CLI start-up (median of ${rounds}, interleaved; ratio to node -e 0)`,
  commands.map((c, i) => [c.label, `${medians[i].toFixed(1)} ms  ${(medians[i] / base).toFixed(2)}×`]),
);

const over = commands.slice(1, 3).filter((_, i) => medians[i + 1] / base > LIMIT);
if (over.length > 0) {
  console.error(`\nover the ${LIMIT}× target: ${over.map((c) => c.label).join(', ')}`);
  process.exit(1);
}
console.log(`\ntensor-box is within ${LIMIT}× of node -e 0 on both.`);
