/**
 * SQLite storage (better-sqlite3, synchronous): sandboxes, their logs and metric samples, and
 * idempotency keys. Synchronous calls keep each state change atomic with respect to the event
 * loop; multi-row changes use transactions, so a crash never leaves half a change behind.
 */
import Database from 'better-sqlite3';

export type StoredState = 'creating' | 'running' | 'paused' | 'closed';

/**
 * What paused a sandbox: its inactivity timeout, or a pause call. Only a timeout pause of a
 * sandbox with `autoResume` lets setTimeout and keepAlive resume it.
 */
export type PausedBy = 'timeout' | 'pause';

/** The schema this server writes; older data folders are brought up to it on open. */
const SCHEMA_VERSION = 2;

export interface SandboxRow {
  seq: number;
  id: string;
  /** SHA-256 of the API key that owns it (keys themselves are never stored). */
  owner: string;
  template_id: string;
  state: StoredState;
  started_at: number;
  end_at: number;
  timeout_ms: number;
  on_timeout: string;
  auto_resume: number;
  cpu_count: number;
  memory_mb: number;
  disk_gb: number;
  /** JSON object of strings. */
  metadata: string;
  pid: number | null;
  /** The process's start time (/proc/<pid>/stat field 22), so a reused PID is never mistaken for it. */
  pid_start: string | null;
  closed_at: number | null;
  out_offset: number;
  err_offset: number;
  /** What paused it, while paused; null otherwise, or when a schema-1 server paused it and its logs no longer tell why. */
  paused_by: PausedBy | null;
}

export interface LogRow {
  ts: number;
  level: string;
  source: string;
  message: string;
}

export interface MetricRow {
  ts: number;
  cpu_pct: number;
  mem_used: number;
  disk_used: number;
}

export interface IdempotencyRow {
  owner: string;
  key: string;
  body_hash: string;
  sandbox_id: string;
  created_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sandboxes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  template_id TEXT NOT NULL,
  state TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  timeout_ms INTEGER NOT NULL,
  on_timeout TEXT NOT NULL,
  auto_resume INTEGER NOT NULL,
  cpu_count INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  disk_gb INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  pid INTEGER,
  pid_start TEXT,
  closed_at INTEGER,
  out_offset INTEGER NOT NULL DEFAULT 0,
  err_offset INTEGER NOT NULL DEFAULT 0,
  paused_by TEXT
);
CREATE INDEX IF NOT EXISTS sandboxes_by_owner ON sandboxes (owner, state, seq);
CREATE TABLE IF NOT EXISTS logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sandbox_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  level TEXT NOT NULL,
  source TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_sandbox ON logs (sandbox_id, id);
