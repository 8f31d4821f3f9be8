// `lambda-ml synth`: synthesizes the CDK app offline (no AWS access, no Docker) and lists the template's resources.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { addInfraOptions, contextArgs, DeployError, type InfraFlags, runCdk } from './cdk-app.js';

interface SynthFlags extends InfraFlags {
  readonly out: string;
}

/** `Type  LogicalId` lines of a synthesized template, in template order. */
export function resourceList(templateText: string): string[] {
  const template = JSON.parse(templateText) as { Resources?: Record<string, { Type: string }> };
  return Object.entries(template.Resources ?? {}).map(
    ([id, resource]) => `${resource.Type.padEnd(28)} ${id}`,
  );
}

export function registerSynth(program: Command): void {
  addInfraOptions(
    program
      .command('synth')
      .description(
        'synthesize the CDK app (infra/) to CloudFormation; needs neither AWS credentials nor Docker',
      ),
  )
    .option('--out <dir>', 'cloud assembly directory', 'infra/cdk.out')
    .action(async (flags: SynthFlags) => {
      const out = resolve(flags.out);
      const code = await runCdk(['synth', '--quiet', '--output', out, ...contextArgs(flags)]);
      if (code !== 0) throw new DeployError(`cdk synth failed (exit ${code}); its message is above`);
      const stack = flags.stackName ?? 'LambdaMl';
      const template = join(out, `${stack}.template.json`);
      process.stdout.write(`${template}\n${resourceList(readFileSync(template, 'utf8')).join('\n')}\n`);
    });
}
