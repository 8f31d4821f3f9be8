// `lambda-ml deploy`: `cdk deploy` of the infra/ app with the chosen options, after a fast credentials check.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Command } from 'commander';
import { serializeArtifact } from '../../model/artifact.js';
import { trainFromConfig } from '../../model/train.js';
import { readJsonConfig } from '../files.js';
import {
  addInfraOptions,
  CREDENTIALS_HELP,
  contextArgs,
  DeployError,
  findCredentialSource,
  type InfraFlags,
  REPO_ROOT,
  runCdk,
} from './cdk-app.js';

interface DeployFlags extends InfraFlags {
  readonly yes?: boolean;
  readonly modelDigest: boolean;
}

/**
 * The sha256 the image build must reproduce: the default config trained here, byte for byte as
 * `lambda-ml train` writes it. Passed as MODEL_SHA256, it labels the image, makes the build fail if
 * training in the image gives a different model, and is the function's MODEL_SHA256 pin.
 */
export function localModelSha256(configPath = join(REPO_ROOT, 'config', 'default-training.json')): string {
  const text = serializeArtifact(trainFromConfig(readJsonConfig(configPath)));
  return createHash('sha256').update(text, 'utf8').digest('hex');
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
    .option(
      '--no-model-digest',
      'do not train locally for the model sha256: no MODEL_SHA256 pin on the function, no image label',
    )
    .action(async (flags: DeployFlags) => {
      const source = findCredentialSource();
      if (source === null) throw new DeployError(CREDENTIALS_HELP);
      process.stderr.write(`lambda-ml deploy: using AWS credentials from ${source}\n`);
      const approval = flags.yes ? ['--require-approval', 'never'] : [];
      // The digest pins the function's model (MODEL_SHA256) and gates and labels the image build.
      const digest = ['-c', `modelSha256=${flags.modelDigest ? localModelSha256() : 'off'}`];
      const code = await runCdk(['deploy', ...approval, ...digest, ...contextArgs(flags)]);
      if (code !== 0) throw new DeployError(`cdk deploy failed (exit ${code}); its message is above`);
    });
}
