// Reads the fault vectors (test/faults/vectors/*.yaml); each gets the id `<file>#<name>`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const VECTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), 'vectors');

export function loadVectors(dir = VECTOR_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const doc = parse(readFileSync(join(dir, file), 'utf8'), { merge: true });
      return doc.vectors.map((v) => ({ ...v, id: `${file.replace(/\.yaml$/, '')}#${v.name}` }));
    });
}
