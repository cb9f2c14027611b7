// Type-checked as a user's program (strict): every call of the lifecycle contract, in the shape
// the product page shows. It is compiled against the packed package, never run.
import {
  type APIError,
  NotFoundError,
  RateLimitError,
  Sandbox,
  type SandboxInfo,
  type SandboxLogEntry,
  type SandboxMetrics,
} from 'tensor-box';

export async function contract(domain: string): Promise<void> {
  const sandbox: Sandbox = await Sandbox.create('default', {
    domain,
    timeoutMs: 60_000,
    envs: { API_TOKEN: 'xxx' },
    metadata: { userId: '123' },
    lifecycle: { onTimeout: 'pause', autoResume: true },
  });
  const again: Sandbox = await Sandbox.connect(sandbox.sandboxId, { domain });
  await again.disconnect();

  const all: SandboxInfo[] = await Sandbox.list({ domain });
  const paused: SandboxInfo[] = await Sandbox.list({ domain, query: { state: ['paused'] } });
  const mine: SandboxInfo[] = await Sandbox.list({ domain, query: { metadata: { userId: '123' } } });
  for await (const info of Sandbox.list({ domain, query: { state: ['running', 'paused'], limit: 50 } })) {
    const started: Date = info.startedAt;
    void started;
  }
  void [all, paused, mine];

  await sandbox.pause();
  await sandbox.resume(120_000);
  await sandbox.setTimeout(120_000);
  await sandbox.keepAlive(300_000);
  const running: boolean = await sandbox.isRunning();
  const info: SandboxInfo = await sandbox.getInfo();
  const metrics: SandboxMetrics[] = await sandbox.getMetrics();
  const logs: SandboxLogEntry[] = await sandbox.getLogs({ since: new Date(0), limit: 10 });
  await sandbox.kill();
  void [running, info, metrics, logs];

  // The static by-ID twins.
  await Sandbox.kill('sbx_abc123', { domain });
  await Sandbox.pause('sbx_abc123', { domain });
  await Sandbox.resume('sbx_abc123', undefined, { domain });
  await Sandbox.setTimeout('sbx_abc123', 60_000, { domain });
  await Sandbox.keepAlive('sbx_abc123', 60_000, { domain });
  const byId: SandboxInfo = await Sandbox.getInfo('sbx_abc123', { domain });
  const isUp: boolean = await Sandbox.isRunning('sbx_abc123', { domain });
  await Sandbox.getMetrics('sbx_abc123', { domain });
  await Sandbox.getLogs('sbx_abc123', { domain });
  void [byId, isUp];

  // Open enums: a newer server's state is a string, so a switch keeps a default branch.
  switch (info.state) {
    case 'running':
    case 'paused':
    case 'closed':
      break;
    default: {
      const unknown: string = info.state;
      void unknown;
    }
  }

  try {
    await Sandbox.getInfo('sbx_missing', { domain });
  } catch (err) {
    if (err instanceof NotFoundError) {
      const e: APIError = err;
      void [e.status, e.code, e.requestId, e.serverMessage];
    }
    if (err instanceof RateLimitError) void err.retryAfter;
  }
}

// @ts-expect-error  onTimeout is a closed set in requests
void Sandbox.create('default', { lifecycle: { onTimeout: 'explode' } });
// @ts-expect-error  misspelt options are compile errors too
void Sandbox.create('default', { timeoutMS: 5 });
// @ts-expect-error  a duration is a number of milliseconds
void Sandbox.setTimeout('sbx_1', '60s');
