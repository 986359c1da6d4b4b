import { defineConfig } from 'vitest/config';

// Unit and integration tiers. The end-to-end tier (real API servers) has its own config.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/helpers/tmp-per-file.ts'],
    globalSetup: ['test/helpers/tmp-global.ts'],
    maxWorkers: 2,
  },
});
