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
  const { path, query: rawQuery } = splitTarget(req.url ?? '/');
  const headers = flattenHeaders(req.headers);
  const contentType = headers['content-type'] ?? '';
  const binary = body.length > 0 && !TEXT_TYPES.test(contentType);
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQuery))
    query[key] = key in query ? `${query[key]},${value}` : value;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: rawQuery,
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'lambda-ml',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0],
      http: {
        method: req.method ?? 'GET',
        path,
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
  if (rawQuery.length > 0) event.queryStringParameters = query;
  if (body.length > 0) event.body = body.toString(binary ? 'base64' : 'utf8');
  return event;
}

/**
 * The request target's path and query exactly as the client sent them: no `/../` resolution, no `//`
 * folding, no re-encoding (a handler that routes on `rawPath` sees what was asked for, as on Lambda).
 * An absolute-form target (`http://host/p`) gives its path.
 */
export function splitTarget(target: string): { path: string; query: string } {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  const rest = authority === null ? target : target.slice(authority[0].length);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  return { path: path === '' ? '/' : path, query: q < 0 ? '' : rest.slice(q + 1) };
}

/** An HTTP response built from what the handler returned, or why it cannot be sent. */
export type UrlResponse =
  | {
      readonly ok: true;
      readonly status: number;
      readonly headers: Record<string, string | string[]>;
      readonly body: Buffer;
    }
  | { readonly ok: false; readonly problem: string };

/** RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a header value may not contain (CR, LF, NUL, other controls, anything past Latin-1). */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** Hop-by-hop headers (RFC 9110 7.6.1): about one connection, never forwarded from a handler. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Lambda's rules: an object with `statusCode` is a structured response; anything else is sent as
 * JSON with status 200. A structured response must be a valid HTTP response (a final status 200-599,
 * header names that are tokens, values without CR/LF or other control characters, not both
 * `transfer-encoding` and `content-length`), else the caller gets a 502 (`Runtime.InvalidResponse`).
 * Hop-by-hop headers (and any the handler's `connection` header names) are dropped, and the length is
 * always the body's own.
 */
export function fromHandlerResult(result: Buffer): UrlResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.toString('utf8'));
  } catch {
    return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body: result };
  }
  if (typeof parsed !== 'object' || parsed === null || !('statusCode' in parsed)) {
    return { ok: true, status: 200, headers: { 'content-type': 'application/json' }, body: result };
  }
  const shaped = parsed as {
    statusCode: unknown;
    headers?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
    cookies?: unknown;
  };
  const status = typeof shaped.statusCode === 'string' ? Number(shaped.statusCode) : shaped.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    return {
      ok: false,
      problem: `statusCode ${JSON.stringify(shaped.statusCode)} is not a final HTTP status (expected an integer from 200 to 599)`,
    };
  }
  const given = shaped.headers ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    return { ok: false, problem: 'headers must be an object of header names to string values' };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!HEADER_NAME.test(key))
      return { ok: false, problem: `header name ${JSON.stringify(key)} is not valid` };
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return { ok: false, problem: `header '${key}' must be a string, got ${JSON.stringify(value)}` };
    }
    const text = String(value);
    if (BAD_VALUE_CHAR.test(text)) {
      return {
        ok: false,
        problem: `header '${key}' has a control character (CR, LF, ...) or one past Latin-1 in its value`,
      };
    }
    headers[key.toLowerCase()] = text;
  }
  if ('transfer-encoding' in headers && 'content-length' in headers) {
    return { ok: false, problem: 'headers have both transfer-encoding and content-length' };
  }
  if (shaped.cookies !== undefined) {
    if (!Array.isArray(shaped.cookies)) return { ok: false, problem: 'cookies must be an array of strings' };
    const cookies = shaped.cookies.map(String);
    const bad = cookies.find((cookie) => BAD_VALUE_CHAR.test(cookie));
    if (bad !== undefined) {
      return { ok: false, problem: `cookie ${JSON.stringify(bad)} has a control character (CR, LF, ...)` };
    }
    headers['set-cookie'] = cookies;
  }
  for (const name of hopByHop(headers)) delete headers[name];
  delete headers['content-length'];
  const text =
    shaped.body === undefined
      ? ''
      : typeof shaped.body === 'string'
        ? shaped.body
        : JSON.stringify(shaped.body);
  const body = Buffer.from(text, shaped.isBase64Encoded === true ? 'base64' : 'utf8');
  return { ok: true, status, headers, body };
}

/** The hop-by-hop names present: the fixed set, `proxy-*`, and whatever `connection` lists. */
function hopByHop(headers: Record<string, string | string[]>): string[] {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'set-cookie');
  return Object.keys(headers).filter(
    (name) => HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed.includes(name),
  );
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || key === 'cookie') continue;
    out[key] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}
