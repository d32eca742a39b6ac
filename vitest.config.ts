import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real PostgreSQL server for the run; each file that needs it makes its own database.
    globalSetup: ['test/support/postgres-server.ts'],
    // Tests start real servers on loopback; generous timeouts absorb a busy shared machine
    // without making any assertion depend on speed.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
