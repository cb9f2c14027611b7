// An in-process HTTP server scripted per test: each request takes the next step of the script.
// Prism cannot inject faults (resets, stalls, bad bodies), so retry and error tests use this.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Step =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** Close the connection before sending any header. */
  | { reset: 'before-headers' }
  /** Send headers and part of the body, then close the connection. */
  | { reset: 'mid-body' }
  /** Send this raw text as the body (malformed JSON, say). */
  | { status: number; raw: string; headers?: Record<string, string> };

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface FakeServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function fakeServer(script: Step[] | ((req: Seen, index: number) => Step)): Promise<FakeServer> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const entry = { method: req.method!, url: req.url!, headers: req.headers, body, at: Date.now() };
      seen.push(entry);
      const index = seen.length - 1;
      const step = typeof script === 'function' ? script(entry, index) : (script[index] ?? script[script.length - 1]!);
      play(step, req, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function play(step: Step, req: IncomingMessage, res: ServerResponse): void {
  if ('reset' in step) {
    if (step.reset === 'before-headers') {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"sandboxId": "sbx_');
    setTimeout(() => req.socket.destroy(), 10);
    return;
  }
  const send = () => {
    const text = 'raw' in step ? step.raw : step.body === undefined ? '' : JSON.stringify(step.body);
    res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
    res.end(text);
  };
  if ('delayMs' in step && step.delayMs) setTimeout(send, step.delayMs);
  else send();
}

/** A complete, valid sandbox as the server sends it. */
export function sandboxJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sandboxId: 'sbx_fake1',
    templateId: 'default',
    state: 'running',
    startedAt: '2026-11-29T10:00:00Z',
    endAt: '2026-11-29T10:05:00Z',
    cpuCount: 2,
    memoryMB: 2048,
    diskGB: 40,
    metadata: {},
    lifecycle: { onTimeout: 'kill', autoResume: false },
    ...overrides,
  };
}
