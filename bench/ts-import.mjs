// Import cost of the TS SDK: `node -e "require('tensor-box')"` (and the ESM import) against
// `node -e 0`, same run, interleaved. Target: ≤ +10 ms.
import { compareCommands, REPO, report } from './lib.mjs';

const rounds = Number(process.argv[2] ?? 25);
const options = { cwd: `${REPO}/test` };
// An ES module `-e` pays for the ESM loader itself, so it is compared with an empty ES module.
const [bare, cjs, bareEsm, esm] = compareCommands(
  [
    { cmd: process.execPath, args: ['-e', '0'], options },
    { cmd: process.execPath, args: ['-e', "require('tensor-box')"], options },
    { cmd: process.execPath, args: ['--input-type=module', '-e', '0'], options },
    { cmd: process.execPath, args: ['--input-type=module', '-e', "import 'tensor-box'"], options },
  ],
  rounds,
);
report(`Import cost (median of ${rounds}, interleaved)`, [
  ['node -e 0', `${bare.toFixed(1)} ms`],
  ["node -e \"require('tensor-box')\"", `${cjs.toFixed(1)} ms  (+${(cjs - bare).toFixed(1)} ms, target ≤ +10)`],
  ['node --input-type=module -e 0', `${bareEsm.toFixed(1)} ms`],
  ["node --input-type=module -e \"import 'tensor-box'\"", `${esm.toFixed(1)} ms  (+${(esm - bareEsm).toFixed(1)} ms, target ≤ +10)`],
]);
