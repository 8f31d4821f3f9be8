// The dated AWS price table every estimate uses (us-east-1, on-demand list prices, USD).
//
// Sources, as published on 2025-05-20 (the date of the Debian snapshot this project pins, and the
// moment these figures were last checked):
//   Lambda:  https://aws.amazon.com/lambda/pricing/
//   Fargate: https://aws.amazon.com/fargate/pricing/
//   EC2:     https://aws.amazon.com/ec2/pricing/on-demand/
// Prices change; update PRICES_AS_OF together with any figure below.

export const PRICES_AS_OF = '2025-05-20';
export const PRICE_REGION = 'us-east-1';

export type Architecture = 'arm64' | 'x86_64';

/** One duration tier: price per GB-second up to `upToGbSeconds` of monthly usage (Infinity = no cap). */
export interface DurationTier {
  readonly upToGbSeconds: number;
  readonly usdPerGbSecond: number;
}

export interface LambdaArchPrices {
  /** On-demand duration, tiered by the account's monthly GB-seconds in the region. */
  readonly durationTiers: readonly DurationTier[];
  /** Provisioned concurrency: charged for every GB-second the instances are configured. */
  readonly provisionedUsdPerGbSecond: number;
  /** Duration of invocations served by provisioned instances (replaces the on-demand price). */
  readonly provisionedDurationUsdPerGbSecond: number;
}

export const LAMBDA_PRICES: Readonly<Record<Architecture, LambdaArchPrices>> = {
  x86_64: {
    durationTiers: [
      { upToGbSeconds: 6e9, usdPerGbSecond: 0.0000166667 },
      { upToGbSeconds: 15e9, usdPerGbSecond: 0.000015 },
      { upToGbSeconds: Number.POSITIVE_INFINITY, usdPerGbSecond: 0.0000133334 },
    ],
    provisionedUsdPerGbSecond: 0.0000041667,
    provisionedDurationUsdPerGbSecond: 0.0000097222,
  },
  arm64: {
    durationTiers: [
      { upToGbSeconds: 7.5e9, usdPerGbSecond: 0.0000133334 },
      { upToGbSeconds: 18.75e9, usdPerGbSecond: 0.0000120001 },
      { upToGbSeconds: Number.POSITIVE_INFINITY, usdPerGbSecond: 0.0000106667 },
    ],
    provisionedUsdPerGbSecond: 0.0000033334,
    provisionedDurationUsdPerGbSecond: 0.0000077778,
  },
};

/** Requests cost the same on both architectures. */
export const LAMBDA_USD_PER_MILLION_REQUESTS = 0.2;

/** Monthly free tier (shared by both architectures; does not cover provisioned concurrency). */
export const LAMBDA_FREE_TIER = { requests: 1_000_000, gbSeconds: 400_000 } as const;

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** Fargate (Linux) per vCPU-hour and per GB-hour. */
export const FARGATE_PRICES: Readonly<Record<Architecture, { vcpuHour: number; gbHour: number }>> = {
  x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
  arm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
};

/** The always-on alternatives compared against: one small task or instance, running all month. */
export const FARGATE_TASK = { vcpu: 0.5, memoryGb: 1 } as const;

export const EC2_INSTANCES: Readonly<Record<Architecture, { type: string; usdPerHour: number }>> = {
  x86_64: { type: 't3.small (2 vCPU, 2 GiB)', usdPerHour: 0.0208 },
  arm64: { type: 't4g.small (2 vCPU, 2 GiB)', usdPerHour: 0.0168 },
};
