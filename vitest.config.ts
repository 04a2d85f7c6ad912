import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    pool: 'forks',
    // Two files at a time, whatever the core count (vitest's default on 2 cores is one): most tests wait on child
    // processes, servers and lock timeouts rather than compute, so the suite took 720 s one at a time and 440 s two
    // at a time on CI's 2 cores, every test passing either way.
    minWorkers: 1,
    maxWorkers: 2,
    globalSetup: ['./test/helpers/wasm-setup.ts'],
    setupFiles: ['./test/helpers/yield-between-tests.ts', './test/helpers/wasm-modules.ts'],
  },
});
