// Shared helpers for the emulator tests: start an emulator on the fixture runtime, make raw HTTP calls.
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
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
