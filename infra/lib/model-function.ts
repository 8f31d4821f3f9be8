// ModelFunction: the model's container image as a Lambda function with a `live` alias, URL, logs and alarms.
import { fileURLToPath } from 'node:url';
import { Annotations, Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type ModelFunctionOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { SafeRollout } from './rollout.js';
import { type RolloutOptions, resolveRollout, resolveScaling } from './rollout-options.js';

/** The repository root: the image asset's build context (its .dockerignore keeps it small). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ModelFunctionProps extends ModelFunctionOptions, RolloutOptions {
  /** Build context for the image. Default: the repository root. */
  readonly imageDirectory?: string;
  /** Dockerfile path relative to the build context. Default: container/Dockerfile. */
  readonly dockerfile?: string;
  /** Extra docker build args (`modelSha256` sets MODEL_SHA256). */
  readonly buildArgs?: Readonly<Record<string, string>>;
}

export class ModelFunction extends Construct {
  readonly function: lambda.DockerImageFunction;
  readonly alias: lambda.Alias;
  readonly url: lambda.FunctionUrl;
  readonly logGroup: logs.LogGroup;
  readonly alarms: {
    readonly errors: cloudwatch.Alarm;
    readonly throttles: cloudwatch.Alarm;
    readonly p99Duration: cloudwatch.Alarm;
    /** An asynchronous invocation failed every attempt and its record is in `failures`. */
    readonly asyncFailures: cloudwatch.Alarm;
  };
  /** Every alarm notifies this topic (KMS-encrypted, TLS-only); `alarmEmail` subscribes an address. */
  readonly alarmTopic: sns.Topic;
  /**
   * Where an asynchronous (Event) invocation goes when it has failed all its attempts or expired: the
   * request payload and the error, as Lambda's destination record. Encrypted, TLS-only, kept 14 days.
   */
  readonly failures: sqs.Queue;
  readonly options: ResolvedOptions;
  /** CodeDeploy moves `live` to each new version (canary by default) and rolls back on the alarms. */
  readonly rollout: SafeRollout;

