import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one line `N passed, N failed[, N skipped]`, the form CI
 * reads. A module that failed to load counts as one failure, and so does each
 * unhandled error, and a module that failed without a failed test (a beforeAll
 * or afterAll hook threw, so vitest reports its tests as skipped), so a broken
 * suite can never look green.
 */
export default class PassFailReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      let cases = 0;
      let failedCases = 0;
      for (const testCase of testModule.children.allTests()) {
        cases += 1;
        const state = testCase.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failedCases += 1;
        else skipped += 1;
      }
      failed += failedCases;
      if (cases === 0 || testModule.state() === 'failed') {
        if (testModule.errors().length > 0) failed += 1;
        else if (testModule.state() === 'failed' && failedCases === 0) failed += 1; // a hook failed
      }
    }
    const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
  }
}
