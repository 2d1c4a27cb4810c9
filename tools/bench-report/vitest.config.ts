import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'bench-report', include: ['test/**/*.test.ts'] },
});
