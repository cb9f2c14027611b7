import type { Emitter } from '../types.js';

/** Placeholder: the python target is being built (see the issue for it); it emits nothing yet. */
export const pythonEmitter: Emitter = {
  name: 'python',
  roots: [],
  async emit() {
    return [];
  },
};
