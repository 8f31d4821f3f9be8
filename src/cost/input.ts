// Turns the `cost` command's raw flag values into a validated estimate input, naming the flag on error.
import { CostInputError } from './errors.js';
import type { LambdaCostInput } from './lambda.js';
import type { Architecture } from './prices.js';

export interface RawCostFlags {
  readonly requests?: string | undefined;
  readonly durationMs?: string | undefined;
  readonly memory?: string | undefined;
  readonly arch?: string | undefined;
  readonly provisioned?: string | undefined;
  readonly coldStartRatio?: string | undefined;
  readonly initMs?: string | undefined;
  readonly freeTier?: boolean | undefined;
}

/** Figures taken from a bench result; flags given explicitly win over them. */
export interface BenchFigures {
  readonly durationMs: number;
  readonly initMs: number | null;
}

interface NumberRule {
  readonly min: number;
  readonly max?: number;
  readonly integer?: boolean;
  readonly exclusiveMin?: boolean;
}

export function parseNumberFlag(flag: string, raw: string | undefined, rule: NumberRule): number {
  if (raw === undefined || raw.trim() === '') {
    throw new CostInputError(`${flag} is required: expected a number`, { context: { flag } });
  }
  const value = Number(raw.replaceAll('_', '').replaceAll(',', ''));
  const range = `${rule.exclusiveMin ? '>' : '>='} ${rule.min}${rule.max === undefined ? '' : ` and <= ${rule.max}`}`;
  const what = rule.integer ? 'an integer' : 'a number';
  const tooLow = rule.exclusiveMin ? value <= rule.min : value < rule.min;
  if (!Number.isFinite(value) || tooLow || (rule.max !== undefined && value > rule.max)) {
    throw new CostInputError(`${flag} must be ${what} ${range}, got '${raw}'`, { context: { flag, raw } });
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new CostInputError(`${flag} must be ${what} ${range}, got '${raw}'`, { context: { flag, raw } });
  }
  return value;
}

function parseArch(raw: string | undefined): Architecture {
  if (raw === undefined || raw === 'arm64' || raw === 'x86_64') return raw ?? 'arm64';
  throw new CostInputError(`--arch must be arm64 or x86_64, got '${raw}'`, { context: { flag: '--arch' } });
}

export function parseCostFlags(flags: RawCostFlags, bench: BenchFigures | null = null): LambdaCostInput {
  const durationRaw = flags.durationMs ?? (bench ? String(bench.durationMs) : undefined);
  const hasRatio = flags.coldStartRatio !== undefined;
  const initRaw = flags.initMs ?? (bench?.initMs != null ? String(bench.initMs) : undefined);
  if (hasRatio && initRaw === undefined) {
    throw new CostInputError('--cold-start-ratio needs --init-ms (or --from-bench with an init time)', {
      context: { flag: '--init-ms' },
    });
  }
  return {
    requests: parseNumberFlag('--requests', flags.requests, { min: 0 }),
    durationMs: parseNumberFlag('--duration-ms', durationRaw, { min: 0, exclusiveMin: true, max: 900_000 }),
    memoryMb: parseNumberFlag('--memory', flags.memory, { min: 128, max: 10_240, integer: true }),
    arch: parseArch(flags.arch),
    provisioned:
      flags.provisioned === undefined
        ? 0
        : parseNumberFlag('--provisioned', flags.provisioned, { min: 0, integer: true }),
    coldStartRatio: hasRatio
      ? parseNumberFlag('--cold-start-ratio', flags.coldStartRatio, { min: 0, max: 1 })
      : 0,
    initMs: initRaw === undefined ? 0 : parseNumberFlag('--init-ms', initRaw, { min: 0, max: 900_000 }),
    freeTier: flags.freeTier ?? true,
  };
}
