// Shared by `synth` and `deploy`: the infra/ CDK app's location, its context flags, AWS credential discovery.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { LambdaMlError, UsageError } from '../../core/errors.js';

/** The CDK app could not run, or AWS credentials are missing. */
export class DeployError extends LambdaMlError {}

/** Repository root: three levels above this file in both src/cli/commands and dist/cli/commands. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const INFRA_DIR = join(REPO_ROOT, 'infra');

export interface InfraFlags {
  readonly arch?: string;
  readonly memory?: string;
  readonly timeout?: string;
  readonly ephemeralStorage?: string;
  readonly logRetentionDays?: string;
  readonly provisioned?: string;
  readonly reserved?: string;
  readonly publicUrl?: boolean;
  readonly stackName?: string;
  readonly rollout?: string;
  readonly rolloutPercent?: string;
  readonly rolloutMinutes?: string;
  readonly provisionedMax?: string;
  readonly batch?: boolean;
  readonly batchConcurrency?: string;
  readonly batchRows?: string;
  readonly context?: string[];
}

/** The options both commands take; each maps to a CDK context key read by infra/bin/app.ts. */
export function addInfraOptions(command: Command): Command {
  return command
    .option('--arch <arch>', 'arm64 (default) or x86_64')
    .option('--memory <MB>', 'function memory, 128..10240 (default 1024)')
    .option('--timeout <seconds>', 'invocation timeout, 1..900 (default 10)')
    .option('--ephemeral-storage <MiB>', '/tmp size, 512..10240 (default 512)')
    .option('--log-retention-days <days>', 'CloudWatch log retention (default 30)')
    .option('--provisioned <n>', 'provisioned concurrency on the live alias')
    .option('--reserved <n>', 'reserved concurrency of the function')
    .option('--public-url', 'make the Function URL public (auth NONE); default is AWS_IAM auth')
    .option('--rollout <strategy>', 'how a new version takes traffic: canary (default), linear, all-at-once')
    .option('--rollout-percent <n>', 'percent of traffic per rollout step (default 10)')
    .option('--rollout-minutes <n>', 'minutes per rollout step (default 5 canary, 3 linear)')
    .option(
      '--provisioned-max <n>',
      'upper bound when provisioned concurrency scales (default 4x --provisioned)',
    )
    .option('--batch', 'add the S3 + Step Functions batch-scoring pipeline (lambda-ml batch-submit)')
    .option('--batch-concurrency <n>', 'batches invoked at once by a batch run (default 10)')
    .option('--batch-rows <n>', 'rows per invocation in a batch run (default 1000)')
    .option('--stack-name <name>', 'CloudFormation stack name (default LambdaMl)')
    .option('-c, --context <key=value...>', 'any other CDK context value (see docs/deploy.md)');
}

/** `-c key=value` arguments for the cdk CLI, in a fixed order. */
export function contextArgs(flags: InfraFlags): string[] {
  const pairs: Array<[string, string | undefined]> = [
    ['arch', flags.arch],
    ['memory', flags.memory],
    ['timeout', flags.timeout],
    ['ephemeralStorage', flags.ephemeralStorage],
    ['logRetentionDays', flags.logRetentionDays],
    ['provisioned', flags.provisioned],
    ['reserved', flags.reserved],
    ['urlAuth', flags.publicUrl ? 'NONE' : undefined],
    ['rollout', flags.rollout],
    ['rolloutPercent', flags.rolloutPercent],
    ['rolloutMinutes', flags.rolloutMinutes],
    ['provisionedMax', flags.provisionedMax],
    ['batch', flags.batch ? 'true' : undefined],
    ['batchConcurrency', flags.batchConcurrency],
    ['batchRows', flags.batchRows],
    ['stackName', flags.stackName],
  ];
  const args = pairs.flatMap(([key, value]) => (value === undefined ? [] : ['-c', `${key}=${value}`]));
  for (const pair of flags.context ?? []) {
    if (!/^[A-Za-z][\w:.-]*=/.test(pair)) throw new UsageError(`--context expects key=value, got '${pair}'`);
    args.push('-c', pair);
  }
  return args;
}

/**
 * The cdk CLI the infra workspace depends on, resolved as Node would from infra/ (npm hoists workspace
 * dependencies to the root node_modules).
 */
export function cdkCliPath(from = INFRA_DIR): string {
  try {
    return join(
      dirname(createRequire(join(from, 'package.json')).resolve('aws-cdk/package.json')),
      'bin',
      'cdk',
    );
  } catch (error) {
    throw new DeployError(
      "the CDK app's dependencies are not installed: run `npm ci` at the repository root (infra/ is one of its workspaces)",
      { cause: error },
    );
  }
}

/** Runs the infra package's own cdk CLI offline (no version check, no telemetry); resolves to its exit code. */
export function runCdk(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const cdk = cdkCliPath();
  const child = spawn(process.execPath, [cdk, ...args], {
    cwd: INFRA_DIR,
    stdio: 'inherit',
    env: { ...env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  return new Promise((done, fail) => {
    child.once('error', (error) =>
      fail(new DeployError(`cannot run the cdk CLI: ${error.message}`, { cause: error })),
    );
    child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** A credentials/config file that names at least one profile. */
function hasProfileFile(path: string): boolean {
  try {
    return /^\s*\[[^\]]+\]/m.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Where the AWS SDK/CDK would find credentials, checked without any network call (the instance
 * metadata service is not probed: on a laptop it only adds a timeout before the same failure).
 */
export function findCredentialSource(env: NodeJS.ProcessEnv = process.env, home = homedir()): string | null {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'environment (AWS_ACCESS_KEY_ID)';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN)
    return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return 'container credentials';
  }
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  const config = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  if (hasProfileFile(credentials)) return `profile ${env.AWS_PROFILE ?? 'default'} (${credentials})`;
  if (hasProfileFile(config)) return `profile ${env.AWS_PROFILE ?? 'default'} (${config})`;
  return null;
}

export const CREDENTIALS_HELP =
  'no AWS credentials found. Configure them with `aws configure` (access keys) or `aws configure sso` then ' +
  '`aws sso login` and `export AWS_PROFILE=<profile>`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
  '(plus AWS_SESSION_TOKEN for temporary keys) and AWS_REGION; bootstrap the account once with ' +
  '`npx lambda-ml bootstrap`. See docs/deploy.md.';
