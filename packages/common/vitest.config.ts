import { defineProject } from 'vitest/config';

export default defineProject({
  // Child processes (mains, cluster workers) start slowly on a loaded 2-core machine.
  test: {
    name: 'common',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
