// The built `tensor-box` binary as a subprocess: help, output for people and machines, exit
// codes, error text, bad input, secrets, colours, the spinner, kill of several IDs, live modes.
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../../../test/harness/serve.mjs';
import { API_KEY, at, BIN, cleanEnv, PACKAGE_DIR, recorded, run } from './helpers.js';

let harness: { url: string; stop: () => Promise<void> };
beforeAll(async () => {
  harness = await start();
}, 60_000);
afterAll(async () => harness?.stop());

const env = { TENSOR_BOX_API_KEY: API_KEY };
let n = 0;
/** A fresh tag, so each test finds exactly its own requests in the recorder. */
const tag = (name: string) => `cli-test#${name}#${n++}`;

const RUNNING = {
  sandboxId: 'sbx_abc123',
  templateId: 'default',
  state: 'running',
  startedAt: '2026-11-29T10:00:00.000Z',
  endAt: '2026-11-29T10:01:00.000Z',
  cpuCount: 2,
  memoryMB: 2048,
  diskGB: 40,
  metadata: { userId: '123' },
  lifecycle: { onTimeout: 'pause', autoResume: true },
};

describe('version and help', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['-V'], ['--json', '--version']]) {
      const r = await run(args);
      expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
  });

  it('--help lists the groups, the global flags, examples and the environment', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const text of ['sandbox|sbx', '--domain <url>', '--api-key <key>', '--json', '--debug', '--request-timeout-ms <ms>', 'Examples:', '$ tensor-box sandbox list', 'TENSOR_BOX_API_KEY', 'TENSOR_BOX_DOMAIN', 'NO_COLOR', 'completion']) {
      expect(r.stdout).toContain(text);
    }
  });

  it('sandbox --help lists every command with its aliases', async () => {
    const r = await run(['sbx', '--help']);
    expect(r.code).toBe(0);
    for (const text of ['create', 'list|ls', 'connect|info', 'pause', 'resume', 'set-timeout', 'keep-alive', 'kill|rm', 'metrics', 'logs']) expect(r.stdout).toContain(text);
  });

  it('a command\'s help shows its flags with their allowed values, the global flags and examples', async () => {
    const r = await run(['sandbox', 'create', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: tensor-box sandbox create \[options\] \[template\]/);
    expect(r.stdout).toMatch(/--on-timeout <kill\|pause>/);
    expect(r.stdout).toMatch(/--timeout-ms <ms>\s+Inactivity timeout in milliseconds[^\n]*\n?[^\n]*1000–86400000/);
    expect(r.stdout).toMatch(/--env <KEY=VALUE>/);
    expect(r.stdout).toContain('Global Options:');
    expect(r.stdout).toContain('$ tensor-box sandbox create --on-timeout pause --auto-resume --json');
    const list = await run(['sandbox', 'ls', '--help']);
    expect(list.stdout).toMatch(/--state <running\|paused\|closed>/);
  });

  it('create has --idempotency-key; metrics and logs have --since, with the forms it takes', async () => {
    expect((await run(['sandbox', 'create', '--help'])).stdout).toMatch(/--idempotency-key <value>\s+Makes create safe to retry/);
    for (const command of ['metrics', 'logs']) {
      const r = await run(['sandbox', command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/--since <time> Only \w+ (taken )?at or after this time \(an RFC 3339 date-time, or a time ago: 90s, 10m, 2h, 1d\)/);
    }
  });

  it('a group without a command prints its help on stderr and exits 2', async () => {
    const r = await run(['sandbox']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: tensor-box sandbox');
  });
});

describe('output for people', () => {
  it('list prints a table of the spec\'s columns', async () => {
    const r = await run([...at(harness.url, tag('list')), 'sandbox', 'list'], { env });
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'SANDBOX ID  TEMPLATE ID  STATE    STARTED AT            END AT                METADATA',
        'sbx_abc123  default      running  2026-11-29T10:00:00Z  2026-11-29T10:01:00Z  userId=123',
        '',
      ].join('\n'),
    });
  });

  it('connect (alias info) prints the sandbox as key-value lines', async () => {
    const r = await run([...at(harness.url, tag('info')), 'sbx', 'info', 'sbx_abc123'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Sandbox ID   sbx_abc123',
        'Template ID  default',
        'State        running',
        'Started at   2026-11-29T10:00:00Z',
        'End at       2026-11-29T10:01:00Z',
        'CPU count    2',
        'Memory MB    2048',
        'Disk GB      40',
        'Metadata     userId=123',
        'Lifecycle    onTimeout=pause autoResume=true',
        '',
      ].join('\n'),
    );
  });

  it('logs prints a table; pause prints one confirmation line', async () => {
    const logs = await run([...at(harness.url, tag('logs')), 'sandbox', 'logs', 'sbx_abc123'], { env });
    expect(logs.stdout.split('\n')[0]).toMatch(/^TIMESTAMP\s+LEVEL\s+SOURCE\s+MESSAGE$/);
    expect(logs.stdout).toContain('2026-11-29T10:00:01.250Z  info   process    listening on :8080');
    const pause = await run([...at(harness.url, tag('pause')), 'sandbox', 'pause', 'sbx_abc123'], { env });
    expect(pause).toEqual({ code: 0, stdout: '✓ pause sbx_abc123\n', stderr: '' });
  });

  it('FORCE_COLOR turns colours on for a pipe, and NO_COLOR turns them off whatever else is set', async () => {
    const args = [...at(harness.url, tag('color')), 'sandbox', 'list'];
    const forced = await run(args, { env: { ...env, FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\x1b[1mSANDBOX ID');
    const off = await run(args, { env: { ...env, FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(off.stdout).not.toContain('\x1b[');
    const plain = await run(args, { env });
    expect(plain.stdout).not.toContain('\x1b[');
  });
});

describe('--json output', () => {
  it('list prints an array of SandboxInfo objects, on stdout only', async () => {
    const t = tag('json-list');
    const r = await run(['--json', ...at(harness.url, t), 'sandbox', 'list', '--state', 'running,paused'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([RUNNING]);
    const [req] = await recorded(harness.url, t);
    expect(req!.query).toBe('state=running&state=paused');
  });

  it('create prints the created sandbox\'s information from the one create request', async () => {
    const t = tag('json-create');
    const r = await run([...at(harness.url, t), 'sandbox', 'create', 'default', '--json', '--env', 'API_TOKEN=xxx'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(RUNNING);
    expect((await recorded(harness.url, t)).map((q) => `${q.method} ${q.path}`)).toEqual(['POST /sandboxes']);
  });

  it('metrics and logs print arrays; set-timeout prints the sandbox and ok', async () => {
    const metrics = JSON.parse((await run(['--json', ...at(harness.url, tag('m')), 'sandbox', 'metrics', 'sbx_abc123'], { env })).stdout) as unknown[];
    expect(metrics).toHaveLength(2);
    expect(Object.keys(metrics[0] as object)).toEqual(['timestamp', 'cpuCount', 'cpuUsedPct', 'memUsed', 'memTotal', 'diskUsed', 'diskTotal']);
    const logs = JSON.parse((await run(['--json', ...at(harness.url, tag('l')), 'sandbox', 'logs', 'sbx_abc123', '--limit', '5'], { env })).stdout) as unknown[];
    expect(logs[0]).toEqual({ timestamp: '2026-11-29T10:00:00.000Z', level: 'info', source: 'lifecycle', message: 'sandbox created from template default' });
    const st = await run(['--json', ...at(harness.url, tag('st')), 'sandbox', 'set-timeout', 'sbx_abc123', '120000'], { env });
    expect(JSON.parse(st.stdout)).toEqual({ sandboxId: 'sbx_abc123', ok: true });
  });

  it('an API error is one line on stderr and an error object on stdout, exit 1', async () => {
    const r = await run(['--json', '--max-retries', '0', '--header', 'Prefer: code=409', ...at(harness.url, tag('409')), 'sandbox', 'pause', 'sbx_abc123'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: POST /sandboxes/sbx_abc123/pause → 409 Conflict: sandbox is already paused (request req_409)\n');
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        class: 'ConflictError',
        message: 'POST /sandboxes/sbx_abc123/pause → 409 Conflict: sandbox is already paused (request req_409)',
        status: 409,
        code: 'sandbox_not_running',
        requestId: 'req_409',
      },
    });
  });
});

describe('errors and exit codes', () => {
  it('a 404 is exit 1 with the SDK\'s message and no stack trace; --debug adds the stack', async () => {
    const args = ['--max-retries=0', '--header=Prefer:code=404', ...at(harness.url, tag('404')), 'sandbox', 'connect', 'sbx_abc123'];
    const r = await run(args, { env });
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: POST /sandboxes/sbx_abc123/connect → 404 Not Found: sandbox sbx_abc123 not found (request req_404)\n' });
    const debug = await run(['--debug', ...args], { env });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at .*\n/);
    expect(debug.stderr).toContain('[tensor-box] → POST');
  });

  it('a connection failure is exit 1 and says what happened', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const r = await run(['--max-retries=0', `--domain=http://127.0.0.1:${closed}`, 'sandbox', 'list'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: GET /sandboxes: connection refused\n');
  });

  it('no API key is a usage error naming the flag and the variable', async () => {
    const r = await run([`--domain=${harness.url}`, 'sandbox', 'list']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: no API key: pass --api-key or set TENSOR_BOX_API_KEY\n' });
  });

  it('TENSOR_BOX_DEBUG logs on stderr only, so --json output stays parseable', async () => {
    const r = await run(['--json', ...at(harness.url, tag('env-debug')), 'sandbox', 'list'], { env: { ...env, TENSOR_BOX_DEBUG: '1' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([RUNNING]);
    expect(r.stderr).toMatch(/^\[tensor-box\] → GET /);
  });

  it('--api-key works in place of the variable', async () => {
    const t = tag('flag-key');
    const r = await run([`--api-key=${API_KEY}`, ...at(harness.url, t), 'sandbox', 'list', '--json']);
    expect(r.code).toBe(0);
    expect((await recorded(harness.url, t))[0]!.headers['x-api-key']).toBe(API_KEY);
  });

  it('TENSOR_BOX_DOMAIN works in place of --domain', async () => {
    const t = tag('env-domain');
    const r = await run([`--header=X-Conformance-Case:${t}`, 'sandbox', 'list', '--json'], { env: { ...env, TENSOR_BOX_DOMAIN: harness.url } });
    expect(r.code).toBe(0);
    expect(await recorded(harness.url, t)).toHaveLength(1);
  });
});

describe('--idempotency-key and --since: the values reach the wire exactly', () => {
  const SINCE = 'since=2026-11-29T10%3A00%3A00.000Z';

  it('create --idempotency-key sends that key as the Idempotency-Key header, in place of a generated one', async () => {
    const t = tag('idem');
    const r = await run(['--json', ...at(harness.url, t), 'sandbox', 'create', 'python-3.12', '--idempotency-key', 'my-key-1', '--on-timeout', 'kill'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(RUNNING);
    const requests = await recorded(harness.url, t);
    expect(requests.map((q) => [q.method, q.path, q.headers['idempotency-key']])).toEqual([['POST', '/sandboxes', 'my-key-1']]);
    expect(JSON.parse(requests[0]!.body!)).toEqual({ templateId: 'python-3.12', lifecycle: { onTimeout: 'kill' } });
    expect(requests[0]!.violations).toEqual([]);

    // Without the flag the SDK makes up a key, a different one per command.
    const keys: unknown[] = [];
    for (const name of ['idem-auto-1', 'idem-auto-2']) {
      const u = tag(name);
      expect((await run([...at(harness.url, u), 'sandbox', 'create', '--json'], { env })).code).toBe(0);
      keys.push((await recorded(harness.url, u))[0]!.headers['idempotency-key']);
    }
    expect(keys.every((k) => typeof k === 'string' && k !== '' && k !== 'my-key-1')).toBe(true);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it.each([
    ['Z', '2026-11-29T10:00:00Z'],
    ['milliseconds', '2026-11-29T10:00:00.000Z'],
    ['finer than milliseconds (cut to them)', '2026-11-29T10:00:00.0004Z'],
    ['a positive offset', '2026-11-29T12:00:00+02:00'],
    ['a negative offset with minutes', '2026-11-29T05:30:00-04:30'],
    ['lower-case t and z', '2026-11-29t10:00:00z'],
    ['a space for T', '2026-11-29 10:00:00Z'],
  ])('metrics --since with %s sends since=…T10:00:00.000Z', async (_, value) => {
    const t = tag('since');
    const r = await run(['--json', ...at(harness.url, t), 'sandbox', 'metrics', 'sbx_abc123', '--since', value], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    const requests = await recorded(harness.url, t);
    expect(requests.map((q) => `${q.method} ${q.path}?${q.query}`)).toEqual([`GET /sandboxes/sbx_abc123/metrics?${SINCE}`]);
    expect(requests[0]!.violations).toEqual([]);
  });

  it('a time without an offset is the local time', async () => {
    const t = tag('since-local');
    const r = await run([...at(harness.url, t), 'sandbox', 'metrics', 'sbx_abc123', '--since=2026-11-29T19:00:00'], { env: { ...env, TZ: 'Asia/Tokyo' } });
    expect(r.code, r.stderr).toBe(0);
    expect((await recorded(harness.url, t)).map((q) => q.query)).toEqual([SINCE]);
  });

  it('logs --since goes with --limit, in the order of the spec', async () => {
    const t = tag('since-logs');
    const r = await run(['--json', ...at(harness.url, t), 'sandbox', 'logs', 'sbx_abc123', '--limit', '5', '--since', '2026-11-29T10:00:00Z'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toEqual({ timestamp: '2026-11-29T10:00:00.000Z', level: 'info', source: 'lifecycle', message: 'sandbox created from template default' });
    const requests = await recorded(harness.url, t);
    expect(requests.map((q) => q.query)).toEqual([`${SINCE}&limit=5`]);
    expect(requests[0]!.violations).toEqual([]);
  });

  it.each([
    ['10m', 10 * 60_000],
    ['2h', 2 * 3_600_000],
    ['1h30m', 90 * 60_000],
    ['1d', 86_400_000],
    ['90s', 90_000],
  ])('--since %s is that long before now', async (value, ago) => {
    const t = tag('since-ago');
    const before = Date.now();
    const r = await run([...at(harness.url, t), 'sandbox', 'logs', 'sbx_abc123', '--since', value], { env });
    const after = Date.now();
    expect(r.code, r.stderr).toBe(0);
    const [request] = await recorded(harness.url, t);
    const since = new URLSearchParams(request!.query).get('since')!;
    expect(since).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(since)).toBeGreaterThanOrEqual(before - ago);
    expect(Date.parse(since)).toBeLessThanOrEqual(after - ago);
  });
});

const SINCE_EXPECTED = 'an RFC 3339 date-time such as 2026-11-29T10:00:00Z, or a time ago such as 90s, 10m, 2h or 1d';

describe('bad input: exit 2, one precise line, nothing sent', () => {
  const cases: [string, string[], string][] = [
    ['a --since that is no date', ['sandbox', 'metrics', 'sbx_abc123', '--since', 'yesterday'], `error: --since must be ${SINCE_EXPECTED} (got "yesterday")\n`],
    ['a --since on a day that does not exist', ['sandbox', 'logs', 'sbx_abc123', '--since=2026-02-30T10:00:00Z'], `error: --since must be ${SINCE_EXPECTED} (got "2026-02-30T10:00:00Z")\n`],
    ['a --since at hour 24', ['sandbox', 'metrics', 'sbx_abc123', '--since=2026-11-29T24:00:00Z'], `error: --since must be ${SINCE_EXPECTED} (got "2026-11-29T24:00:00Z")\n`],
    ['a --since without a time of day', ['sandbox', 'metrics', 'sbx_abc123', '--since', '2026-11-29'], `error: --since must be ${SINCE_EXPECTED} (got "2026-11-29")\n`],
    ['a --since with an offset lacking its colon', ['sandbox', 'metrics', 'sbx_abc123', '--since', '2026-11-29T10:00:00+0200'], `error: --since must be ${SINCE_EXPECTED} (got "2026-11-29T10:00:00+0200")\n`],
    ['a --since with an unknown unit', ['sandbox', 'logs', 'sbx_abc123', '--since', '3w'], `error: --since must be ${SINCE_EXPECTED} (got "3w")\n`],
    ['a --since of a bare number', ['sandbox', 'logs', 'sbx_abc123', '--since', '600'], `error: --since must be ${SINCE_EXPECTED} (got "600")\n`],
    ['an empty --since', ['sandbox', 'logs', 'sbx_abc123', '--since='], `error: --since must be ${SINCE_EXPECTED} (got "")\n`],
    ['a bad --since with --watch, before the first poll', ['sandbox', 'metrics', 'sbx_abc123', '--watch', '--since', 'soon'], `error: --since must be ${SINCE_EXPECTED} (got "soon")\n`],
    ['an empty --idempotency-key', ['sandbox', 'create', '--idempotency-key='], 'error: --idempotency-key must be a non-empty string of at most 255 characters (got "")\n'],
    ['a --idempotency-key over 255 characters', ['sandbox', 'create', '--idempotency-key', 'k'.repeat(256)], `error: --idempotency-key must be a non-empty string of at most 255 characters (got "${'k'.repeat(57)}...")\n`],
    ['an unknown flag', ['sandbox', 'list', '--bogus'], "error: unknown option '--bogus'\n"],
    ['a misspelt flag', ['sandbox', 'list', '--limt', '5'], "error: unknown option '--limt' (did you mean --limit?)\n"],
    ['a malformed K=V', ['sandbox', 'create', '--metadata', 'userId'], 'error: --metadata must be KEY=VALUE with a non-empty KEY (got "userId")\n'],
    ['a K=V with an empty key', ['sandbox', 'list', '--metadata', '=x'], 'error: --metadata must be KEY=VALUE with a non-empty KEY (got "=x")\n'],
    ['a non-numeric timeout', ['sandbox', 'create', '--timeout-ms', 'soon'], 'error: --timeout-ms must be a whole number of milliseconds from 1000 to 86400000 (got "soon")\n'],
    ['a fractional timeout', ['sandbox', 'set-timeout', 'sbx_abc123', '1500.5'], 'error: argument <ms> must be a whole number of milliseconds from 1000 to 86400000 (got "1500.5")\n'],
    ['an unknown state', ['sandbox', 'list', '--state', 'hibernating'], 'error: --state must be one of running, paused, closed (got "hibernating")\n'],
    ['an unknown onTimeout', ['sandbox', 'create', '--on-timeout', 'explode'], 'error: --on-timeout must be one of kill, pause (got "explode")\n'],
    ['--auto-resume without --on-timeout pause', ['sandbox', 'create', '--auto-resume', '--on-timeout', 'kill'], 'error: --auto-resume requires --on-timeout pause\n'],
    ['a missing ID', ['sandbox', 'pause'], "error: missing required argument 'id'\n"],
    ['an empty ID', ['sandbox', 'kill', 'sbx_abc123', ''], 'error: argument <ids...> must be a non-empty string of at most 128 characters (got "")\n'],
    ['a missing duration', ['sandbox', 'keep-alive', 'sbx_abc123'], "error: missing required argument 'ms'\n"],
    ['a page size out of range', ['sandbox', 'list', '--limit', '0'], 'error: --limit must be an integer from 1 to 100 (got "0")\n'],
    ['an unknown command', ['sandbox', 'hibernate', 'sbx_abc123'], "error: unknown command 'hibernate'\n"],
    ['too many arguments', ['sandbox', 'pause', 'a', 'b'], "error: too many arguments for 'pause'. Expected 1 argument but got 2.\n"],
    ['a bad --max-retries', ['--max-retries', 'many', 'sandbox', 'list'], 'error: --max-retries must be an integer from 0 to 10 (got "many")\n'],
    ['a zero --request-timeout-ms', ['--request-timeout-ms', '0', 'sandbox', 'list'], 'error: --request-timeout-ms must be a whole number of milliseconds from 1 to 3600000 (got "0")\n'],
    ['a fractional --request-timeout-ms', ['sandbox', 'list', '--request-timeout-ms=1.5'], 'error: --request-timeout-ms must be a whole number of milliseconds from 1 to 3600000 (got "1.5")\n'],
    ['a --request-timeout-ms above an hour', ['--request-timeout-ms=3600001', 'sandbox', 'list'], 'error: --request-timeout-ms must be a whole number of milliseconds from 1 to 3600000 (got "3600001")\n'],
    ['an unknown shell', ['completion', 'tcsh'], 'error: argument <shell> must be one of bash, zsh, fish (got "tcsh")\n'],
    ['a domain that is not http(s), refused by the SDK', ['--domain=ftp://x', 'sandbox', 'list'], 'error: --domain: domain must use http or https (got "ftp://x")\n'],
  ];
  it.each(cases)('%s', async (_, args, stderr) => {
    const t = tag('bad');
    const r = await run([...at(harness.url, t), ...args], { env });
    expect(r).toEqual({ code: 2, stdout: '', stderr });
    expect(await recorded(harness.url, t)).toEqual([]);
  });

  it('with --json, a bad --since is an InvalidArgumentError naming since and --since', async () => {
    const t = tag('bad-since-json');
    const r = await run(['--json', ...at(harness.url, t), 'sandbox', 'logs', 'sbx_abc123', '--since', 'last tuesday'], { env });
    expect(r).toMatchObject({ code: 2, stderr: `error: --since must be ${SINCE_EXPECTED} (got "last tuesday")\n` });
    expect(JSON.parse(r.stdout)).toEqual({
      error: { class: 'InvalidArgumentError', message: `--since must be ${SINCE_EXPECTED} (got "last tuesday")`, argument: 'since', flag: '--since' },
    });
    expect(await recorded(harness.url, t)).toEqual([]);
  });

  it('with --json, a usage error is also an error object on stdout', async () => {
    const r = await run(['--json', ...at(harness.url, tag('bad-json')), 'sandbox', 'create', '--timeout-ms=-5'], { env });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        class: 'InvalidArgumentError',
        message: '--timeout-ms must be a whole number of milliseconds from 1000 to 86400000 (got "-5")',
        argument: 'timeoutMs',
        flag: '--timeout-ms',
      },
    });
  });
});

describe('secrets', () => {
  it('the API key never appears in any output, --debug included', async () => {
    const secret = 'tb_live_SECRET_never_print_me';
    const runs = await Promise.all([
      run(['--debug', `--api-key=${secret}`, ...at(harness.url, tag('s1')), 'sandbox', 'list', '--json']),
      run(['--debug', '--max-retries=1', '--header=Prefer:code=500', ...at(harness.url, tag('s2')), 'sandbox', 'kill', 'sbx_abc123'], { env: { TENSOR_BOX_API_KEY: secret } }),
      run(['--debug', '--json', '--max-retries=0', '--header=Prefer:code=401', ...at(harness.url, tag('s3')), 'sandbox', 'create'], { env: { TENSOR_BOX_API_KEY: secret } }),
    ]);
    for (const r of runs) {
      expect(r.stderr).toContain('[tensor-box]'); // debug output was written…
      expect(r.stdout + r.stderr).not.toContain(secret); // …without the key
    }
  });

  it('an injected env value is never echoed, in debug lines or in a malformed-entry message', async () => {
    const value = 'env_value_SECRET_42';
    const ok = await run(['--debug', ...at(harness.url, tag('env')), 'sandbox', 'create', '--env', `TOKEN=${value}`, '--json'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(value);
    const bad = await run([...at(harness.url, tag('env-bad')), 'sandbox', 'create', '--env', value], { env });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'error: --env must be KEY=VALUE with a non-empty KEY (got an entry without "=")\n' });
  });
});

describe('kill with several IDs', () => {
  // Prism answers every ID alike, so a small server decides per ID: sbx_gone is unknown.
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/sandboxes/sbx_gone') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'sandbox_not_found', message: 'sandbox sbx_gone not found', requestId: 'req_k' }));
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('prints one result line per ID in order and exits 1 when any failed', async () => {
    const r = await run([`--domain=${url}`, 'sandbox', 'kill', 'sbx_a', 'sbx_gone', 'sbx_b'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('✓ kill sbx_a\n✓ kill sbx_b\n');
    expect(r.stderr).toBe('error: sbx_gone: DELETE /sandboxes/sbx_gone → 404 Not Found: sandbox sbx_gone not found (request req_k)\n');
    expect(seen.sort()).toEqual(['DELETE /sandboxes/sbx_a', 'DELETE /sandboxes/sbx_b', 'DELETE /sandboxes/sbx_gone']);
  });

  it('prints a result per ID with --json, and exits 0 when all succeeded', async () => {
    const r = await run([`--domain=${url}`, '--json', 'sandbox', 'rm', 'sbx_a', 'sbx_gone'], { env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { sandboxId: 'sbx_a', ok: true },
      {
        sandboxId: 'sbx_gone',
        ok: false,
        error: { class: 'NotFoundError', message: 'DELETE /sandboxes/sbx_gone → 404 Not Found: sandbox sbx_gone not found (request req_k)', status: 404, code: 'sandbox_not_found', requestId: 'req_k' },
      },
    ]);
    const all = await run([`--domain=${url}`, 'sandbox', 'kill', 'sbx_a', 'sbx_b'], { env });
    expect(all).toEqual({ code: 0, stdout: '✓ kill sbx_a\n✓ kill sbx_b\n', stderr: '' });
  });
});

/** Runs a command under a pseudo-terminal (util-linux `script`), as on a user's terminal. */
function onTerminal(args: string[], extraEnv: Record<string, string>, killAfterMs?: number): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env: cleanEnv({ ...extraEnv, COLUMNS: '60', LINES: '24', TERM: 'xterm' }), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    if (killAfterMs) setTimeout(() => child.kill('SIGTERM'), killAfterMs);
    child.on('close', () => resolve(out));
  });
}

describe('on a terminal', () => {
  it('create shows a spinner on a terminal and not on a pipe', async () => {
    const args = [...at(harness.url, tag('spin')), 'sandbox', 'create'];
    const tty = await onTerminal(args, env);
    expect(tty).toContain('Creating sandbox…');
    expect(tty).toContain('\x1b[?25h'); // the cursor is given back
    expect(tty).toContain('Sandbox ID');
    const piped = await run(args, { env });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    const json = await onTerminal(['--json', ...args], env);
    expect(json).not.toContain('Creating sandbox');
  });

  it('metrics --watch draws the CPU and memory chart', async () => {
    const raw = await onTerminal([...at(harness.url, tag('watch-tty')), 'sandbox', 'metrics', 'sbx_abc123', '--watch', '--interval-ms', '300'], env, 1500);
    expect(raw).toContain('\x1b[36m'); // coloured on a terminal
    expect(raw).toMatch(/\x1b\[\d+F\x1b\[J/); // later frames redraw in place
    const out = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(out).toContain('CPU  40.3% of 2 vCPU');
    expect(out).toContain('Memory  288 MiB of 2.0 GiB (14.1%)');
    expect(out).toMatch(/100% ┤[⠀-⣿]+/);
    expect(out).toContain('10:00:05 – 10:00:10 UTC');
  });
});

describe('live modes', () => {
  /** Starts a live command, stops it with SIGINT after `ms`, resolves with its output. */
  function live(args: string[], ms: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      setTimeout(() => child.kill('SIGINT'), ms);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('metrics --watch --json prints each sample once as a JSON line, polls with since, and Ctrl-C exits 0', async () => {
    const t = tag('watch');
    const r = await live(['--json', ...at(harness.url, t), 'sandbox', 'metrics', 'sbx_abc123', '--watch', '--interval-ms', '200'], 1500);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { timestamp: string });
    expect(lines.map((l) => l.timestamp)).toEqual(['2026-11-29T10:00:05.000Z', '2026-11-29T10:00:10.000Z']);
    const requests = await recorded(harness.url, t);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[0]!.query).toBe('');
    expect(requests[1]!.query).toBe('since=2026-11-29T10%3A00%3A10.000Z');
    for (const q of requests) expect(q.violations).toEqual([]);
  });

  it('logs --follow prints new entries as rows and keeps polling', async () => {
    const t = tag('follow');
    const r = await live([...at(harness.url, t), 'sandbox', 'logs', 'sbx_abc123', '--follow', '--interval-ms', '200', '--limit', '10'], 1500);
    expect(r.code).toBe(0);
    // One batch: its rows are aligned with each other; later entries would follow as they come.
    expect(r.stdout).toBe('2026-11-29T10:00:00Z      info  lifecycle  sandbox created from template default\n2026-11-29T10:00:01.250Z  info  process    listening on :8080\n');
    const requests = await recorded(harness.url, t);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[1]!.query).toBe('since=2026-11-29T10%3A00%3A01.250Z&limit=10');
  });

  it('--watch and --follow start from --since, then poll from the newest item seen', async () => {
    const t = tag('watch-since');
    const r = await live(['--json', ...at(harness.url, t), 'sandbox', 'metrics', 'sbx_abc123', '--watch', '--since', '2026-11-29T10:00:06Z', '--interval-ms', '200'], 1500);
    expect(r.code).toBe(0);
    const requests = await recorded(harness.url, t);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[0]!.query).toBe('since=2026-11-29T10%3A00%3A06.000Z');
    for (const q of requests.slice(1)) expect(q.query).toBe('since=2026-11-29T10%3A00%3A10.000Z');
    for (const q of requests) expect(q.violations).toEqual([]);

    const u = tag('follow-since');
    const logs = await live([...at(harness.url, u), 'sandbox', 'logs', 'sbx_abc123', '--follow', '--since', '2026-11-29T10:00:00Z', '--limit', '10', '--interval-ms', '200'], 1500);
    expect(logs.code).toBe(0);
    const polls = await recorded(harness.url, u);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls[0]!.query).toBe('since=2026-11-29T10%3A00%3A00.000Z&limit=10');
    expect(polls[1]!.query).toBe('since=2026-11-29T10%3A00%3A01.250Z&limit=10');
  });

  it('--interval-ms is checked like any value', async () => {
    const r = await run(['sandbox', 'logs', 'sbx_abc123', '--follow', '--interval-ms', '5'], { env });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --interval-ms must be a whole number of milliseconds from 100 to 3600000 (got "5")\n' });
  });
});

describe('the binary', () => {
  it('is executable through its shebang', () => {
    expect(execFileSync(BIN, ['--version'], { env: cleanEnv() }).toString()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
