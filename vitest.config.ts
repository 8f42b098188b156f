import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // End-to-end files each start their own Discord double and bot; two cores, two workers.
    maxWorkers: 2,
  },
});
