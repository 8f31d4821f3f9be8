// The monthly request count at which Lambda costs as much as an always-on alternative.
import { type LambdaCostInput, lambdaMonthlyCost } from './lambda.js';
import { SECONDS_PER_MONTH } from './prices.js';

export interface BreakEven {
  /** Requests per month at which both cost the same; 0 if Lambda is never cheaper; null if always cheaper. */
  readonly requestsPerMonth: number | null;
  readonly requestsPerSecond: number | null;
}

/** Beyond this many requests a month (~38,000 per second) the search stops: Lambda stays cheaper. */
const SEARCH_LIMIT = 1e11;

/**
 * Lambda's cost grows monotonically with the request count (all terms are non-decreasing), so a
 * bisection on the count finds the crossing point to within one request.
 */
export function breakEvenRequests(input: Omit<LambdaCostInput, 'requests'>, targetUsd: number): BreakEven {
  const costAt = (requests: number) => lambdaMonthlyCost({ ...input, requests }).totalUsd;
  if (costAt(0) >= targetUsd) return { requestsPerMonth: 0, requestsPerSecond: 0 };
  let low = 0;
  let high = 1e6;
  while (costAt(high) < targetUsd) {
    if (high >= SEARCH_LIMIT) return { requestsPerMonth: null, requestsPerSecond: null };
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (costAt(mid) < targetUsd) low = mid;
    else high = mid;
  }
  return { requestsPerMonth: high, requestsPerSecond: high / SECONDS_PER_MONTH };
}
