// The App the assertion tests build stacks in.
import { App } from 'aws-cdk-lib';

/**
 * An App without aws-cdk-lib's built-in CloudFormation schema validation, which costs seconds of CPU per synth.
 * nag.test.ts keeps it on (a plain `new App()`) and asserts that its report is empty for the full stack, with and
 * without the batch pipeline: a schema finding anywhere would show there.
 */
export function testApp(): App {
  return new App({ builtinCloudFormationValidation: false });
}
