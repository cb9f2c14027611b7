/**
 * The sandboxes: their state machine, their processes, the inactivity deadline, output and
 * metrics. Every change to one sandbox runs under that sandbox's lock, so a timer firing during
 * a pause request, or two kills at once, see one consistent state. SQLite holds the truth; the
 * in-memory `Live` record only holds what cannot be stored (timers, child handles, counters).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, notFound } from '../api/errors.js';
import type { PausedBy, SandboxRow, Store } from '../store/db.js';
import { describeLimits, launch, sandboxPaths, SANDBOX_ID_ENV, signalGroup, TEMPLATE_ID_ENV } from './launch.js';
import { readLines } from './output.js';
import { CLK_TCK, diskUsage, isAlive, readStatSync, scanProcesses } from './proc.js';
import type { Template } from './templates.js';

export interface ManagerOptions {
  dataDir: string;
  store: Store;
  templates: Map<string, Template>;
  /** How often metrics are sampled. */
  metricsIntervalMs: number;
  /** How long samples are kept. */
  metricsWindowMs: number;
  /** How often process output is collected. */
  logPollMs: number;
  /** How long a closed sandbox stays visible. */
  closedRetentionMs: number;
  /** Live (running or paused) sandboxes per API key. */
  maxSandboxesPerKey: number;
  /** The server's own log (never given keys or env values). */
  log: (line: string) => void;
}

export interface NewSandbox {
  templateId: string;
  timeoutMs?: number;
  envs?: Record<string, string>;
  metadata?: Record<string, string>;
  lifecycle?: { onTimeout?: string; autoResume?: boolean };
}

/** The spec's default inactivity timeout: 5 minutes. */
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** Log entries kept per sandbox. */
const MAX_LOG_ENTRIES = 10_000;
const TRIM_EVERY = 500;
/** How long an Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
/** How long a kill waits for the group's leader to be gone. */
const EXIT_WAIT_MS = 5_000;
/** How long a pause waits for the group to show as stopped. */
const STOP_WAIT_MS = 5_000;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** setTimeout cannot wait longer than this; longer deadlines are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Live {
  id: string;
  pid: number;
  startTime: string;
  /** Set when this server spawned it (not after a restart, when it was adopted). */
  child?: ChildProcess;
  exited?: Promise<string>;
  timer?: NodeJS.Timeout;
  /** CPU ticks of the group and when they were read, for the next sample's CPU %. */
  cpu?: { ticks: number; at: number };
  /** Output collection, one at a time per sandbox. */
  pump: Promise<void>;
  /** Collections queued or running; the periodic one skips a sandbox that is still busy. */
  pumping: number;
}

export class SandboxManager {
  readonly #o: ManagerOptions;
  readonly #live = new Map<string, Live>();
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Creates in flight per `owner \n Idempotency-Key`, so a concurrent retry waits for the first. */
  readonly #creating = new Map<string, Promise<SandboxRow>>();
  readonly #intervals: NodeJS.Timeout[] = [];
  /** Output lines logged per sandbox since its logs were last trimmed. */
  readonly #untrimmed = new Map<string, number>();
  #sampling = false;
  #closing = false;

  constructor(options: ManagerOptions) {
    this.#o = options;
  }

  get store(): Store {
    return this.#o.store;
  }

  // ---------------------------------------------------------------- start and stop

