import { cliEmitter } from './cli/index.js';
import { goEmitter } from './go/index.js';
import { pythonEmitter } from './python/index.js';
import { tsEmitter } from './ts/index.js';
import type { Emitter } from './types.js';

/** Every target, in the order they run. A new target is one more emitter here. */
export const EMITTERS: readonly Emitter[] = [tsEmitter, pythonEmitter, goEmitter, cliEmitter];

export type { Emitter, EmitContext, GeneratedFile } from './types.js';
