import { abortReason } from './abort';

/** At most `count` holders at a time; the others wait in turn. */
export class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];
  constructor(count: number) {
    this.free = count;
  }

  /** How many are waiting for a turn. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Waits for a turn; a waiter whose `signal` aborts leaves the line and rejects with the signal's reason. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw abortReason(signal);
    if (this.free > 0) this.free--;
    else await this.turn(signal);
    return () => {
      const next = this.waiters.shift();
      if (next) next();
      else this.free++;
    };
  }

  private turn(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = (): void => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = (): void => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(abortReason(signal!));
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }
}
