// Who may use the console: a loopback Host (no DNS rebinding), the per-run token, same-origin writes.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/** A fresh token for one run (192 random bits, URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The host name of a Host or Origin authority (`[::1]:80` → `::1`, `Example.COM:1` → `example.com`). */
export function hostnameOf(authority: string): string {
  const text = authority.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end < 0 ? text : text.slice(1, end);
  }
  const colon = text.lastIndexOf(':');
  return colon < 0 ? text : text.slice(0, colon);
}

/** Loopback by name or address: `localhost` (and `*.localhost`), 127.0.0.0/8, ::1. */
export function isLoopbackName(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIPv4(hostname)) return hostname.startsWith('127.');
  if (isIPv6(hostname)) return hostname === '::1' || hostname === '0:0:0:0:0:0:0:1';
  return false;
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
  const extra = bindHost === '0.0.0.0' || bindHost === '::' ? null : hostnameOf(bindHost);
  const hostOk = (hostname: string) => isLoopbackName(hostname) || hostname === extra;
  const matches = (candidate: string | null | undefined) => {
    if (candidate === null || candidate === undefined) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return {
    cookie: `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    hostProblem(req) {
      const host = req.headers.host;
      if (host === undefined || host === '') return 'the request has no Host header';
      return hostOk(hostnameOf(host)) ? null : `Host '${host}' is not a loopback address`;
    },
    authorised(req) {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ') === true && matches(auth.slice(7).trim())) return true;
      return matches(cookieValue(req.headers.cookie, cookieName));
    },
    tokenMatches: (candidate) => matches(candidate),
    originProblem(req) {
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        return `a ${site} request may not change anything here`;
      }
      const origin = req.headers.origin;
      if (origin === undefined) return null;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return `Origin '${origin}' is not a URL`;
      }
      if (url.host !== (req.headers.host ?? '').toLowerCase()) return `Origin '${origin}' is another site`;
      return null;
    },
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
