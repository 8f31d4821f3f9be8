// BatchScoring: the bucket, the Distributed Map state machine (reader, batcher, writer, retries, concurrency), IAM.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RETRIED_ERRORS } from '../lib/batch-definition.js';
import type { BatchScoringOptions } from '../lib/batch-options.js';
import type { ModelFunctionProps } from '../lib/model-function.js';
import { LambdaMlStack } from '../lib/stack.js';
import { testApp } from './app.js';

function synth(batch: BatchScoringOptions, model: ModelFunctionProps = {}) {
  const app = testApp();
  const stack = new LambdaMlStack(app, 'Batch', { model, batch });
  return { stack, template: Template.fromStack(stack) };
}

type Json = Record<string, unknown>;

/** The state machine's ASL with every CloudFormation reference replaced by `<Ref LogicalId>`. */
function definition(template: Template): Json {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  assert.equal(machines.length, 1);
  const body = machines[0]?.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      return `<Ref ${ref ?? JSON.stringify(part).replaceAll('"', "'")}>`;
    })
    .join('');
  return JSON.parse(text) as Json;
}

function state(asl: Json, name: string): Json {
  const found = (asl.States as Record<string, Json>)[name];
  assert.ok(found, `state ${name}`);
  return found;
}

describe('BatchScoring defaults', () => {
  const { template, stack } = synth({});
  const asl = definition(template);

  it('keeps the data in an encrypted, TLS-only, non-public bucket whose access is logged and which outlives the stack', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: Match.stringLikeRegexp('BatchAccessLogs') },
          LogFilePrefix: 'data/',
        },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('BatchData') },
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });

  it('routes {"key": "input/*.csv"} and input/*.jsonl|.ndjson to their maps and fails anything else by name', () => {
    assert.equal(asl.StartAt, 'HasKey');
    assert.deepEqual(state(asl, 'HasKey').Choices, [
      { Variable: '$.key', IsString: true, Next: 'InputFormat' },
    ]);
    const format = state(asl, 'InputFormat');
    assert.deepEqual(format.Choices, [
      { Variable: '$.key', StringMatches: 'input/*.csv', Next: 'ScoreCsv' },
      {
        Or: [
          { Variable: '$.key', StringMatches: 'input/*.jsonl' },
          { Variable: '$.key', StringMatches: 'input/*.ndjson' },
        ],
        Next: 'ScoreJsonLines',
      },
    ]);
    assert.equal(format.Default, 'UnsupportedInput');
    assert.equal(state(asl, 'UnsupportedInput').Error, 'lambda-ml.UnsupportedInput');
  });

  for (const [map, inputType] of [
    ['ScoreCsv', 'CSV'],
    ['ScoreJsonLines', 'JSONL'],
  ] as const) {
    it(`${map}: a Distributed Map reading ${inputType} from the execution's key, indexing, batching and writing JSON lines`, () => {
      const m = state(asl, map);
      assert.equal(m.Type, 'Map');
      assert.deepEqual(m.ItemReader, {
        Resource: 'arn:<Ref AWS::Partition>:states:::s3:getObject',
        ReaderConfig: {
          InputType: inputType,
          ...(inputType === 'CSV' ? { CSVHeaderLocation: 'FIRST_ROW' } : {}),
        },
        Parameters: { Bucket: `<Ref ${logicalId(template, 'BatchData')}>`, 'Key.$': '$.key' },
      });
      assert.deepEqual(m.ItemSelector, { 'index.$': '$$.Map.Item.Index', 'row.$': '$$.Map.Item.Value' });
      assert.deepEqual(m.ItemBatcher, {
        MaxItemsPerBatch: 1000,
        MaxInputBytesPerBatch: 258_048,
        BatchInput: { indexed: true, probabilities: false },
      });
      assert.equal(m.MaxConcurrency, 10);
      assert.equal(m.ToleratedFailurePercentage ?? 0, 0);
      assert.deepEqual(m.ResultWriter, {
        Resource: 'arn:<Ref AWS::Partition>:states:::s3:putObject',
        Parameters: { Bucket: `<Ref ${logicalId(template, 'BatchData')}>`, Prefix: 'output/' },
        WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' },
      });
      const processor = m.ItemProcessor as Json;
      assert.deepEqual(processor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
      const task = (processor.States as Record<string, Json>)[`${map}Batch`] as Json;
      assert.equal(task.Resource, `<Ref ${logicalId(template, 'ModelLive')}>`);
      assert.deepEqual(task.Retry, [
        {
          ErrorEquals: [...RETRIED_ERRORS],
          IntervalSeconds: 2,
          MaxAttempts: 5,
          BackoffRate: 2,
          MaxDelaySeconds: 60,
          JitterStrategy: 'FULL',
        },
      ]);
    });
  }

  it('retries throttles, service errors, timeouts and crashes, never a bad row', () => {
    for (const error of ['Lambda.TooManyRequestsException', 'Sandbox.Timedout', 'Runtime.ExitError']) {
      assert.ok((RETRIED_ERRORS as readonly string[]).includes(error), error);
    }
    assert.ok(!(RETRIED_ERRORS as readonly string[]).includes('Prediction.InvalidItems'));
  });

  it('gives the state machine read on input/*, write on output/*, invoke on the live alias only', () => {
    const policy = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('BatchStateMachineRole') }] },
    });
    const statements = Object.values(policy).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement,
    );
    const bucketArn = { 'Fn::GetAtt': [logicalId(template, 'BatchData'), 'Arn'] };
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}*`]] });
    assert.deepEqual(
      statements.find((s) => s.Action === 's3:GetObject'),
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects('input/') },
    );
    assert.deepEqual(
      statements.find((s) => Array.isArray(s.Action) && s.Action.includes('s3:PutObject'))?.Resource,
      objects('output/'),
    );
    assert.deepEqual(
      statements.find((s) => s.Action === 'lambda:InvokeFunction'),
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { Ref: logicalId(template, 'ModelLive') },
      },
    );
    const s3Resources = statements
      .filter((s) => String(s.Action).includes('s3:'))
      .map((s) => JSON.stringify(s.Resource));
    assert.ok(
      s3Resources.every((r) => r.includes('/input/*') || r.includes('/output/*')),
      s3Resources.join(),
    );
  });

  it('logs every state event without execution data (no rows in logs) and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('outputs the bucket and the state machine', () => {
    template.hasOutput('BatchBucket', { Value: { Ref: logicalId(template, 'BatchData') } });
    template.hasOutput('BatchStateMachineArn', {
      Value: { Ref: Match.stringLikeRegexp('BatchStateMachine') },
    });
    assert.equal(Annotations.fromStack(stack).findWarning('*', Match.anyValue()).length, 0);
  });
});

describe('BatchScoring options', () => {
  it('applies concurrency, rows, tolerance, retries and probabilities, and warns past reserved concurrency', () => {
    const { template, stack } = synth(
      {
        maxConcurrency: 50,
        rowsPerBatch: 500,
        toleratedFailurePercent: 5,
        retryAttempts: 3,
        probabilities: true,
        logRetentionDays: 7,
      },
      { reservedConcurrency: 20 },
    );
    const m = state(definition(template), 'ScoreCsv');
    assert.equal(m.MaxConcurrency, 50);
    assert.equal(m.ToleratedFailurePercentage, 5);
    assert.deepEqual((m.ItemBatcher as Json).BatchInput, { indexed: true, probabilities: true });
    assert.equal((m.ItemBatcher as Json).MaxItemsPerBatch, 500);
    const task = ((m.ItemProcessor as Json).States as Record<string, Json>).ScoreCsvBatch as Json;
    assert.equal((task.Retry as Json[])[0]?.MaxAttempts, 3);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    Annotations.fromStack(stack).hasWarning(
      '/Batch/Batch',
      Match.stringLikeRegexp("maxConcurrency \\(50\\) exceeds the function's reserved concurrency \\(20\\)"),
    );
  });
});

function logicalId(template: Template, prefix: string): string {
  const all = template.toJSON().Resources as Record<string, { Type: string }>;
  const id = Object.keys(all).find(
    (key) =>
      key.startsWith(prefix) && !key.includes('Policy') && !key.includes('Role') && !key.includes('Scaling'),
  );
  assert.ok(id, `resource ${prefix}*`);
  return id;
}