CREATE TABLE IF NOT EXISTS metrics (
  sandbox_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  cpu_pct REAL NOT NULL,
  mem_used INTEGER NOT NULL,
  disk_used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_by_sandbox ON metrics (sandbox_id, ts);
CREATE INDEX IF NOT EXISTS metrics_by_time ON metrics (ts);
CREATE TABLE IF NOT EXISTS idempotency (
  owner TEXT NOT NULL,
  key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  sandbox_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (owner, key)
);
`;

/** Mutable columns of a sandbox. */
export type SandboxChange = Partial<Omit<SandboxRow, 'seq' | 'id' | 'owner'>>;

export class Store {
  readonly db: Database.Database;
  readonly #stmts;
  /** Prepared UPDATEs by column set (the column names come from SandboxChange, never from input). */
  readonly #updates = new Map<string, Database.Statement>();

  constructor(file: string) {
    // One server per data folder: the exclusive lock is taken by the first write and held for
    // the connection's life; the OS drops it if the server dies, so a crash leaves no stale lock.
    // No busy wait: a second server is refused at once.
    this.db = new Database(file, { timeout: 0 });
    try {
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec('BEGIN EXCLUSIVE; COMMIT;');
    } catch (err) {
      this.db.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        throw new Error(`the database ${file} is in use by another tensor-box server (one server per data folder)`);
      }
      throw err;
    }
    this.db.exec(SCHEMA);
    this.#migrate(file);

    const db = this.db;
    this.#stmts = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      insert: db.prepare(`INSERT INTO sandboxes (id, owner, template_id, state, started_at, end_at, timeout_ms, on_timeout,
        auto_resume, cpu_count, memory_mb, disk_gb, metadata, pid, pid_start, closed_at)
        VALUES (@id, @owner, @template_id, @state, @started_at, @end_at, @timeout_ms, @on_timeout,
        @auto_resume, @cpu_count, @memory_mb, @disk_gb, @metadata, @pid, @pid_start, @closed_at)`),
      get: db.prepare<[string], SandboxRow>('SELECT * FROM sandboxes WHERE id = ?'),
      byState: db.prepare<[string], SandboxRow>('SELECT * FROM sandboxes WHERE state = ? ORDER BY seq'),
      liveCount: db.prepare<[string], { n: number }>(
        `SELECT count(*) AS n FROM sandboxes WHERE owner = ? AND state IN ('creating', 'running', 'paused')`,
      ),
      delete: db.prepare('DELETE FROM sandboxes WHERE id = ?'),
      deleteLogs: db.prepare('DELETE FROM logs WHERE sandbox_id = ?'),
      deleteMetrics: db.prepare('DELETE FROM metrics WHERE sandbox_id = ?'),
      deleteIdemFor: db.prepare('DELETE FROM idempotency WHERE sandbox_id = ?'),
      addLog: db.prepare('INSERT INTO logs (sandbox_id, ts, level, source, message) VALUES (?, ?, ?, ?, ?)'),
      logs: db.prepare<[string, number, number], LogRow>(
        'SELECT ts, level, source, message FROM logs WHERE sandbox_id = ? AND ts >= ? ORDER BY id LIMIT ?',
      ),
      trimLogs: db.prepare(
        `DELETE FROM logs WHERE sandbox_id = ? AND id <= (SELECT id FROM logs WHERE sandbox_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
      ),
      addMetric: db.prepare('INSERT INTO metrics (sandbox_id, ts, cpu_pct, mem_used, disk_used) VALUES (?, ?, ?, ?, ?)'),
      metrics: db.prepare<[string, number], MetricRow>(
        'SELECT ts, cpu_pct, mem_used, disk_used FROM metrics WHERE sandbox_id = ? AND ts >= ? ORDER BY ts',
      ),
      pruneMetrics: db.prepare('DELETE FROM metrics WHERE ts < ?'),
      closedBefore: db.prepare<[number], { id: string }>(`SELECT id FROM sandboxes WHERE state = 'closed' AND closed_at < ?`),
      getIdem: db.prepare<[string, string], IdempotencyRow>('SELECT * FROM idempotency WHERE owner = ? AND key = ?'),
      addIdem: db.prepare('INSERT INTO idempotency (owner, key, body_hash, sandbox_id, created_at) VALUES (?, ?, ?, ?, ?)'),
      deleteIdem: db.prepare('DELETE FROM idempotency WHERE owner = ? AND key = ?'),
      pruneIdem: db.prepare('DELETE FROM idempotency WHERE created_at < ?'),
    };
  }

  /**
   * Brings the schema up to SCHEMA_VERSION. Schema 1 did not record what paused a sandbox: for
   * each paused one, its last pause entry in the logs tells (a timeout's or a pause call's); if
   * the logs no longer hold it, the cause stays unknown (null), which never auto-resumes.
   */
  #migrate(file: string): void {
    const found = this.db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'schema'`).get()?.value;
    const version = found === undefined ? SCHEMA_VERSION : Number(found);
    if (!Number.isInteger(version) || version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`the database ${file} has schema ${found}, which this server does not know (it knows up to ${SCHEMA_VERSION}); use a newer server`);
    }
    this.transaction(() => {
      if (version < 2) {
        const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(sandboxes)').all();
        if (!columns.some((c) => c.name === 'paused_by')) this.db.exec('ALTER TABLE sandboxes ADD COLUMN paused_by TEXT');
        this.db
          .prepare(
            `UPDATE sandboxes SET paused_by = (
               SELECT CASE WHEN message = 'sandbox paused' THEN 'pause' ELSE 'timeout' END FROM logs
               WHERE logs.sandbox_id = sandboxes.id AND source = 'lifecycle'
                 AND (message = 'sandbox paused' OR message LIKE 'inactivity timeout reached %: sandbox paused')
               ORDER BY logs.id DESC LIMIT 1)
             WHERE state = 'paused'`,
          )
          .run();
      }
      this.db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(SCHEMA_VERSION));
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getMeta(key: string): string | undefined {
    return this.#stmts.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.#stmts.setMeta.run(key, value);
  }

  insert(row: Omit<SandboxRow, 'seq' | 'out_offset' | 'err_offset' | 'paused_by'>): void {
    this.#stmts.insert.run(row);
  }

  get(id: string): SandboxRow | undefined {
    return this.#stmts.get.get(id);
  }

  update(id: string, change: SandboxChange): void {
    const keys = Object.keys(change).filter((k) => (change as Record<string, unknown>)[k] !== undefined);
    if (keys.length === 0) return;
    const sql = `UPDATE sandboxes SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`;
    let stmt = this.#updates.get(sql);
    if (!stmt) this.#updates.set(sql, (stmt = this.db.prepare(sql)));
    stmt.run({ ...change, id });
  }

  withState(state: StoredState): SandboxRow[] {
    return this.#stmts.byState.all(state);
  }

  liveCount(owner: string): number {
    return this.#stmts.liveCount.get(owner)?.n ?? 0;
  }

  /** Forgets a sandbox entirely (a create that failed, or a closed one past its retention). */
  remove(id: string): void {
    this.transaction(() => {
      this.#stmts.delete.run(id);
      this.#stmts.deleteLogs.run(id);
      this.#stmts.deleteMetrics.run(id);
      this.#stmts.deleteIdemFor.run(id);
    });
  }

  /**
   * One page of an owner's sandboxes, newest first: rows in `states` with `seq < before`,
   * filtered by `accept`, at most `limit` of them, and whether more follow.
   */
  page(owner: string, states: string[], before: number, limit: number, accept: (row: SandboxRow) => boolean) {
    const marks = states.map(() => '?').join(', ');
    const rows = this.db
      .prepare<unknown[], SandboxRow>(`SELECT * FROM sandboxes WHERE owner = ? AND state IN (${marks}) AND seq < ? ORDER BY seq DESC`)
      .iterate(owner, ...states, before);
    const items: SandboxRow[] = [];
    let more = false;
    for (const row of rows) {
      if (!accept(row)) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(row);
    }
    return { items, more };
  }

  addLog(sandboxId: string, entry: LogRow): void {
    this.#stmts.addLog.run(sandboxId, entry.ts, entry.level, entry.source, entry.message);
  }

  logs(sandboxId: string, since: number, limit: number): LogRow[] {
    return this.#stmts.logs.all(sandboxId, since, limit);
  }

  /** Keeps only the newest `keep` entries of a sandbox. */
  trimLogs(sandboxId: string, keep: number): void {
    this.#stmts.trimLogs.run(sandboxId, sandboxId, keep);
  }

  addMetric(sandboxId: string, m: MetricRow): void {
    this.#stmts.addMetric.run(sandboxId, m.ts, m.cpu_pct, m.mem_used, m.disk_used);
  }

  metrics(sandboxId: string, since: number): MetricRow[] {
    return this.#stmts.metrics.all(sandboxId, since);
  }

  pruneMetrics(before: number): void {
    this.#stmts.pruneMetrics.run(before);
  }

  closedBefore(time: number): string[] {
    return this.#stmts.closedBefore.all(time).map((r) => r.id);
  }

  getIdempotency(owner: string, key: string): IdempotencyRow | undefined {
    return this.#stmts.getIdem.get(owner, key);
  }

  addIdempotency(row: IdempotencyRow): void {
    this.#stmts.addIdem.run(row.owner, row.key, row.body_hash, row.sandbox_id, row.created_at);
  }

  deleteIdempotency(owner: string, key: string): void {
    this.#stmts.deleteIdem.run(owner, key);
  }

  pruneIdempotency(before: number): void {
    this.#stmts.pruneIdem.run(before);
  }
}
