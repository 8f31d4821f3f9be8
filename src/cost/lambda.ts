// Monthly cost of a Lambda function: duration tiers, requests, free tier, provisioned concurrency, cold starts.
import {
  type Architecture,
  type DurationTier,
  LAMBDA_FREE_TIER,
  LAMBDA_PRICES,
  LAMBDA_USD_PER_MILLION_REQUESTS,
  SECONDS_PER_MONTH,
} from './prices.js';

export interface LambdaCostInput {
  /** Invocations per month. */
  readonly requests: number;
  /** Mean handler duration per invocation (billed rounded up to 1 ms). */
  readonly durationMs: number;
  /**
   * Mean billed duration when it was observed call by call (each rounded up on its own, as Lambda
   * bills); replaces `ceil(durationMs)`, which is only exact when every call takes the same time.
   */
  readonly billedDurationMs?: number;
  readonly memoryMb: number;
  readonly arch: Architecture;
  /** Provisioned concurrency on the alias (instances kept warm all month). */
  readonly provisioned: number;
  /** Share of on-demand invocations that start a new instance, 0..1. */
  readonly coldStartRatio: number;
  /** Init duration of a cold start; container-image functions are billed for it. */
  readonly initMs: number;
  readonly freeTier: boolean;
}

export interface LambdaCost {
  readonly computeUsd: number;
  readonly requestsUsd: number;
  readonly provisionedUsd: number;
  readonly totalUsd: number;
  readonly billableGbSeconds: number;
  readonly billableRequests: number;
  /** Share of invocations served by provisioned instances (0 without provisioned concurrency). */
  readonly provisionedShare: number;
}

/** Cost of `gbSeconds` of on-demand duration, walking the tiers from the bottom. */
export function tieredDurationUsd(gbSeconds: number, tiers: readonly DurationTier[]): number {
  let usd = 0;
  let floor = 0;
  for (const tier of tiers) {
    if (gbSeconds <= floor) break;
    const inTier = Math.min(gbSeconds, tier.upToGbSeconds) - floor;
    usd += inTier * tier.usdPerGbSecond;
    floor = tier.upToGbSeconds;
  }
  return usd;
}

/**
 * Which share of invocations provisioned instances absorb: all of them while the mean concurrency
 * (requests x duration / month) fits, otherwise provisioned / mean concurrency. Bursts are ignored,
 * so this is a lower bound on spill-over to on-demand instances.
 */
export function provisionedShare(requests: number, durationMs: number, provisioned: number): number {
  if (provisioned <= 0) return 0;
  const meanConcurrency = (requests * durationMs) / 1000 / SECONDS_PER_MONTH;
  return meanConcurrency <= provisioned ? 1 : provisioned / meanConcurrency;
}

export function lambdaMonthlyCost(input: LambdaCostInput): LambdaCost {
  const prices = LAMBDA_PRICES[input.arch];
  const memoryGb = input.memoryMb / 1024;
  const billedSeconds = (input.billedDurationMs ?? Math.ceil(input.durationMs)) / 1000;
  const share = provisionedShare(input.requests, input.durationMs, input.provisioned);
  const onDemandRequests = input.requests * (1 - share);
  const coldStarts = onDemandRequests * input.coldStartRatio;
  const onDemandGbSeconds =
    (onDemandRequests * billedSeconds + coldStarts * (Math.ceil(input.initMs) / 1000)) * memoryGb;
  const freeGbSeconds = input.freeTier ? LAMBDA_FREE_TIER.gbSeconds : 0;
  const billableGbSeconds = Math.max(0, onDemandGbSeconds - freeGbSeconds);
  const computeUsd = tieredDurationUsd(billableGbSeconds, prices.durationTiers);

  const freeRequests = input.freeTier ? LAMBDA_FREE_TIER.requests : 0;
  const billableRequests = Math.max(0, input.requests - freeRequests);
  const requestsUsd = (billableRequests / 1e6) * LAMBDA_USD_PER_MILLION_REQUESTS;

  const configuredGbSeconds = input.provisioned * memoryGb * SECONDS_PER_MONTH;
  const provisionedDurationGbSeconds = input.requests * share * billedSeconds * memoryGb;
  const provisionedUsd =
    configuredGbSeconds * prices.provisionedUsdPerGbSecond +
    provisionedDurationGbSeconds * prices.provisionedDurationUsdPerGbSecond;

  return {
    computeUsd,
    requestsUsd,
    provisionedUsd,
    totalUsd: computeUsd + requestsUsd + provisionedUsd,
    billableGbSeconds,
    billableRequests,
    provisionedShare: share,
  };
}
