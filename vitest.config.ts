import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    pool: 'forks',
    globalSetup: ['./test/helpers/wasm-setup.ts'],
    setupFiles: ['./test/helpers/yield-between-tests.ts', './test/helpers/wasm-modules.ts'],
  },
});
