// The BatchScoring state machine's states: check the key, then one Distributed Map per input format.
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { BATCH_INPUT_BYTES, type ResolvedBatchOptions } from './batch-options.js';

export const INPUT_PREFIX = 'input/';
export const OUTPUT_PREFIX = 'output/';
/** The two Distributed Map states (also their map-run labels): one per input format. */
export const MAP_LABELS = ['ScoreCsv', 'ScoreJsonLines'] as const;

/**
 * Errors a retry can fix: the Lambda service's own (throttles included), a timed-out invocation and an
 * instance that crashed. A bad row (`Prediction.InvalidItems`) fails the same way every time.
 */
export const RETRIED_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Sandbox.Timedout',
  'Runtime.ExitError',
] as const;

/** The readers' built-in grant is GetObject on the whole bucket; batch runs only read input/. */
class InputCsvReader extends sfn.S3CsvItemReader {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [readInput(this.bucket)];
  }
}

class InputJsonLinesReader extends sfn.S3JsonLItemReader {
  override providePolicyStatements(): iam.PolicyStatement[] {
    return [readInput(this.bucket)];
  }
}

function readInput(bucket: s3.IBucket): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [bucket.arnForObjects(`${INPUT_PREFIX}*`)],
  });
}

/** The writer's built-in grant covers the whole bucket; results go to output/ only. */
class OutputWriter extends sfn.ResultWriterV2 {
  override providePolicyStatements(): iam.PolicyStatement[] {
    if (this.bucket === undefined) return [];
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects(`${OUTPUT_PREFIX}*`)],
      }),
    ];
  }
}

interface MapSpec {
  readonly id: string;
  readonly reader: sfn.IItemReader;
}

function scoreMap(
  scope: Construct,
  spec: MapSpec,
  bucket: s3.IBucket,
  model: lambda.IFunction,
  options: ResolvedBatchOptions,
): sfn.DistributedMap {
  const map = new sfn.DistributedMap(scope, spec.id, {
    comment: 'score the rows in batches; each answer carries its row index',
    label: spec.id,
    itemReader: spec.reader,
    // Each item becomes {index, row}: batches finish in any order, the index puts answers back in place.
    itemSelector: {
      index: sfn.JsonPath.numberAt('$$.Map.Item.Index'),
      row: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
    },
    itemBatcher: new sfn.ItemBatcher({
      maxItemsPerBatch: options.rowsPerBatch,
      maxInputBytesPerBatch: BATCH_INPUT_BYTES,
      batchInput: { indexed: true, probabilities: options.probabilities },
    }),
    maxConcurrency: options.maxConcurrency,
    toleratedFailurePercentage: options.toleratedFailurePercent,
    // One invocation per child execution: Express children cost less and finish well within 5 minutes.
    mapExecutionType: sfn.StateMachineType.EXPRESS,
    resultWriterV2: new OutputWriter({
      bucket,
      prefix: OUTPUT_PREFIX,
      writerConfig: new sfn.WriterConfig({
        outputType: sfn.OutputType.JSONL,
        transformation: sfn.Transformation.FLATTEN,
      }),
    }),
  });
  const invoke = new tasks.LambdaInvoke(scope, `${spec.id}Batch`, {
    lambdaFunction: model,
    // The answer array itself is the child's output (no SDK envelope), so FLATTEN writes one line per row.
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
  });
  if (options.retryAttempts > 0) {
    invoke.addRetry({
      errors: [...RETRIED_ERRORS],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: options.retryAttempts,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    });
  }
  return map.itemProcessor(invoke);
}

/** `{"key": "input/x.csv"}` → the CSV map; `.jsonl`/`.ndjson` → the JSON-lines map; anything else fails. */
export function batchDefinition(
  scope: Construct,
  bucket: s3.IBucket,
  model: lambda.IFunction,
  options: ResolvedBatchOptions,
): sfn.IChainable {
  const key = sfn.JsonPath.stringAt('$.key');
  const [csvLabel, jsonlLabel] = MAP_LABELS;
  const csv = scoreMap(
    scope,
    { id: csvLabel, reader: new InputCsvReader({ bucket, key }) },
    bucket,
    model,
    options,
  );
  const jsonl = scoreMap(
    scope,
    { id: jsonlLabel, reader: new InputJsonLinesReader({ bucket, key }) },
    bucket,
    model,
    options,
  );
  const badInput = new sfn.Fail(scope, 'UnsupportedInput', {
    error: 'lambda-ml.UnsupportedInput',
    cause: `start the execution with {"key": "${INPUT_PREFIX}<name>.csv"} (or .jsonl / .ndjson): an object under ${INPUT_PREFIX} in the batch bucket`,
  });
  const format = new sfn.Choice(scope, 'InputFormat')
    .when(sfn.Condition.stringMatches('$.key', `${INPUT_PREFIX}*.csv`), csv)
    .when(
      sfn.Condition.or(
        sfn.Condition.stringMatches('$.key', `${INPUT_PREFIX}*.jsonl`),
        sfn.Condition.stringMatches('$.key', `${INPUT_PREFIX}*.ndjson`),
      ),
      jsonl,
    )
    .otherwise(badInput);
  // A missing or non-string key would make the pattern tests error out; check its type first.
  return new sfn.Choice(scope, 'HasKey').when(sfn.Condition.isString('$.key'), format).otherwise(badInput);
}
