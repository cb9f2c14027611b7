// Worker thread: runs openapi-typescript on the spec and posts the printed types back.
import { parentPort, workerData } from 'node:worker_threads';
import openapiTS, { astToString } from 'openapi-typescript';

const { specFile } = workerData as { specFile: string };
try {
  const nodes = await openapiTS(new URL(`file://${specFile}`), { silent: true, alphabetize: false, defaultNonNullable: false });
  parentPort!.postMessage({ ok: true, text: astToString(nodes) });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
}
