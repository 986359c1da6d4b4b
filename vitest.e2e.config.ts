import { defineConfig } from 'vitest/config';

// End-to-end tier: real etcd + kube-apiserver (+ controller-manager) from `npm run lab`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    setupFiles: ['test/helpers/tmp-per-file.ts'],
    globalSetup: ['test/helpers/tmp-global.ts'],
    maxWorkers: 1,
    fileParallelism: false,
  },
});
