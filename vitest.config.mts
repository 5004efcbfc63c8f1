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
      // The pure core, by its unit tests (CI: npm run test:coverage). processBatch is covered by the
      // integration tier's property test against dynalite instead, which this gate does not run.
      include: ['core/**'],
      exclude: ['core/index.ts'],
      thresholds: { lines: 97, branches: 95 },
    },
  },
});
