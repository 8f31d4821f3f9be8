// HTTP client for the Lambda Runtime API (next / response / error / init error) on one keep-alive socket.
import { VERSION } from '../core/version.js';
import { type ErrorBody, errorTypeHeader, RuntimeApiError } from './errors.js';
import { HttpConnection, type HttpReply } from './http-connection.js';

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
  /**
   * The process is about to exit with no invocation of its own left unanswered: the connection is
   * reset (RST) instead of closed, so an invocation the Runtime API handed out on the pipelined
   * GET /next, which this process will never run (even if its bytes were already read), counts as
   * unread — the emulator then moves it to another instance.
   */
  abandon?(): void;
}

const PREFIX = '/2018-06-01/runtime';
const USER_AGENT = `lambda-ml-runtime/${VERSION} node/${process.version}`;
const ERROR_CONTENT_TYPE = 'application/vnd.aws.lambda.error+json';

function header(headers: HttpReply['headers'], name: string): string | undefined {
  return headers[name];
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
  readonly connection: HttpConnection;
  /** The Host header value (`host:port`, IPv6 bracketed). */
  readonly hostHeader: string;
}

/** The request head in one string: the request then costs one socket write (with its body). */
function requestHead(
  target: Target,
  method: string,
  path: string,
  body: string | undefined,
  extra: string,
): string {
  const length = body === undefined ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return `${method} ${PREFIX}${path} HTTP/1.1\r\nHost: ${target.hostHeader}\r\nUser-Agent: ${USER_AGENT}\r\nConnection: keep-alive\r\n${extra}${length}\r\n`;
}

/** One call; no timeout (GET /next long-polls). A reused keep-alive socket reset by the server is retried once. */
async function send(
  target: Target,
  method: string,
  path: string,
  body?: string,
  extra = '',
): Promise<HttpReply> {
  try {
    return await target.connection.request(requestHead(target, method, path, body, extra), body);
  } catch (error) {
    throw new RuntimeApiError(`${method} ${PREFIX + path} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function post(target: Target, path: string, body: string, extra: string): Promise<void> {
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

const JSON_HEADERS = 'Content-Type: application/json\r\n';
// errorTypeHeader keeps only printable ASCII, so the value cannot break the request head.
const errorHeaders = (error: ErrorBody): string =>
  `Content-Type: ${ERROR_CONTENT_TYPE}\r\nLambda-Runtime-Function-Error-Type: ${errorTypeHeader(error)}\r\n`;

export function createHttpRuntimeApi(address: string): RuntimeApi {
  // One socket reused for every call.
  const { host, port } = splitAddress(address);
  const target: Target = {
    connection: new HttpConnection(host, port),
    hostHeader: `${host.includes(':') ? `[${host}]` : host}:${port}`,
  };
  const invocationPath = (id: string, kind: string) => `/invocation/${encodeURIComponent(id)}/${kind}`;
  return {
    next: () => next(target),
    respond: (id, json) => post(target, invocationPath(id, 'response'), json, JSON_HEADERS),
    fail: (id, error) =>
      post(target, invocationPath(id, 'error'), JSON.stringify(error), errorHeaders(error)),
    initError: (error) => post(target, '/init/error', JSON.stringify(error), errorHeaders(error)),
    abandon: () => target.connection.abandon(),
  };
}
