import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'start', include: ['test/**/*.test.ts'] },
});
