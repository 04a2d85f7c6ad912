// The extension's words and groupings, computed without VS Code (client/src/describe.ts).
import { describe, expect, it } from 'vitest';
import { ageText, changedVersions, foreignLock, groupSnapshots, holdsText, lockLine, plural, snapshotCovers, waitingText } from '../../../client/src/describe';
import type { LockListEntry, SnapshotInfo } from '../../../shared/src/protocol';

function snap(id: string, time: string, hostname: string, paths: string[], tags: string[] = []): SnapshotInfo {
  return { id, time, hostname, paths, tags, tree: 'f'.repeat(64) };
}

const MIN = 60_000;
const holder = (exclusive: boolean, time = 0) => ({ id: 'l', exclusive, hostname: 'nas', username: 'alice', pid: 4242, time });

describe('the extension describes', () => {
  it('counts with plurals', () => {
    expect(plural(1, 'lock')).toBe('1 lock');
    expect(plural(0, 'lock')).toBe('0 locks');
    expect(plural(3, 'stale lock')).toBe('3 stale locks');
  });

  it('ages as people say them', () => {
    expect(ageText(45_000)).toBe('45 s');
    expect(ageText(3 * MIN + 20_000)).toBe('3 min');
    expect(ageText(125 * MIN)).toBe('2 h 5 min');
    expect(ageText(5 * 24 * 60 * MIN)).toBe('5 days');
  });

  it('a foreign holder, and whose lock an operation waits for since when', () => {
    expect(holdsText(holder(true, 1000), 1000 + 3 * MIN)).toBe('PID 4242 on nas (alice) holds the repository, exclusive, 3 min');
    expect(waitingText(holder(true, 1000), 1000 + 3 * MIN, () => '14:03')).toBe('waiting for the exclusive lock of PID 4242 on nas (alice), held since 14:03 (3 min)');
  });

  it('a lock line, an unreadable lock with its reason', () => {
    expect(lockLine({ id: 'a'.repeat(64), holder: holder(false), stale: true, ageMs: 40 * MIN })).toEqual({ label: 'shared · nas · PID 4242', description: 'alice, 40 min, stale', stale: true });
    expect(lockLine({ id: 'b'.repeat(64), error: 'ciphertext verification failed', stale: false })).toEqual({ label: 'unreadable lock bbbbbbbb', description: 'ciphertext verification failed', stale: false });
  });

  it("the status bar's lock: exclusive before shared, warning once an exclusive lock outlives the stale timeout", () => {
    const shared: LockListEntry = { id: 's', holder: holder(false), stale: false, ageMs: 50 * MIN };
    const exclusive: LockListEntry = { id: 'x', holder: holder(true), stale: false, ageMs: 3 * MIN };
    expect(foreignLock([shared, exclusive], new Set(), 30 * MIN)).toEqual({ entry: exclusive, warn: false });
    expect(foreignLock([shared, { ...exclusive, ageMs: 31 * MIN }], new Set(), 30 * MIN)?.warn).toBe(true);
    expect(foreignLock([shared], new Set(), 30 * MIN)).toEqual({ entry: shared, warn: false });
    expect(foreignLock([shared, exclusive], new Set(['x', 's']), 30 * MIN)).toBeUndefined();
    expect(foreignLock([{ ...shared, stale: true }], new Set(), 30 * MIN)?.warn).toBe(true);
  });

  it('snapshots grouped by host and paths, newest group and snapshot first', () => {
    const a1 = snap('a1', '2026-01-01T10:00:00Z', 'laptop', ['/w']);
    const a2 = snap('a2', '2026-01-03T10:00:00Z', 'laptop', ['/w']);
    const b1 = snap('b1', '2026-01-02T10:00:00Z', 'nas', ['/w']);
    const c1 = snap('c1', '2026-01-04T10:00:00+02:00', 'laptop', ['/x', '/w']);
    const groups = groupSnapshots([a1, a2, b1, c1]);
    expect(groups.map((g) => [g.hostname, g.paths, g.snapshots.map((s) => s.id)])).toEqual([
      ['laptop', ['/w', '/x'], ['c1']],
      ['laptop', ['/w'], ['a2', 'a1']],
      ['nas', ['/w'], ['b1']],
    ]);
  });

  it("which snapshots hold a file, and the file's versions where it changed", () => {
    const s = snap('s', '2026-01-01T00:00:00Z', 'h', ['/home/u/proj']);
    expect(snapshotCovers(s, '/home/u/proj/a.txt')).toBe(true);
    expect(snapshotCovers(s, '/home/u/project/a.txt')).toBe(false);
    const v = (id: string, size: number, mtime: string) => ({ snapshot: snap(id, '2026-01-01T00:00:00Z', 'h', ['/']), size, mtime });
    const kept = changedVersions([v('4', 5, 'm3'), v('3', 5, 'm2'), v('2', 5, 'm2'), v('1', 4, 'm1')]);
    expect(kept.map((k) => k.snapshot.id)).toEqual(['4', '2', '1']);
  });
});
