import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default defineConfig({
  root,
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/core/**/*.test.ts', 'test/lint/**/*.test.ts', 'test/ipc/**/*.test.ts', 'test/web/**/*.test.ts', 'test/build/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/temp-root.ts', 'test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          globalSetup: ['test/support/temp-root.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          // One suite against every SFTP server of the test bed's matrix (test/support/servers): one file per server.
          name: 'compat',
          include: ['test/compat/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/temp-root.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/temp-root.ts', 'test/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
