// `lambda-ml runtime <module.function>`: runs the zero-dependency Lambda runtime client in this process.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startRuntimeProcess } from '../../runtime/start.js';

interface RuntimeFlags {
  readonly runtimeApi?: string;
  readonly taskRoot?: string;
}

export function registerRuntime(program: Command): void {
  program
    .command('runtime')
    .description('Run a Node Lambda handler against a Lambda Runtime API (what the container runs on Lambda)')
    .argument(
      '[handler]',
      'module.function resolved under the task root, e.g. function/handler.handler (default: $_HANDLER)',
    )
    .option('--runtime-api <host:port>', 'Runtime API address (default: $AWS_LAMBDA_RUNTIME_API)')
    .option(
      '--task-root <dir>',
      'directory the handler is resolved under (default: $LAMBDA_TASK_ROOT or the current directory)',
    )
    .action((handler: string | undefined, flags: RuntimeFlags) => {
      if (flags.runtimeApi !== undefined) process.env.AWS_LAMBDA_RUNTIME_API = flags.runtimeApi;
      if (flags.taskRoot !== undefined) process.env.LAMBDA_TASK_ROOT = resolve(flags.taskRoot);
      // Not awaited: the loop runs until the Runtime API or a signal ends the process.
      startRuntimeProcess(handler === undefined ? [] : [handler]);
    });
}
