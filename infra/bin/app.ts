// The CDK app entry (`cdk synth` / `cdk deploy` run it): options come from CDK context (-c key=value).
import { App } from 'aws-cdk-lib';
import { batchFromContext, optionsFromContext } from '../lib/context.js';
import { modelPinFromContext } from '../lib/model-digest.js';
import { applyNag } from '../lib/nag.js';
import { InfraOptionError } from '../lib/options.js';
import { LambdaMlStack } from '../lib/stack.js';

function build(app: App): void {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const stackName = String(context('stackName') ?? 'LambdaMl');
  // The model digest, computed here unless given (or `off`): the image build verifies the trained file
  // matches it and labels the image with it, and the function refuses any other file at init.
  const options = optionsFromContext(context);
  const modelSha256 = modelPinFromContext(context('modelSha256'));
  new LambdaMlStack(app, stackName, {
    description: 'lambda-ml: a random-forest model served from a Lambda container image',
    model: {
      ...options,
      ...(modelSha256 === undefined ? {} : { modelSha256 }),
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
