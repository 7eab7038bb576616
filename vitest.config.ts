import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
    // the compiled engine must be loaded by Node itself, as cucumber loads it (see test/support/audit.ts)
    server: { deps: { external: [/\/dist\//] } },
  },
});
