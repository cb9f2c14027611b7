import { Worker } from 'node:worker_threads';

/**
 * The wire types: exactly what goes over HTTP, as openapi-typescript reads the spec. The SDK's
 * generated code is typed against them, so a request body that drifts from the spec fails to
 * compile.
 *
 * openapi-typescript loads its own TypeScript compiler, which takes most of its time; it runs in
 * a worker thread so that this load overlaps the ts-morph work on the main thread.
 */
export function startWireTypes(specFile: string): { text: Promise<string>; cancel(): void } {
  const worker = new Worker(new URL('./wire-types-worker.js', import.meta.url), { workerData: { specFile } });
  const text = new Promise<string>((resolve, reject) => {
    worker.once('message', (message: { ok: true; text: string } | { ok: false; error: string }) => {
      if (message.ok) resolve(message.text);
      else reject(new Error(`openapi-typescript failed: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`openapi-typescript worker exited with ${code}`));
    });
  });
  text.catch(() => undefined); // a cancelled run never reads it
  return { text, cancel: () => void worker.terminate() };
}
