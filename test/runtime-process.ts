// Spawns the compiled runtime client (dist/runtime/main.js) as a child process and watches its output.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { type FakeRuntimeApi, startFakeRuntimeApi } from './runtime-fake-api.js';

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

export const NEXT = '/2018-06-01/runtime/invocation/next';
export const INIT_ERROR = '/2018-06-01/runtime/init/error';
export const responsePath = (id: string) => `/2018-06-01/runtime/invocation/${id}/response`;
export const errorPath = (id: string) => `/2018-06-01/runtime/invocation/${id}/error`;

/**
 * Starts compiled clients (argv `args`, fixtures as the task root) against fresh fake Runtime APIs and
 * keeps them, so a test file stops them all in its `after` hook with `stopAll()`.
 */
export function runtimeLauncher() {
  const running: Array<{ api: FakeRuntimeApi; runtime: RuntimeProcess }> = [];
  return {
    async launch(args: readonly string[], env: Record<string, string> = {}) {
      const api = await startFakeRuntimeApi();
      const runtime = spawnRuntime(args, {
        ...BASE_ENV,
        AWS_LAMBDA_RUNTIME_API: api.address,
        LAMBDA_TASK_ROOT: FIXTURES,
        ...env,
      });
      running.push({ api, runtime });
      return { api, runtime };
    },
    async stopAll() {
      for (const { api, runtime } of running.splice(0)) {
        await runtime.stop();
        await api.close();
      }
    },
  };
}