  constructor(scope: Construct, id: string, props: ModelFunctionProps = {}) {
    super(scope, id);
    const options = resolveOptions(props);
    this.options = options;
    // Checked before any resource exists, like the options above.
    resolveRollout(props);
    const scaling = resolveScaling(props, options.provisionedConcurrency, options.reservedConcurrency);
    const arm = options.architecture === 'arm64';

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: options.logRetentionDays as logs.RetentionDays,
    });
    const role = this.executionRole();
    this.failures = new sqs.Queue(this, 'AsyncFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // cdk-nag wants every queue to have a dead-letter queue or be one; this one is the dead-letter
    // destination of the function's asynchronous invocations (Lambda writes it, nothing consumes from it
    // automatically), which the rule cannot see.
    Validations.of(this.failures.node.defaultChild as sqs.CfnQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination (on-failure) of the asynchronous invocations; a DLQ of a DLQ would only move the records.',
    });
    const onFailure = new destinations.SqsDestination(this.failures);

    this.function = new lambda.DockerImageFunction(this, 'Function', {
      code: lambda.DockerImageCode.fromImageAsset(props.imageDirectory ?? REPO_ROOT, {
        file: props.dockerfile ?? 'container/Dockerfile',
        platform: arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
        buildArgs: {
          ...(options.modelSha256 === undefined ? {} : { MODEL_SHA256: options.modelSha256 }),
          ...props.buildArgs,
        },
        cmd: [options.handler],
      }),
      architecture: arm ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      memorySize: options.memorySize,
      timeout: Duration.seconds(options.timeoutSeconds),
      ephemeralStorageSize: Size.mebibytes(options.ephemeralStorageMiB),
      logGroup: this.logGroup,
      role,
      ...(options.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: options.reservedConcurrency }),
      ...(options.modelSha256 === undefined ? {} : { environment: { MODEL_SHA256: options.modelSha256 } }),
      // Asynchronous invocations of the function itself ($LATEST); the alias has its own below.
      onFailure,
      description: 'lambda-ml: random-forest predictions from a container image',
    });

    this.alias = new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.function.currentVersion,
      onFailure,
      ...(options.provisionedConcurrency === undefined
        ? {}
        : { provisionedConcurrentExecutions: options.provisionedConcurrency }),
    });

    const authType =
      options.functionUrlAuth === 'NONE'
        ? lambda.FunctionUrlAuthType.NONE
        : lambda.FunctionUrlAuthType.AWS_IAM;
    this.url = this.alias.addFunctionUrl({ authType });
    if (authType === lambda.FunctionUrlAuthType.NONE) {
      Annotations.of(this).addWarningV2(
        'lambda-ml:public-function-url',
        `functionUrlAuth is NONE: anyone on the internet can invoke this function; reserved concurrency caps it at ${options.reservedConcurrency} instances at once. Use AWS_IAM unless the URL is meant to be public.`,
      );
      this.requireCapAtSynth();
    }
    this.alarmTopic = this.createAlarmTopic(options);
    this.alarms = this.createAlarms(options);
    const notify = new cloudwatchActions.SnsAction(this.alarmTopic);
    for (const alarm of Object.values(this.alarms)) alarm.addAlarmAction(notify);
    if (options.ecrScanOnPush) this.scanAssetImagesOnPush();
    this.rollout = new SafeRollout(this, 'Rollout', {
      ...props,
      alias: this.alias,
      rollbackAlarms: [this.alarms.errors, this.alarms.p99Duration],
    });
    if (scaling !== null) {
      // Application Auto Scaling uses its Lambda service-linked role: no role is created here.
      this.alias
        .addAutoScaling({ minCapacity: scaling.min, maxCapacity: scaling.max })
        .scaleOnUtilization({ utilizationTarget: scaling.utilizationTarget });
    }
  }

  /**
   * A public URL without a concurrency cap lets anyone scale the bill: checked again when the app is
   * synthesized, so a cap removed after construction (an escape hatch on the CfnFunction) fails synth.
   */
  private requireCapAtSynth(): void {
    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    this.node.addValidation({
      validate: () =>
        cfn.reservedConcurrentExecutions === undefined
          ? [
              'functionUrlAuth NONE (a public URL) requires a reserved-concurrency cap, but the function has none: set reservedConcurrency (default 10) and do not remove ReservedConcurrentExecutions',
            ]
          : [],
    });
  }

  /**
   * The alarms' topic. SNS encryption needs a customer-managed key: CloudWatch must be allowed to use it,
   * which the AWS-managed alias/aws/sns key's policy cannot say.
   */
  private createAlarmTopic(options: ResolvedOptions): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'lambda-ml: encrypts the alarm topic; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
    });
    const cloudwatchPrincipal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    key.grant(cloudwatchPrincipal, 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'lambda-ml alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one: say explicitly that this account's alarms may publish.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [cloudwatchPrincipal],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    if (options.alarmEmail !== undefined) {
      topic.addSubscription(new subscriptions.EmailSubscription(options.alarmEmail));
    }
    return topic;
  }

  /**
   * The image is pushed to the CDK bootstrap's asset repository, which this app does not own, so the
   * scan is turned on with a registry rule (basic scanning on push, repositories named like CDK's
   * asset repositories). A registry has one scanning configuration: this replaces its rules.
   */
  private scanAssetImagesOnPush(): void {
    new ecr.CfnRegistryScanningConfiguration(this, 'ScanOnPush', {
      scanType: 'BASIC',
      rules: [
        {
          scanFrequency: 'SCAN_ON_PUSH',
          repositoryFilters: [{ filter: 'cdk-*-container-assets-*', filterType: 'WILDCARD' }],
        },
      ],
    });
  }

  /** A role limited to writing this function's log group (ECR pull rights are added by the image asset). */
  private executionRole(): iam.Role {
    const role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'lambda-ml function: write its own logs',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}`],
      }),
    );
    return role;
  }

  /**
   * Errors and p99 duration use one-minute periods so they can fire within a rollout step (CodeDeploy
   * rolls back on them); throttles, which say nothing about a version, keep five minutes.
   */
  private createAlarms(options: ResolvedOptions): ModelFunction['alarms'] {
    const period = Duration.minutes(5);
    const minute = Duration.minutes(1);
    const fn = this.function;
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    return {
      errors: new cloudwatch.Alarm(this, 'ErrorsAlarm', {
        ...atLeastOne,
        metric: fn.metricErrors({ period: minute, statistic: 'Sum' }),
        alarmDescription: 'lambda-ml: the function returned errors (handler threw, timed out or crashed)',
      }),
      throttles: new cloudwatch.Alarm(this, 'ThrottlesAlarm', {
        ...atLeastOne,
        metric: fn.metricThrottles({ period, statistic: 'Sum' }),
        alarmDescription: 'lambda-ml: invocations were throttled (concurrency limit reached)',
      }),
      p99Duration: new cloudwatch.Alarm(this, 'P99DurationAlarm', {
        threshold: options.durationAlarmMs,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        metric: fn.metricDuration({ period: minute, statistic: 'p99' }),
        alarmDescription: `lambda-ml: p99 duration above ${options.durationAlarmMs} ms in 3 of the last 5 minutes`,
      }),
      asyncFailures: new cloudwatch.Alarm(this, 'AsyncFailuresAlarm', {
        ...atLeastOne,
        metric: this.failures.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        alarmDescription:
          'lambda-ml: an asynchronous invocation failed every attempt; its payload and error are in the AsyncFailures queue',
      }),
    };
  }
}
