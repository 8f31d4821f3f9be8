// `lambda-ml doctor`: checks what `deploy` needs (Node, Docker, arm64 builds, AWS credentials, region, CDK
// bootstrap) and says what to do for each missing piece. Exit 1 when something deploy cannot do without.
import { execFile } from 'node:child_process';
import type { Command } from 'commander';
import { type BootstrapLookup, type Exec, formatChecks, runChecks, systemDeps } from '../doctor-checks.js';

/** The CDK's default bootstrap qualifier: its stack writes its version to this SSM parameter. */
const BOOTSTRAP_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

const exec: Exec = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { timeout: 15_000, encoding: 'utf8' }, (error, stdout) =>
      resolve(error ? null : stdout),
    );
  });

/** Reads the bootstrap version from SSM (the SDK is imported only here). */
const ssmBootstrap: BootstrapLookup = async (region) => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({ region, maxAttempts: 2 });
  try {
    const out = await client.send(new GetParameterCommand({ Name: BOOTSTRAP_PARAMETER }));
    return out.Parameter?.Value ?? null;
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') return null;
    throw error;
  } finally {
    client.destroy();
  }
};

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check what deploy needs: Node, Docker, arm64 builds, AWS credentials, region, CDK bootstrap',
    )
    .action(async () => {
      const results = await runChecks(systemDeps(exec, ssmBootstrap));
      process.stdout.write(`${formatChecks(results)}\n`);
      const blocking = results.filter((r) => r.status === 'missing');
      if (blocking.length > 0) {
        process.stdout.write(`\n${blocking.length} thing(s) to fix before \`npx lambda-ml deploy\`.\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write('\nReady to deploy: `npx lambda-ml deploy`.\n');
      }
    });
}
