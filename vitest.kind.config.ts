import { defineConfig } from 'vitest/config';

// Real-kind tier: node images built by the real `kind build node-image` from the lab's Kubernetes
// checkout, real kind clusters booted by the unmodified kind binary, node scenarios on real
// kubelets. One file at a time: a build or a cluster takes both cores.
export default defineConfig({
  test: {
    include: ['test/kind/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    setupFiles: ['test/helpers/tmp-per-file.ts'],
    globalSetup: ['test/helpers/tmp-global.ts', 'test/helpers/kind-tier-setup.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { shuffle: false },
  },
});
