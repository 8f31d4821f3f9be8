// `lambda-ml serve`: the local Lambda emulator (Invoke API, execution environments, Function URL mode).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULTS, optionsFromRaw } from '../../emulator/options.js';
import { addConsoleOptions, attachConsole, type ConsoleFlags, checkConsoleFlags } from '../console.js';
import { announce, checkModelExists, DEFAULT_MODEL, serveFunction } from '../serving.js';

interface ServeFlags extends ConsoleFlags {
  readonly model?: string;
  readonly handler?: string;
  readonly port?: string;
  readonly host?: string;
  readonly taskRoot?: string;
  readonly functionName?: string;
  readonly timeout?: string;
  readonly initTimeout?: string;
  readonly memory?: string;
  readonly concurrency?: string;
  readonly warm?: string;
  readonly functionUrl?: boolean;
  readonly requestTimeout?: string;
  readonly maxConnections?: string;
  readonly allowedHosts?: string;
  readonly gracePeriod?: string;
  readonly queueBytes?: string;
  readonly deadLetterFile?: string;
  readonly bootstrap?: string[];
  readonly failFast?: boolean;
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('serve a function locally with real Lambda semantics (drop-in for aws-lambda-rie)')
    .option(
      '--model <file>',
      `model file given to instances as MODEL_PATH (env MODEL_PATH; default ${DEFAULT_MODEL}, what \`start\` trains): an artifact, or a scikit-learn/XGBoost/LightGBM file`,
    )
    .option(
      '--handler <module.function>',
      `handler under the task root (env HANDLER; default ${DEFAULTS.handler})`,
    )
    .option('--port <port>', `port, 0 = any free one (env PORT; default ${DEFAULTS.port})`)
    .option(
      '--host <host>',
      `address to listen on, 0.0.0.0 in a container (env HOST; default ${DEFAULTS.host})`,
    )
    .option(
      '--task-root <dir>',
      'LAMBDA_TASK_ROOT of the instances (default: dist/, or the cwd with --bootstrap)',
    )
    .option('--function-name <name>', `function name (env FUNCTION_NAME; default ${DEFAULTS.functionName})`)
    .option('--timeout <seconds>', `invocation timeout (env TIMEOUT; default ${DEFAULTS.timeout})`)
    .option(
      '--init-timeout <seconds>',
      `how long an instance may take to initialise, Lambda's Init phase limit (env INIT_TIMEOUT; default ${DEFAULTS.initTimeout})`,
    )
    .option('--memory <MB>', `memory limit per instance (env MEMORY; default ${DEFAULTS.memory})`)
    .option(
      '--concurrency <n>',
      `max simultaneous instances (env CONCURRENCY; default ${DEFAULTS.concurrency})`,
    )
    .option('--warm <n>', 'instances started before accepting calls (env WARM; default 0)')
    .option('--function-url', 'also serve plain HTTP requests as Function URL events (env FUNCTION_URL=1)')
    .option(
      '--request-timeout <seconds>',
      `a request must arrive in full within this, else 408 (env REQUEST_TIMEOUT; default ${DEFAULTS.requestTimeout})`,
    )
    .option(
      '--max-connections <n>',
      `open Invoke API connections at most (env MAX_CONNECTIONS; default ${DEFAULTS.maxConnections})`,
    )
    .option(
      '--allowed-hosts <names>',
      'Host names to answer besides loopback ones and --host, comma-separated, * = any (env ALLOWED_HOSTS)',
    )
    .option(
      '--grace-period <seconds>',
      `at shutdown, how long in-flight calls and queued Event invocations may still run (env GRACE_PERIOD; default ${DEFAULTS.gracePeriod})`,
    )
    .option(
      '--queue-bytes <n>',
      `bytes of Event payloads the queue holds, each event counting 512 more; beyond → 429 (env QUEUE_BYTES; default ${DEFAULTS.queueBytes})`,
    )
    .option(
      '--dead-letter-file <path>',
      'where Event invocations not run at shutdown are written, one JSON object per line; exit status 75 then (env DEAD_LETTER_FILE; default a new file in the temporary directory)',
    )
    .option(
      '--bootstrap <command...>',
      'run this Runtime API process instead of the built-in runtime (env BOOTSTRAP)',
    )
    .option(
      '--fail-fast',
      'initialise one instance before listening is announced, exit if it cannot (default with the built-in handler)',
    )
    .option('--no-fail-fast', 'start instances lazily on the first call only, as Lambda does')
    .argument('[bootstrapArgs...]', 'arguments for --bootstrap that start with "-", after "--"');
  addConsoleOptions(command).action(async (bootstrapArgs: string[], flags: ServeFlags) => {
    checkConsoleFlags(flags);
    const bootstrap = flags.bootstrap === undefined ? undefined : [...flags.bootstrap, ...bootstrapArgs];
    const raw = optionsFromRaw({ ...flags, bootstrap });
    // The built-in prediction handler needs a model: the one `start` trains unless one is named.
    const builtIn = raw.bootstrap === undefined && (raw.handler ?? DEFAULTS.handler) === DEFAULTS.handler;
    const named = raw.modelPath !== undefined;
    const modelPath = named || builtIn ? resolve(raw.modelPath ?? DEFAULT_MODEL) : undefined;
    if (modelPath !== undefined) checkModelExists(modelPath);
    const options = { ...raw, modelPath };
    const { emulator, beside } = await serveFunction(
      options,
      { failFast: flags.failFast ?? builtIn, ...(builtIn && modelPath !== undefined ? { modelPath } : {}) },
      (started) => attachConsole(started, flags, modelPath),
    );
    announce(emulator, options.functionName ?? DEFAULTS.functionName, beside.line);
  });
}
