import type { Resource } from '@opentelemetry/resources';

/**
 * Holds encoding back while the spans' resource still waits for a detector (cloud metadata answers
 * asynchronously): encoded bytes cannot be amended, and a resource encoded early would lack those
 * attributes for good. The spans wait unencoded meanwhile, counted against the queue caps as always.
 */
export class ResourceGate {
  private waiting = false;

  constructor(private readonly onSettled: () => void) {}

  /** Whether spans are being held right now. */
  get holding(): boolean {
    return this.waiting;
  }

  /** True while `resource` has attributes pending; `onSettled` runs once they settle (or fail). */
  holds(resource: Resource | undefined): boolean {
    if (resource?.asyncAttributesPending !== true) return false;
    if (!this.waiting) {
      this.waiting = true;
      const settle = (): void => {
        this.waiting = false;
        this.onSettled();
      };
      Promise.resolve(resource.waitForAsyncAttributes?.()).then(settle, settle);
    }
    return true;
  }
}
