import { abortReason } from '../../server/src/base/abort';
import type { Clock } from '../../server/src/base/clock';

interface Sleeper {
  at: number;
  resolve(): void;
}

/** Lets every promise chain that does not wait for a timer run to its end (memory backends only: no real I/O). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock for tests: the wall clock (`now`) and the monotonic timers (`sleep`) move only when the test says so.
 * `advance` moves both, firing due timers in order; `standby` moves the wall clock alone, as a suspended laptop
 * sees it: the timers did not run, so the program only notices at its next poll.
 */
export class ManualClock implements Clock {
  private mono = 0;
  private sleepers: Sleeper[] = [];

  constructor(private wall = Date.UTC(2026, 10, 25, 12, 0, 0)) {}

  now(): number {
    return this.wall;
  }

  /** Monotonic milliseconds since the clock was made. */
  get elapsed(): number {
    return this.mono;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const sleeper: Sleeper = {
        at: this.mono + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        if (signal) reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Moves both clocks forward by `ms`, firing due timers in order and letting the work they start run. */
  async advance(ms: number): Promise<void> {
    const target = this.mono + ms;
    for (;;) {
      await settle();
      const next = this.nextSleeper();
      if (!next || next.at > target) break;
      this.moveTo(next.at);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
    }
    this.moveTo(target);
    await settle();
  }

  /** The machine slept for `ms`: wall time moved on, no timer fired and no code ran. */
  standby(ms: number): void {
    this.wall += ms;
  }

  /** Advances from timer to timer until `promise` settles (or `limitMs` passes); returns its outcome. */
  async run<T>(promise: Promise<T>, limitMs = 24 * 3_600_000): Promise<T> {
    let done = false;
    const watched = promise.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    const limit = this.mono + limitMs;
    await settle();
    while (!done) {
      const next = this.nextSleeper();
      if (!next || next.at > limit) break;
      await this.advance(next.at - this.mono);
    }
    if (!done) throw new Error(`still pending after ${limitMs} ms of clock time`);
    return watched;
  }

  private nextSleeper(): Sleeper | undefined {
    return this.sleepers.reduce<Sleeper | undefined>((a, b) => (a === undefined || b.at < a.at ? b : a), undefined);
  }

  private moveTo(mono: number): void {
    this.wall += mono - this.mono;
    this.mono = mono;
  }
}
