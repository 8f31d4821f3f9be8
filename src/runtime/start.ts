// Starts the runtime client in this process: wires process I/O (env, HTTP, signals, console) into the loop.
import { createHttpRuntimeApi } from './api-client.js';
import type { ErrorBody } from './errors.js';
import { RuntimeConfigError, UnhandledPromiseRejectionError } from './errors.js';
import { processEventLoop } from './invoke.js';
import { logOptionsFromEnv, patchConsole } from './logging.js';
import { EXIT_API_FAILURE, type RuntimeHandle, startRuntime } from './runtime.js';

function fail(message: string): void {
  process.stderr.write(`lambda-ml runtime: ${message}\n`);
  process.exitCode = EXIT_API_FAILURE;
}

/** `argv` is `[module.function]` or empty (then `_HANDLER`); everything else comes from the environment. */
export function startRuntimeProcess(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const handlerName = argv[0] ?? env._HANDLER;
  const address = env.AWS_LAMBDA_RUNTIME_API;
  if (!address) {
    fail(
      new RuntimeConfigError('AWS_LAMBDA_RUNTIME_API is not set; expected host:port of the Runtime API')
        .message,
    );
    return;
  }
  if (!handlerName) {
    fail(new RuntimeConfigError('no handler: pass module.function as the argument or set _HANDLER').message);
    return;
  }
  let handle: RuntimeHandle | undefined;
  const clock = { now: () => Date.now() };
  patchConsole(
    console,
    logOptionsFromEnv(env, {
      clock,
      write: (line) => process.stdout.write(line),
      requestId: () => handle?.currentRequestId(),
    }),
  );
  handle = startRuntime(handlerName, {
    api: createHttpRuntimeApi(address),
    taskRoot: env.LAMBDA_TASK_ROOT || process.cwd(),
    env,
    clock,
    eventLoop: processEventLoop(),
    process: {
      onSigterm: (listener) => process.on('SIGTERM', listener),
      onFatal: (listener) => {
        process.on('uncaughtException', listener);
        process.on('unhandledRejection', (reason) => listener(new UnhandledPromiseRejectionError(reason)));
      },
      exit: (code) => process.exit(code),
    },
    logError: (label: string, body: ErrorBody) => console.error(`${label} \t${JSON.stringify(body)}`),
    warn: (message) => process.stderr.write(`${message}\n`),
  });
}
