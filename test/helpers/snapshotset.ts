// A repository holding snapshots of two small folders, made with the hosts, tags and times a test
// names: for comparing how Lockstep and restic select and forget snapshots of the same repository.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { lockstepOk } from './cli';
import { runRestic } from './peers';
import { makeTempDir } from './tmp';

/** One snapshot to make: its host, its --tag values, which folders ('a', 'b') and restic's --time. */
export type SnapshotSpec = [host: string, tags: string[], folders: ('a' | 'b')[], time: string];

export interface SnapshotSet {
  repo: string;
  /** The two folders backed up, by name. */
  folders: { a: string; b: string };
}

export function resticSnapshotSet(restic: string, password: string, prefix: string, specs: readonly SnapshotSpec[]): SnapshotSet {
  const work = makeTempDir(prefix);
  const repo = path.join(work, 'repo');
  const folders = { a: path.join(work, 'a'), b: path.join(work, 'b') };
  for (const dir of Object.values(folders)) {
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'file'), dir);
  }
  // Made by Lockstep with the tests' cheap key (test/helpers/cli.ts): restic's init calibrates scrypt to 0.5 s, which
  // every one of the many restic and Lockstep commands these comparisons run would pay again.
  lockstepOk(['init'], { repo, password });
  for (const [host, tags, names, time] of specs) {
    runRestic(restic, repo, ['backup', '-q', '--host', host, ...tags.flatMap((t) => ['--tag', t]), '--time', time, ...names.map((n) => folders[n])], { password });
  }
  return { repo, folders };
}