  /** Brings the stored state and the machine back in line after a (re)start, then starts the clocks. */
  async start(): Promise<void> {
    const { store, log } = this.#o;
    await mkdir(join(this.#o.dataDir, 'sandboxes'), { recursive: true });

    // Creates cut short by a crash: nothing of them may remain.
    for (const row of store.withState('creating')) {
      await killGroup(row);
      await rm(sandboxPaths(this.#o.dataDir, row.id).root, { recursive: true, force: true });
      store.remove(row.id);
      log(`sandbox ${row.id}: its create was interrupted by a restart; removed`);
    }

    for (const row of [...store.withState('running'), ...store.withState('paused')]) {
      if (row.pid && isAlive(row.pid, row.pid_start)) {
        const live = this.#register(row.id, row.pid, row.pid_start ?? '');
        if (row.state === 'paused') signalOwnGroup(row, 'SIGSTOP'); // stays frozen whatever happened meanwhile
        else this.#arm(live, row.end_at);
        this.#lifecycle(row.id, 'info', `server restarted: sandbox adopted again (process ${row.pid} still ${row.state})`);
        log(`sandbox ${row.id}: adopted (pid ${row.pid}, ${row.state})`);
      } else {
        await this.#finish(row, 'warn', `server restarted: the sandbox's process (${row.pid ?? 'none'}) was gone; sandbox closed`);
        log(`sandbox ${row.id}: process gone while the server was down; closed`);
      }
    }

    // Folders no live sandbox owns (a crash between removing the row and the folder).
    const owned = new Set(this.#live.keys());
    for (const name of await readdir(join(this.#o.dataDir, 'sandboxes'))) {
      if (!owned.has(name)) await rm(join(this.#o.dataDir, 'sandboxes', name), { recursive: true, force: true });
    }

    this.#intervals.push(
      setInterval(() => void this.#sample(), this.#o.metricsIntervalMs),
      setInterval(() => this.#pumpAll(), this.#o.logPollMs),
      setInterval(() => this.#housekeeping(), Math.min(60_000, this.#o.closedRetentionMs)),
    );
    this.#housekeeping();
  }

  /** Stops the clocks and collects pending output. Sandboxes keep running, to be adopted on the next start. */
  async stop(): Promise<void> {
    this.#closing = true;
    for (const i of this.#intervals) clearInterval(i);
    for (const live of this.#live.values()) clearTimeout(live.timer);
    await Promise.allSettled([...this.#locks.values()]);
    await Promise.all([...this.#live.values()].map((l) => this.#pump(l, false)));
  }

  // ---------------------------------------------------------------- operations

  /** The sandbox if `owner` may see it; another key's sandbox is "not found", so IDs never leak. */
  get(owner: string, id: string): SandboxRow {
    const row = this.#o.store.get(id);
    if (!row || row.owner !== owner || row.state === 'creating') throw notFound(id);
    return row;
  }

  async create(owner: string, body: NewSandbox, idempotencyKey: string | undefined): Promise<SandboxRow> {
    const hash = bodyHash(body);
    if (idempotencyKey === undefined) return this.#create(owner, body, undefined, hash);
    const slot = `${owner}\n${idempotencyKey}`;
    for (let pending = this.#creating.get(slot); pending; pending = this.#creating.get(slot)) {
      await pending.catch(() => undefined);
    }
    const previous = this.#o.store.getIdempotency(owner, idempotencyKey);
    if (previous) {
      if (previous.body_hash !== hash) {
        throw new ApiError(409, 'idempotency_conflict', 'Idempotency-Key was already used with a different request body');
      }
      const row = this.#o.store.get(previous.sandbox_id);
      if (row && row.state !== 'creating') return row;
      this.#o.store.deleteIdempotency(owner, idempotencyKey); // its sandbox is gone for good
    }
    const creating = this.#create(owner, body, idempotencyKey, hash);
    this.#creating.set(slot, creating);
    try {
      return await creating;
    } finally {
      this.#creating.delete(slot);
    }
  }

  async #create(owner: string, body: NewSandbox, idempotencyKey: string | undefined, hash: string): Promise<SandboxRow> {
    const { store, templates, dataDir } = this.#o;
    if (this.#closing) throw new ApiError(503, 'unavailable', 'the server is shutting down', 1);
    const template = templates.get(body.templateId);
    if (!template) {
      throw new ApiError(422, 'unknown_template', `template ${JSON.stringify(body.templateId)} does not exist (this server has: ${[...templates.keys()].join(', ')})`);
    }
    const envs = body.envs ?? {};
    for (const name of Object.keys(envs)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new ApiError(422, 'invalid_env', `envs: ${JSON.stringify(name)} is not a valid environment variable name (letters, digits and _, not starting with a digit)`);
      }
      if (name === SANDBOX_ID_ENV || name === TEMPLATE_ID_ENV) throw new ApiError(422, 'invalid_env', `envs: ${name} is set by the server`);
      // The value is a secret: say which variable, never what it holds.
      if (envs[name]!.includes('\0')) throw new ApiError(422, 'invalid_env', `envs: the value of ${name} contains a NUL character`);
    }
    // Checked and reserved without an await in between, so concurrent creates cannot overshoot.
    if (store.liveCount(owner) >= this.#o.maxSandboxesPerKey) {
      throw new ApiError(429, 'sandbox_limit', `this API key already has ${this.#o.maxSandboxesPerKey} running or paused sandboxes, the server's limit; kill one first`, 1);
    }

    const id = `sbx_${randomBytes(10).toString('hex')}`;
    const timeoutMs = body.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const now = Date.now();
    store.insert({
      id,
      owner,
      template_id: template.id,
      state: 'creating',
      started_at: now,
      end_at: now + timeoutMs,
      timeout_ms: timeoutMs,
      on_timeout: body.lifecycle?.onTimeout ?? 'kill',
      auto_resume: body.lifecycle?.autoResume ? 1 : 0,
      cpu_count: template.cpuCount,
      memory_mb: template.memoryMB,
      disk_gb: template.diskGB,
      metadata: JSON.stringify(body.metadata ?? {}),
      pid: null,
      pid_start: null,
      closed_at: null,
    });

    const paths = sandboxPaths(dataDir, id);
    let launched;
    try {
      await mkdir(paths.home, { recursive: true });
      launched = await launch(id, template, paths, envs);
      const started = Date.now();
      store.transaction(() => {
        store.update(id, { state: 'running', pid: launched!.pid, pid_start: launched!.startTime, started_at: started, end_at: started + timeoutMs });
        this.#lifecycle(id, 'info', `sandbox created from template ${template.id} (${describeLimits(template, launched!.cpus)}), process ${launched!.pid}`);
        if (idempotencyKey !== undefined) {
          store.addIdempotency({ owner, key: idempotencyKey, body_hash: hash, sandbox_id: id, created_at: started });
        }
      });
    } catch (err) {
      // Nothing half-created: no process, no row, no folder (the cleanup itself may fail, e.g.
      // for the very reason the create failed; the row goes first so it never outlives that).
      if (launched) {
        signalGroup(launched.pid, 'SIGKILL');
        await withTimeout(launched.exited, EXIT_WAIT_MS);
      }
      store.remove(id);
      await rm(paths.root, { recursive: true, force: true }).catch((e: Error) => this.#o.log(`sandbox ${id}: removing its folder failed: ${e.message}`));
      this.#o.log(`sandbox ${id}: create failed: ${(err as Error).message}`);
      throw new ApiError(500, 'internal_error', `the sandbox could not be started: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }

    const live = this.#register(id, launched.pid, launched.startTime, launched.child, launched.exited);
    live.cpu = { ticks: 0, at: Date.now() }; // a new process has used (almost) no CPU yet
    this.#arm(live, store.get(id)!.end_at);
    return store.get(id)!;
  }

  list(owner: string, states: string[], metadata: Record<string, string>, limit: number, cursor: string | undefined) {
    let before = Number.MAX_SAFE_INTEGER;
    if (cursor !== undefined) {
      const m = /^c_(\d{1,15})$/.exec(cursor);
      if (!m) throw new ApiError(400, 'bad_request', `query parameter cursor ${JSON.stringify(cursor)} is not a cursor this server returned (pass nextCursor as it is)`);
      before = Number(m[1]);
    }
    const pairs = Object.entries(metadata);
    const page = this.#o.store.page(owner, states, before, limit, (row) => {
      if (pairs.length === 0) return true;
      const own = JSON.parse(row.metadata) as Record<string, string>;
      return pairs.every(([k, v]) => Object.hasOwn(own, k) && own[k] === v);
    });
    const last = page.items.at(-1);
    return { sandboxes: page.items, nextCursor: page.more && last ? `c_${last.seq}` : undefined };
  }

  kill(owner: string, id: string): Promise<void> {
    this.get(owner, id);
    return this.#locked(id, async () => {
      const row = this.#o.store.get(id)!;
      if (row.state === 'closed') return; // killing a closed sandbox succeeds: a retried kill never fails
      await this.#finish(row, 'info', 'sandbox killed');
    });
  }

  pause(owner: string, id: string): Promise<void> {
    this.get(owner, id);
    return this.#locked(id, async () => {
      const row = this.#o.store.get(id)!;
      if (row.state === 'paused') throw new ApiError(409, 'sandbox_not_running', `sandbox ${id} is already paused`);
      if (row.state !== 'running') throw new ApiError(409, 'sandbox_not_running', `sandbox ${id} is closed`);
      if (!(await this.#freeze(row, 'pause', 'sandbox paused'))) {
        throw new ApiError(409, 'sandbox_not_running', `sandbox ${id} is closed (its process had ended)`);
      }
    });
  }

  resume(owner: string, id: string, timeoutMs: number | undefined): Promise<SandboxRow> {
    this.get(owner, id);
    return this.#locked(id, async () => {
      const row = this.#o.store.get(id)!;
      if (row.state !== 'paused') {
        throw new ApiError(409, 'sandbox_not_paused', `sandbox ${id} is ${row.state === 'running' ? 'running, not paused' : 'closed'}`);
      }
      return this.#thaw(row, { timeoutMs, message: 'sandbox resumed', goneCode: 'sandbox_not_paused' });
    });
  }

  /** Connect: any paused sandbox resumes (whatever paused it); a running one counts it as activity. */
  connect(owner: string, id: string, timeoutMs: number | undefined): Promise<SandboxRow> {
    this.get(owner, id);
    return this.#locked(id, async () => {
      const row = this.#o.store.get(id)!;
      if (row.state === 'closed') throw new ApiError(409, 'sandbox_closed', `sandbox ${id} is closed`);
      if (row.state === 'paused') return this.#thaw(row, { timeoutMs, message: 'sandbox resumed by connect', goneCode: 'sandbox_closed' });
      const now = Date.now();
      const timeout = timeoutMs ?? row.timeout_ms;
      // A new timeout replaces the deadline; without one the configured timeout is kept and
      // the connect only pushes the deadline out (it is activity), never pulls it in.
      const endAt = timeoutMs !== undefined ? now + timeout : Math.max(row.end_at, now + timeout);
      return this.#setDeadline(row, timeout, endAt);
    });
  }

  setTimeout(owner: string, id: string, timeoutMs: number): Promise<void> {
    this.get(owner, id);
    return this.#locked(id, async () => {
      const row = this.#o.store.get(id)!;
      if (row.state === 'closed') throw new ApiError(409, 'sandbox_closed', `sandbox ${id} is closed`);
      if (row.state === 'paused') {
        // Resumed with the new timeout, counted from now: what setTimeout does to a running one.
        this.#requireAutoResume(row);
        await this.#thaw(row, { timeoutMs, message: 'sandbox resumed by setTimeout (autoResume)', goneCode: 'sandbox_closed' });
        return;
      }
      this.#setDeadline(row, timeoutMs, Date.now() + timeoutMs, `timeout set to ${timeoutMs} ms`);
    });
  }

  keepAlive(owner: string, id: string, durationMs: number): Promise<void> {
    this.get(owner, id);
    return this.#locked(id, async () => {
      const row = this.#o.store.get(id)!;
      if (row.state === 'closed') throw new ApiError(409, 'sandbox_closed', `sandbox ${id} is closed`);
      if (row.state === 'paused') {
        // Resumed with its configured timeout; endAt is the later of now + timeout and now + durationMs.
        this.#requireAutoResume(row);
        await this.#thaw(row, { atLeastMs: durationMs, message: 'sandbox resumed by keepAlive (autoResume)', goneCode: 'sandbox_closed' });
        return;
      }
      const endAt = Math.max(row.end_at, Date.now() + durationMs);
      if (endAt !== row.end_at) this.#setDeadline(row, row.timeout_ms, endAt);
    });
  }

  metrics(owner: string, id: string, since: number) {
    const row = this.get(owner, id);
    return this.#o.store.metrics(id, since).map((m) => ({
      timestamp: m.ts,
      cpuCount: row.cpu_count,
      cpuUsedPct: m.cpu_pct,
      memUsed: m.mem_used,
      memTotal: row.memory_mb * MIB,
      diskUsed: m.disk_used,
      diskTotal: row.disk_gb * GIB,
    }));
  }

  logs(owner: string, id: string, since: number, limit: number) {
    this.get(owner, id);
    return this.#o.store.logs(id, since, limit).map((l) => ({ timestamp: l.ts, level: l.level, source: l.source, message: l.message }));
  }

  // ---------------------------------------------------------------- state changes (under the lock)

  /**
   * A call that acts on a paused sandbox (setTimeout, keepAlive) may resume it only when its own
   * timeout paused it and its lifecycle has autoResume; otherwise it is a 409 saying why not.
   */
  #requireAutoResume(row: SandboxRow): void {
    if (row.paused_by === 'timeout' && row.auto_resume === 1) return;
    const why =
      row.paused_by === 'pause'
        ? 'a pause call paused it, and autoResume only resumes a sandbox that its timeout paused'
        : row.paused_by === 'timeout'
          ? 'its inactivity timeout paused it, and its lifecycle does not have autoResume'
          : 'it was paused before this server recorded what paused it, so it does not resume by itself';
    throw new ApiError(409, 'sandbox_paused', `sandbox ${row.id} is paused; resume it first (${why})`);
  }

  /** SIGSTOP to the group; true once the leader is really stopped, false if it turned out to be gone. */
  async #freeze(row: SandboxRow, by: PausedBy, message: string): Promise<boolean> {
    const live = this.#live.get(row.id);
    const stopped = live && signalOwnGroup(row, 'SIGSTOP') ? await waitStopped(row.pid!, row.pid_start) : 'gone';
    if (stopped === 'gone') {
      await this.#finish(row, 'warn', `the sandbox's process had ended; sandbox closed`);
      return false;
    }
    if (stopped === 'timeout') {
      signalGroup(row.pid!, 'SIGCONT'); // leave it as it was: running
      throw new ApiError(500, 'internal_error', `sandbox ${row.id} did not stop within ${STOP_WAIT_MS} ms (process state ${readStatSync(row.pid!)?.state ?? 'unknown'}); it is still running`);
    }
    clearTimeout(live!.timer);
    // Output written before the stop goes into the logs before the "paused" entry.
    await this.#pump(live!, false);
    const now = Date.now();
    this.#o.store.transaction(() => {
      // The clock stops while paused: endAt is when it stopped, and resume restarts it.
      this.#o.store.update(row.id, { state: 'paused', paused_by: by, end_at: Math.min(row.end_at, now) });
      this.#lifecycle(row.id, 'info', message);
    });
    return true;
  }

  /**
   * SIGCONT to the group and the clock restarted: the timeout becomes `timeoutMs` (default: the
   * configured one), endAt now + timeout, or now + `atLeastMs` if that is later.
   * `goneCode` is the error code of the caller's 409 if the process had ended.
   */
  async #thaw(
    row: SandboxRow,
    how: { timeoutMs?: number; atLeastMs?: number; message: string; goneCode: string },
  ): Promise<SandboxRow> {
    if (!signalOwnGroup(row, 'SIGCONT')) {
      await this.#finish(row, 'warn', `the sandbox's process had ended; sandbox closed`);
      throw new ApiError(409, how.goneCode, `sandbox ${row.id} is closed (its process had ended)`);
    }
    const timeout = how.timeoutMs ?? row.timeout_ms;
    const now = Date.now();
    const endAt = now + Math.max(timeout, how.atLeastMs ?? 0);
    this.#o.store.transaction(() => {
      this.#o.store.update(row.id, { state: 'running', paused_by: null, timeout_ms: timeout, end_at: endAt });
      this.#lifecycle(row.id, 'info', `${how.message} (times out after ${timeout} ms without activity)`);
    });
    const live = this.#live.get(row.id);
    if (live) this.#arm(live, endAt);
    return this.#o.store.get(row.id)!;
  }

  #setDeadline(row: SandboxRow, timeoutMs: number, endAt: number, message?: string): SandboxRow {
    this.#o.store.transaction(() => {
      this.#o.store.update(row.id, { timeout_ms: timeoutMs, end_at: endAt });
      if (message) this.#lifecycle(row.id, 'debug', message);
    });
    const live = this.#live.get(row.id);
    if (live) this.#arm(live, endAt);
    return this.#o.store.get(row.id)!;
  }

  /**
   * Ends a sandbox for good: SIGKILL to the group (stopped processes die too), wait for the
   * leader, keep its last output, remove its folder, then mark it closed.
   */
  async #finish(row: SandboxRow, level: string, message: string): Promise<void> {
    const live = this.#live.get(row.id);
    if (live) clearTimeout(live.timer);
    if (row.pid) {
      await killGroup(row);
      const gone = live?.exited ? await withTimeout(live.exited, EXIT_WAIT_MS) : await waitGone(row.pid, row.pid_start);
      if (gone === undefined) this.#o.log(`sandbox ${row.id}: process ${row.pid} did not end within ${EXIT_WAIT_MS} ms of SIGKILL`);
    }
    if (live) await this.#pump(live, true);
    else await this.#pumpOnce(row.id, true, row);
    await rm(sandboxPaths(this.#o.dataDir, row.id).root, { recursive: true, force: true });
    const now = Date.now();
    this.#o.store.transaction(() => {
      this.#o.store.update(row.id, { state: 'closed', paused_by: null, closed_at: now, end_at: Math.min(row.end_at, now) });
      this.#lifecycle(row.id, level, message);
    });
    this.#live.delete(row.id);
    this.#untrimmed.delete(row.id);
  }

  /** The inactivity deadline passed: apply the lifecycle's onTimeout. */
  #expire(id: string): Promise<void> {
    return this.#locked(id, async () => {
      const row = this.#o.store.get(id);
      const live = this.#live.get(id);
      if (!row || row.state !== 'running' || !live) return;
      const left = row.end_at - Date.now();
      if (left > 0) return this.#arm(live, row.end_at); // moved meanwhile (or a long timer's first leg)
      const why = `inactivity timeout reached (${row.timeout_ms} ms without activity)`;
      if (row.on_timeout === 'pause') await this.#freeze(row, 'timeout', `${why}: sandbox paused`);
      else await this.#finish(row, 'info', `${why}: sandbox killed`);
    }).catch((err) => this.#o.log(`sandbox ${id}: timeout handling failed: ${(err as Error).message}`));
  }

  /** The leader ended by itself (or was killed behind the server's back). */
  #processGone(id: string, how: string): void {
    void this.#locked(id, async () => {
      const row = this.#o.store.get(id);
      if (!row || (row.state !== 'running' && row.state !== 'paused')) return;
      await this.#finish(row, 'warn', `the sandbox's process ${how}; sandbox closed`);
    }).catch((err) => this.#o.log(`sandbox ${id}: closing after its process ended failed: ${(err as Error).message}`));
  }

  // ---------------------------------------------------------------- helpers

  #register(id: string, pid: number, startTime: string, child?: ChildProcess, exited?: Promise<string>): Live {
    const live: Live = { id, pid, startTime, child, exited, pump: Promise.resolve(), pumping: 0 };
    this.#live.set(id, live);
    exited?.then((how) => {
      if (this.#live.get(id) === live) this.#processGone(id, how);
    });
    return live;
  }

  #arm(live: Live, endAt: number): void {
    clearTimeout(live.timer);
    if (this.#closing) return;
    const delay = Math.min(Math.max(0, endAt - Date.now()), MAX_TIMER_MS);
    live.timer = setTimeout(() => void this.#expire(live.id), delay);
  }

  #lifecycle(id: string, level: string, message: string): void {
    this.#o.store.addLog(id, { ts: Date.now(), level, source: 'lifecycle', message });
  }

  /** Runs `fn` after every earlier change to this sandbox. */
  #locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.#locks.set(id, tail);
    void tail.then(() => {
      if (this.#locks.get(id) === tail) this.#locks.delete(id);
    });
    return result;
  }

  #pumpAll(): void {
    for (const live of this.#live.values()) if (live.pumping === 0) void this.#pump(live, false);
  }

  /** Collects output after any collection already under way; never rejects, so the chain never breaks. */
  #pump(live: Live, final: boolean): Promise<void> {
    live.pumping++;
    live.pump = live.pump
      .then(() => this.#pumpOnce(live.id, final))
      .catch((err) => this.#o.log(`sandbox ${live.id}: reading output failed: ${(err as Error).message}`))
      .finally(() => void live.pumping--);
    return live.pump;
  }

  /** Moves new output lines into the logs, with the offsets, in one transaction. */
  async #pumpOnce(id: string, final: boolean, known?: SandboxRow): Promise<void> {
    const row = known ?? this.#o.store.get(id);
    if (!row || row.state === 'closed') return;
    const paths = sandboxPaths(this.#o.dataDir, id);
    const [out, err] = await Promise.all([readLines(paths.stdout, row.out_offset, final), readLines(paths.stderr, row.err_offset, final)]);
    if (out.lines.length === 0 && err.lines.length === 0) return;
    const now = Date.now();
    const { store } = this.#o;
    store.transaction(() => {
      for (const line of out.lines) store.addLog(id, { ts: now, level: 'info', source: 'process', message: line });
      for (const line of err.lines) store.addLog(id, { ts: now, level: 'error', source: 'process', message: line });
      store.update(id, { out_offset: out.offset, err_offset: err.offset });
    });
    // Trimming costs a walk over the kept entries: do it once per TRIM_EVERY new lines.
    const added = (this.#untrimmed.get(id) ?? 0) + out.lines.length + err.lines.length;
    if (added >= TRIM_EVERY) store.trimLogs(id, MAX_LOG_ENTRIES);
    this.#untrimmed.set(id, added >= TRIM_EVERY ? 0 : added);
  }

  /** One metrics sample of every live sandbox, from a single pass over /proc. */
  async #sample(): Promise<void> {
    if (this.#sampling || this.#live.size === 0) return; // never two passes at once
    this.#sampling = true;
    try {
      const procs = await scanProcesses();
      const byGroup = new Map<number, { ticks: number; rss: number; leader?: string }>();
      for (const p of procs) {
        const g = byGroup.get(p.pgrp) ?? { ticks: 0, rss: 0 };
        g.ticks += p.cpuTicks;
        g.rss += p.rssBytes;
        if (p.pid === p.pgrp) g.leader = p.state;
        byGroup.set(p.pgrp, g);
      }
      const samples: { id: string; cpu: number; mem: number; disk: number; at: number }[] = [];
      for (const live of [...this.#live.values()]) {
        const group = byGroup.get(live.pid);
        if (!live.child && (!group?.leader || group.leader === 'Z' || !isAlive(live.pid, live.startTime))) {
          // Adopted after a restart, so no exit event: notice its end here.
          this.#processGone(live.id, 'ended');
          continue;
        }
        if (!group) continue;
        const row = this.#o.store.get(live.id);
        if (!row || row.state === 'closed') continue;
        const now = Date.now();
        const previous = live.cpu;
        live.cpu = { ticks: group.ticks, at: now };
        // After a restart there is no earlier reading to measure CPU use against: wait for the next pass.
        if (!previous) continue;
        const seconds = (now - previous.at) / 1000;
        const used = Math.max(0, group.ticks - previous.ticks) / CLK_TCK;
        const cpu = seconds > 0 ? Math.min(100, (used / (seconds * row.cpu_count)) * 100) : 0;
        const disk = await diskUsage(sandboxPaths(this.#o.dataDir, live.id).home);
        samples.push({ id: live.id, cpu: Math.round(cpu * 100) / 100, mem: group.rss, disk, at: now });
      }
      const { store } = this.#o;
      store.transaction(() => {
        for (const s of samples) {
          if (store.get(s.id)?.state === 'closed') continue;
          store.addMetric(s.id, { ts: s.at, cpu_pct: s.cpu, mem_used: s.mem, disk_used: s.disk });
        }
        store.pruneMetrics(Date.now() - this.#o.metricsWindowMs);
      });
    } catch (err) {
      this.#o.log(`metrics sampling failed: ${(err as Error).message}`);
    } finally {
      this.#sampling = false;
    }
  }

  /** Forgets closed sandboxes past their retention and old idempotency keys. */
  #housekeeping(): void {
    const now = Date.now();
    for (const id of this.#o.store.closedBefore(now - this.#o.closedRetentionMs)) this.#o.store.remove(id);
    this.#o.store.pruneIdempotency(now - IDEMPOTENCY_TTL_MS);
  }
}

/**
 * Signals a sandbox's group only while its leader is provably the process the sandbox started
 * (same PID and start time): a PID number alone may belong to someone else by now.
 */
function signalOwnGroup(row: SandboxRow, signal: NodeJS.Signals): boolean {
  return row.pid !== null && isAlive(row.pid, row.pid_start) && signalGroup(row.pid, signal);
}

/**
 * SIGKILL to everything of a sandbox. With its leader alive, the group is surely its own. With
 * the leader gone, members may remain in the group; each is killed only if its environment
 * names this sandbox, since the group's number could by now lead someone else's group.
 */
async function killGroup(row: SandboxRow): Promise<void> {
  if (signalOwnGroup(row, 'SIGKILL') || row.pid === null) return;
  for (const p of await scanProcesses()) {
    if (p.pgrp !== row.pid || p.state === 'Z') continue;
    try {
      const env = await readFile(`/proc/${p.pid}/environ`, 'utf8');
      if (env.split('\0').includes(`${SANDBOX_ID_ENV}=${row.id}`)) process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** SHA-256 of the request with its keys sorted: the same request always hashes the same. */
function bodyHash(body: NewSandbox): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
      : v;
  return createHash('sha256').update(JSON.stringify(canonical(body))).digest('hex');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]).finally(() => clearTimeout(timer));
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until the group is frozen: every member stopped ('T'), or in uninterruptible sleep ('D')
 * with the stop pending. The second case is common: a shell starts commands with vfork(), and
 * while the child is stopped before its exec the parent waits in 'D' and can run nothing.
 */
async function waitStopped(pid: number, startTime: string | null): Promise<'stopped' | 'gone' | 'timeout'> {
  const deadline = Date.now() + STOP_WAIT_MS;
  for (;;) {
    const leader = readStatSync(pid);
    if (!leader || (startTime !== null && leader.startTime !== startTime) || leader.state === 'Z' || leader.state === 'X') return 'gone';
    if (leader.state === 'T' || leader.state === 't') return 'stopped';
    if (leader.state === 'D') {
      // Only then is the whole group worth a look (one pass over /proc).
      const members = (await scanProcesses()).filter((p) => p.pgrp === pid && p.state !== 'Z');
      const frozen = members.every((p) => p.state === 'T' || p.state === 't' || p.state === 'D');
      if (frozen && members.some((p) => p.state === 'T' || p.state === 't')) return 'stopped';
    }
    if (Date.now() > deadline) return 'timeout';
    await tick(5);
  }
}

/** Polls until a process that is not our child is gone; undefined if it outlives the wait. */
async function waitGone(pid: number, startTime: string | null): Promise<true | undefined> {
  const deadline = Date.now() + EXIT_WAIT_MS;
  while (isAlive(pid, startTime)) {
    if (Date.now() > deadline) return undefined;
    await tick(10);
  }
  return true;
}
