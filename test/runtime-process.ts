// Spawns the compiled runtime client (dist/runtime/main.js) as a child process and watches its output.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const RUNTIME_MAIN = fileURLToPath(new URL('../dist/runtime/main.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/runtime/', import.meta.url));

export interface RuntimeProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Kills the child by PID if it is still running. */
  stop(): Promise<void>;
}

export const BASE_ENV = {
  AWS_LAMBDA_FUNCTION_NAME: 'test-fn',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test-fn',
  AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]abc',
  AWS_REGION: 'us-east-1',
  TZ: ':UTC',
};

export function spawnRuntime(args: readonly string[], env: Record<string, string>): RuntimeProcess {
  // A clean environment: nothing from the test runner leaks into the runtime.
  const child = spawn(process.execPath, [RUNTIME_MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForStdout(pattern, timeoutMs = 10_000) {
      const started = Date.now();
      while (!pattern.test(out)) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`stdout never matched ${pattern}: ${out}\n${err}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
      }
      await exited;
    },
  };
}
