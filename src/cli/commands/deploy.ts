// `lambda-ml deploy`: `cdk deploy` of the infra/ app with the chosen options, after a fast credentials check.
import type { Command } from 'commander';
import {
  addInfraOptions,
  CREDENTIALS_HELP,
  contextArgs,
  DeployError,
  findCredentialSource,
  type InfraFlags,
  runCdk,
} from './cdk-app.js';

interface DeployFlags extends InfraFlags {
  readonly yes?: boolean;
}

export function registerDeploy(program: Command): void {
  addInfraOptions(
    program
      .command('deploy')
      .description(
        'build the image, push it and deploy the stack with the AWS CDK (needs AWS credentials and Docker)',
      ),
  )
    .option('-y, --yes', 'do not ask before security-relevant changes (cdk --require-approval never)')
    .action(async (flags: DeployFlags) => {
      const source = findCredentialSource();
      if (source === null) throw new DeployError(CREDENTIALS_HELP);
      process.stderr.write(`lambda-ml deploy: using AWS credentials from ${source}\n`);
      const approval = flags.yes ? ['--require-approval', 'never'] : [];
      const code = await runCdk(['deploy', ...approval, ...contextArgs(flags)]);
      if (code !== 0) throw new DeployError(`cdk deploy failed (exit ${code}); its message is above`);
    });
}
