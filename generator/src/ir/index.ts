export { buildIR } from './build.js';
export * from './names.js';
export type * from './types.js';
export * from './queries.js';
