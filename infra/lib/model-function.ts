// ModelFunction: the model's container image as a Lambda function with a `live` alias, URL, logs and alarms.
import { fileURLToPath } from 'node:url';
import { Annotations, Duration, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
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
  /** Extra docker build args (e.g. MODEL_SHA256 to label the image with the model digest). */
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
  };
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

    this.function = new lambda.DockerImageFunction(this, 'Function', {
      code: lambda.DockerImageCode.fromImageAsset(props.imageDirectory ?? REPO_ROOT, {
        file: props.dockerfile ?? 'container/Dockerfile',
        platform: arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
        buildArgs: { ...props.buildArgs },
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
      description: 'lambda-ml: random-forest predictions from a container image',
    });

    this.alias = new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.function.currentVersion,
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
        'functionUrlAuth is NONE: anyone on the internet can invoke this function (and run up its bill). Use AWS_IAM unless the URL is meant to be public.',
      );
    }
    this.alarms = this.createAlarms(options);
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
    };
  }
}
