// The Invoke API (2015-03-31) request handler, plus Function URL mode for every other method and path.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { crossOriginProblem, type HostCheck } from '../../core/local-guard.js';
import { type InvokeResult, type Invoker, LIMITS, logTail } from '../contract.js';
import { readBody } from '../http-body.js';
import type { Readiness } from '../sandbox/pool.js';
import { fromHandlerResult, toUrlEvent } from './function-url.js';
import { checkTarget, classify, functionNameOf } from './routes.js';
import { InvokeApiError, sendServiceError } from './service-errors.js';

export interface InvokeApiOptions {
  readonly functionName: string;
  readonly region: string;
  readonly invoker: Invoker;
  /** Serve any other method/path as a Function URL request. */
  readonly functionUrl: boolean;
  /** `GET /_lambda-ml/health`: whether instances can initialise. */
  readonly readiness: () => Promise<Readiness>;
  /** Where the emulator's own notes go (a refused Function URL response says why there). */
  readonly log?: (text: string) => void;
  /** Which Host headers are answered (DNS-rebinding defence); every Host when absent. */
  readonly hostCheck?: HostCheck;
}

const INVOCATION_TYPES = new Set(['RequestResponse', 'Event', 'DryRun']);
const LOG_TYPES = new Set(['None', 'Tail']);
const CLIENT_CONTEXT_MAX = 3583;

export function createInvokeApi(options: InvokeApiOptions): RequestListener {
  const names = [options.functionName, 'function'];
  return (req, res) => {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = classify(req.method, path);
    const refusal = refusalOf(options, req, route.kind === 'invoke');
    let work: Promise<void>;
    if (refusal !== null) {
      req.resume();
      work = Promise.reject(refusal);
    } else if (route.kind === 'invoke') {
      const qualifier = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('Qualifier');
      work = invoke(options, names, req, res, requestId, functionNameOf(path), qualifier);
    } else if (route.kind === 'health') {
      req.resume();
      work = health(options, res, requestId);
    } else if (options.functionUrl) {
      work = functionUrl(options, req, res, requestId);
    } else {
      req.resume();
      work = Promise.reject(
        new InvokeApiError(404, 'UnknownOperationException', `Unknown operation ${req.method} ${path}`),
      );
    }
    work.catch((error: unknown) => {
      // Only error answers take this path: success answers pass the id in their one writeHead.
      if (!res.headersSent) res.setHeader('x-amzn-RequestId', requestId);
      sendServiceError(res, error);
    });
  };
}

/**
 * A request that names this server by another name (a DNS-rebinding page), or an invocation a page of
 * another site sends from a browser (no CORS preflight protects a simple POST), is refused with 403.
 * Function URL requests may come from any page, as on Lambda: only their Host is checked.
 */
function refusalOf(
  options: InvokeApiOptions,
  req: IncomingMessage,
  invocation: boolean,
): InvokeApiError | null {
  const hostProblem = options.hostCheck?.(req.headers.host) ?? null;
  if (hostProblem !== null) {
    return new InvokeApiError(
      403,
      'AccessDeniedException',
      `${hostProblem}: the emulator answers localhost, 127.0.0.1, [::1] and its --host address (a DNS-rebinding defence); name others with --allowed-hosts`,
    );
  }
  const originProblem =
    invocation && options.hostCheck !== undefined ? crossOriginProblem(req.headers) : null;
  if (originProblem !== null) {
    return new InvokeApiError(
      403,
      'AccessDeniedException',
      `${originProblem}: a web page of another site may not invoke the function`,
    );
  }
  return null;
}

