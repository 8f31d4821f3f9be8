// "Copy as curl": the Invoke API and Function URL forms of a request (no DOM: unit-tested under Node).

/** Quotes for a POSIX shell: single quotes, with each ' written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The Invoke API call, as the README's tutorial curl. */
export function invokeCurl(invokeUrl: string, payload: string): string {
  return `curl -X POST ${shellQuote(invokeUrl)} -d ${shellQuote(payload)}`;
}

/**
 * The same request as a Function URL call: the event's body is sent as the HTTP body (a Function URL
 * event's `body` field when the payload is one, else the payload itself).
 */
export function functionUrlCurl(baseUrl: string, payload: string): string {
  let url = baseUrl;
  let body = payload;
  let method = 'POST';
  try {
    const event = JSON.parse(payload) as Record<string, unknown>;
    if (event !== null && event.version === '2.0' && typeof event.rawPath === 'string') {
      url = new URL(
        `${event.rawPath}${typeof event.rawQueryString === 'string' && event.rawQueryString !== '' ? `?${event.rawQueryString}` : ''}`,
        baseUrl,
      ).toString();
      const http = (event.requestContext as { http?: { method?: unknown } } | undefined)?.http;
      if (typeof http?.method === 'string') method = http.method;
      body = typeof event.body === 'string' && event.isBase64Encoded !== true ? event.body : '';
    }
  } catch {
    // Not JSON: sent as it is.
  }
  const data = body === '' ? '' : ` -H 'content-type: application/json' -d ${shellQuote(body)}`;
  return `curl -X ${method} ${shellQuote(url)}${data}`;
}
