import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Emulators (dynalite, s3rver) start once for the whole run, from npm packages.
    globalSetup: ['test/support/globalSetup.ts'],
    pool: 'forks',
    // Node 20 is supported; the SDK's notice about its 2027 releases only clutters the output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    coverage: {
      provider: 'v8',
      include: ['core/**', 'lambdas/aggregator/processBatch.ts'],
      thresholds: { lines: 90, branches: 85 },
    },
  },
});
