// `lambda-ml bootstrap`: `cdk bootstrap` run from the CDK app's own folder (once per account and region).
import type { Command } from 'commander';
import { CREDENTIALS_HELP, DeployError, findCredentialSource, runCdk } from './cdk-app.js';

interface BootstrapFlags {
  readonly environment?: string;
}

export function registerBootstrap(program: Command): void {
  program
    .command('bootstrap')
    .description(
      'prepare an AWS account and region for `deploy` (cdk bootstrap: the asset bucket and image repository)',
    )
    .option('--environment <aws://ACCOUNT/REGION>', 'the account and region (default: from your credentials)')
    .action(async (flags: BootstrapFlags) => {
      const source = findCredentialSource();
      if (source === null) throw new DeployError(CREDENTIALS_HELP);
      process.stderr.write(`lambda-ml bootstrap: using AWS credentials from ${source}\n`);
      const target = flags.environment === undefined ? [] : [flags.environment];
      const code = await runCdk(['bootstrap', ...target]);
      if (code !== 0) throw new DeployError(`cdk bootstrap failed (exit ${code}); its message is above`);
    });
}
