// The CDK app entry (`cdk synth` / `cdk deploy` run it): options come from CDK context (-c key=value).
import { App } from 'aws-cdk-lib';
import { optionsFromContext } from '../lib/context.js';
import { applyNag } from '../lib/nag.js';
import { LambdaMlStack } from '../lib/stack.js';

const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);
const stackName = String(context('stackName') ?? 'LambdaMl');
const modelSha256 = context('modelSha256');

new LambdaMlStack(app, stackName, {
  description: 'lambda-ml: a random-forest model served from a Lambda container image',
  model: {
    ...optionsFromContext(context),
    ...(typeof modelSha256 === 'string' && modelSha256 !== ''
      ? { buildArgs: { MODEL_SHA256: modelSha256 } }
      : {}),
  },
});
applyNag(app);
app.synth();
