// BatchScoring: score CSV / JSON-lines files in S3 with the model function, fanned out by a Distributed Map.
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { batchDefinition, INPUT_PREFIX, MAP_LABELS, OUTPUT_PREFIX } from './batch-definition.js';
import {
  type BatchScoringOptions,
  type ResolvedBatchOptions,
  ROWS_WARNING,
  resolveBatchOptions,
} from './batch-options.js';

export interface BatchScoringProps extends BatchScoringOptions {
  /** The function each batch invokes: the model's `live` alias, so batch runs follow rollouts. */
  readonly model: lambda.IFunction;
  /** The function's reserved concurrency, if any: a larger maxConcurrency only buys throttles. */
  readonly reservedConcurrency?: number;
  /** What happens to the data bucket when the stack is deleted. Default RETAIN (your data stays). */
  readonly removalPolicy?: RemovalPolicy;
}

/** Rows enter as `input/<name>.csv|.jsonl`, answers leave under `output/`. */
export class BatchScoring extends Construct {
  /** Encrypted, TLS-only, never public; access is logged to `accessLogs`. */
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  readonly options: ResolvedBatchOptions;

  constructor(scope: Construct, id: string, props: BatchScoringProps) {
    super(scope, id);
    // Two feature flags, set on this construct only (before any child exists) so they change nothing
    // else in the app: the ResultWriter that formats results (JSON lines, flattened), and access-log
    // delivery granted by a bucket policy instead of a legacy ACL (ACLs stay disabled).
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const options = resolveBatchOptions(props);
    this.options = options;
    this.warn(props, options);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(options.logRetentionDays) }],
      removalPolicy,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the batch bucket; logging it to itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Data', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'data/',
      removalPolicy,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: options.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: `lambda-ml batch scoring: {"key": "${INPUT_PREFIX}<file>.csv|.jsonl"} -> ${OUTPUT_PREFIX}`,
      definitionBody: sfn.DefinitionBody.fromChainable(
        batchDefinition(this, this.bucket, props.model, options),
      ),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      // Execution data would put rows and predictions in the logs; events and errors are enough.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.suppressServiceWildcards();
  }

  private warn(props: BatchScoringProps, options: ResolvedBatchOptions): void {
    const reserved = props.reservedConcurrency;
    if (reserved !== undefined && options.maxConcurrency > reserved) {
      Annotations.of(this).addWarningV2(
        'lambda-ml:batch-concurrency-above-reserved',
        `batch maxConcurrency (${options.maxConcurrency}) exceeds the function's reserved concurrency (${reserved}): the extra batches are throttled and retried`,
      );
    }
    if (options.rowsPerBatch > ROWS_WARNING) {
      Annotations.of(this).addWarningV2(
        'lambda-ml:batch-rows-large',
        `batch rowsPerBatch (${options.rowsPerBatch}): the answers of one batch may outgrow Step Functions' 256 KiB state output; ${ROWS_WARNING} or fewer is safe`,
      );
    }
  }

  /**
   * The wildcards left in the state machine's policies are ones AWS offers no narrower form of; each
   * finding is acknowledged by its exact id, so any new wildcard still fails cdk-nag.
   */
  private suppressServiceWildcards(): void {
    const stack = Stack.of(this);
    const bucket = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const machine = stack.getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
    const wildcards: Array<[string, string]> = [
      [
        '*',
        'CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups, resource policies) and X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) take only Resource "*".',
      ],
      [
        `<${bucket}.Arn>/${INPUT_PREFIX}*`,
        `Batch runs read only objects under ${INPUT_PREFIX} of this bucket; which ones is chosen per run.`,
      ],
      [
        `<${bucket}.Arn>/${OUTPUT_PREFIX}*`,
        `Results are written only under ${OUTPUT_PREFIX} of this bucket, in a folder named by each run.`,
      ],
      [
        `${executions}:*`,
        'The Distributed Map describes and stops its own child executions, whose ids Step Functions assigns at run time.',
      ],
      ...MAP_LABELS.map((label): [string, string] => [
        `${executions}/${label}:*`,
        `Redriving a failed run restarts the child executions of its map run '${label}', named at run time.`,
      ]),
    ];
    Validations.of(this).acknowledge(
      ...wildcards.map(([resource, reason]) => ({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason })),
    );
  }
}
