// Long loops over files run much of their work in synchronous calls and already-settled promises, which never give
// the event loop a turn: the lock's refresh and monitor timers, finished writes, a user's interrupt and JSON-RPC
// requests would all wait until the loop ends. Such loops call this between items.

/** How long a loop may keep the event loop before it lets other work run. */
const TURN_MS = 20;

/** The clock is read only every so many calls: reading it costs more than most items do. */
const CALLS_PER_LOOK = 16;

export class Turns {
  private until = performance.now() + TURN_MS;
  private calls = 0;

  /** Undefined (go on), or once this loop has had the event loop for TURN_MS a promise of its next turn. */
  maybeYield(): Promise<void> | undefined {
    if (++this.calls < CALLS_PER_LOOK) return undefined;
    this.calls = 0;
    if (performance.now() < this.until) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        this.until = performance.now() + TURN_MS;
        resolve();
      }),
    );
  }
}
