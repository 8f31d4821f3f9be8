// Function URL / API Gateway events: recognise them, read the JSON body (base64 too), answer as HTTP responses.
import { BadRequestError } from './errors.js';

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpEvent {
  readonly body?: unknown;
  readonly isBase64Encoded?: unknown;
  readonly httpMethod?: unknown;
  readonly requestContext?: { readonly http?: { readonly method?: unknown } };
}

/**
 * Payload format 2.0 (Function URLs, HTTP APIs) says `version: "2.0"`; REST APIs (1.0) carry
 * `httpMethod` and `requestContext`. A direct invocation `{"data": ...}` has none of these.
 */
export function isHttpEvent(event: unknown): event is HttpEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  const e = event as Record<string, unknown>;
  if (e.version === '2.0') return true;
  return (
    typeof e.httpMethod === 'string' && typeof e.requestContext === 'object' && e.requestContext !== null
  );
}

/** The HTTP method of an event, upper-cased (undefined when the event carries none). */
export function methodOf(event: HttpEvent): string | undefined {
  const method = event.requestContext?.http?.method ?? event.httpMethod;
  return typeof method === 'string' ? method.toUpperCase() : undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBody(event: HttpEvent): string {
  const body = event.body;
  if (body === undefined || body === null || body === '') {
    throw new BadRequestError('the request body is empty; expected a JSON object like {"data": [...]}');
  }
  if (typeof body !== 'string') throw new BadRequestError('the event "body" is not a string');
  if (event.isBase64Encoded !== true) return body;
  const compact = body.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new BadRequestError('the body is marked isBase64Encoded but is not valid base64');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    throw new BadRequestError('the base64 body does not decode to UTF-8 text; expected JSON');
  }
}

/** The JSON payload of an HTTP event; throws BadRequestError (405 for a method other than POST). */
export function readHttpPayload(event: HttpEvent): unknown {
  const method = methodOf(event);
  if (method !== undefined && method !== 'POST') {
    throw new BadRequestError(
      `${method} is not supported; send POST with a JSON body like {"data": [...]}, or GET for the model's schema`,
      405,
    );
  }
  const text = decodeBody(event);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(
      `the body is not valid JSON (${(error as Error).message}); expected {"data": [...]}`,
    );
  }
}

export function httpResponse(statusCode: number, payload: unknown): HttpResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (statusCode === 405) headers.allow = 'GET, POST';
  return { statusCode, headers, body: JSON.stringify(payload) };
}
