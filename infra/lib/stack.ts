// The lambda-ml stack: one ModelFunction, and its outputs. cdk-nag runs on it with no acknowledged findings:
// the execution role writes only its own log group, and ECR pull rights come from the bootstrap repository's policy.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ModelFunction, type ModelFunctionProps } from './model-function.js';

export interface LambdaMlStackProps extends StackProps {
  readonly model?: ModelFunctionProps;
}

export class LambdaMlStack extends Stack {
  readonly model: ModelFunction;

  constructor(scope: Construct, id: string, props: LambdaMlStackProps = {}) {
    super(scope, id, props);
    this.model = new ModelFunction(this, 'Model', props.model);

    new CfnOutput(this, 'FunctionName', {
      value: this.model.function.functionName,
      description: 'Lambda function name (lambda-ml invoke --function <name>)',
    });
    new CfnOutput(this, 'AliasArn', {
      value: this.model.alias.functionArn,
      description: 'ARN of the live alias',
    });
    new CfnOutput(this, 'FunctionUrl', {
      value: this.model.url.url,
      description: `Function URL of the live alias (auth ${this.model.options.functionUrlAuth})`,
    });
  }
}
