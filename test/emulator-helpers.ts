// Shared helpers for the emulator tests: start an emulator on the fixture runtime, make raw HTTP calls.
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type Emulator, type EmulatorOptions, startEmulator } from '../src/emulator/server.js';

export const FIXTURE_RUNTIME = join(import.meta.dirname, 'fixtures', 'emulator', 'runtime.mjs');
export const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

export interface TestEmulator extends Emulator {
  readonly logs: string[];
}

/** An emulator on 127.0.0.1:0 running the fixture runtime (extra argv after the script). */
export async function startFixtureEmulator(
  options: EmulatorOptions = {},
  fixtureArgs: string[] = [],
): Promise<TestEmulator> {
  const logs: string[] = [];
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    bootstrap: [process.execPath, FIXTURE_RUNTIME, ...fixtureArgs],
    writeLog: (text) => void logs.push(text),
    gracePeriod: 2,
    // Lambda's 10 s init limit is hit by a Node start at load average 30; tests about init timeouts set their own.
    initTimeout: 60,
    ...options,
  });
  return Object.assign(emulator, { logs });
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly raw: Buffer;
}

/** One HTTP call on a fresh connection. */
export function call(
  url: string,
  options: { method?: string; path?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${options.path ?? INVOKE_PATH}`,
      { method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), raw });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A hang guard only: at load 15 on 2 cores a storm call waited over 20 s for its turn.
    req.setTimeout(120_000, () => req.destroy(new Error('test call timed out')));
    req.end(options.body);
  });
}

/** Invokes with a JSON event. */
export function invoke(url: string, event: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return call(url, { body: JSON.stringify(event), headers });
}

/** True while a process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True while a process exists and is not a zombie (an orphan's zombie may wait for a busy init). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `check` holds or `ms` pass. */
export async function waitFor(check: () => boolean, ms = 30_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

/** Pids of this process's children whose command line mentions `needle` (leak checks). */
export function childrenMatching(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export interface RawResponse {
  readonly status: number;
  readonly reason: string;
  /** Header lines as sent, names lower-cased, in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

export interface RawExchange {
  /** Every response the server wrote on the connection, in order. */
  readonly responses: RawResponse[];
  /** Everything received, as text. */
  readonly text: string;
}

/**
 * Writes `data` on one raw TCP connection (node:net: nothing normalises or validates it) and collects
 * what comes back until the server closes the connection. `end` half-closes after writing; `keepOpen`
 * leaves our side open (for bodies that never end). A hang guard only, no timing assertion.
 */
export function rawExchange(
  port: number,
  data: string | Buffer | ReadonlyArray<string | Buffer>,
  options: { end?: boolean; guardMs?: number } = {},
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close from the server in ${options.guardMs ?? 120_000} ms (hang guard)`));
    }, options.guardMs ?? 120_000);
    socket.on('connect', () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
      if (options.end === true) socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answers (the server closing with unread bytes) still ends the exchange.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(guard);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ responses: parseResponses(text), text });
    });
  });
}

/** Splits a byte stream of HTTP/1.1 responses (Content-Length bodies, or the rest of the stream). */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const lines = text.slice(at, end).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
    if (status === null) break;
    const headers = lines.slice(1).map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
    });
    const length = headers.find(([name]) => name === 'content-length');
    const bodyEnd = length === undefined ? text.length : end + 4 + Number(length[1]);
    out.push({
      status: Number(status[1]),
      reason: status[2] ?? '',
      headers,
      body: text.slice(end + 4, bodyEnd),
    });
    at = bodyEnd;
  }
  return out;
}

/** The value of a header in a raw response (first one), or undefined. */
export function rawHeader(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n === name)?.[1];
}
