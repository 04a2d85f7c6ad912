import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const created: string[] = [];

/** A fresh folder under the system's temp folder; removed by cleanupTempDirs(). */
export function makeTempDir(prefix: string): string {
  const base = path.join(tmpdir(), 'lockstep-tests');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${prefix}-`));
  created.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Where the Lockstep processes tests start keep their cache of remote repositories: never the user's own. */
export const TEST_CACHE_HOME = path.join(tmpdir(), 'lockstep-tests', 'cache-home');
