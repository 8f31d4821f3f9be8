// Options for safe rollouts: how CodeDeploy shifts the live alias, and how provisioned concurrency scales.
import { InfraOptionError } from './options.js';

/**
 * `canary`: `rolloutPercent` of traffic for `rolloutIntervalMinutes`, then the rest at once.
 * `linear`: `rolloutPercent` more every `rolloutIntervalMinutes` until all of it.
 * `all-at-once`: straight to the new version (still rolled back if an alarm fires right after).
 */
export type RolloutStrategy = 'canary' | 'linear' | 'all-at-once';

export interface RolloutOptions {
  /** How `deploy` moves the `live` alias to a new version. Default `canary`. */
  readonly rollout?: RolloutStrategy;
  /** Percent of traffic shifted per step, 1..99. Default 10. */
  readonly rolloutPercent?: number;
  /** Minutes between steps, 1..2880. Default 5 (canary) or 3 (linear). */
  readonly rolloutIntervalMinutes?: number;
  /**
   * Upper bound for provisioned concurrency when it is set (`provisionedConcurrency` is the lower one).
   * Default 4 × provisionedConcurrency, capped at reservedConcurrency.
   */
  readonly provisionedConcurrencyMax?: number;
  /** Provisioned-concurrency utilisation Application Auto Scaling keeps, 0.1..0.9. Default 0.7. */
  readonly provisionedUtilizationTarget?: number;
}

export interface ResolvedRollout {
  readonly strategy: RolloutStrategy;
  readonly percent: number;
  readonly intervalMinutes: number;
}

export interface ResolvedScaling {
  readonly min: number;
  readonly max: number;
  readonly utilizationTarget: number;
}

export const ROLLOUT_DEFAULTS = {
  rollout: 'canary',
  rolloutPercent: 10,
  canaryIntervalMinutes: 5,
  linearIntervalMinutes: 3,
  utilizationTarget: 0.7,
  scaleFactor: 4,
} as const;

/**
 * The rollback alarms need this many one-minute datapoints to fire (the p99 alarm: 3 of 5 minutes);
 * a shorter step finishes before they can, so synth warns.
 */
export const ALARM_REACTION_MINUTES = 3;

const STRATEGIES: readonly RolloutStrategy[] = ['canary', 'linear', 'all-at-once'];

function requireInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InfraOptionError(`${name} must be an integer from ${min} to ${max}, got ${value}`, {
      context: { option: name, value },
    });
  }
}

export function resolveRollout(options: RolloutOptions): ResolvedRollout {
  const strategy = options.rollout ?? ROLLOUT_DEFAULTS.rollout;
  if (!STRATEGIES.includes(strategy)) {
    throw new InfraOptionError(`rollout must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}`, {
      context: { option: 'rollout' },
    });
  }
  const percent = options.rolloutPercent ?? ROLLOUT_DEFAULTS.rolloutPercent;
  requireInt('rolloutPercent', percent, 1, 99);
  const intervalMinutes =
    options.rolloutIntervalMinutes ??
    (strategy === 'linear' ? ROLLOUT_DEFAULTS.linearIntervalMinutes : ROLLOUT_DEFAULTS.canaryIntervalMinutes);
  // CodeDeploy's limit for a traffic-shifting step is two days.
  requireInt('rolloutIntervalMinutes', intervalMinutes, 1, 2880);
  return { strategy, percent, intervalMinutes };
}

/** Null when provisioned concurrency is not set (nothing to scale). */
export function resolveScaling(
  options: RolloutOptions,
  provisioned: number | undefined,
  reserved: number | undefined,
): ResolvedScaling | null {
  const target = options.provisionedUtilizationTarget ?? ROLLOUT_DEFAULTS.utilizationTarget;
  if (!(typeof target === 'number' && target >= 0.1 && target <= 0.9)) {
    throw new InfraOptionError(`provisionedUtilizationTarget must be from 0.1 to 0.9, got ${target}`, {
      context: { option: 'provisionedUtilizationTarget' },
    });
  }
  if (provisioned === undefined) {
    if (options.provisionedConcurrencyMax !== undefined) {
      throw new InfraOptionError('provisionedConcurrencyMax needs provisionedConcurrency (the lower bound)', {
        context: { option: 'provisionedConcurrencyMax' },
      });
    }
    return null;
  }
  const fallback = Math.min(provisioned * ROLLOUT_DEFAULTS.scaleFactor, reserved ?? Number.POSITIVE_INFINITY);
  const max = options.provisionedConcurrencyMax ?? fallback;
  requireInt('provisionedConcurrencyMax', max, provisioned, 100_000);
  if (reserved !== undefined && max > reserved) {
    throw new InfraOptionError(
      `provisionedConcurrencyMax (${max}) must not exceed reservedConcurrency (${reserved})`,
      { context: { option: 'provisionedConcurrencyMax' } },
    );
  }
  return { min: provisioned, max, utilizationTarget: target };
}
