// Prints every behaviour scenario (test/behaviour/*.yaml) as one JSON array, for the Python runner
// (tests/behaviour.py). Parsed exactly as the TS runner parses them (packages/server/test/helpers/
// runner.ts: the generator's parseSpecText); a file that does not parse is listed with its error,
// so that it fails as a test of its own instead of hiding the other files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSpecText } from '@tensor-box/generator/load';

const dir = process.argv[2];
const out = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    try {
      return { file, root: parseSpecText(file, readFileSync(join(dir, file), 'utf8')).root };
    } catch (err) {
      return { file, error: String(err?.message ?? err) };
    }
  });
process.stdout.write(JSON.stringify(out));
