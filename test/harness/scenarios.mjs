// Reads the shared conformance scenarios (test/conformance/scenarios/*.yaml).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'conformance', 'scenarios');

/** @returns {{ file: string, operation: string, cases: object[] }[]} sorted by file name */
export function loadScenarios(dir = SCENARIO_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const doc = parse(readFileSync(join(dir, file), 'utf8'), { merge: true });
      const cases = doc.cases.map((c, index) => ({ ...c, tag: `${file}#${index}` }));
      return { file, operation: doc.operation, cases };
    });
}
