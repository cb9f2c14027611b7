import { tsEmitter } from './ts/index.js';
import type { Emitter } from './types.js';

/** Every target, in the order they run. A new target is one more emitter here. */
export const EMITTERS: readonly Emitter[] = [tsEmitter];

export type { Emitter, EmitContext, GeneratedFile } from './types.js';
