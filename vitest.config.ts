import { defineConfig } from 'vitest/config';

// One run over every workspace package, one combined summary (`pnpm test`).
export default defineConfig({
  test: {
    projects: ['packages/*', 'tools/*'],
  },
});
