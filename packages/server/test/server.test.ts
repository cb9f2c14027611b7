// What the shared scenarios cannot say in a language-neutral way: the processes themselves
// (freezing, memory kept, limits), secrets never written anywhere, recovery from a create cut
// short, the dev key, the command line, and answers outside the spec's operations.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, RateLimitError, Sandbox, type SandboxLogEntry } from 'tensor-box';
import { addressSpaceLimit, folderExists, killSandboxProcesses, pollUntil, sandboxProcesses } from './helpers/host.js';
import { BEHAVIOUR_DIR, SERVER_BIN, SPEC_FILE, startServer, type ServerHandle } from './helpers/server.js';
import { specWithSnapshot } from '../../../test/fixtures/snapshot/splice.mjs';

const servers: ServerHandle[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.dispose();
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<ServerHandle> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}

const conn = (s: ServerHandle, key = 'main') => ({ domain: s.url, apiKey: s.keys[key]!, maxRetries: 0 });

const ticks = (logs: SandboxLogEntry[]) =>
  logs.filter((l) => l.source === 'process' && /^tick \d+$/.test(l.message)).map((l) => Number(l.message.slice(5)));

async function waitForTick(s: ServerHandle, id: string, atLeast: number): Promise<number[]> {
  let seen: number[] = [];
  const ok = await pollUntil(async () => (seen = ticks(await Sandbox.getLogs(id, conn(s)))).some((n) => n >= atLeast), 10_000, 50);
  if (!ok) throw new Error(`no tick ${atLeast} within 10 s (saw ${seen.join(',')})`);
  return seen;
}

function raw(s: ServerHandle, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${s.url}${path}`, { method, headers: { 'X-API-Key': s.keys.main!, ...init.headers }, body: init.body });
}

describe('processes', () => {
  it('pause freezes the group and keeps its memory; resume continues where it stopped', async () => {
    const s = await server();
    const sbx = await Sandbox.create('ticker', conn(s));
    await waitForTick(s, sbx.sandboxId, 3);
    await sbx.pause();
    const frozenAt = Math.max(...ticks(await sbx.getLogs()));
    // Nothing may be printed while stopped: give it several tick periods (100 ms each).
    await new Promise((r) => setTimeout(r, 600));
    const afterWait = Math.max(...ticks(await sbx.getLogs()));
    expect(afterWait - frozenAt).toBeLessThanOrEqual(1); // at most a line already in flight
    expect(sandboxProcesses(s.dataDir, sbx.sandboxId).every((p) => p.state === 'T' || p.state === 'D')).toBe(true);

    await sbx.resume();
    const seen = await waitForTick(s, sbx.sandboxId, afterWait + 3);
    // The counter lives in the shell's memory: after the resume it goes on, without a gap or a restart.
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    await sbx.kill();
  });

  it('files survive a pause; kill removes the folder and every process of the group', async () => {
    const s = await server();
    const sbx = await Sandbox.create('writer', conn(s));
    const blob = join(s.dataDir, 'sandboxes', sbx.sandboxId, 'home', 'blob');
    expect(await pollUntil(() => existsSync(blob) && statSync(blob).size === 4 * 1024 * 1024, 5_000)).toBe(true);
    await sbx.pause();
    await sbx.resume();
    expect(statSync(blob).size).toBe(4 * 1024 * 1024);
    const procs = sandboxProcesses(s.dataDir, sbx.sandboxId);
    expect(procs.length).toBeGreaterThanOrEqual(2); // the shell and its `sleep`
    expect(new Set(procs.map((p) => p.pgrp)).size).toBe(1);
    await sbx.kill();
    expect(sandboxProcesses(s.dataDir, sbx.sandboxId)).toEqual([]);
    expect(folderExists(s.dataDir, sbx.sandboxId)).toBe(false);
  });

  it('applies the template quota as OS limits: address space, file size, CPU affinity', async () => {
    const s = await server();
    const sbx = await Sandbox.create('burner', conn(s));
    const info = await sbx.getInfo();
    let leader: ReturnType<typeof sandboxProcesses>[number] | undefined;
    // create answers once the launcher shell is spawned; it sets the limits, then execs the
    // template's shell. Look once the template runs (its shell leads the group), not before.
    const template = JSON.parse(readFileSync(join(BEHAVIOUR_DIR, 'templates.json'), 'utf8')).templates.burner.command as string;
    const runsTemplate = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join('\n') === `/bin/sh\n-c\n${template}`;
      } catch {
        return false;
      }
    };
    expect(await pollUntil(() => (leader = sandboxProcesses(s.dataDir, sbx.sandboxId).find((p) => p.pid === p.pgrp && runsTemplate(p.pid))) !== undefined, 5_000)).toBe(true);
    expect(addressSpaceLimit(leader!.pid)).toBe(info.memoryMB * 1024 * 1024);
    const limits = readFileSync(`/proc/${leader!.pid}/limits`, 'utf8');
    expect(limits).toMatch(new RegExp(`Max file size\\s+${info.diskGB * 1024 ** 3}\\s`));
    if (availableParallelism() > info.cpuCount) {
      const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${leader!.pid}/status`, 'utf8'))![1]!;
      expect(allowed.split(',')).toHaveLength(info.cpuCount);
    }
    await sbx.kill();
  });

  it('injects the env vars, and nothing of the server environment', async () => {
    const s = await server();
    const sbx = await Sandbox.create('default', { ...conn(s), envs: { GREETING: 'hello world', EMPTY: '' } });
    let env: Record<string, string> = {};
    expect(await pollUntil(() => (env = sandboxProcesses(s.dataDir, sbx.sandboxId)[0]?.env ?? {}).GREETING !== undefined, 2_000)).toBe(true);
    expect(env).toMatchObject({ GREETING: 'hello world', EMPTY: '', TENSOR_BOX_SANDBOX_ID: sbx.sandboxId, TENSOR_BOX_TEMPLATE_ID: 'default' });
    expect(env.HOME).toBe(join(s.dataDir, 'sandboxes', sbx.sandboxId, 'home'));
    expect(Object.keys(env)).not.toContain('TENSOR_BOX_SERVER_API_KEYS');
    await sbx.kill();
  });
});

