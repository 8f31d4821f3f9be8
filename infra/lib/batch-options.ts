// BatchScoring's options: documented defaults and validation naming the option (before any resource exists).
import { InfraOptionError, RETENTION_DAYS } from './options.js';

export interface BatchScoringOptions {
  /** Batches (child executions, one invocation each) running at once, 1..10,000. Default 10. */
  readonly maxConcurrency?: number;
  /** Rows per invocation (the ItemBatcher's MaxItemsPerBatch), 1..10,000. Default 1,000. */
  readonly rowsPerBatch?: number;
  /**
   * Percent of rows that may fail (a batch fails as a whole) before the run fails, 0..100. Default 0:
   * one bad row fails the run, and the failed batches are written to output/ with their error.
   */
  readonly toleratedFailurePercent?: number;
  /** Retries per batch for throttles, service errors, timeouts and crashed instances, 0..10. Default 5. */
  readonly retryAttempts?: number;
  /** Answers carry class probabilities (classifiers only). Default false. */
  readonly probabilities?: boolean;
  /** Days to keep the state machine's logs and the bucket's access logs. Default 30. */
  readonly logRetentionDays?: number;
}

export type ResolvedBatchOptions = Required<BatchScoringOptions>;

export const BATCH_DEFAULTS: ResolvedBatchOptions = {
  maxConcurrency: 10,
  rowsPerBatch: 1000,
  toleratedFailurePercent: 0,
  retryAttempts: 5,
  probabilities: false,
  logRetentionDays: 30,
};

/** Step Functions caps a child execution's input (the batch) and output (its answers) at 256 KiB. */
export const STATE_PAYLOAD_LIMIT = 256 * 1024;
/** Leaves room in the batch for the `BatchInput` object and the JSON around the items. */
export const BATCH_INPUT_BYTES = STATE_PAYLOAD_LIMIT - 4 * 1024;
/**
 * An indexed answer with class probabilities for a few classes takes ~100-130 bytes; above this many
 * rows a batch's answers may outgrow the 256 KiB state output, so synth warns.
 */
export const ROWS_WARNING = 2000;

function requireInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InfraOptionError(`${name} must be an integer from ${min} to ${max}, got ${value}`, {
      context: { option: name, value },
    });
  }
}

export function resolveBatchOptions(options: BatchScoringOptions): ResolvedBatchOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved: ResolvedBatchOptions = { ...BATCH_DEFAULTS, ...defined };
  requireInt('batch maxConcurrency', resolved.maxConcurrency, 1, 10_000);
  // The prediction handler accepts at most 10,000 rows per request.
  requireInt('batch rowsPerBatch', resolved.rowsPerBatch, 1, 10_000);
  requireInt('batch retryAttempts', resolved.retryAttempts, 0, 10);
  const tolerated = resolved.toleratedFailurePercent;
  if (!(typeof tolerated === 'number' && tolerated >= 0 && tolerated <= 100)) {
    throw new InfraOptionError(`batch toleratedFailurePercent must be from 0 to 100, got ${tolerated}`, {
      context: { option: 'toleratedFailurePercent' },
    });
  }
  if (typeof resolved.probabilities !== 'boolean') {
    throw new InfraOptionError(`batch probabilities must be true or false, got ${resolved.probabilities}`, {
      context: { option: 'probabilities' },
    });
  }
  if (!RETENTION_DAYS.includes(resolved.logRetentionDays)) {
    throw new InfraOptionError(
      `batch logRetentionDays must be one of ${RETENTION_DAYS.join(', ')}, got ${resolved.logRetentionDays}`,
      { context: { option: 'logRetentionDays' } },
    );
  }
  return resolved;
}
