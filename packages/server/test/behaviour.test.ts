// Every shared behaviour scenario (test/behaviour/*.yaml), run with the TS SDK against a fresh
// server each.
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from 'tensor-box';
import { loadScenarios, runScenario } from './helpers/runner.js';
import { startServer, type ServerHandle } from './helpers/server.js';

const scenarios = loadScenarios();
let server: ServerHandle | undefined;

afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('behaviour scenarios (TS SDK → local server)', () => {
  it('finds the scenario files', () => {
    expect(scenarios.map((s) => s.file)).toEqual(expect.arrayContaining(['lifecycle.yaml', 'restart-adoption.yaml', 'bad-input.yaml']));
  });

  for (const scenario of scenarios) {
    it(`${scenario.file}: ${scenario.name}`, async () => {
      server = await startServer({ keys: scenario.keys });
      await runScenario(scenario, { server, domain: server.url });

      // A scenario that left no sandbox running or paused must leave no process behind either.
      const live = [];
      for (const key of Object.values(server.keys)) {
        live.push(...(await Sandbox.list({ domain: server.url, apiKey: key, query: { state: ['running', 'paused'] } })));
      }
      const s = server;
      server = undefined;
      const leftovers = await s.dispose();
      if (live.length === 0) expect(leftovers).toEqual([]);
    });
  }
});
