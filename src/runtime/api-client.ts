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
  /** The Host header value (`host:port`, IPv6 bracketed), as Node would have set it. */
  readonly hostHeader: string;
}

/**
 * Headers as a flat [name, value, ...] list: Node formats such a list straight into the request head,
 * skipping the per-header setHeader bookkeeping of an object (it then adds no Host, so we pass it).
 */
function headerList(target: Target, body: string | undefined, extra: readonly string[]): string[] {
  const list = ['Host', target.hostHeader, 'User-Agent', USER_AGENT, ...extra];
  if (body !== undefined) list.push('Content-Length', String(Buffer.byteLength(body)));
  return list;
}

/** One call; no timeout (GET /next long-polls). A reused keep-alive socket reset by the server is retried once. */
function send(
  target: Target,
  method: string,
  path: string,
  body?: string,
  extra: readonly string[] = [],
): Promise<Reply> {
  const headers = headerList(target, body, extra);
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
            body: (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString(),
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

async function post(target: Target, path: string, body: string, extra: readonly string[]): Promise<void> {
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

const JSON_HEADERS: readonly string[] = ['Content-Type', 'application/json'];
const errorHeaders = (error: ErrorBody): string[] => [
  'Content-Type',
  ERROR_CONTENT_TYPE,
  'Lambda-Runtime-Function-Error-Type',
  errorTypeHeader(error),
];

export function createHttpRuntimeApi(address: string): RuntimeApi {
  // One socket reused for every call.
  const { host, port } = splitAddress(address);
  const target: Target = {
    host,
    port,
    hostHeader: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  };
  const invocationPath = (id: string, kind: string) => `/invocation/${encodeURIComponent(id)}/${kind}`;
  return {
    next: () => next(target),
    respond: (id, json) => post(target, invocationPath(id, 'response'), json, JSON_HEADERS),
    fail: (id, error) =>
      post(target, invocationPath(id, 'error'), JSON.stringify(error), errorHeaders(error)),
    initError: (error) => post(target, '/init/error', JSON.stringify(error), errorHeaders(error)),
  };
}
