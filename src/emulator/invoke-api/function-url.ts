// Function URL mode: a plain HTTP request becomes a version 2.0 event; the handler's result becomes the response.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** The event a Function URL hands to the function (payload format version 2.0). */
export function toUrlEvent(
  req: IncomingMessage,
  body: Buffer,
  requestId: string,
  now: Date,
): Record<string, unknown> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers = flattenHeaders(req.headers);
  const contentType = headers['content-type'] ?? '';
  const binary = body.length > 0 && !TEXT_TYPES.test(contentType);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'lambda-ml',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0],
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: binary,
  };
  if (req.headers.cookie !== undefined) event.cookies = req.headers.cookie.split(/;\s*/);
  if (url.search.length > 1) event.queryStringParameters = query;
  if (body.length > 0) event.body = body.toString(binary ? 'base64' : 'utf8');
  return event;
}

/** An HTTP response built from what the handler returned. */
export interface UrlResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Lambda's rules: an object with `statusCode` is a structured response; anything else is sent as
 * JSON with status 200.
 */
export function fromHandlerResult(result: Buffer): UrlResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.toString('utf8'));
  } catch {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: result };
  }
  if (typeof parsed !== 'object' || parsed === null || !('statusCode' in parsed)) {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: result };
  }
  const shaped = parsed as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    body?: unknown;
    isBase64Encoded?: unknown;
    cookies?: unknown;
  };
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(shaped.headers ?? {})) headers[key.toLowerCase()] = String(value);
  if (Array.isArray(shaped.cookies)) headers['set-cookie'] = shaped.cookies.map(String);
  const text =
    shaped.body === undefined
      ? ''
      : typeof shaped.body === 'string'
        ? shaped.body
        : JSON.stringify(shaped.body);
  const body = Buffer.from(text, shaped.isBase64Encoded === true ? 'base64' : 'utf8');
  const status = Number(shaped.statusCode);
  const valid = Number.isInteger(status) && status >= 100 && status <= 599;
  if (!valid)
    return {
      status: 502,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"Message":"Internal Server Error"}'),
    };
  return { status, headers, body };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || key === 'cookie') continue;
    out[key] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
