#!/usr/bin/env node
// Zero-dependency emulator entry (`node dist/emulator/main.js`, used by the container): flags or env vars.
import { parseArgs } from 'node:util';
import { describeError } from '../core/errors.js';
import { optionsFromRaw } from './options.js';
import { startEmulator } from './server.js';
import { banner, closeOnSignal } from './shutdown.js';

const USAGE = `usage: node dist/emulator/main.js [--port N] [--host H] [--handler module.fn] [--model PATH]
  [--task-root DIR] [--function-name NAME] [--timeout S] [--init-timeout S] [--memory MB]
  [--concurrency N] [--warm N]
  [--function-url] [--request-timeout S] [--max-connections N] [--allowed-hosts NAME,...]
  [--grace-period S] [--queue-bytes N] [--dead-letter-file PATH] [--bootstrap CMD [ARGS...]]
  (env: PORT HOST HANDLER MODEL_PATH LAMBDA_TASK_ROOT FUNCTION_NAME TIMEOUT INIT_TIMEOUT MEMORY
  CONCURRENCY WARM
  FUNCTION_URL REQUEST_TIMEOUT MAX_CONNECTIONS ALLOWED_HOSTS GRACE_PERIOD QUEUE_BYTES DEAD_LETTER_FILE
  BOOTSTRAP)
Exit status after SIGINT/SIGTERM: 0, or 75 when accepted Event invocations did not run and were written
to the dead-letter file.
`;

async function main(argv: string[]): Promise<void> {
  // Everything after --bootstrap is the runtime's argv, as with aws-lambda-rie.
  const at = argv.indexOf('--bootstrap');
  const own = at < 0 ? argv : argv.slice(0, at);
  const bootstrap = at < 0 ? undefined : argv.slice(at + 1);
  const { values } = parseArgs({
    args: own,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      handler: { type: 'string' },
      model: { type: 'string' },
      'task-root': { type: 'string' },
      'function-name': { type: 'string' },
      timeout: { type: 'string' },
      'init-timeout': { type: 'string' },
      memory: { type: 'string' },
      concurrency: { type: 'string' },
      warm: { type: 'string' },
      'function-url': { type: 'boolean' },
      'request-timeout': { type: 'string' },
      'max-connections': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'grace-period': { type: 'string' },
      'queue-bytes': { type: 'string' },
      'dead-letter-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const options = optionsFromRaw({
    port: values.port,
    host: values.host,
    handler: values.handler,
    model: values.model,
    taskRoot: values['task-root'],
    functionName: values['function-name'],
    timeout: values.timeout,
    initTimeout: values['init-timeout'],
    memory: values.memory,
    concurrency: values.concurrency,
    warm: values.warm,
    functionUrl: values['function-url'],
    requestTimeout: values['request-timeout'],
    maxConnections: values['max-connections'],
    allowedHosts: values['allowed-hosts'],
    gracePeriod: values['grace-period'],
    queueBytes: values['queue-bytes'],
    deadLetterFile: values['dead-letter-file'],
    bootstrap,
  });
  const emulator = await startEmulator(options);
  closeOnSignal(emulator);
  process.stderr.write(banner(emulator, options.functionName ?? 'lambda-ml'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`lambda-ml emulator: ${describeError(error)}\n`);
  process.exitCode = 1;
});
