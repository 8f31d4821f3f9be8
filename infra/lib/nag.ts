// Runs cdk-nag's AwsSolutions rules as a CDK policy-validation plugin, so synth fails on an unacknowledged finding.
import { type App, Validations } from 'aws-cdk-lib';
// cdk-nag is CommonJS without static export names, so ESM sees only its default export.
import cdkNag from 'cdk-nag';

export function applyNag(app: App): void {
  // writeSuppressionsToCloudFormation keeps each acknowledgement's reason visible in the template.
  Validations.of(app).addPlugins(
    new cdkNag.AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
}
