// Prints the plain closing line CI reads: "N passed, N failed" (", N skipped" when any were skipped). `npm test`
// runs vitest twice (the real-VS-Code tests alone, after the rest): with LOCKSTEP_SUMMARY_FILE set, each run adds
// the counts of the runs before it, so the last line counts them all.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function carried(file: string | undefined): Counts {
  if (!file) return { passed: 0, failed: 0, skipped: 0 };
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Counts;
  } catch {
    return { passed: 0, failed: 0, skipped: 0 };
  }
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const file = process.env.LOCKSTEP_SUMMARY_FILE;
    let { passed, failed, skipped } = carried(file);
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load, or whose hooks failed, counts once more.
      if (mod.errors().length > 0) failed++;
    }
    failed += unhandledErrors.length;
    if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
