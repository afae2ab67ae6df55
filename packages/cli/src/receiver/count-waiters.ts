interface Waiter {
  count: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Promises that settle when a growing list reaches a length, woken by `notify` rather than polling. */
export class CountWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly what: string,
    private readonly length: () => number,
  ) {}

  wait(count: number, timeoutMs: number): Promise<void> {
    if (this.length() >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${count} ${this.what}; received ${this.length()}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  notify(): void {
    const length = this.length();
    for (const waiter of this.waiters) {
      if (length < waiter.count) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  rejectAll(reason: string): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(
        new Error(`${reason} while waiting for ${waiter.count} ${this.what}; received ${this.length()}`),
      );
    }
    this.waiters.clear();
  }
}