describe('secrets', () => {
  it('API keys and env values appear in no answer, log line, database or file of the server', async () => {
    const s = await server({ keys: ['main', 'other'] });
    const secret = 'hunter2-very-secret-value';
    const sbx = await Sandbox.create('default', { ...conn(s), envs: { TOKEN: secret }, idempotencyKey: 'idem-1' });
    const answers: string[] = [];
    answers.push(await (await raw(s, 'POST', '/sandboxes', { body: JSON.stringify({ templateId: 'default', envs: { TOKEN: [secret] } }), headers: { 'Content-Type': 'application/json' } })).text());
    answers.push(await (await raw(s, 'POST', '/sandboxes', { body: `{"templateId":"default","envs":{"TOKEN":"${secret}"`, headers: { 'Content-Type': 'application/json' } })).text());
    answers.push(await (await raw(s, 'GET', '/sandboxes', { headers: { 'X-API-Key': `${s.keys.main}x` } })).text());
    answers.push(await (await raw(s, 'GET', `/sandboxes/${sbx.sandboxId}/logs`)).text());
    await sbx.pause();
    await sbx.kill();
    await s.stop();

    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => files.push(p))(join(dir, e.name));
    };
    walk(s.dataDir);
    expect(files.some((f) => f.endsWith('tensor-box.db'))).toBe(true);
    const everything = [s.output(), ...answers, ...files.map((f) => readFileSync(f, 'latin1'))].join('\n');
    for (const value of [secret, s.keys.main!, s.keys.other!]) expect(everything).not.toContain(value);
  });

  it('creates a dev key on first start, prints it once, and keeps using it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tensor-box-devkey-'));
    const children: ReturnType<typeof spawn>[] = [];
    const run = (args: string[]) =>
      new Promise<{ output: string; stop: () => Promise<void> }>((resolve, reject) => {
        const env = { ...process.env };
        delete env.TENSOR_BOX_SERVER_API_KEYS;
        const child = spawn(process.execPath, [SERVER_BIN, '--port', '0', '--data', dataDir, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let output = '';
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        const onData = (d: Buffer) => {
          output += d;
          if (/listening on http/.test(output)) resolve({ output, stop: async () => (child.kill('SIGTERM'), await exited) });
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
    try {
      const first = await run([]);
      await first.stop();
      const key = readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim();
      expect(key).toMatch(/^tbx_dev_/);
      expect(first.output).toContain(key);
      expect(statSync(join(dataDir, 'dev-api-key')).mode & 0o777).toBe(0o600);
      const second = await run([]);
      const url = /listening on (http:\/\/\S+)/.exec(second.output)![1]!;
      expect(second.output).not.toContain(key);
      expect(second.output).toContain('using the dev API key in');
      expect(await Sandbox.list({ domain: url, apiKey: key, maxRetries: 0 })).toEqual([]);
      await second.stop();
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('nothing half-created', () => {
  it('a create that fails leaves no row, folder or process', async () => {
    const s = await server();
    // Make the sandbox folder impossible to create (a file where the folder should be).
    const dir = join(s.dataDir, 'sandboxes');
    renameSync(dir, `${dir}.away`);
    writeFileSync(dir, 'not a folder');
    try {
      const err = await Sandbox.create('default', conn(s)).catch((e: unknown) => e);
      expect((err as Error).message).toContain('500 Internal Server Error: the sandbox could not be started: ENOTDIR');
    } finally {
      rmSync(dir);
      renameSync(`${dir}.away`, dir);
    }
    expect(await Sandbox.list({ ...conn(s), query: { state: ['running', 'paused', 'closed'] } })).toEqual([]);
    expect(sandboxProcesses(s.dataDir)).toEqual([]);
    const sbx = await Sandbox.create('default', conn(s)); // and the server is fine afterwards
    await sbx.kill();
  });

  it('a create cut short by a crash is undone on the next start', async () => {
    const s = await server();
    await s.stop('SIGKILL');
    // What a crash between spawning and recording the sandbox leaves: a 'creating' row, its folder, its process group.
    const id = 'sbx_cutshort0000000000';
    const home = join(s.dataDir, 'sandboxes', id, 'home');
    const child = spawn('/bin/sh', ['-c', 'while :; do sleep 3600; done'], {
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env.PATH, HOME: home, TENSOR_BOX_SANDBOX_ID: id },
    });
    child.unref();
    await new Promise((r) => child.once('spawn', r));
    spawnSync('mkdir', ['-p', home]);
    const startTime = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;
    const db = new Database(join(s.dataDir, 'tensor-box.db'));
    db.prepare(
      `INSERT INTO sandboxes (id, owner, template_id, state, started_at, end_at, timeout_ms, on_timeout, auto_resume, cpu_count, memory_mb, disk_gb, metadata, pid, pid_start)
       VALUES (?, 'x', 'default', 'creating', 0, 0, 1000, 'kill', 0, 1, 1, 1, '{}', ?, ?)`,
    ).run(id, child.pid, startTime);
    db.close();
    expect(sandboxProcesses(s.dataDir, id)).toHaveLength(2);

    await s.start();
    expect(await pollUntil(() => sandboxProcesses(s.dataDir, id).length === 0, 2_000)).toBe(true);
    expect(folderExists(s.dataDir, id)).toBe(false);
    expect(s.output()).toContain(`sandbox ${id}: its create was interrupted by a restart; removed`);
  });
});

describe('what paused a sandbox', () => {
  const paused = async (s: ServerHandle, id: string) =>
    expect(await pollUntil(async () => (await Sandbox.getInfo(id, conn(s))).state === 'paused', 5_000, 50)).toBe(true);
  const refusal = (s: ServerHandle, id: string) => Sandbox.keepAlive(id, 30_000, conn(s)).then(() => undefined, (e: unknown) => e as ConflictError);

  it('says in the 409 why a paused sandbox does not resume by itself', async () => {
    const s = await server();
    const byCall = await Sandbox.create('default', { ...conn(s), lifecycle: { onTimeout: 'pause', autoResume: true } });
    await byCall.pause();
    const byTimeout = await Sandbox.create('default', { ...conn(s), timeoutMs: 1_000, lifecycle: { onTimeout: 'pause' } });
    await paused(s, byTimeout.sandboxId);
    const e1 = await refusal(s, byCall.sandboxId);
    expect(e1).toBeInstanceOf(ConflictError);
    expect(e1!.message).toContain(`sandbox ${byCall.sandboxId} is paused; resume it first (a pause call paused it, and autoResume only resumes a sandbox that its timeout paused)`);
    const e2 = await Sandbox.setTimeout(byTimeout.sandboxId, 5_000, conn(s)).then(() => undefined, (e: unknown) => e as ConflictError);
    expect(e2).toBeInstanceOf(ConflictError);
    expect(e2!.message).toContain(`sandbox ${byTimeout.sandboxId} is paused; resume it first (its inactivity timeout paused it, and its lifecycle does not have autoResume)`);
    await byCall.kill();
    await byTimeout.kill();
  });

  it('a data folder of schema 1 learns what paused each sandbox from its logs', async () => {
    const s = await server();
    const lifecycle = { onTimeout: 'pause' as const, autoResume: true };
    const byTimeout = await Sandbox.create('default', { ...conn(s), timeoutMs: 1_000, lifecycle });
    const byCall = await Sandbox.create('default', { ...conn(s), lifecycle });
    await byCall.pause();
    const unknown = await Sandbox.create('default', { ...conn(s), timeoutMs: 1_000, lifecycle });
    await paused(s, byTimeout.sandboxId);
    await paused(s, unknown.sandboxId);
    await s.stop('SIGTERM');

    // Turn the database into what a schema-1 server left: no paused_by column; and the pause
    // entry of one sandbox trimmed from its logs.
    const file = join(s.dataDir, 'tensor-box.db');
    let db = new Database(file);
    db.exec(`ALTER TABLE sandboxes DROP COLUMN paused_by; UPDATE meta SET value = '1' WHERE key = 'schema'`);
    db.prepare(`DELETE FROM logs WHERE sandbox_id = ? AND message LIKE 'inactivity timeout reached%'`).run(unknown.sandboxId);
    db.close();

    await s.start();
    await Sandbox.keepAlive(byTimeout.sandboxId, 30_000, conn(s));
    expect((await Sandbox.getInfo(byTimeout.sandboxId, conn(s))).state).toBe('running');
    expect((await refusal(s, byCall.sandboxId))!.message).toContain('(a pause call paused it,');
    expect((await refusal(s, unknown.sandboxId))!.message).toContain(
      `sandbox ${unknown.sandboxId} is paused; resume it first (it was paused before this server recorded what paused it, so it does not resume by itself)`,
    );
    expect((await Sandbox.getInfo(unknown.sandboxId, conn(s))).state).toBe('paused');
    await Sandbox.connect(unknown.sandboxId, conn(s)); // connect resumes it all the same
    expect((await Sandbox.getInfo(unknown.sandboxId, conn(s))).state).toBe('running');
    await s.stop('SIGTERM');

    db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get()).toEqual({ value: '2' });
    expect(db.prepare('SELECT paused_by FROM sandboxes WHERE id = ?').get(byCall.sandboxId)).toEqual({ paused_by: 'pause' });
    db.close();

    // A schema newer than this server knows is refused, not guessed at.
    db = new Database(file);
    db.exec(`UPDATE meta SET value = '3' WHERE key = 'schema'`);
    db.close();
    await expect(s.start()).rejects.toThrow('has schema 3, which this server does not know (it knows up to 2)');
    db = new Database(file);
    db.exec(`UPDATE meta SET value = '2' WHERE key = 'schema'`);
    db.close();
    await s.start();
    for (const sbx of [byTimeout, byCall, unknown]) await Sandbox.kill(sbx.sandboxId, conn(s));
  });
});

describe('concurrency and limits', () => {
  it('concurrent creates with one Idempotency-Key make one sandbox', async () => {
    const s = await server();
    const made = await Promise.all(Array.from({ length: 8 }, () => Sandbox.create('default', { ...conn(s), idempotencyKey: 'same-key' })));
    expect(new Set(made.map((m) => m.sandboxId)).size).toBe(1);
    expect(await Sandbox.list(conn(s))).toHaveLength(1);
    expect(new Set(sandboxProcesses(s.dataDir).map((p) => p.sandboxId)).size).toBe(1);
    await made[0]!.kill();
  });

  it('concurrent pause, resume and kill of one sandbox end in one consistent state', async () => {
    const s = await server();
    const sbx = await Sandbox.create('default', conn(s));
    const results = await Promise.allSettled([sbx.pause(), sbx.pause(), sbx.resume(), sbx.kill(), sbx.pause(), sbx.kill()]);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    expect((await sbx.getInfo()).state).toBe('closed');
    expect(sandboxProcesses(s.dataDir, sbx.sandboxId)).toEqual([]);
  });

  it('refuses a create over --max-sandboxes with 429 and Retry-After, creating nothing', async () => {
    const s = await server({ extraArgs: ['--max-sandboxes', '2'] });
    await Sandbox.create('default', conn(s));
    await Sandbox.create('default', conn(s));
    const res = await raw(s, 'POST', '/sandboxes', { body: '{"templateId":"default"}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ code: 'sandbox_limit' });
    await expect(Sandbox.create('default', conn(s))).rejects.toBeInstanceOf(RateLimitError);
    expect(await Sandbox.list(conn(s))).toHaveLength(2);
    for (const sbx of await Sandbox.list(conn(s))) await Sandbox.kill(sbx.sandboxId, conn(s));
  });
});

describe('retention windows', () => {
  it('forgets closed sandboxes after --closed-retention-ms and old samples after --metrics-window-ms', async () => {
    const s = await server({ extraArgs: ['--closed-retention-ms', '1000', '--metrics-window-ms', '1000'] });
    const sbx = await Sandbox.create('default', conn(s));
    let early: Date | undefined;
    expect(await pollUntil(async () => (early = (await sbx.getMetrics())[0]?.timestamp) !== undefined, 5_000, 50)).toBe(true);
    // Once that first sample is well outside the window, it must be gone.
    expect(await pollUntil(() => Date.now() - early!.getTime() > 1_800, 5_000, 50)).toBe(true);
    const samples = await sbx.getMetrics();
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((m) => m.timestamp > early!)).toBe(true);
    // Pruned at each sampling pass (every 200 ms): nothing older than the window plus one pass.
    expect(Date.now() - samples[0]!.timestamp.getTime()).toBeLessThan(1_000 + 200 + 300);
    await sbx.kill();
    expect(await pollUntil(async () => !(await Sandbox.isRunning(sbx.sandboxId, conn(s))) && (await fetchStatus(s, sbx.sandboxId)) === 404, 5_000, 100)).toBe(true);
  });
});

async function fetchStatus(s: ServerHandle, id: string): Promise<number> {
  return (await raw(s, 'GET', `/sandboxes/${id}`)).status;
}

describe('answers outside the spec operations', () => {
  it('refuses what no operation takes, precisely', async () => {
    const s = await server();
    const sbx = await Sandbox.create('default', conn(s));
    const cases: [string, string, { body?: string; headers?: Record<string, string> }, number, string][] = [
      ['POST', `/sandboxes/${sbx.sandboxId}/pause`, { body: '{}', headers: { 'Content-Type': 'application/json' } }, 400, 'POST /sandboxes/{sandboxId}/pause takes no request body (got 2 bytes)'],
      ['GET', `/sandboxes/${sbx.sandboxId}?verbose=1`, {}, 400, 'unknown query parameter "verbose" for GET /sandboxes/{sandboxId}; it takes none'],
      ['PUT', `/sandboxes/${sbx.sandboxId}`, {}, 405, 'PUT is not allowed on'],
      ['GET', '/nothing-here', {}, 404, 'no such endpoint: GET /nothing-here'],
    ];
    for (const [method, path, init, status, message] of cases) {
      const res = await raw(s, method, path, init);
      const body = (await res.json()) as { message: string; requestId: string };
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(body.message).toContain(message);
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
    }
    expect((await raw(s, 'PUT', `/sandboxes/${sbx.sandboxId}`)).headers.get('allow')).toBe('GET, DELETE');
    expect((await sbx.getInfo()).state).toBe('running');
    await sbx.kill();
  });

  it('decodes + as a space in the metadata filter, as form encoding says', async () => {
    const s = await server();
    const sbx = await Sandbox.create('default', { ...conn(s), metadata: { 'with space': 'v a l' } });
    const res = await raw(s, 'GET', '/sandboxes?metadata=with+space%3Dv%2Ba%2Bl');
    expect(((await res.json()) as { sandboxes: { sandboxId: string }[] }).sandboxes.map((x) => x.sandboxId)).toEqual([sbx.sandboxId]);
    await sbx.kill();
  });

  it('pages with limit and a cursor, newest first, and honours the logs limit', async () => {
    const s = await server();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await Sandbox.create('default', conn(s))).sandboxId);
    const first = (await (await raw(s, 'GET', '/sandboxes?limit=2')).json()) as { sandboxes: { sandboxId: string }[]; nextCursor?: string };
    expect(first.sandboxes.map((x) => x.sandboxId)).toEqual([ids[2], ids[1]]);
    const second = (await (await raw(s, 'GET', `/sandboxes?limit=2&cursor=${first.nextCursor}`)).json()) as typeof first;
    expect(second.sandboxes.map((x) => x.sandboxId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();
    await Sandbox.pause(ids[0]!, conn(s));
    const logs = await Sandbox.getLogs(ids[0]!, { ...conn(s), limit: 1 });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.message).toContain('sandbox created from template default');
    for (const id of ids) await Sandbox.kill(id, conn(s));
  });
});

describe('the command line', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [SERVER_BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });

  it('explains a usage error and exits 2', () => {
    const r = cli(['--port', 'eighty']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--port must be an integer ≥ 0 (got "eighty")');
    const u = cli(['--colour']);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain("Unknown option '--colour'");
  });

  it('names a bad template precisely and a short key by position, never by value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensor-box-cli-'));
    try {
      writeFileSync(join(dir, 't.json'), JSON.stringify({ templates: { default: { command: 'sleep 1', memoryMB: 1 } } }));
      const r = cli(['--port', '0', '--data', join(dir, 'data'), '--templates', join(dir, 't.json')], { TENSOR_BOX_SERVER_API_KEYS: 'good-key-123456' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('templates.default.memoryMB must be an integer from 16 to 1048576');
      const k = cli(['--port', '0', '--data', join(dir, 'data')], { TENSOR_BOX_SERVER_API_KEYS: 'good-key-123456,short' });
      expect(k.status).toBe(2);
      expect(k.stderr).toContain('TENSOR_BOX_SERVER_API_KEYS: API key #2 is shorter than 8 characters');
      expect(k.stderr).not.toContain('good-key-123456');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second server on the same data folder', async () => {
    const s = await server();
    const r = cli(['--port', '0', '--data', s.dataDir, '--templates', join(BEHAVIOUR_DIR, 'templates.json')], { TENSOR_BOX_SERVER_API_KEYS: 'another-key-1234' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is in use by another tensor-box server');
    expect((await Sandbox.list(conn(s))).length).toBe(0); // the first one still serves
  });
});

describe('the spec drives the server', () => {
  const withSpec = (edit: (spec: string) => string) => {
    const dir = mkdtempSync(join(tmpdir(), 'tensor-box-spec-'));
    writeFileSync(join(dir, 'openapi.yaml'), edit(readFileSync(SPEC_FILE, 'utf8')));
    return { file: join(dir, 'openapi.yaml'), done: () => rmSync(dir, { recursive: true, force: true }) };
  };

  it('checks requests by the constraints the spec gives', async () => {
    const spec = withSpec((text) => text.replaceAll('minimum: 1000', 'minimum: 1500'));
    try {
      const s = await server({ extraArgs: ['--spec', spec.file] });
      const res = await raw(s, 'POST', '/sandboxes', { body: '{"templateId":"default","timeoutMs":1200}', headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe('body field timeoutMs must be at least 1500 ms (got 1200)');
    } finally {
      spec.done();
    }
  });

  it('refuses to start on a spec with an operation it does not implement', () => {
    // The shared fixture: the real spec plus a snapshot operation (test/fixtures/snapshot).
    const spec = withSpec((text) => specWithSnapshot(text));
    const dataDir = mkdtempSync(join(tmpdir(), 'tensor-box-spec-data-'));
    try {
      const r = spawnSync(process.execPath, [SERVER_BIN, '--port', '0', '--data', dataDir, '--spec', spec.file], {
        encoding: 'utf8',
        env: { ...process.env, TENSOR_BOX_SERVER_API_KEYS: 'spec-test-key-1' },
        timeout: 20_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("the spec's operation snapshotSandbox has no handler in this server");
      expect(existsSync(join(dataDir, 'tensor-box.db'))).toBe(false); // refused before touching anything
    } finally {
      spec.done();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('descriptors', () => {
  it('a descriptor the server inherited does not leak into sandboxes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tensor-box-fd-'));
    // fd 40 of the server: a socket without close-on-exec, as a CI runner might pass a pipe on.
    // (Node itself marks low descriptors close-on-exec at start-up, so a high one is needed.)
    const FD = 40;
    const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
    while (stdio.length <= FD) stdio.push(stdio.length === FD ? 'pipe' : 'ignore');
    const child = spawn(process.execPath, [SERVER_BIN, '--port', '0', '--data', dataDir, '--quiet'], {
      env: { ...process.env, TENSOR_BOX_SERVER_API_KEYS: 'fd-test-key-123' },
      stdio,
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      expect(await pollUntil(() => /listening on http/.test(output), 20_000), output).toBe(true);
      const url = /listening on (http:\/\/\S+)/.exec(output)![1]!;
      const sbx = await Sandbox.create('default', { domain: url, apiKey: 'fd-test-key-123', maxRetries: 0 });
      let procs: ReturnType<typeof sandboxProcesses> = [];
      expect(await pollUntil(() => (procs = sandboxProcesses(dataDir, sbx.sandboxId)).length > 0, 2_000)).toBe(true);
      const serverPipe = readlinkSync(`/proc/${child.pid}/fd/${FD}`);
      const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/${child.pid}/fdinfo/${FD}`, 'utf8'))![1]!, 8);
      expect(flags & 0o2000000).toBe(0); // no O_CLOEXEC: a plain spawn would pass it on
      expect(serverPipe).toMatch(/^(pipe|socket):/);
      for (const p of procs) {
        const targets = readdirSync(`/proc/${p.pid}/fd`).map((fd) => readlinkSync(`/proc/${p.pid}/fd/${fd}`));
        expect(targets).not.toContain(serverPipe);
      }
      await sbx.kill();
    } finally {
      child.kill('SIGTERM');
      await exited;
      killSandboxProcesses(dataDir); // none if the test got as far as its kill
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
