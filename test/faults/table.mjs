#!/usr/bin/env node
// Prints the fault vectors × clients table from the runners' results (.results/<client>.json)
// and exits 1 when a cell failed or is missing. `npm test` runs it last.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVectors } from './vectors.mjs';

/** Every client that runs the vectors; each runner writes .results/<name>.json. */
export const CLIENTS = ['ts', 'python-sync', 'python-async', 'go', 'cli'];

const dir = join(dirname(fileURLToPath(import.meta.url)), '.results');
const vectors = loadVectors();
const results = Object.fromEntries(
  CLIENTS.map((c) => {
    const file = join(dir, `${c}.json`);
    return [c, existsSync(file) ? new Map(JSON.parse(readFileSync(file, 'utf8')).map((r) => [r.vector, r])) : undefined];
  }),
);

const cell = (client, id) => {
  const r = results[client]?.get(id);
  if (!r) return { text: 'missing', ok: false };
  if (r.skip) return { text: 'n/a', ok: true, note: `${client}: ${id}: ${r.skip}` };
  return r.pass ? { text: 'pass', ok: true } : { text: 'FAIL', ok: false, note: `${client}: ${id}: ${r.detail ?? ''}` };
};

const width = Math.max(...vectors.map((v) => v.id.length));
const column = Math.max(...CLIENTS.map((c) => c.length)) + 2;
const rows = [`${'vector'.padEnd(width)}  ${CLIENTS.map((c) => c.padEnd(column)).join('')}`];
const notes = [];
let ok = true;
for (const v of vectors) {
  const cells = CLIENTS.map((c) => cell(c, v.id));
  cells.forEach((c) => {
    ok &&= c.ok;
    if (c.note) notes.push(c.note);
  });
  rows.push(`${v.id.padEnd(width)}  ${cells.map((c) => c.text.padEnd(column)).join('')}`);
}
console.log(`\nFault vectors × clients\n${rows.join('\n')}`);
if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
if (!ok) {
  console.error('\nSome fault vectors failed or did not run (see above).');
  process.exit(1);
}
