import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each test file starts its own servers and sandboxes; two at a time keeps the machine
    // responsive enough for the timing checks (deadlines of about a second).
    maxWorkers: 2,
  },
});
