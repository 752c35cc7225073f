import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests bind loopback ports and write SQLite files; two at a time suit a 2-core machine.
    maxWorkers: 2,
  },
});
