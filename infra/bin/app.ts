// The CDK app entry (`cdk synth` / `cdk deploy` run it): options come from CDK context (-c key=value).
import { App } from 'aws-cdk-lib';
import { batchFromContext, optionsFromContext } from '../lib/context.js';
import { applyNag } from '../lib/nag.js';
import { InfraOptionError } from '../lib/options.js';
import { LambdaMlStack } from '../lib/stack.js';

function build(app: App): void {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const stackName = String(context('stackName') ?? 'LambdaMl');
  const modelSha256 = context('modelSha256');
  new LambdaMlStack(app, stackName, {
    description: 'lambda-ml: a random-forest model served from a Lambda container image',
    model: {
      ...optionsFromContext(context),
      // Labels the image with the model digest (the Dockerfile verifies the trained file matches it).
      ...(typeof modelSha256 === 'string' && modelSha256 !== ''
        ? { buildArgs: { MODEL_SHA256: modelSha256 } }
        : {}),
    },
    batch: batchFromContext(context),
  });
  applyNag(app);
}

const app = new App();
try {
  build(app);
} catch (error) {
  // An invalid option is a user error: one line naming it, not a stack trace.
  if (!(error instanceof InfraOptionError)) throw error;
  process.stderr.write(`lambda-ml infra: ${error.message}\n`);
  process.exit(1);
}
app.synth();
