// The backend between operations (issue 12, item 4): a VS Code window keeps it for hours, mostly idle, so once no
// operation has run for IDLE_MS it gives back what the last one left: worker threads are already stopped when their
// operation ends (each backup's pool is closed with it); server.ts has the kept repository drop its tree cache, zstd's
// WebAssembly instance dropped and the garbage of the operation collected in full, which returns V8's emptied pages
// and the malloc memory that only a collection frees (processTuning.ts).

/** How long the backend must have been idle: short enough to be back within 10 s, long enough to skip bursts. */
export const IDLE_MS = 2000;

export interface Activity {
  started(): void;
  /** No operation runs any more. */
  idle(): void;
}

export class IdleRelease implements Activity {
  private timer: NodeJS.Timeout | undefined;

  /** `release` gives back what the last operation left (server.ts: the tree cache, zstd's instance, the garbage). */
  constructor(
    private readonly release: () => void,
    private readonly delayMs = IDLE_MS,
  ) {}

  started(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  idle(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, this.delayMs);
    // An idle backend that is about to exit does not wait for this.
    this.timer.unref();
  }
}
