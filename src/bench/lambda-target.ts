// Calls a real Lambda function through the AWS SDK v3 (signed requests, default credentials and region).
import type { CallResult, CallTarget } from './client.js';

/**
 * `FunctionName` may be a name or ARN. The SDK is imported only here, so the rest of the bench (and
 * the CLI's start-up) never loads it. AWS_ENDPOINT_URL_LAMBDA points it elsewhere (e.g. the emulator).
 */
export async function lambdaTarget(
  functionName: string,
  payload: string,
  region?: string,
): Promise<CallTarget> {
  const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  const bytes = new TextEncoder().encode(payload);
  return {
    description: `lambda:${functionName}`,
    open: () => {
      const client = new LambdaClient({ ...(region === undefined ? {} : { region }), maxAttempts: 1 });
      const call = async (): Promise<CallResult> => {
        const started = performance.now();
        try {
          const out = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: bytes }));
          const body = new TextDecoder().decode(out.Payload);
          const ok = out.StatusCode === 200 && out.FunctionError === undefined;
          return { ok, status: out.StatusCode ?? 0, body, ms: performance.now() - started };
        } catch (error) {
          const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
          const body = `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
          return {
            ok: false,
            status: e.$metadata?.httpStatusCode ?? 0,
            body,
            ms: performance.now() - started,
          };
        }
      };
      return { call, close: () => client.destroy() };
    },
  };
}
