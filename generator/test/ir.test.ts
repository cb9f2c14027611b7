// The IR built from the real spec: names per language, parameter order and serialisation, and
// the SDK surface the contract needs.
import { describe, expect, it } from 'vitest';
import { buildIR, goName, snakeCase } from '../src/ir/index.js';
import { loadSpec } from '../src/load/index.js';
import { SPEC } from './helpers.js';

const ir = buildIR(loadSpec(SPEC), 'spec/openapi.yaml');
const method = (name: string) => ir.sdk.methods.find((m) => m.name === name)!;

describe('names', () => {
  it.each([
    ['sandboxId', 'sandbox_id', 'SandboxID'],
    ['memoryMB', 'memory_mb', 'MemoryMB'],
    ['cpuUsedPct', 'cpu_used_pct', 'CPUUsedPct'],
    ['apiKey', 'api_key', 'APIKey'],
    ['getInfo', 'get_info', 'GetInfo'],
    ['Idempotency-Key', 'idempotency_key', 'IdempotencyKey'],
  ])('%s → %s (Python), %s (Go)', (neutral, py, go) => {
    expect(snakeCase(neutral)).toBe(py);
    expect(goName(neutral)).toBe(go);
  });

  it('durations drop their unit in Go, where time.Duration carries it', () => {
    const timeout = method('create').options.find((a) => a.name === 'timeoutMs')!;
    expect(timeout.type).toEqual({ kind: 'duration' });
    expect(timeout.names).toEqual({ ts: 'timeoutMs', py: 'timeout_ms', go: 'Timeout' });
  });

  it('Go type names follow x-tensor-box-go-name', () => {
    const goNames = Object.fromEntries(ir.models.map((m) => [m.name, m.names.go]));
    expect(goNames).toMatchObject({ SandboxInfo: 'Info', SandboxMetrics: 'Metric', SandboxLogEntry: 'LogEntry' });
  });
});

describe('the SDK surface', () => {
  it('has every call of the contract with its binding', () => {
    const bindings = Object.fromEntries(ir.sdk.methods.map((m) => [m.name, m.binding]));
    expect(bindings).toEqual({
      create: 'factory',
      list: 'static',
      getInfo: 'instance',
      kill: 'instance',
      connect: 'factory',
      pause: 'instance',
      resume: 'instance',
      setTimeout: 'instance',
      keepAlive: 'instance',
      getMetrics: 'instance',
      getLogs: 'instance',
    });
    expect(method('getInfo').predicates.map((p) => p.name)).toEqual(['isRunning']);
    expect(method('kill').goByIdName).toBe('KillByID');
  });

  it('create takes the template positionally (default "default") and the rest as options', () => {
    const create = method('create');
    expect(create.positional.map((a) => [a.name, a.defaultValue, a.target])).toEqual([['template', 'default', { in: 'body', field: 'templateId' }]]);
    expect(create.options.map((a) => a.name)).toEqual(['idempotencyKey', 'timeoutMs', 'envs', 'metadata', 'lifecycle']);
    expect(create.options.find((a) => a.name === 'envs')!.secretValues).toBe(true);
    expect(create.operation.idempotencyKeyHeader).toBe('Idempotency-Key');
  });

  it('list filters are grouped, serialised as the spec says, and the cursor is the SDK’s business', () => {
    const list = method('list');
    expect(list.options.map((a) => [a.name, a.group])).toEqual([
      ['state', 'query'],
      ['metadata', 'query'],
      ['limit', 'query'],
    ]);
    expect(list.operation.params.map((p) => [p.wireName, p.serialization])).toEqual([
      ['state', 'form-explode'],
      ['metadata', 'form-urlencoded-map'],
      ['limit', 'form'],
      ['cursor', 'form'],
    ]);
    expect(list.returns).toMatchObject({ kind: 'list', pagination: { itemModel: 'SandboxInfo', nextCursorField: 'nextCursor' } });
  });

  it('the CLI table has every command of the contract', () => {
    expect(ir.cli.map((c) => [c.name, c.aliases])).toEqual([
      ['create', []],
      ['list', ['ls']],
      ['kill', ['rm']],
      ['connect', ['info']],
      ['pause', []],
      ['resume', []],
      ['set-timeout', []],
      ['keep-alive', []],
      ['metrics', []],
      ['logs', []],
    ]);
    const create = ir.cli.find((c) => c.name === 'create')!;
    expect(create.flags.find((f) => f.name === 'on-timeout')).toMatchObject({ target: 'lifecycle.onTimeout', value: { kind: 'enum', values: ['kill', 'pause'] } });
    expect(ir.cli.find((c) => c.name === 'kill')!.args[0]).toMatchObject({ name: 'ids', variadic: true });
    expect(create.flags.find((f) => f.name === 'idempotency-key')).toMatchObject({ target: 'idempotencyKey', value: { kind: 'string' } });
    // A date-time argument is a date on the command line (the CLI reads it into a Date).
    const flags = (name: string) => ir.cli.find((c) => c.name === name)!.flags.map((f) => [f.name, f.target, f.value]);
    expect(flags('metrics')).toEqual([['since', 'since', { kind: 'date' }]]);
    expect(flags('logs')).toEqual([
      ['since', 'since', { kind: 'date' }],
      ['limit', 'limit', { kind: 'integer', min: 1, max: 1000 }],
    ]);
  });
});
