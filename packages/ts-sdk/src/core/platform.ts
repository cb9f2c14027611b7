/**
 * The few things that differ between Node, browsers and other runtimes. Nothing here imports a
 * `node:` module, so the SDK bundles for the browser unchanged.
 */

interface MaybeProcess {
  env?: Record<string, string | undefined>;
  versions?: { node?: string; bun?: string; deno?: string };
}

const proc = (globalThis as { process?: MaybeProcess }).process;

/** An environment variable, or `undefined` where there is no environment (browsers). */
export function readEnv(name: string): string | undefined {
  const value = proc?.env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

/** `node/20.11.1`, `bun/1.1.0`, `deno/1.44.0` or `browser`: sent in a header for support. */
export function runtimeName(): string {
  const versions = proc?.versions;
  if (versions?.bun) return `bun/${versions.bun}`;
  if (versions?.deno) return `deno/${versions.deno}`;
  if (versions?.node) return `node/${versions.node}`;
  return typeof (globalThis as { document?: unknown }).document === 'object' ? 'browser' : 'unknown';
}

/** A random UUID (v4) for idempotency keys. */
export function randomId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal that aborts when any of the given ones does (`AbortSignal.any` is not in Node 18). */
export function anySignal(signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const listeners: [AbortSignal, () => void][] = [];
  for (const s of present) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    const onAbort = () => controller.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    listeners.push([s, onAbort]);
  }
  return {
    signal: controller.signal,
    dispose: () => listeners.forEach(([s, l]) => s.removeEventListener('abort', l)),
  };
}
