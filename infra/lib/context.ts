// Reads ModelFunction options from CDK context (`cdk synth -c memory=2048`), where values arrive as strings.
import { InfraOptionError, type ModelFunctionOptions } from './options.js';

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
} as const satisfies Record<string, keyof ModelFunctionOptions>;

const STRING_OPTIONS = new Set<keyof ModelFunctionOptions>(['architecture', 'functionUrlAuth', 'handler']);

/** Pulls each known key from `tryGetContext`; numbers are parsed, and a non-number names its key. */
export function optionsFromContext(tryGetContext: (key: string) => unknown): ModelFunctionOptions {
  const options: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(CONTEXT_KEYS)) {
    const raw = tryGetContext(key);
    if (raw === undefined || raw === null || raw === '') continue;
    if (STRING_OPTIONS.has(option)) {
      options[option] = String(raw);
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
  return options as ModelFunctionOptions;
}
