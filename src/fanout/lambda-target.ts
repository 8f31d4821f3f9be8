// The fan-out's target through the AWS SDK v3 LambdaClient: real Lambda, or any Invoke API endpoint.
import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeOutcome, InvokeTarget } from './target.js';

export interface LambdaTargetOptions {
  /** A client without retries of its own (maxAttempts 1): the fan-out's retry policy decides. */
  readonly client: LambdaClient;
  readonly functionName: string;
  readonly qualifier?: string;
  /** For messages: the endpoint URL or `function NAME`. */
  readonly description: string;
}

function decode(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : Buffer.from(bytes).toString('utf8');
}

/** The function error's own message (`errorMessage` of its JSON body), else the body itself. */
function errorMessageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: keep the text.
  }
  return body.slice(0, 500);
}

function errorTypeOf(body: string, fallback: string): string {
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown };
    if (typeof parsed.errorType === 'string') return parsed.errorType;
  } catch {
    // Not JSON: the header's value stands.
  }
  return fallback;
}

function fromOutput(out: InvokeCommandOutput): InvokeOutcome {
  const body = decode(out.Payload);
  const logTail =
    out.LogResult === undefined ? undefined : Buffer.from(out.LogResult, 'base64').toString('utf8');
  const tail = logTail === undefined ? {} : { logTail };
  if (out.FunctionError === undefined) return { kind: 'ok', body, ...tail };
  return {
    kind: 'function-error',
    errorType: errorTypeOf(body, out.FunctionError),
    message: errorMessageOf(body),
    ...tail,
  };
}

/** What the SDK threw: a service error (it carries the HTTP status) or a failed connection. */
export function fromThrown(error: unknown): InvokeOutcome {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string };
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) {
    return {
      kind: 'service-error',
      status,
      errorType: e.name ?? 'Error',
      message: e.message ?? String(error),
    };
  }
  const code =
    e.code ?? e.cause?.code ?? (/socket hang up/.test(e.message ?? '') ? 'socket hang up' : e.name);
  return { kind: 'network-error', code: code ?? 'Error', message: e.message ?? String(error) };
}

export async function lambdaTarget(options: LambdaTargetOptions): Promise<InvokeTarget> {
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const { client, functionName, qualifier } = options;
  return {
    description: options.description,
    async invoke(payload: string): Promise<InvokeOutcome> {
      try {
        const out = await client.send(
          new InvokeCommand({
            FunctionName: functionName,
            Payload: Buffer.from(payload, 'utf8'),
            // The log tail's REPORT line gives the billed duration of each call.
            LogType: 'Tail',
            ...(qualifier === undefined ? {} : { Qualifier: qualifier }),
          }),
        );
        return fromOutput(out);
      } catch (error) {
        return fromThrown(error);
      }
    },
    close: () => client.destroy(),
  };
}
