// Entry of the runtime client (`node dist/runtime/main.js [module.function]`): wires process I/O into the loop.
import { createHttpRuntimeApi } from './api-client.js';
import type { ErrorBody } from './error-body.js';
import { RuntimeConfigError, UnhandledPromiseRejectionError } from './errors.js';
import { processEventLoop } from './invoke.js';
import { logOptionsFromEnv, patchConsole } from './logging.js';
import { EXIT_API_FAILURE, type RuntimeHandle, startRuntime } from './runtime.js';

function fail(message: string): void {
  process.stderr.write(`lambda-ml runtime: ${message}\n`);
  process.exitCode = EXIT_API_FAILURE;
}

function main(argv: readonly string[]): void {
  const env = process.env;
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

main(process.argv.slice(2));
