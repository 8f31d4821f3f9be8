// Launches a server process and measures the time from spawn to its first correct answer (cold start).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AnswerCheck } from './check.js';
import { keepAliveAgent, post, type Target } from './client.js';

export interface Launched {
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the first correct answer. */
  readonly coldMs: number;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for its exit. */
  stop(): Promise<void>;
  /** What the process wrote to stderr so far (banners, URLs). */
  stderr(): string;
}

/** A port that was free a moment ago (the server is told to listen on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `argv` and calls `target` until it answers correctly (per `check`), so the figure covers
 * process start, listen, instance init and the first invocation.
 */
export async function launch(
  argv: readonly string[],
  target: Target,
  check: AnswerCheck,
  timeoutMs = 30_000,
): Promise<Launched> {
  const started = performance.now();
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(hard);
  };
  const agent = keepAliveAgent(1);
  try {
    for (;;) {
      if (gone) throw new Error(`server exited before answering: ${stderr.trim().split('\n').at(-1) ?? ''}`);
      if (performance.now() - started > timeoutMs)
        throw new Error(`no correct answer within ${timeoutMs} ms`);
      const result = await post(target, agent);
      if (result.status !== 0) {
        const wrong = check(result);
        if (wrong === null) return { child, coldMs: performance.now() - started, stop, stderr: () => stderr };
        throw new Error(`wrong answer at cold start: ${wrong}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    agent.destroy();
  }
}
