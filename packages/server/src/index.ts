/** The local tensor-box server, for embedding (the `tensor-box-server` command uses the same). */
export { startServer, type RunningServer, type ServerOptions } from './app.js';
export { KEYS_ENV } from './keys.js';
