// Assertions on the synthesized stack: every ModelFunction property from the issue, defaults and options.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { ModelFunctionProps } from '../lib/model-function.js';
import { LambdaMlStack } from '../lib/stack.js';
import { testApp } from './app.js';

function synth(model: ModelFunctionProps = {}): {
  stack: LambdaMlStack;
  template: Template;
  image: ImageSource;
} {
  const app = testApp();
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

  it('keeps logs 30 days in its own group, writable only by its role (which may also send async failures to their queue)', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelLogs'), 'Arn'] },
          },
          {
            Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelAsyncFailures'), 'Arn'] },
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

  it('alarms on errors, throttles, p99 duration and failed async invocations', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
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
      // One-minute datapoints, 3 of 5: fires within a 5-minute canary step (CodeDeploy rolls back on it).
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelAsyncFailures'), 'QueueName'] },
        },
      ],
      Threshold: 1,
    });
  });

  it('notifies an encrypted, TLS-only SNS topic from every alarm; no subscription unless an email is given', () => {
    const topics = template.findResources('AWS::SNS::Topic');
    assert.equal(Object.keys(topics).length, 1);
    const [topicId, topic] = Object.entries(topics)[0] as [string, { Properties: Record<string, unknown> }];
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    assert.deepEqual(topic.Properties.KmsMasterKeyId, { 'Fn::GetAtt': [keyId, 'Arn'] });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      assert.deepEqual(alarm.Properties.AlarmActions, [{ Ref: topicId }], alarm.Properties.AlarmDescription);
    }
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // CloudWatch may use the key and publish to the topic; plain HTTP publishing is denied.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Action: 'sns:Publish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('sends async invocations that fail every attempt to an encrypted, TLS-only SQS queue (function and live alias)', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    // The unqualified function ($LATEST) and the live alias (its qualifier is taken from the alias ARN).
    const qualifiers = configs.map((c) => JSON.stringify(c.Properties.Qualifier)).sort();
    assert.equal(qualifiers.length, 2);
    assert.equal(qualifiers[0], '"$LATEST"');
    assert.match(qualifiers[1] as string, /"Ref":"ModelLive[0-9A-F]{8}"/);
    for (const config of configs) {
      assert.deepEqual(config.Properties.DestinationConfig, {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Object.keys(template.findResources('AWS::SQS::Queue'))[0], 'Arn'] },
        },
      });
    }
  });

  it('sets no model pin and no registry scanning rule unless asked', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    assert.equal(fn?.Properties.Environment, undefined);
    template.resourceCountIs('AWS::ECR::RegistryScanningConfiguration', 0);
  });

  it('rolls each new version out as a 10% canary for 5 minutes, rolling back on the error and p99 alarms', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      TrafficRoutingConfig: {
        Type: 'TimeBasedCanary',
        TimeBasedCanary: { CanaryPercentage: 10, CanaryInterval: 5 },
      },
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: { Ref: Match.stringLikeRegexp('ModelRolloutConfig') },
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AlarmConfiguration: {
        Enabled: true,
        Alarms: [
          { Name: { Ref: Match.stringLikeRegexp('ModelErrorsAlarm') } },
          { Name: { Ref: Match.stringLikeRegexp('ModelP99DurationAlarm') } },
        ],
      },
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      },
    });
    // CloudFormation hands every change of the alias's version to that deployment group.
    template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: Match.stringLikeRegexp('ModelRolloutDeploymentGroupApplication') },
          DeploymentGroupName: { Ref: Match.stringLikeRegexp('ModelRolloutDeploymentGroup') },
        },
      },
    });
  });

  it('gives CodeDeploy a role that may move only the live alias and read only the rollback alarms', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'codedeploy.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('ModelRolloutServiceRole') }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
            Effect: 'Allow',
            Resource: { Ref: Match.stringLikeRegexp('ModelLive') },
          },
          {
            Action: 'cloudwatch:DescribeAlarms',
            Effect: 'Allow',
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelErrorsAlarm'), 'Arn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelP99DurationAlarm'), 'Arn'] },
            ],
          },
        ],
      },
    });
  });

  it('scales nothing and creates no batch pipeline unless asked', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
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
    // Provisioned concurrency scales from 2 up to 4 x 2 = 8, capped at the reserved 5, keeping 70% busy.
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      MinCapacity: 2,
      MaxCapacity: 5,
      ResourceId: { 'Fn::Join': ['', Match.arrayWith([':live'])] },
      RoleARN: {
        'Fn::Join': [
          '',
          Match.arrayWith([
            Match.stringLikeRegexp('AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency'),
          ]),
        ],
      },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        TargetValue: 0.7,
      },
    });
    assert.equal(image.platform, 'linux/amd64');
    assert.deepEqual(image.dockerBuildArgs, { MODEL_SHA256: 'ab'.repeat(32) });
  });

  it('makes the URL public only on explicit opt-in, with a warning and a concurrency cap of 10 by default', () => {
    const { stack, template } = synth({ functionUrlAuth: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 10 });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Model',
      Match.stringLikeRegexp(
        'anyone on the internet can invoke this function; reserved concurrency caps it at 10',
      ),
    );
    synth({ functionUrlAuth: 'NONE', reservedConcurrency: 50 }).template.hasResourceProperties(
      'AWS::Lambda::Function',
      { ReservedConcurrentExecutions: 50 },
    );
    const quiet = synth();
    assert.equal(
      Annotations.fromStack(quiet.stack).findWarning('*', Match.stringLikeRegexp('anyone')).length,
      0,
    );
  });

  it('refuses a public URL left without a cap, however the cap is removed', () => {
    assert.throws(
      () => synth({ functionUrlAuth: 'NONE', reservedConcurrency: undefined }),
      /functionUrlAuth NONE \(a public URL\) requires reservedConcurrency; leave it out for the default cap of 10/,
    );
    assert.throws(
      () => synth({ functionUrlAuth: 'NONE', provisionedConcurrency: 20 }),
      /provisionedConcurrency \(20\) must not exceed reservedConcurrency \(10\) \(the default cap of a public URL/,
    );
    // An escape hatch that deletes the cap after construction fails synth.
    const app = testApp();
    const stack = new LambdaMlStack(app, 'Hatch', { model: { functionUrlAuth: 'NONE' } });
    (stack.model.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = undefined;
    assert.throws(() => app.synth(), /requires a reserved-concurrency cap, but the function has none/);
  });

  it('subscribes alarmEmail to the alarm topic, and refuses something that is no address', () => {
    const { template } = synth({ alarmEmail: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    assert.throws(
      () => synth({ alarmEmail: 'ops' }),
      /alarmEmail must be an email address like ops@example.com, got "ops"/,
    );
  });

  it('pins the model: MODEL_SHA256 as the image build arg and the function environment', () => {
    const sha = 'cd'.repeat(32);
    const { template, image } = synth({ modelSha256: sha });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MODEL_SHA256: sha } },
    });
    assert.deepEqual(image.dockerBuildArgs, { MODEL_SHA256: sha });
    assert.throws(
      () => synth({ modelSha256: 'CD' }),
      /modelSha256 must be a sha256 as 64 lowercase hex digits/,
    );
  });

  it('turns on ECR scan on push for the CDK asset repositories when asked (a registry-wide rule)', () => {
    synth({ ecrScanOnPush: true }).template.hasResourceProperties('AWS::ECR::RegistryScanningConfiguration', {
      ScanType: 'BASIC',
      Rules: [
        {
          ScanFrequency: 'SCAN_ON_PUSH',
          RepositoryFilters: [{ Filter: 'cdk-*-container-assets-*', FilterType: 'WILDCARD' }],
        },
      ],
    });
  });

  it('linear: 25% more every 2 minutes, warning that the step is shorter than the alarms need', () => {
    const { stack, template } = synth({
      rollout: 'linear',
      rolloutPercent: 25,
      rolloutIntervalMinutes: 2,
      provisionedConcurrency: 3,
      provisionedConcurrencyMax: 12,
      provisionedUtilizationTarget: 0.5,
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      TrafficRoutingConfig: {
        Type: 'TimeBasedLinear',
        TimeBasedLinear: { LinearPercentage: 25, LinearInterval: 2 },
      },
    });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Model/Rollout',
      Match.stringLikeRegexp('rollback alarms need 3 minutes'),
    );
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 3,
      MaxCapacity: 12,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 0.5 },
    });
  });

  it('all-at-once: the predefined CodeDeploy config, still with alarm rollback, and no warning', () => {
    const { stack, template } = synth({ rollout: 'all-at-once' });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_STOP_ON_ALARM']) },
    });
    assert.equal(Annotations.fromStack(stack).findWarning('*', Match.anyValue()).length, 0);
  });
});
