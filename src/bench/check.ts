// Whether one benchmark call got a right answer: a 2xx without a function error, a prediction handler body
// that is not an error (`{"statusCode": 400, ...}` arrives as HTTP 200), and the `--expected` body when given.
import type { CallResult } from './client.js';

/** Why `result` is not a correct answer, or null when it is. */
export type AnswerCheck = (result: CallResult) => string | null;

/** The body as canonical JSON (key order kept, whitespace dropped), or the text itself when not JSON. */
function canonical(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

function shortBody(body: string): string {
  return body.length > 200 ? `${body.slice(0, 200)}...` : body;
}

export function answerCheck(expected?: string): AnswerCheck {
  const want = expected === undefined ? undefined : canonical(expected);
  return (r) => {
    if (r.status === 0) return `no answer: ${r.body || 'connection failed'}`;
    if (!r.ok) {
      const fnError = r.status >= 200 && r.status < 300; // a 2xx is only not ok with X-Amz-Function-Error
      return `${fnError ? 'function error' : `HTTP ${r.status}`}: ${shortBody(r.body)}`;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.body);
    } catch {
      parsed = undefined;
    }
    const code = (parsed as { statusCode?: unknown } | null)?.statusCode;
    if (typeof code === 'number' && code >= 400)
      return `the function answered statusCode ${code}: ${shortBody(r.body)}`;
    if (want !== undefined && canonical(r.body) !== want) {
      return `the answer ${shortBody(r.body)} differs from --expected ${shortBody(expected as string)}`;
    }
    return null;
  };
}
