// `lambda-ml serve`: the local Lambda emulator (Invoke API, execution environments, Function URL mode).
import type { Command } from 'commander';
import { DEFAULTS, optionsFromRaw } from '../../emulator/options.js';
import { startEmulator } from '../../emulator/server.js';
import { banner, closeOnSignal } from '../../emulator/shutdown.js';

interface ServeFlags {
  readonly model?: string;
  readonly handler?: string;
  readonly port?: string;
  readonly host?: string;
  readonly taskRoot?: string;
  readonly functionName?: string;
  readonly timeout?: string;
  readonly memory?: string;
  readonly concurrency?: string;
  readonly warm?: string;
  readonly functionUrl?: boolean;
  readonly bootstrap?: string[];
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve a function locally with real Lambda semantics (drop-in for aws-lambda-rie)')
    .option('--model <file>', 'model artifact given to instances as MODEL_PATH (env MODEL_PATH)')
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
    .option('--memory <MB>', `memory limit per instance (env MEMORY; default ${DEFAULTS.memory})`)
    .option(
      '--concurrency <n>',
      `max simultaneous instances (env CONCURRENCY; default ${DEFAULTS.concurrency})`,
    )
    .option('--warm <n>', 'instances started before accepting calls (env WARM; default 0)')
    .option('--function-url', 'also serve plain HTTP requests as Function URL events (env FUNCTION_URL=1)')
    .option(
      '--bootstrap <command...>',
      'run this Runtime API process instead of the built-in runtime (env BOOTSTRAP)',
    )
    .argument('[bootstrapArgs...]', 'arguments for --bootstrap that start with "-", after "--"')
    .action(async (bootstrapArgs: string[], flags: ServeFlags) => {
      const bootstrap = flags.bootstrap === undefined ? undefined : [...flags.bootstrap, ...bootstrapArgs];
      const options = optionsFromRaw({ ...flags, bootstrap });
      const emulator = await startEmulator(options);
      closeOnSignal(emulator);
      process.stderr.write(banner(emulator, options.functionName ?? DEFAULTS.functionName));
    });
}
