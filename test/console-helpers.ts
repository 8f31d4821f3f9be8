// Shared helpers for the console tests: an emulator with its console, raw HTTP calls with any Host, an SSE reader.
import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { type ConsoleOptions, type ConsoleServer, startConsole } from '../src/console/server.js';
import type { EmulatorOptions } from '../src/emulator/server.js';
import { startFixtureEmulator, type TestEmulator } from './emulator-helpers.js';

export interface Fixture {
  readonly emulator: TestEmulator;
  readonly console: ConsoleServer;
  /** `http://127.0.0.1:<port>` of the console. */
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

export async function startConsoleFixture(
  options: EmulatorOptions = {},
  consoleOptions: ConsoleOptions = {},
): Promise<Fixture> {
  const emulator = await startFixtureEmulator(options);
  const server = await startConsole(emulator, consoleOptions);
  const url = new URL(server.url);
  return {
    emulator,
    console: server,
    origin: url.origin,
    token: url.searchParams.get('token') ?? '',
    close: async () => {
      await server.close();
      await emulator.close();
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** One request with full control of the headers (Host included). */
export function send(
  origin: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${origin}${path}`,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('console test call timed out')));
    req.end(options.body);
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface SseEvent {
  readonly event: string;
  readonly id: string | null;
  readonly data: unknown;
}

/** An open event stream collecting parsed events. */
export interface EventReader {
  readonly events: SseEvent[];
  /** Resolves once `check` holds for the events so far (rejects after `ms`). */
  until(check: (events: SseEvent[]) => boolean, ms?: number): Promise<SseEvent[]>;
  close(): void;
}

export function openEvents(origin: string, headers: Record<string, string>): Promise<EventReader> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters = new Set<() => void>();
    let buffer = '';
    const req = httpRequest(`${origin}/api/events`, { headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
          const data = fields.get('data');
          if (data === undefined) continue;
          events.push({
            event: fields.get('event') ?? 'message',
            id: fields.get('id') ?? null,
            data: JSON.parse(data),
          });
        }
        for (const wake of waiters) wake();
      });
      resolve({
        events,
        until(check, ms = 15_000) {
          return new Promise((done, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(wake);
              fail(new Error(`timed out; events so far: ${events.map((e) => e.event).join(', ')}`));
            }, ms);
            const wake = () => {
              if (!check(events)) return;
              clearTimeout(timer);
              waiters.delete(wake);
              done(events);
            };
            waiters.add(wake);
            wake();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', (error) => reject(error));
    req.end();
  });
}

/** Invocation rows received so far, in order. */
export function rowsOf(
  events: readonly SseEvent[],
): { seq: number; requestId: string; [k: string]: unknown }[] {
  return events.flatMap((e) =>
    e.event === 'invocations' ? (e.data as { seq: number; requestId: string }[]) : [],
  );
}

export interface StartedCli {
  readonly child: ChildProcess;
  /** The emulator's base URL. */
  readonly url: string;
  /** The printed console URL (null with --no-console). */
  readonly consoleUrl: string | null;
  readonly stderr: () => string;
  /** Ctrl-C, then waits for the exit code. */
  stop(): Promise<number | null>;
}

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

/**
 * Runs `lambda-ml <args>` (start or serve) and resolves once it printed everything it prints at
 * startup (the emulator's URL, then the console line unless --no-console).
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<StartedCli> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const wantsConsole = !args.includes('--no-console');
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lambda-ml printed no URL in 60 s:\n${stderr}`));
    }, 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      const consoleUrl = /^console: (http:\/\/\S+)$/m.exec(stderr)?.[1] ?? null;
      if (url === undefined || (wantsConsole && consoleUrl === null)) return;
      if (!wantsConsole && !stderr.endsWith('\n')) return;
      clearTimeout(timer);
      resolve({
        child,
        url,
        consoleUrl,
        stderr: () => stderr,
        stop: () => {
          if (child.exitCode !== null) return Promise.resolve(child.exitCode);
          const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
          child.kill('SIGINT');
          return exited;
        },
      });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lambda-ml exited with ${code}:\n${stderr}`));
    });
  });
}
