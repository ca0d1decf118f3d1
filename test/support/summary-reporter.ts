// Prints every skipped test by name with its reason, then one plain closing line
// ("tests: N passed, N failed, N skipped") that CI reads as the run's count.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const mod of testModules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed += 1; // a file that failed to load
      for (const test of mod.children.allTests()) {
        const r = test.result();
        if (r.state === 'passed') passed += 1;
        else if (r.state === 'failed') failed += 1;
        else if (r.state === 'skipped') skipped.push(`${test.fullName} — ${r.note ?? 'no reason given (this is a defect: give one with ctx.skip(reason))'}`);
        else failed += 1; // pending at the end = did not finish
      }
    }
    failed += unhandledErrors.length;
    const out = process.stdout;
    if (skipped.length) {
      out.write(`\nSkipped tests (${skipped.length}), NOT passed:\n`);
      for (const s of skipped) out.write(`  - ${s}\n`);
    }
    out.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped.length} skipped\n`);
  }
}
