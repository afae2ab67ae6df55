/** State of the circuit breaker, as reported by `stats().circuit`. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops full exports after `threshold` consecutive failed requests. While open, only an empty probe
 * request is sent each probe interval, so an outage of any length costs O(1) work per interval; the first
 * successful request closes it again.
 */
export class CircuitBreaker {
  state: CircuitState = 'closed';
  private failures = 0;

  constructor(private readonly threshold: number) {}

  /** Records a successful request; closes the circuit. */
  succeeded(): void {
    this.failures = 0;
    this.state = 'closed';
  }

  /** Records a failed request; returns true when that opened the circuit. */
  failed(): boolean {
    this.failures++;
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= this.threshold)) {
      this.state = 'open';
      return true;
    }
    return false;
  }

  /** A probe is about to be sent. */
  probing(): void {
    this.state = 'half-open';
  }
}
