#!/usr/bin/env node
// Starts Prism and the recording proxy, prints one JSON line `{"url": …, "prism": …}` on stdout,
// and runs until stdin closes or it gets SIGTERM/SIGINT. The Python and Go test suites start
// the harness this way; the TypeScript suite imports start() directly.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPrism } from './prism.mjs';
import { startRecorder } from './recorder.mjs';
import { loadScenarios } from './scenarios.mjs';

export const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'spec', 'openapi.yaml');

export async function start(spec = SPEC) {
  const prism = await startPrism({ spec });
  const recorder = await startRecorder(prism.url, { scenarios: loadScenarios });
  return {
    url: recorder.url,
    prismUrl: prism.url,
    stop: async () => {
      await recorder.stop();
      await prism.stop();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const harness = await start(process.argv[2] ?? SPEC);
  process.stdout.write(`${JSON.stringify({ url: harness.url, prism: harness.prismUrl })}\n`);
  const shutdown = async () => {
    await harness.stop();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
