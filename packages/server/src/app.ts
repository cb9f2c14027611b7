/**
 * The HTTP server: routing, authentication, request checking and response shaping all follow
 * the spec (through the IR); the handlers below only connect each operation to the manager.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Operation } from '@tensor-box/generator/ir';
import { ApiError, PathParamError, quote } from './api/errors.js';
import { buildRoutes, match } from './api/router.js';
import { shape } from './api/shape.js';
import { loadApi, type Api } from './api/spec.js';
import { checkRequest, parseForm, type CheckedRequest } from './api/validate.js';
import { ownerOf, resolveKeys, type Keys } from './keys.js';
import { SandboxManager, type NewSandbox } from './sandbox/manager.js';
import { loadTemplates } from './sandbox/templates.js';
import type { SandboxRow } from './store/db.js';
import { Store } from './store/db.js';

export interface ServerOptions {
  host?: string;
  port?: number;
  dataDir: string;
  templatesFile?: string;
  specFile?: string;
  /** Accepted API keys; none: the dev key of the data folder. */
  apiKeys?: string[];
  metricsIntervalMs?: number;
  metricsWindowMs?: number;
  logPollMs?: number;
  closedRetentionMs?: number;
  maxSandboxesPerKey?: number;
  /** Where the server's own lines go (never keys, bodies or env values). */
  log?: (line: string) => void;
  /** Log every request. */
  logRequests?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  keys: Keys;
  manager: SandboxManager;
  /** Stops serving; sandboxes keep running and are adopted by the next start. */
  close(): Promise<void>;
}

/** Larger request bodies are refused (envs and metadata are small maps). */
const MAX_BODY_BYTES = 1024 * 1024;

type Handler = (ctx: { owner: string; req: CheckedRequest }) => Promise<{ value?: unknown }>;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const api = loadApi(options.specFile);
  let manager: SandboxManager | undefined;
  const handlers = makeHandlers(() => manager!);
  // Every operation of the spec has a handler and every handler an operation: checked before
  // anything starts, so a spec this server does not implement is refused outright.
  for (const op of api.ir.operations) {
    if (!handlers[op.operationId]) throw new Error(`the spec's operation ${op.operationId} has no handler in this server`);
  }
  for (const id of Object.keys(handlers)) api.operation(id);
  const templates = loadTemplates(options.templatesFile);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keys = resolveKeys(dataDir, options.apiKeys ?? []);
  const store = new Store(join(dataDir, 'tensor-box.db'));
  const sandboxes = new SandboxManager({
    dataDir,
    store,
    templates,
    metricsIntervalMs: options.metricsIntervalMs ?? 1_000,
    metricsWindowMs: options.metricsWindowMs ?? 10 * 60_000,
    logPollMs: options.logPollMs ?? 200,
    closedRetentionMs: options.closedRetentionMs ?? 60 * 60_000,
    maxSandboxesPerKey: options.maxSandboxesPerKey ?? 100,
    log,
  });
  manager = sandboxes;
  try {
    await sandboxes.start();
  } catch (err) {
    await sandboxes.stop();
    store.close();
    throw err;
  }

  const routes = buildRoutes(api.ir.operations);
  const apiKeyHeader = api.ir.apiKeyHeader.toLowerCase();
  let stopping = false;

  const server = createServer((req, res) => {
    const requestId = `req_${randomBytes(8).toString('hex')}`;
    const started = Date.now();
    res.setHeader('X-Request-Id', requestId);
    res.once('finish', () => {
      if (options.logRequests !== false) {
        log(`${req.method} ${(req.url ?? '').split('?')[0]} → ${res.statusCode} in ${Date.now() - started} ms (${requestId})`);
      }
    });
    void handle(req, res, requestId).catch((err) => {
      log(`${requestId}: internal error: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) sendError(res, undefined, new ApiError(500, 'internal_error', 'internal error'), requestId);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const [rawPath = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const found = match(routes, req.method ?? 'GET', rawPath);
    if (found.kind === 'none') {
      req.resume();
      return sendError(res, undefined, new ApiError(404, 'not_found', `no such endpoint: ${req.method} ${rawPath}`), requestId);
    }
    if (found.kind === 'method') {
      req.resume();
      res.setHeader('Allow', found.allowed.join(', '));
      return sendError(res, undefined, new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${rawPath}; use ${found.allowed.join(' or ')}`), requestId);
    }
    const { op } = found;
    try {
      if (stopping) throw new ApiError(503, 'unavailable', 'the server is shutting down', 1);
      const body = await readBody(req);
      const key = req.headers[apiKeyHeader];
      if (key === undefined || key === '') throw new ApiError(401, 'unauthorized', `the ${api.ir.apiKeyHeader} header is missing`);
      // The key is never echoed: a typo in it must not end up in someone's logs.
      if (Array.isArray(key) || !keys.owners.has(ownerOf(key))) throw new ApiError(401, 'unauthorized', 'the API key is not valid');
      const query = parseForm(rawQuery, (name) => `query parameter ${JSON.stringify(name)}`);
      let checked: CheckedRequest;
      try {
        checked = checkRequest(api, op, {
          pathParams: found.pathParams,
          query,
          headers: req.headers,
          body,
          contentType: req.headers['content-type'],
        });
      } catch (err) {
        if (err instanceof PathParamError) {
          throw new ApiError(404, 'sandbox_not_found', `sandbox ${quote(err.value)} not found: a sandbox ID ${err.problem}`);
        }
        throw err;
      }
      const result = await handlers[op.operationId]!({ owner: ownerOf(key), req: checked });
      send(res, api, op, result.value);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      sendError(res, op, err, requestId);
    }
  }

  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3210, options.host ?? '127.0.0.1', () => resolveListen());
    });
  } catch (err) {
    await sandboxes.stop();
    store.close();
    throw err;
  }
  server.keepAliveTimeout = 5_000;
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    port,
    dataDir,
    keys,
    manager: sandboxes,
    close: async () => {
      stopping = true;
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      });
      await sandboxes.stop();
      store.close();
    },
  };
}

