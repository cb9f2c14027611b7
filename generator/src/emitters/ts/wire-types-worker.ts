// Worker thread: runs openapi-typescript on the spec and posts the printed types back.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

// The CommonJS build, through require: an ES `import` of the 9 MB `typescript` CommonJS module
// makes Node scan it for named exports, which alone costs about a third of a second.
const require = createRequire(import.meta.url);
const { default: openapiTS, astToString } = require('openapi-typescript') as typeof import('openapi-typescript');

const { specFile } = workerData as { specFile: string };
try {
  const nodes = await openapiTS(new URL(`file://${specFile}`), { silent: true, alphabetize: false, defaultNonNullable: false });
  parentPort!.postMessage({ ok: true, text: astToString(nodes) });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
}
