// Bounded exponential backoff with full jitter for retried chunks.
import { UsageError } from '../core/errors.js';

export interface RetryPolicy {
  /** Attempts per chunk, the first included (1 = never retry). */
  readonly maxAttempts: number;
  /** The first retry waits up to this long; each further one up to twice as long... */
  readonly baseMs: number;
  /** ...but never more than this. */
  readonly capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseMs: 200, capMs: 20_000 };

export function checkMaxAttempts(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new UsageError(`--max-attempts must be a whole number from 1 to 100, got ${value}`);
  }
  return value;
}

/**
 * Wait before retry number `retry` (1 = the first retry): uniform in [0, min(cap, base × 2^(retry-1))].
 * Full jitter spreads the clients a throttle turned away, so they do not all come back at once.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
