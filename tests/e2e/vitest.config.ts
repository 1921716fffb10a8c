// npm run test:e2e: the browser tests, one file after the other (each starts the app and the simulator).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/e2e/**/*.e2e.ts"],
    globalSetup: ["tests/e2e/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    // A browser flow that fails once on a loaded machine runs again; a real failure fails twice.
    retry: 1,
    hookTimeout: 120_000,
    // The Shopify library logs every authenticated request at info level; keep the test output readable.
    onConsoleLog: (log) => (/^\[shopify-(app|api)\/INFO\]/.test(log) ? false : undefined),
    server: {
      deps: {
        // The app's server build is plain ESM for Node (with JSON import attributes): load it natively.
        external: [/tmp\/e2e-build\//, /tmp\/demo-build\//],
      },
    },
  },
});
