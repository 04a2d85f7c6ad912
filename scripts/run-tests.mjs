// The test run of `npm test`: every test file but the real-VS-Code ones, two at a time, then those alone, so that
// code-server and Chromium never share the 2 cores with another test file's servers and children. Both runs
// report into one summary file, so the last "N passed, N failed" line counts all of them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const E2E = 'test/e2e/**';
const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-summary-'));
const env = { ...process.env, LOCKSTEP_SUMMARY_FILE: path.join(dir, 'counts.json') };
const vitest = (args) => spawnSync('npx', ['vitest', 'run', ...args], { stdio: 'inherit', env }).status ?? 1;
// Extra arguments are vitest's file filters: the real-VS-Code run takes those that name test/e2e (all of it when
// none is given), and is left out when the filters name only other tests.
const extra = process.argv.slice(2);
const e2eFilters = extra.length === 0 ? ['test/e2e/'] : extra.filter((a) => a.startsWith('test/e2e'));
const rest = vitest(['--exclude', E2E, '--passWithNoTests', ...extra]);
const e2e = e2eFilters.length > 0 ? vitest(e2eFilters) : 0;
rmSync(dir, { recursive: true, force: true });
process.exit(rest !== 0 ? rest : e2e);
