// Assertions on the synthesized stack: every ModelFunction property from the issue, defaults and options.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { ModelFunctionProps } from '../lib/model-function.js';
import { LambdaMlStack } from '../lib/stack.js';

function synth(model: ModelFunctionProps = {}): {
  stack: LambdaMlStack;
  template: Template;
  image: ImageSource;
} {
  const app = new App();
  const stack = new LambdaMlStack(app, 'Test', { model });
  const template = Template.fromStack(stack);
  const manifest = JSON.parse(readFileSync(join(app.outdir, 'Test.assets.json'), 'utf8'));
  const images = Object.values(manifest.dockerImages ?? {}) as Array<{ source: ImageSource }>;
  assert.equal(images.length, 1, 'one docker image asset');
  return { stack, template, image: (images[0] as { source: ImageSource }).source };
}

interface ImageSource {
  readonly directory: string;
  readonly dockerFile: string;
  readonly platform?: string;
  readonly dockerBuildArgs?: Record<string, string>;
}

describe('ModelFunction defaults', () => {
  const { template, image } = synth();

  it('builds its image from container/Dockerfile for linux/arm64 as a staged asset (no Docker at synth)', () => {
    assert.equal(image.dockerFile, 'container/Dockerfile');
    assert.equal(image.platform, 'linux/arm64');
    assert.deepEqual(image.dockerBuildArgs ?? {}, {});
  });

  it('is a container-image function built from container/Dockerfile, arm64, 1024 MB, 10 s, 512 MiB /tmp', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 10,
      EphemeralStorage: { Size: 512 },
      ImageConfig: { Command: ['function/handler.handler'] },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('ModelLogs') } },
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    assert.equal(fn?.Properties.ReservedConcurrentExecutions, undefined);
  });

  it('keeps logs 30 days in its own group, writable only by its role', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelLogs'), 'Arn'] },
          },
        ],
      },
    });
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('publishes a version and points the live alias at it, without provisioned concurrency', () => {
    template.resourceCountIs('AWS::Lambda::Version', 1);
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelFunctionCurrentVersion'), 'Version'] },
      ProvisionedConcurrencyConfig: Match.absent(),
    });
  });

  it('serves a Function URL on the alias with AWS_IAM auth', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      Qualifier: 'live',
    });
  });

  it('alarms on errors, throttles and p99 duration', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Statistic: 'Sum',
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('outputs the function name, alias ARN and URL', () => {
    template.hasOutput('FunctionName', { Value: { Ref: Match.stringLikeRegexp('ModelFunction') } });
    template.hasOutput('AliasArn', { Value: { Ref: Match.stringLikeRegexp('ModelLive') } });
    template.hasOutput('FunctionUrl', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelLiveFunctionUrl'), 'FunctionUrl'] },
    });
  });
});

describe('ModelFunction options', () => {
  it('applies architecture, memory, timeout, storage, retention, concurrency, handler and alarm threshold', () => {
    const { template, image } = synth({
      buildArgs: { MODEL_SHA256: 'ab'.repeat(32) },
      architecture: 'x86_64',
      memorySize: 2048,
      timeoutSeconds: 30,
      ephemeralStorageMiB: 1024,
      logRetentionDays: 7,
      provisionedConcurrency: 2,
      reservedConcurrency: 5,
      durationAlarmMs: 250,
      handler: 'function/other.handler',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['x86_64'],
      MemorySize: 2048,
      Timeout: 30,
      EphemeralStorage: { Size: 1024 },
      ReservedConcurrentExecutions: 5,
      ImageConfig: { Command: ['function/other.handler'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Threshold: 250 });
    assert.equal(image.platform, 'linux/amd64');
    assert.deepEqual(image.dockerBuildArgs, { MODEL_SHA256: 'ab'.repeat(32) });
  });

  it('makes the URL public only on explicit opt-in, with a warning', () => {
    const { stack, template } = synth({ functionUrlAuth: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    Annotations.fromStack(stack).hasWarning('/Test/Model', Match.stringLikeRegexp('anyone on the internet'));
    const quiet = synth();
    assert.equal(
      Annotations.fromStack(quiet.stack).findWarning('*', Match.stringLikeRegexp('anyone')).length,
      0,
    );
  });
});
