import type { Emitter } from '../types.js';

/** Placeholder: the go target is being built (see the issue for it); it emits nothing yet. */
export const goEmitter: Emitter = {
  name: 'go',
  roots: [],
  async emit() {
    return [];
  },
};
