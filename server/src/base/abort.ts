import { setMaxListeners } from 'node:events';
import { CancelledError } from './errors';

/** Throws the signal's reason (or a CancelledError) if it has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason;
  return new CancelledError();
}

/** How many raceAbort calls may wait on one signal before Node warns of a listener leak. */
const RACING_REQUESTS = 256;

/** Rejects with the signal's reason the moment it aborts, whatever `work` is doing. */
export function raceAbort<T>(signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined); // its failure after an abort is nobody's business
  if (signal.aborted) return Promise.reject(abortReason(signal));
  // One listener per backend request in flight on the operation's signal, which a remote backend runs by the dozen:
  // Node's leak warning at 11 would be printed to the user for what is the normal case.
  setMaxListeners(RACING_REQUESTS, signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
