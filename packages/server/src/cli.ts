#!/usr/bin/env node
/**
 * tensor-box-server: the local tensor-box API, with real process-group sandboxes.
 * Sandboxes keep running when the server stops; the next start adopts them again.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startServer } from './app.js';
import { KEYS_ENV, parseKeys } from './keys.js';

const USAGE = `Usage: tensor-box-server [options]

Runs the tensor-box API (spec/openapi.yaml) on this machine. Each sandbox is a real process
group with its own working folder; state is kept in SQLite in the data folder.

Options:
  --port N                  port to listen on (default 3210; 0 picks a free one)
  --host ADDR               address to listen on (default 127.0.0.1)
  --data DIR                data folder: database, sandbox folders, dev key (default ./tensor-box-data)
  --templates FILE          templates file (default: the package's templates.json)
  --api-key KEY             accept this API key (repeatable; prefer ${KEYS_ENV} or --api-key-file,
                            which other users of the machine cannot see in the process list)
  --api-key-file FILE       accept the keys in FILE (one per line)
  --max-sandboxes N         running or paused sandboxes per API key (default 100)
  --metrics-interval-ms N   metrics sampling interval (default 1000)
  --metrics-window-ms N     how long metric samples are kept (default 600000)
  --log-poll-ms N           how often sandbox output is collected (default 200)
  --closed-retention-ms N   how long a closed sandbox stays visible (default 3600000)
  --spec FILE               the OpenAPI spec to serve (default: the repository's spec/openapi.yaml)
  --quiet                   do not log each request
  -h, --help                show this help

Environment:
  ${KEYS_ENV}   accepted API keys, separated by commas or spaces

With no key given, a dev key is created on first start, printed, and kept in <data>/dev-api-key.`;

function fail(message: string): never {
  process.stderr.write(`tensor-box-server: ${message}\n`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) fail(`--${name} must be an integer ≥ ${min} (got ${JSON.stringify(value)})`);
  return Number(value);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        templates: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        'api-key-file': { type: 'string' },
        'max-sandboxes': { type: 'string' },
        'metrics-interval-ms': { type: 'string' },
        'metrics-window-ms': { type: 'string' },
        'log-poll-ms': { type: 'string' },
        'closed-retention-ms': { type: 'string' },
        spec: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = integer('port', values.port, 0, 3210);
  if (port > 65535) fail(`--port must be at most 65535 (got ${port})`);

  let apiKeys: string[];
  try {
    apiKeys = [
      ...parseKeys((values['api-key'] ?? []).join(','), '--api-key'),
      ...(values['api-key-file'] ? parseKeys(readFileSync(values['api-key-file'], 'utf8'), values['api-key-file']) : []),
      ...parseKeys(process.env[KEYS_ENV] ?? '', KEYS_ENV),
    ];
  } catch (err) {
    fail((err as Error).message);
  }

  const log = (line: string) => process.stdout.write(`${line}\n`);
  let server;
  try {
    server = await startServer({
      host: values.host ?? '127.0.0.1',
      port,
      dataDir: values.data ?? 'tensor-box-data',
      templatesFile: values.templates,
      specFile: values.spec,
      apiKeys,
      maxSandboxesPerKey: integer('max-sandboxes', values['max-sandboxes'], 1, 100),
      metricsIntervalMs: integer('metrics-interval-ms', values['metrics-interval-ms'], 50, 1_000),
      metricsWindowMs: integer('metrics-window-ms', values['metrics-window-ms'], 1_000, 600_000),
      logPollMs: integer('log-poll-ms', values['log-poll-ms'], 20, 200),
      closedRetentionMs: integer('closed-retention-ms', values['closed-retention-ms'], 1_000, 3_600_000),
      logRequests: !values.quiet,
      log,
    });
  } catch (err) {
    process.stderr.write(`tensor-box-server: ${(err as Error).message}\n`);
    process.exit(1);
  }

  if (server.keys.dev?.createdKey) {
    // Printed once, on the start that created it; later starts only say where it is.
    log(`created a dev API key (kept in ${server.keys.dev.file}): ${server.keys.dev.createdKey}`);
  } else if (server.keys.dev) {
    log(`using the dev API key in ${server.keys.dev.file}`);
  } else {
    log(`accepting ${server.keys.owners.size} API key${server.keys.owners.size === 1 ? '' : 's'}`);
  }
  log(`tensor-box server listening on ${server.url} (data: ${server.dataDir})`);
  const host = values.host ?? '127.0.0.1';
  if (!/^(127\.|::1$|localhost$|\[::1\]$)/.test(host)) {
    log(`warning: ${host} is reachable from other machines, and this server speaks plain HTTP (API keys travel in clear)`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping; sandboxes keep running and are adopted by the next start`);
    server
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        process.stderr.write(`tensor-box-server: ${(err as Error).message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
