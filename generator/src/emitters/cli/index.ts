import type { Emitter } from '../types.js';

/** Placeholder: the cli target is being built (see the issue for it); it emits nothing yet. */
export const cliEmitter: Emitter = {
  name: 'cli',
  roots: [],
  async emit() {
    return [];
  },
};
