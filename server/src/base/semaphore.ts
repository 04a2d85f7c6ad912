/** At most `count` holders at a time; the others wait in turn. */
export class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];
  constructor(count: number) {
    this.free = count;
  }
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    return () => {
      const next = this.waiters.shift();
      if (next) next();
      else this.free++;
    };
  }
}