async function invoke(
  options: InvokeApiOptions,
  names: readonly string[],
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  name: string,
  qualifier: string | null,
): Promise<void> {
  const type = headerOf(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = headerOf(req, 'x-amz-log-type') ?? 'None';
  const limit = type === 'Event' ? LIMITS.asyncRequestBytes : LIMITS.syncRequestBytes;
  const read = await readBody(req, limit);
  checkTarget(name, qualifier, names, options.region);
  if (!INVOCATION_TYPES.has(type))
    throw badParameter('X-Amz-Invocation-Type', type, 'RequestResponse, Event or DryRun');
  if (!LOG_TYPES.has(logType)) throw badParameter('X-Amz-Log-Type', logType, 'None or Tail');
  if (read.tooLarge) {
    // Lambda's own wording for each case.
    const message =
      type === 'Event'
        ? `${read.size} byte payload is too large for the Event invocation type (limit ${limit} bytes)`
        : `Request must be smaller than ${limit} bytes for the InvokeFunction operation`;
    throw new InvokeApiError(413, 'RequestEntityTooLargeException', message);
  }
  const payload = read.body.length === 0 ? Buffer.from('{}') : read.body;
  checkJson(payload);
  const clientContext = decodeClientContext(headerOf(req, 'x-amz-client-context'));
  const request = clientContext === undefined ? { payload } : { payload, clientContext };
  if (type === 'DryRun') return end(res, 204, requestId);
  if (type === 'Event') {
    options.invoker.enqueue(request, requestId);
    return end(res, 202, requestId);
  }
  const result = await options.invoker.invoke(request, requestId);
  sendResult(res, result, requestId, logType === 'Tail');
}

/** 200 when an instance initialised (or one just did), 503 with the init error when none can. */
async function health(options: InvokeApiOptions, res: ServerResponse, requestId: string): Promise<void> {
  const readiness = await options.readiness();
  const body = JSON.stringify(
    readiness.ready
      ? { status: 'ready', instances: readiness.instances }
      : { status: 'init-failed', errorType: readiness.errorType, errorMessage: readiness.errorMessage },
  );
  res.writeHead(readiness.ready ? 200 : 503, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}

/**
 * All headers go in one writeHead object (no setHeader): Node then formats them straight into the
 * header block, and the small body joins them in a single socket write.
 */
function sendResult(res: ServerResponse, result: InvokeResult, requestId: string, tail: boolean): void {
  const { outcome } = result;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': outcome.body.length,
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': requestId,
  };
  if (outcome.kind === 'error') headers['X-Amz-Function-Error'] = 'Unhandled';
  if (tail) headers['X-Amz-Log-Result'] = logTail(result.log);
  res.writeHead(200, headers);
  res.end(outcome.body);
}

async function functionUrl(
  options: InvokeApiOptions,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const read = await readBody(req, LIMITS.syncRequestBytes);
  if (read.tooLarge) {
    throw new InvokeApiError(
      413,
      'RequestEntityTooLargeException',
      `Request must be smaller than ${LIMITS.syncRequestBytes} bytes`,
    );
  }
  // Function URL answers keep setHeader: the handler's own headers may override it, as before.
  res.setHeader('x-amzn-RequestId', requestId);
  const event = toUrlEvent(req, read.body, requestId, new Date());
  const result = await options.invoker.invoke({ payload: Buffer.from(JSON.stringify(event)) }, requestId);
  if (result.outcome.kind === 'error') {
    const body = '{"Message":"Internal Server Error"}';
    res.writeHead(502, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
    return;
  }
  const response = fromHandlerResult(result.outcome.body);
  if (!response.ok) {
    options.log?.(
      `lambda-ml: Function URL response refused (RequestId: ${requestId}): ${response.problem}\n`,
    );
    const body = JSON.stringify({
      Message: 'Internal Server Error',
      errorType: 'Runtime.InvalidResponse',
      errorMessage: `The function's response is not a valid HTTP response: ${response.problem}`,
    });
    res.writeHead(502, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'x-amzn-ErrorType': 'Runtime.InvalidResponse',
    });
    res.end(body);
    return;
  }
  // 204 and 304 have no body (nor a length); HEAD keeps the length of the body it does not get.
  if (response.status === 204 || response.status === 304) {
    res.writeHead(response.status, response.headers);
    res.end();
    return;
  }
  res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
  res.end(response.body);
}

function checkJson(payload: Buffer): void {
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvokeApiError(
      400,
      'InvalidRequestContentException',
      `Could not parse request body into json: ${reason}`,
    );
  }
}

function decodeClientContext(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  let valid = Buffer.byteLength(value) <= CLIENT_CONTEXT_MAX;
  try {
    JSON.parse(text);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new InvokeApiError(
      400,
      'InvalidRequestContentException',
      `X-Amz-Client-Context must be base64-encoded JSON of at most ${CLIENT_CONTEXT_MAX} bytes`,
    );
  }
  return text;
}

function badParameter(header: string, value: string, expected: string): InvokeApiError {
  return new InvokeApiError(
    400,
    'InvalidParameterValueException',
    `${header} '${value}' is not valid; expected ${expected}`,
  );
}

function end(res: ServerResponse, status: number, requestId: string): void {
  res.writeHead(status, { 'Content-Length': 0, 'x-amzn-RequestId': requestId });
  res.end();
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
