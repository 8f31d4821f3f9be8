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
  /**
   * Reserved concurrency of the function: also the most instances that can run (and bill) at once.
   * Default none (shares the account pool) behind an AWS_IAM URL; PUBLIC_URL_RESERVED_CONCURRENCY (10)
   * with a public URL, where a cap is required.
   */
  readonly reservedConcurrency?: number;
  /**
   * Function URL auth. Default AWS_IAM; NONE makes the URL public, adds a synth warning and requires a
   * reserved-concurrency cap (defaulted), so strangers cannot scale the bill without limit.
   */
  readonly functionUrlAuth?: FunctionUrlAuth;
  /** An email address subscribed to the alarm topic (confirm the subscription mail). Default none. */
  readonly alarmEmail?: string;
  /**
   * sha256 of the model file the image holds: checked by the image build (MODEL_SHA256 build arg) and by
   * the function at every init (MODEL_SHA256 environment variable). Default none (no pin).
   */
  readonly modelSha256?: string;
  /**
   * Turn on ECR basic scan-on-push for the CDK asset repositories with a registry scanning rule. The rule
   * is a setting of the whole registry (account and region), replacing any rules it has, so it is opt-in.
   * Default false.
   */
  readonly ecrScanOnPush?: boolean;
  /** p99 duration (ms) above which the duration alarm fires. Default 1,000. */
  readonly durationAlarmMs?: number;
  /** Handler passed as the image CMD. Default function/handler.handler. */
  readonly handler?: string;
}

type Unset = 'provisionedConcurrency' | 'reservedConcurrency' | 'alarmEmail' | 'modelSha256';

export type ResolvedOptions = Required<Omit<ModelFunctionOptions, Unset>> & Pick<ModelFunctionOptions, Unset>;

/**
 * The reserved concurrency a public Function URL gets unless another cap is given: at most 10 instances
 * run at once (10 x 1 GB-s per second at the default memory, ~$0.48 an hour of compute on arm64),
 * far above the tutorial's traffic; raise it with reservedConcurrency.
 */
export const PUBLIC_URL_RESERVED_CONCURRENCY = 10;

export const DEFAULTS: Omit<ResolvedOptions, Unset> = {
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
  ecrScanOnPush: false,
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
  const resolved: Mutable<ResolvedOptions> = { ...DEFAULTS, ...stripUndefined(options) };
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
  const publicUrl = resolved.functionUrlAuth === 'NONE';
  if (publicUrl && 'reservedConcurrency' in options && options.reservedConcurrency === undefined) {
    // An explicit `reservedConcurrency: undefined` asks for no cap, which a public URL may not have.
    throw new InfraOptionError(
      `functionUrlAuth NONE (a public URL) requires reservedConcurrency; leave it out for the default cap of ${PUBLIC_URL_RESERVED_CONCURRENCY} or set a number`,
      { context: { option: 'reservedConcurrency' } },
    );
  }
  const defaulted = publicUrl && resolved.reservedConcurrency === undefined;
  if (defaulted) resolved.reservedConcurrency = PUBLIC_URL_RESERVED_CONCURRENCY;
  const { provisionedConcurrency: provisioned, reservedConcurrency: reserved } = resolved;
  if (provisioned !== undefined) requireInt('provisionedConcurrency', provisioned, 1, 100_000, 'instances');
  if (reserved !== undefined) requireInt('reservedConcurrency', reserved, 0, 100_000, 'instances');
  if (provisioned !== undefined && reserved !== undefined && provisioned > reserved) {
    const which = defaulted ? ' (the default cap of a public URL; set reservedConcurrency to raise it)' : '';
    throw new InfraOptionError(
      `provisionedConcurrency (${provisioned}) must not exceed reservedConcurrency (${reserved})${which}`,
      { context: { option: 'provisionedConcurrency' } },
    );
  }
  if (resolved.alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(resolved.alarmEmail)) {
    throw new InfraOptionError(
      `alarmEmail must be an email address like ops@example.com, got ${JSON.stringify(resolved.alarmEmail)}`,
      { context: { option: 'alarmEmail' } },
    );
  }
  if (resolved.modelSha256 !== undefined && !/^[0-9a-f]{64}$/.test(resolved.modelSha256)) {
    throw new InfraOptionError(
      `modelSha256 must be a sha256 as 64 lowercase hex digits, got ${JSON.stringify(resolved.modelSha256)}`,
      { context: { option: 'modelSha256' } },
    );
  }
  if (typeof resolved.ecrScanOnPush !== 'boolean') {
    throw new InfraOptionError(`ecrScanOnPush must be true or false, got ${String(resolved.ecrScanOnPush)}`, {
      context: { option: 'ecrScanOnPush' },
    });
  }
  if (resolved.handler.trim() === '') {
    throw new InfraOptionError('handler must be a module.function name', { context: { option: 'handler' } });
  }
  return resolved;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
