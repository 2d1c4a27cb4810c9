import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'certs', include: ['test/**/*.test.ts'] },
});
