import { describe, expect, it } from 'vitest';
import { LockLostError } from '../../../server/src/base/errors';
import { LockstepErrorCodes } from '../../../shared/src/protocol';
import { toResponseError } from '../../../server/src/rpc/operations';

const backupSpec = { name: 'backup', notCommitted: 'the snapshot was not saved' };

describe('a lost lock as the client hears it', () => {
  it('says what a commit point that landed as the lock was lost became, after what was not committed', () => {
    const left = 'the index file written at that moment (index/1a2b3c4d) was removed again; any packs written before it that are still there are unreferenced data that a prune removes';
    const error = toResponseError(new LockLostError('lock-removed', 'the lock file 5e6f7a8b was removed in the meantime', left), backupSpec);
    expect(error.code).toBe(LockstepErrorCodes.lockLost);
    expect(error.message).toBe(`backup: lock lost (lock-removed): the lock file 5e6f7a8b was removed in the meantime; the operation was cancelled and ${left}`);
    expect(error.data).toEqual({ reason: 'lock-removed', notCommitted: `the snapshot was not saved; ${left}` });
  });

  it('with nothing landed, says only what was not committed', () => {
    const error = toResponseError(new LockLostError('refresh-late', 'the lock could not be refreshed within 7m30s'), backupSpec);
    expect(error.message).toMatch(/the operation was cancelled and wrote nothing more to the repository$/);
    expect(error.data).toEqual({ reason: 'refresh-late', notCommitted: 'the snapshot was not saved' });
  });
});