/** The body, bounded; an oversized body is refused before it is read in full. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new ApiError(400, 'bad_request', `the request body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolveBody(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, api: Api, op: Operation, value: unknown): void {
  const { status, type } = op.success;
  if (!type) {
    res.writeHead(status);
    res.end();
    return;
  }
  const body = JSON.stringify(shape(api, type, value));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: ServerResponse, op: Operation | undefined, err: ApiError, requestId: string): void {
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json' };
  const declared = op?.errors.find((e) => e.status === err.status);
  if (err.retryAfterS !== undefined && (declared?.headers.includes('Retry-After') ?? true)) headers['Retry-After'] = err.retryAfterS;
  const body = JSON.stringify({ code: err.code, message: err.message, requestId });
  headers['Content-Length'] = Buffer.byteLength(body);
  res.writeHead(err.status, headers);
  res.end(body);
}

// ------------------------------------------------------------------ operation handlers

function sandboxInfo(row: SandboxRow) {
  return {
    sandboxId: row.id,
    templateId: row.template_id,
    state: row.state,
    startedAt: row.started_at,
    endAt: row.end_at,
    cpuCount: row.cpu_count,
    memoryMB: row.memory_mb,
    diskGB: row.disk_gb,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    lifecycle: { onTimeout: row.on_timeout, autoResume: row.auto_resume === 1 },
  };
}

const since = (value: unknown) => (value === undefined ? 0 : Date.parse(value as string));

/** `manager` is read at call time: the handlers exist (and are checked) before it is started. */
function makeHandlers(manager: () => SandboxManager): Record<string, Handler> {
  const id = (req: CheckedRequest) => req.params.sandboxId as string;
  const body = (req: CheckedRequest) => req.body ?? {};
  return {
    createSandbox: async ({ owner, req }) => ({
      value: sandboxInfo(await manager().create(owner, req.body as unknown as NewSandbox, req.params.idempotencyKey as string | undefined)),
    }),
    listSandboxes: async ({ owner, req }) => {
      const page = manager().list(
        owner,
        (req.params.state as string[] | undefined) ?? ['running'],
        (req.params.metadata as Record<string, string> | undefined) ?? {},
        req.params.limit as number,
        req.params.cursor as string | undefined,
      );
      return { value: { sandboxes: page.sandboxes.map(sandboxInfo), nextCursor: page.nextCursor } };
    },
    getSandboxInfo: async ({ owner, req }) => ({ value: sandboxInfo(manager().get(owner, id(req))) }),
    killSandbox: async ({ owner, req }) => (await manager().kill(owner, id(req)), {}),
    connectSandbox: async ({ owner, req }) => ({
      value: sandboxInfo(await manager().connect(owner, id(req), body(req).timeoutMs as number | undefined)),
    }),
    pauseSandbox: async ({ owner, req }) => (await manager().pause(owner, id(req)), {}),
    resumeSandbox: async ({ owner, req }) => ({
      value: sandboxInfo(await manager().resume(owner, id(req), body(req).timeoutMs as number | undefined)),
    }),
    setSandboxTimeout: async ({ owner, req }) => (await manager().setTimeout(owner, id(req), body(req).timeoutMs as number), {}),
    keepAliveSandbox: async ({ owner, req }) => (await manager().keepAlive(owner, id(req), body(req).durationMs as number), {}),
    getSandboxMetrics: async ({ owner, req }) => ({ value: manager().metrics(owner, id(req), since(req.params.since)) }),
    getSandboxLogs: async ({ owner, req }) => ({ value: manager().logs(owner, id(req), since(req.params.since), req.params.limit as number) }),
  };
}
