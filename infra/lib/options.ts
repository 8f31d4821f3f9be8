// The ModelFunction's options: documented defaults, parsing from CDK context, and validation naming the option.
import { LambdaMlError } from '../../src/core/errors.js';

/** An invalid infrastructure option; synth fails with it before any resource is created. */
export class InfraOptionError extends LambdaMlError {}

export type FunctionArchitecture = 'arm64' | 'x86_64';
export type FunctionUrlAuth = 'AWS_IAM' | 'NONE';

export interface ModelFunctionOptions {
  /** CPU architecture; arm64 (Graviton) is ~20% cheaper per GB-second. Default arm64. */
  readonly architecture?: FunctionArchitecture;
  /** Memory in MB, 128..10,240; CPU share grows with it. Default 1,024. */
  readonly memorySize?: number;
  /** Invocation timeout in seconds, 1..900. Default 10 (see DEFAULTS for why). */
  readonly timeoutSeconds?: number;
  /** /tmp size in MiB, 512..10,240. Default 512 (the model lives in the image, not /tmp). */
  readonly ephemeralStorageMiB?: number;
  /** Log retention in days (a value CloudWatch accepts). Default 30. */
  readonly logRetentionDays?: number;
  /** Provisioned concurrency on the `live` alias. Default none. */
  readonly provisionedConcurrency?: number;
  /** Reserved concurrency of the function. Default none (shares the account pool). */
  readonly reservedConcurrency?: number;
  /** Function URL auth. Default AWS_IAM; NONE makes the URL public and adds a synth warning. */
  readonly functionUrlAuth?: FunctionUrlAuth;
  /** p99 duration (ms) above which the duration alarm fires. Default 1,000. */
  readonly durationAlarmMs?: number;
  /** Handler passed as the image CMD. Default function/handler.handler. */
  readonly handler?: string;
}

export type ResolvedOptions = Required<
  Omit<ModelFunctionOptions, 'provisionedConcurrency' | 'reservedConcurrency'>
> &
  Pick<ModelFunctionOptions, 'provisionedConcurrency' | 'reservedConcurrency'>;

export const DEFAULTS: Omit<ResolvedOptions, 'provisionedConcurrency' | 'reservedConcurrency'> = {
  architecture: 'arm64',
  memorySize: 1024,
  // Measured with scripts/container-e2e.sh on a busy 2-core machine: `docker run` to the first correct
  // answer took 0.6-1.5 s, and a warm prediction takes a few ms. A first invocation on Lambda also
  // waits for the image to be fetched and initialised; the tutorial's 3 s default failed on a 9 s cold
  // start. 10 s covers that with headroom while still capping what a hung invocation can bill.
  timeoutSeconds: 10,
  ephemeralStorageMiB: 512,
  logRetentionDays: 30,
  functionUrlAuth: 'AWS_IAM',
  // Far above a warm prediction (p99 ~20 ms measured) and a cold start, far below the timeout.
  durationAlarmMs: 1000,
  handler: 'function/handler.handler',
};

export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

function requireInt(name: string, value: number, min: number, max: number, unit: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InfraOptionError(`${name} must be an integer from ${min} to ${max} ${unit}, got ${value}`, {
      context: { option: name, value },
    });
  }
}

/** Applies defaults and checks every option; the error names the option and the allowed range. */
export function resolveOptions(options: ModelFunctionOptions): ResolvedOptions {
  const resolved: ResolvedOptions = { ...DEFAULTS, ...stripUndefined(options) };
  if (resolved.architecture !== 'arm64' && resolved.architecture !== 'x86_64') {
    throw new InfraOptionError(`architecture must be arm64 or x86_64, got ${String(resolved.architecture)}`, {
      context: { option: 'architecture' },
    });
  }
  if (resolved.functionUrlAuth !== 'AWS_IAM' && resolved.functionUrlAuth !== 'NONE') {
    throw new InfraOptionError(
      `functionUrlAuth must be AWS_IAM or NONE, got ${String(resolved.functionUrlAuth)}`,
      {
        context: { option: 'functionUrlAuth' },
      },
    );
  }
  requireInt('memorySize', resolved.memorySize, 128, 10_240, 'MB');
  requireInt('timeoutSeconds', resolved.timeoutSeconds, 1, 900, 'seconds');
  requireInt('ephemeralStorageMiB', resolved.ephemeralStorageMiB, 512, 10_240, 'MiB');
  requireInt('durationAlarmMs', resolved.durationAlarmMs, 1, 900_000, 'ms');
  if (!RETENTION_DAYS.includes(resolved.logRetentionDays)) {
    throw new InfraOptionError(
      `logRetentionDays must be one of ${RETENTION_DAYS.join(', ')}, got ${resolved.logRetentionDays}`,
      { context: { option: 'logRetentionDays' } },
    );
  }
  const { provisionedConcurrency: provisioned, reservedConcurrency: reserved } = resolved;
  if (provisioned !== undefined) requireInt('provisionedConcurrency', provisioned, 1, 100_000, 'instances');
  if (reserved !== undefined) requireInt('reservedConcurrency', reserved, 0, 100_000, 'instances');
  if (provisioned !== undefined && reserved !== undefined && provisioned > reserved) {
    throw new InfraOptionError(
      `provisionedConcurrency (${provisioned}) must not exceed reservedConcurrency (${reserved})`,
      { context: { option: 'provisionedConcurrency' } },
    );
  }
  if (resolved.handler.trim() === '') {
    throw new InfraOptionError('handler must be a module.function name', { context: { option: 'handler' } });
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
