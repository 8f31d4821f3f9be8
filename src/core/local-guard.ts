// Who may talk to a local server (the emulator's Invoke API, the console): a loopback Host unless told
// otherwise (DNS rebinding), and no cross-site browser requests where a page could change something.
import type { IncomingHttpHeaders } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

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

/** Null when a Host header is acceptable, else why not. */
export type HostCheck = (host: string | undefined) => string | null;

/**
 * A DNS-rebinding page reaches a loopback server under its own domain name, so only names that mean
 * this server are accepted: loopback names and addresses (any port), the address the server is bound
 * to when that is one (not a wildcard such as 0.0.0.0), and the names in `allowed` (`*` accepts any
 * Host, turning the check off).
 */
export function createHostCheck(bindHost: string, allowed: readonly string[] = []): HostCheck {
  const bare = (name: string) => (isIPv6(name) ? name.toLowerCase() : hostnameOf(name));
  const names = new Set(allowed.map(bare));
  if (bindHost !== '0.0.0.0' && bindHost !== '::') names.add(bare(bindHost));
  const any = allowed.includes('*');
  return (host) => {
    if (any) return null;
    if (host === undefined || host === '') return 'the request has no Host header';
    const hostname = hostnameOf(host);
    return isLoopbackName(hostname) || names.has(hostname)
      ? null
      : `Host '${host}' is not a loopback address`;
  };
}

/**
 * Null unless the request comes from a browser page of another origin: `Sec-Fetch-Site` other than
 * same-origin/none, or an `Origin` whose host is not the request's Host. Clients that are not
 * browsers (curl, the AWS SDK) send neither header.
 */
export function crossOriginProblem(headers: IncomingHttpHeaders): string | null {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `a ${site} request may not change anything here`;
  }
  const origin = headers.origin;
  if (origin === undefined) return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `Origin '${origin}' is not a URL`;
  }
  if (url.host !== (headers.host ?? '').toLowerCase()) return `Origin '${origin}' is another site`;
  return null;
}
