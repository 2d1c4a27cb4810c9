import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'memory-demo',
    include: ['test/**/*.test.ts'],
    // Most tests run experiments in child processes (each bounded by its own timeout): room
    // for a loaded 2-core CI machine. The whole suite takes about 45 s there.
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
