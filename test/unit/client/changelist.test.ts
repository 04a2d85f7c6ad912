// The extension's change list: what a backup request sends of the watcher's events, and when it asks for a full walk.
import { describe, expect, it } from 'vitest';
import { ChangeList, MAX_PENDING_PATHS, OVERFLOW_EVENTS } from '../../../client/src/changelist';

describe('the change list', () => {
  it('asks for a full walk first (a new watcher), then sends the paths since the snapshot the last backup made', () => {
    let now = 0;
    const list = new ChangeList(() => now);
    list.record('/ws/early');
    const first = list.take(false);
    expect(first.changes).toEqual({ since: undefined, paths: [], fullWalk: 'watcher-started' });
    list.record('/ws/during'); // arrives while the first backup runs
    first.settle('snap1');
    now += 5000;
    list.record('/ws/later');
    const second = list.take(false);
    expect(second.changes).toEqual({ since: 'snap1', paths: ['/ws/during', '/ws/later'], fullWalk: undefined });
    second.settle(undefined); // failed: the paths are kept for the next one
    expect(list.take(false).changes).toEqual({ since: 'snap1', paths: ['/ws/during', '/ws/later'], fullWalk: undefined });
  });

  it('counts a burst of events, or too many pending paths, as an overflow; Back Up Now and a restart ask for a full walk', () => {
    let now = 1_000_000;
    const list = new ChangeList(() => now);
    list.take(false).settle('snap1');
    for (let i = 0; i <= OVERFLOW_EVENTS; i++) list.record(`/ws/f${i % 10}`);
    expect(list.take(false).changes).toMatchObject({ paths: [], fullWalk: 'watcher-overflowed' });
    for (let i = 0; i < MAX_PENDING_PATHS + 1; i++) {
      if (i % 1000 === 0) now += 2000; // slowly: no burst
      list.record(`/ws/g${i}`);
    }
    const pending = list.take(false);
    expect(pending.changes).toMatchObject({ paths: [], fullWalk: 'watcher-overflowed' });
    pending.settle(undefined);
    expect(list.take(false).changes.fullWalk).toBe('watcher-overflowed'); // a failed full walk is still due
    list.record('/ws/x');
    expect(list.take(true).changes).toMatchObject({ paths: ['/ws/x'], fullWalk: 'requested' });
    list.watcherStarted();
    expect(list.take(false).changes.fullWalk).toBe('watcher-started');
  });
});
