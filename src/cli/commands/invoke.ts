// `lambda-ml invoke`: one synchronous invocation through the AWS SDK v3, against the local emulator or real Lambda.
import { readFileSync } from 'node:fs';
import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { LambdaMlError, UsageError } from '../../core/errors.js';
import { CREDENTIALS_HELP } from './cdk-app.js';

/** The invocation could not be made (endpoint unreachable, AWS refused it); one line, no stack. */
export class InvokeError extends LambdaMlError {}

interface InvokeFlags {
  readonly endpoint?: string;
  readonly function: string;
  readonly qualifier?: string;
  readonly payload: string;
  readonly region?: string;
  readonly log?: boolean;
}

/** `--payload` is JSON text or `@file`; checked here so a typo gets a local, precise message. */
export function readPayload(raw: string): string {
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--payload file ${raw.slice(1)} cannot be read: ${(error as Error).message}`);
    }
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload must be JSON or @file with JSON: ${(error as Error).message}`);
  }
  return text;
}

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:9000, got '${endpoint}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint must use http or https, got '${endpoint}'`);
  }
}

/** The SDK takes ~300 ms to import, so only `invoke` loads it, not every `lambda-ml` command. */
const loadSdk = () => import('@aws-sdk/client-lambda');

/** The same client for both targets; a local endpoint needs no real credentials and gets no retries. */
export async function createClient(
  flags: Pick<InvokeFlags, 'endpoint' | 'region'>,
  env = process.env,
): Promise<LambdaClient> {
  const { LambdaClient } = await loadSdk();
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (flags.endpoint === undefined) {
    if (region === undefined) {
      throw new UsageError(
        'no AWS region: pass --region or set AWS_REGION (or give --endpoint for a local emulator)',
      );
    }
    return new LambdaClient({ region });
  }
  checkEndpoint(flags.endpoint);
  const hasKeys = env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined;
  return new LambdaClient({
    region: region ?? 'us-east-1',
    endpoint: flags.endpoint,
    maxAttempts: 1,
    // The emulator does not check signatures; placeholder keys keep the SDK from searching for real ones.
    ...(hasKeys
      ? {}
      : { credentials: { accessKeyId: 'lambda-ml-local', secretAccessKey: 'lambda-ml-local' } }),
  });
}

/** One line for anything the SDK throws: connection errors name the endpoint, service errors their type. */
export function describeInvokeFailure(error: unknown, target: string): string {
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (code === 'ECONNREFUSED')
    return `cannot reach ${target}: connection refused (is the emulator or endpoint running?)`;
  if (code === 'ENOTFOUND') return `cannot reach ${target}: host not found`;
  if (code === 'ECONNRESET') return `cannot reach ${target}: connection reset`;
  // The SDK searched env, profiles, SSO, web identity, container and instance metadata and found nothing.
  if (err.name === 'CredentialsProviderError') return CREDENTIALS_HELP;
  const message = (err.message ?? String(error)).split('\n')[0];
  return `invoke ${target} failed: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${message}`;
}

export function printResult(result: InvokeCommandOutput, withLog: boolean): number {
  const body = result.Payload === undefined ? '' : Buffer.from(result.Payload).toString('utf8');
  if (withLog && result.LogResult !== undefined) {
    process.stderr.write(`${Buffer.from(result.LogResult, 'base64').toString('utf8').trimEnd()}\n`);
  }
  if (result.FunctionError !== undefined) {
    process.stderr.write(`function error (${result.FunctionError}): ${body}\n`);
    return 1;
  }
  process.stdout.write(`${body}\n`);
  return 0;
}

export function registerInvoke(program: Command): void {
  program
    .command('invoke')
    .description(
      'invoke a function once through the AWS SDK (local emulator with --endpoint, or real Lambda)',
    )
    .option('--endpoint <url>', 'Invoke API endpoint, e.g. http://127.0.0.1:9000 (default: AWS)')
    .option('--function <name>', 'function name or ARN (the stack output FunctionName)', 'function')
    .option('--qualifier <alias>', 'version or alias, e.g. live')
    .option('--payload <json|@file>', 'event as JSON text or @path to a JSON file', '{}')
    .option('--region <region>', 'AWS region (default: AWS_REGION)')
    .option('--log', 'print the decoded log tail (X-Amz-Log-Result) to stderr')
    .action(async (flags: InvokeFlags) => {
      // The SDK warns on every run that future versions need Node 22; lambda-ml supports Node 20, so the
      // warning only buries the one line this command prints.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const payload = readPayload(flags.payload);
      const client = await createClient(flags);
      const { InvokeCommand } = await loadSdk();
      const target = flags.endpoint ?? `function ${flags.function}`;
      let result: InvokeCommandOutput;
      try {
        result = await client.send(
          new InvokeCommand({
            FunctionName: flags.function,
            Payload: Buffer.from(payload, 'utf8'),
            LogType: flags.log ? 'Tail' : 'None',
            ...(flags.qualifier === undefined ? {} : { Qualifier: flags.qualifier }),
          }),
        );
      } catch (error) {
        throw new InvokeError(describeInvokeFailure(error, target), { cause: error });
      } finally {
        client.destroy();
      }
      process.exitCode = printResult(result, flags.log === true);
    });
}
