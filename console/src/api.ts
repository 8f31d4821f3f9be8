// Calls to the console's own API (same origin: the token travels in the HttpOnly cookie).

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`the console answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const message = (body as { error?: unknown }).error;
    throw new Error(typeof message === 'string' ? message : `the console answered ${res.status}`);
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { credentials: 'same-origin' }));
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? '{}' : JSON.stringify(body),
  });
  return parse<T>(res);
}
