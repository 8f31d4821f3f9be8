// Who may use the console: a loopback Host (no DNS rebinding), the per-run token, same-origin writes.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createHostCheck, crossOriginProblem } from '../core/local-guard.js';

export { hostnameOf, isLoopbackName } from '../core/local-guard.js';

/** A fresh token for one run (192 random bits, URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export interface Guard {
  /** Null when the Host header is acceptable, else why not. */
  hostProblem(req: IncomingMessage): string | null;
  /** True when the request carries this run's token (cookie or `Authorization: Bearer`). */
  authorised(req: IncomingMessage): boolean;
  /** True when `?token=` in a page request is this run's token. */
  tokenMatches(candidate: string | null): boolean;
  /** Null when a state-changing request comes from the console's own page, else why not. */
  originProblem(req: IncomingMessage): string | null;
  /** The Set-Cookie value that carries the token for later requests. */
  readonly cookie: string;
}

/**
 * `bindHost` is the address the console listens on: besides loopback names, a Host naming exactly
 * that address (when it is one, not a wildcard) is accepted, so a console bound to a LAN address
 * on purpose stays reachable through it. Every other name is refused: a DNS-rebinding page reaches
 * us under its own domain name.
 */
export function createGuard(token: string, port: number, bindHost: string): Guard {
  const expected = Buffer.from(token);
  const cookieName = `lambda_ml_console_${port}`;
  const hostCheck = createHostCheck(bindHost);
  const matches = (candidate: string | null | undefined) => {
    if (candidate === null || candidate === undefined) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return {
    cookie: `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    hostProblem: (req) => hostCheck(req.headers.host),
    authorised(req) {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ') === true && matches(auth.slice(7).trim())) return true;
      return matches(cookieValue(req.headers.cookie, cookieName));
    },
    tokenMatches: (candidate) => matches(candidate),
    originProblem: (req) => crossOriginProblem(req.headers),
  };
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
