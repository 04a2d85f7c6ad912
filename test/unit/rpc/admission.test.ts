// The admission's lines: how many run, how many wait, who is refused, and what stopping does to each.
import { CancellationToken, CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { describe, expect, it } from 'vitest';
import { LockstepErrorCodes } from '../../../shared/src/protocol';
import { Admission } from '../../../server/src/rpc/admission';

/** Work that runs until the test lets it end, and says whether its token was cancelled. */
function heldWork(): { work: (token: CancellationToken) => Promise<string>; started: () => boolean; cancelled: () => boolean; finish: () => void } {
  let started = false;
  let token: CancellationToken | undefined;
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async (t) => {
      started = true;
      token = t;
      await ended;
      return 'done';
    },
    started: () => started,
    cancelled: () => token?.isCancellationRequested ?? false,
    finish: () => finish(),
  };
}

async function errorOf(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof ResponseError)) throw new Error(`expected a ResponseError, got ${String(err)}`);
  return err;
}

const none = CancellationToken.None;

describe('Admission', () => {
  it('runs the bound, queues the next ones in order, refuses past the waiting bound', async () => {
    const admission = new Admission({ running: 1, waiting: 1 });
    const first = heldWork();
    const second = heldWork();
    const a = admission.run('backup', 'locking', none, first.work);
    const b = admission.run('prune', 'locking', none, second.work);
    const refused = await errorOf(admission.run('check', 'locking', none, async () => 'never'));
    expect([refused.code, refused.message]).toEqual([LockstepErrorCodes.failed, 'check: the backend is busy (1 operations running and 1 waiting); try again when one has finished']);
    // The other line is not behind this one.
    await expect(admission.run('locks', 'lock-free', none, async () => 'listed')).resolves.toBe('listed');
    expect([first.started(), second.started()]).toEqual([true, false]);
    first.finish();
    await expect(a).resolves.toBe('done');
    await Promise.resolve();
    expect(second.started()).toBe(true);
    second.finish();
    await expect(b).resolves.toBe('done');
  });

  it('a request cancelled while it waits leaves the line without running', async () => {
    const admission = new Admission({ running: 1, waiting: 4 });
    const first = heldWork();
    const a = admission.run('backup', 'locking', none, first.work);
    const source = new CancellationTokenSource();
    let ran = false;
    const b = admission.run('snapshots', 'locking', source.token, async () => (ran = true));
    source.cancel();
    const err = await errorOf(b);
    expect([err.code, err.message]).toEqual([LockstepErrorCodes.cancelled, 'snapshots cancelled before it started']);
    first.finish();
    await a;
    expect(ran).toBe(false);
  });

  it('stopAll cancels what runs, empties the lines, waits for the running to end and refuses new requests', async () => {
    const admission = new Admission({ running: 1, waiting: 4 });
    const first = heldWork();
    const a = admission.run('backup', 'locking', none, first.work);
    const queued = admission.run('prune', 'locking', none, async () => 'never');
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.started()).toBe(true);
    let stopped = false;
    const stopping = admission.stopAll('interrupted').then(() => (stopped = true));
    expect(first.cancelled()).toBe(true);
    const err = await errorOf(queued);
    expect([err.code, err.message]).toEqual([LockstepErrorCodes.cancelled, 'prune not started: interrupted']);
    await Promise.resolve();
    expect(stopped).toBe(false);
    first.finish();
    await a;
    await stopping;
    const late = await errorOf(admission.run('locks', 'lock-free', none, async () => 'never'));
    expect(late.message).toBe('locks: the backend is shutting down');
  });
});
