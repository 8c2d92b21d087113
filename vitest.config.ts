import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Generous: the test command runs two passes side by side on two cores, and a test that starts
    // a server process or a browser waits on the machine; a hung test still fails.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          // One worker process runs the node files one after the other with its modules loaded once:
          // a fresh process per file spent more than its tests in loading (40 domain files: 109 s
          // isolated, 23 s not). The tests keep no global state (no mocks, no env changes), and each
          // closes what it opens; the browser files keep their isolation.
          isolate: false,
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [...configDefaults.exclude, 'test/admin-ui/browser/**'],
        },
      },
      {
        // Headless Chromium against the real server; the console is built once first (only when
        // a browser test is selected).
        extends: true,
        test: {
          name: 'browser',
          include: ['test/admin-ui/browser/**/*.test.ts'],
          globalSetup: ['test/admin-ui/browser/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // expect.poll waits for what a user would see after a click (a save's answer, a re-read):
          // vitest's default of 1 s failed on a machine busy with the other pass (CI, 2026-12-06).
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
