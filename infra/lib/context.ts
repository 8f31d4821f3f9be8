// Reads ModelFunction options from CDK context (`cdk synth -c memory=2048`), where values arrive as strings.
import type { BatchScoringOptions } from './batch-options.js';
import { InfraOptionError, type ModelFunctionOptions } from './options.js';
import type { RolloutOptions } from './rollout-options.js';

type ContextOptions = ModelFunctionOptions & RolloutOptions;

/** The context keys users can set, each mapped to its option. */
export const CONTEXT_KEYS = {
  arch: 'architecture',
  memory: 'memorySize',
  timeout: 'timeoutSeconds',
  ephemeralStorage: 'ephemeralStorageMiB',
  logRetentionDays: 'logRetentionDays',
  provisioned: 'provisionedConcurrency',
  reserved: 'reservedConcurrency',
  urlAuth: 'functionUrlAuth',
  durationAlarmMs: 'durationAlarmMs',
  handler: 'handler',
  rollout: 'rollout',
  rolloutPercent: 'rolloutPercent',
  rolloutMinutes: 'rolloutIntervalMinutes',
  provisionedMax: 'provisionedConcurrencyMax',
  provisionedTarget: 'provisionedUtilizationTarget',
  alarmEmail: 'alarmEmail',
  ecrScanOnPush: 'ecrScanOnPush',
} as const satisfies Record<string, keyof ContextOptions>;

const STRING_OPTIONS = new Set<keyof ContextOptions>([
  'architecture',
  'functionUrlAuth',
  'handler',
  'rollout',
  'alarmEmail',
]);

const BOOLEAN_OPTIONS = new Set<keyof ContextOptions>(['ecrScanOnPush']);

/** Pulls each known key from `tryGetContext`; numbers are parsed, and a non-number names its key. */
export function optionsFromContext(tryGetContext: (key: string) => unknown): ContextOptions {
  const options: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(CONTEXT_KEYS)) {
    const raw = tryGetContext(key);
    if (raw === undefined || raw === null || raw === '') continue;
    if (STRING_OPTIONS.has(option)) {
      options[option] = String(raw);
      continue;
    }
    if (BOOLEAN_OPTIONS.has(option)) {
      options[option] = truthy(key, raw);
      continue;
    }
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isFinite(value)) {
      throw new InfraOptionError(`${option} (context key '${key}') must be a number, got '${String(raw)}'`, {
        context: { option, key },
      });
    }
    options[option] = value;
  }
  return options as ContextOptions;
}

/** Context keys of the optional batch-scoring pipeline; `-c batch=true` creates it. */
export const BATCH_CONTEXT_KEYS = {
  batchConcurrency: 'maxConcurrency',
  batchRows: 'rowsPerBatch',
  batchTolerance: 'toleratedFailurePercent',
  batchRetries: 'retryAttempts',
  batchProbabilities: 'probabilities',
  batchLogRetentionDays: 'logRetentionDays',
} as const satisfies Record<string, keyof BatchScoringOptions>;

function truthy(key: string, raw: unknown): boolean {
  const text = String(raw).trim().toLowerCase();
  if (raw === true || text === 'true' || text === '1') return true;
  if (raw === false || text === 'false' || text === '0') return false;
  throw new InfraOptionError(`context key '${key}' must be true or false, got '${String(raw)}'`, {
    context: { key },
  });
}

/** The batch pipeline's options when `batch` is true (or any batch key is set); undefined when it is off. */
export function batchFromContext(tryGetContext: (key: string) => unknown): BatchScoringOptions | undefined {
  const given = (key: string): unknown => {
    const raw = tryGetContext(key);
    return raw === undefined || raw === null || raw === '' ? undefined : raw;
  };
  const enabled = given('batch');
  const options: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(BATCH_CONTEXT_KEYS)) {
    const raw = given(key);
    if (raw === undefined) continue;
    if (option === 'probabilities') {
      options[option] = truthy(key, raw);
      continue;
    }
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isFinite(value)) {
      throw new InfraOptionError(
        `batch ${option} (context key '${key}') must be a number, got '${String(raw)}'`,
        {
          context: { option, key },
        },
      );
    }
    options[option] = value;
  }
  if (enabled === undefined ? Object.keys(options).length === 0 : !truthy('batch', enabled)) return undefined;
  return options as BatchScoringOptions;
}
