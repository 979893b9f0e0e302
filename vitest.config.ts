import { defineConfig } from 'vitest/config';

// Temporal's native worker and worker threads do not mix: every test file runs in its own forked
// process, one at a time, because they share the provisioned servers (see test/setup/).
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/runtime.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});
