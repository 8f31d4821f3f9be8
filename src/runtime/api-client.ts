// HTTP client for the Lambda Runtime API (next / response / error / init error) on one keep-alive socket.
import http from 'node:http';
import { VERSION } from '../core/version.js';
import { type ErrorBody, errorTypeHeader, RuntimeApiError } from './errors.js';

/** One event handed out by `GET /runtime/invocation/next`. */
export interface Invocation {
  readonly requestId: string;
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId: string | undefined;
  readonly clientContext: string | undefined;
  readonly cognitoIdentity: string | undefined;
  /** The event bytes exactly as invoked (JSON text). */
  readonly body: string;
}

/** What the runtime loop needs from the Runtime API; tests hand in their own. */
export interface RuntimeApi {
  next(): Promise<Invocation>;
  respond(requestId: string, json: string): Promise<void>;
  fail(requestId: string, error: ErrorBody): Promise<void>;
  initError(error: ErrorBody): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const PREFIX = '/2018-06-01/runtime';
const USER_AGENT = `lambda-ml-runtime/${VERSION} node/${process.version}`;
const ERROR_CONTENT_TYPE = 'application/vnd.aws.lambda.error+json';

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `host:port` from AWS_LAMBDA_RUNTIME_API (no scheme); IPv6 literals come bracketed. */
function splitAddress(address: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  if (!match?.[1] || !match[2]) {
    throw new RuntimeApiError(
      `AWS_LAMBDA_RUNTIME_API is "${address}"; expected host:port such as 127.0.0.1:9001`,
    );
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly agent: http.Agent;
}

/** One call; no timeout (GET /next long-polls). A reused keep-alive socket reset by the server is retried once. */
function send(
  target: Target,
  method: string,
  path: string,
  body?: string,
  extra: http.OutgoingHttpHeaders = {},
): Promise<Reply> {
  const headers: http.OutgoingHttpHeaders = { 'user-agent': USER_AGENT, ...extra };
  if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
  const { host, port, agent } = target;
  const attempt = (retry: boolean): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host, port, method, path: PREFIX + path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // The server closed an idle kept-alive socket as we reused it: Node's documented fix is one retry.
        if (retry && req.reusedSocket && error.code === 'ECONNRESET') resolve(attempt(false));
        else
          reject(
            new RuntimeApiError(`${method} ${PREFIX + path} failed: ${error.message}`, { cause: error }),
          );
      });
      req.end(body);
    });
  return attempt(true);
}

async function post(
  target: Target,
  path: string,
  body: string,
  extra: http.OutgoingHttpHeaders,
): Promise<void> {
  const reply = await send(target, 'POST', path, body, extra);
  if (reply.status < 200 || reply.status > 299) {
    throw new RuntimeApiError(`POST ${PREFIX + path} answered ${reply.status}: ${reply.body.slice(0, 500)}`, {
      context: { status: reply.status },
    });
  }
}

async function next(target: Target): Promise<Invocation> {
  const reply = await send(target, 'GET', '/invocation/next');
  const requestId = header(reply.headers, 'lambda-runtime-aws-request-id');
  if (reply.status !== 200 || !requestId) {
    throw new RuntimeApiError(
      `GET ${PREFIX}/invocation/next answered ${reply.status}: ${reply.body.slice(0, 500)}`,
      {
        context: { status: reply.status },
      },
    );
  }
  const deadline = header(reply.headers, 'lambda-runtime-deadline-ms');
  if (!deadline || !/^\d+$/.test(deadline)) {
    throw new RuntimeApiError(
      `GET ${PREFIX}/invocation/next gave Lambda-Runtime-Deadline-Ms "${deadline}"; expected epoch milliseconds`,
    );
  }
  return {
    requestId,
    deadlineMs: Number(deadline),
    invokedFunctionArn: header(reply.headers, 'lambda-runtime-invoked-function-arn') ?? '',
    traceId: header(reply.headers, 'lambda-runtime-trace-id'),
    clientContext: header(reply.headers, 'lambda-runtime-client-context'),
    cognitoIdentity: header(reply.headers, 'lambda-runtime-cognito-identity'),
    body: reply.body,
  };
}

const errorHeaders = (error: ErrorBody) => ({
  'content-type': ERROR_CONTENT_TYPE,
  'lambda-runtime-function-error-type': errorTypeHeader(error),
});

export function createHttpRuntimeApi(address: string): RuntimeApi {
  // One socket reused for every call.
  const target: Target = {
    ...splitAddress(address),
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  };
  const invocationPath = (id: string, kind: string) => `/invocation/${encodeURIComponent(id)}/${kind}`;
  return {
    next: () => next(target),
    respond: (id, json) =>
      post(target, invocationPath(id, 'response'), json, { 'content-type': 'application/json' }),
    fail: (id, error) =>
      post(target, invocationPath(id, 'error'), JSON.stringify(error), errorHeaders(error)),
    initError: (error) => post(target, '/init/error', JSON.stringify(error), errorHeaders(error)),
  };
}
