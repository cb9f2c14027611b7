// The whole behaviour suite once more, through `prism proxy spec/openapi.yaml <server>`: every
// answer the server gives must match the spec (zero violations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism } from '../../../test/harness/prism.mjs';
import { loadScenarios, runScenario } from './helpers/runner.js';
import { freePort, SPEC_FILE, startServer, type ServerHandle } from './helpers/server.js';
import { recordingFetch, type Recorded } from './helpers/violations.js';

const scenarios = loadScenarios();
let prism: { url: string; stop(): Promise<void>; output(): string } | undefined;
let port = 0;
let server: ServerHandle | undefined;

beforeAll(async () => {
  port = await freePort();
  prism = await startPrism({ spec: SPEC_FILE, mode: 'proxy', upstream: `http://127.0.0.1:${port}`, extraArgs: ['--validate-request=false'] });
});

afterAll(async () => {
  await server?.dispose();
  await prism?.stop();
});

describe('behaviour scenarios through prism proxy', () => {
  it('every answer of the server matches spec/openapi.yaml', async () => {
    const records: Recorded[] = [];
    const skipped: { file: string; step: number; why: string }[] = [];
    // Prism answers two kinds of request itself, even with --validate-request=false: one
    // without an API key (its security check) and one whose body is not JSON. Such a step
    // would test Prism, not the server, so it is skipped here (and counted).
    const skip = (step: { do: string; key?: string; body?: unknown }) => {
      if (step.do !== 'http') return undefined;
      if (step.key === 'none') return 'prism answers a request without an API key itself';
      if (typeof step.body === 'string' && !isJson(step.body)) return 'prism answers a body that is not JSON itself';
      return undefined;
    };
    for (const scenario of scenarios) {
      server = await startServer({ keys: scenario.keys, port });
      try {
        await runScenario(scenario, { server, domain: prism!.url, fetch: recordingFetch(records), skip, skipped });
      } catch (err) {
        // Prism turns a bad answer into a 500: show what it found wrong.
        const found = records.filter((r) => r.violations.length > 0);
        throw new Error(`${(err as Error).message}\nviolations so far: ${JSON.stringify(found, null, 2)}`);
      } finally {
        const s = server;
        server = undefined;
        await s.dispose();
      }
    }
    const expectedSkips = scenarios.flatMap((sc) => sc.steps.filter((st) => skip(st) !== undefined));
    expect(skipped).toHaveLength(expectedSkips.length);
    expect(expectedSkips.length).toBeLessThanOrEqual(2);
    const bad = records.filter((r) => r.violations.length > 0);
    // Every answer came from the server (it sets X-Request-Id), none was made up by Prism.
    expect(records.filter((r) => !r.fromServer)).toEqual([]);
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    // The suite really went through the proxy, and saw errors as well as successes.
    expect(records.length).toBeGreaterThan(200);
    expect(new Set(records.map((r) => r.status))).toEqual(new Set([200, 201, 204, 400, 401, 404, 409, 422]));
  }, 300_000);
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
