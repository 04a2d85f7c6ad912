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
// Extra arguments (a file filter) go to both runs, as to vitest itself.
const extra = process.argv.slice(2);
const rest = vitest(['--exclude', E2E, ...extra]);
const e2e = vitest(['--dir', 'test/e2e', '--passWithNoTests', ...extra]);
rmSync(dir, { recursive: true, force: true });
process.exit(rest !== 0 ? rest : e2e);
