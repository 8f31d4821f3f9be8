// The lambda-ml stack: one ModelFunction (with its safe rollout), optionally BatchScoring, and their outputs.
// cdk-nag runs on it; the function's part has no acknowledged findings (its execution role writes only its own
// log group, ECR pull rights come from the bootstrap repository's policy); BatchScoring acknowledges its few
// service wildcards by exact id, each with its reason.
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type BatchScoringOptions, resolveBatchOptions } from './batch-options.js';
import { BatchScoring } from './batch-scoring.js';
import { ModelFunction, type ModelFunctionProps } from './model-function.js';

export interface LambdaMlStackProps extends StackProps {
  readonly model?: ModelFunctionProps;
  /** Adds the S3 + Step Functions batch-scoring pipeline (`lambda-ml batch-submit`). Default: not created. */
  readonly batch?: BatchScoringOptions;
}

export class LambdaMlStack extends Stack {
  readonly model: ModelFunction;
  readonly batch?: BatchScoring;

  constructor(scope: Construct, id: string, props: LambdaMlStackProps = {}) {
    super(scope, id, props);
    // Invalid batch options fail synth before any resource exists.
    if (props.batch !== undefined) resolveBatchOptions(props.batch);
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
    if (props.batch !== undefined) this.batch = this.addBatch(props.batch);
  }

  private addBatch(options: BatchScoringOptions): BatchScoring {
    const batch = new BatchScoring(this, 'Batch', {
      ...options,
      model: this.model.alias,
      ...(this.model.options.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrency: this.model.options.reservedConcurrency }),
    });
    new CfnOutput(this, 'BatchBucket', {
      value: batch.bucket.bucketName,
      description: 'batch scoring bucket: put files under input/, answers appear under output/',
    });
    new CfnOutput(this, 'BatchStateMachineArn', {
      value: batch.stateMachine.stateMachineArn,
      description: 'lambda-ml batch-submit --state-machine <arn> --input s3://<bucket>/input/<file>',
    });
    return batch;
  }
}
