// `lambda-ml batch-submit` through the AWS SDK against a stand-in Step Functions API (AWS JSON 1.0):
// the execution input, following the map run to the end, failures and every bad input.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:BatchStateMachine';
const BUCKET = 'lambdaml-batchdata-abc123';

/** The deployed definition as DescribeStateMachine returns it (CloudFormation references resolved). */
const DEFINITION = JSON.stringify({
  StartAt: 'HasKey',
  States: {
    ScoreCsv: {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
        Parameters: { Bucket: BUCKET, 'Key.$': '$.key' },
      },
    },
  },
});

interface Execution {
  readonly input: string;
  polls: number;
}

/** Executions progress 400 rows per poll out of 1,000; a key containing "bad" fails with 2 failed rows. */
function fakeStepFunctions() {
  const executions = new Map<string, Execution>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const action = String(req.headers['x-amz-target']).replace('AWSStepFunctions.', '');
      const input = JSON.parse(body || '{}') as Record<string, string>;
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(payload));
      };
      const now = Date.now() / 1000;
      if (action === 'DescribeStateMachine') {
        if (input.stateMachineArn !== MACHINE) {
          return send(400, {
            __type: 'StateMachineDoesNotExist',
            message: `State Machine Does Not Exist: '${input.stateMachineArn}'`,
          });
        }
        return send(200, {
          stateMachineArn: MACHINE,
          name: 'BatchStateMachine',
          definition: DEFINITION,
          roleArn: 'arn:aws:iam::1:role/r',
          type: 'STANDARD',
          creationDate: now,
        });
      }
      if (action === 'StartExecution') {
        const arn = `arn:aws:states:us-east-1:123456789012:execution:BatchStateMachine:run${executions.size + 1}`;
        executions.set(arn, { input: input.input ?? '', polls: 0 });
        return send(200, { executionArn: arn, startDate: now });
      }
      const execution = executions.get(input.executionArn ?? input.mapRunArn?.replace(':maprun', '') ?? '');
      if (execution === undefined)
        return send(400, { __type: 'ExecutionDoesNotExist', message: 'no such execution' });
      const bad = execution.input.includes('bad');
      const scored = Math.min(1000, execution.polls * 400);
      if (action === 'DescribeExecution') {
        execution.polls++;
        const finished = scored >= 1000;
        const status = !finished ? 'RUNNING' : bad ? 'FAILED' : 'SUCCEEDED';
        return send(200, {
          executionArn: input.executionArn,
          stateMachineArn: MACHINE,
          status,
          startDate: now,
          input: execution.input,
          ...(status === 'SUCCEEDED'
            ? {
                output: JSON.stringify({
                  MapRunArn: 'x',
                  ResultWriterDetails: { Bucket: BUCKET, Key: 'output/0f1e/manifest.json' },
                }),
              }
            : {}),
          ...(status === 'FAILED'
            ? {
                error: 'States.ExceedToleratedFailureThreshold',
                cause: 'The specified tolerated failure threshold was exceeded',
              }
            : {}),
        });
      }
      if (action === 'ListMapRuns') {
        return send(200, {
          mapRuns: [
            {
              mapRunArn: `${input.executionArn}:maprun`,
              executionArn: input.executionArn,
              stateMachineArn: MACHINE,
              startDate: now,
            },
          ],
        });
      }
      if (action === 'DescribeMapRun') {
        const failed = bad && scored >= 1000 ? 2 : 0;
        return send(200, {
          mapRunArn: input.mapRunArn,
          executionArn: input.mapRunArn?.replace(':maprun', ''),
          status: scored >= 1000 ? 'SUCCEEDED' : 'RUNNING',
          startDate: now,
          maxConcurrency: 10,
          toleratedFailurePercentage: 0,
          toleratedFailureCount: 0,
          itemCounts: {
            pending: 1000 - scored,
            running: 0,
            succeeded: scored - failed,
            failed,
            timedOut: 0,
            aborted: 0,
            total: 1000,
            resultsWritten: scored,
          },
          executionCounts: {
            pending: 0,
            running: 0,
            succeeded: 0,
            failed: 0,
            timedOut: 0,
            aborted: 0,
            total: 0,
            resultsWritten: 0,
          },
        });
      }
      return send(400, { __type: 'UnknownOperationException', message: action });
    });
  });
  return { server, executions };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('lambda-ml batch-submit', () => {
  const fake = fakeStepFunctions();
  let endpoint = '';
  before(async () => {
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  after(() => fake.server.close());

  async function submit(...args: string[]): Promise<Run> {
    const child = spawn(
      process.execPath,
      [CLI, 'batch-submit', '--endpoint', endpoint, '--poll', '0.05', ...args],
      {
        env: {
          ...process.env,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr };
  }

  it('starts the execution with the object key and follows its map run to the results', async () => {
    const run = await submit('--input', `s3://${BUCKET}/input/rows.csv`, '--state-machine', MACHINE);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^arn:aws:states:us-east-1:123456789012:execution:BatchStateMachine:run\d+\n$/);
    const execution = fake.executions.get(run.stdout.trim());
    assert.deepEqual(JSON.parse(execution?.input ?? ''), { key: 'input/rows.csv' });
    assert.ok((execution?.polls ?? 0) >= 3, 'followed until the end');
    assert.match(run.stderr, /SUCCEEDED in \d+ s: 1,000 of 1,000 rows scored, 0 failed, 0 running/);
    assert.match(run.stderr, new RegExp(`results: s3://${BUCKET}/output/0f1e/ \\(JSON lines`));
  });

  it('fails with the execution error, its cause and the counts', async () => {
    const run = await submit('--input', `s3://${BUCKET}/input/bad.jsonl`, '--state-machine', MACHINE);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /lambda-ml: execution FAILED after \d+ s \(998 of 1,000 rows scored, 2 failed, 0 running\): States\.ExceedToleratedFailureThreshold: The specified tolerated failure threshold was exceeded/,
    );
  });

  it('--no-follow prints the execution ARN and returns', async () => {
    const run = await submit(
      '--input',
      `s3://${BUCKET}/input/rows.ndjson`,
      '--state-machine',
      MACHINE,
      '--no-follow',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fake.executions.get(run.stdout.trim())?.polls, 0);
  });

  const bad: Array<[string, string[], RegExp]> = [
    [
      'a path that is not an S3 URL',
      ['--input', 'rows.csv'],
      /--input must be an S3 URL like s3:\/\/<BatchBucket>\/input\/rows\.csv, got 'rows\.csv'/,
    ],
    [
      'a key outside input/ or of another type',
      ['--input', `s3://${BUCKET}/rows.parquet`],
      /--input must name an object under input\/ ending in \.csv, \.jsonl or \.ndjson .*got 'rows\.parquet'/,
    ],
    ['no state machine', ['--input', `s3://${BUCKET}/input/rows.csv`], /--state-machine is required/],
    [
      'another bucket than the state machine reads',
      ['--input', 's3://someone-elses-bucket/input/rows.csv', '--state-machine', MACHINE],
      new RegExp(`the state machine reads from s3://${BUCKET}/input/, not s3://someone-elses-bucket`),
    ],
    [
      'a state machine that does not exist',
      ['--input', `s3://${BUCKET}/input/rows.csv`, '--state-machine', `${MACHINE}2`],
      /describing .*BatchStateMachine2 failed: StateMachineDoesNotExist: State Machine Does Not Exist/,
    ],
  ];
  for (const [name, args, message] of bad) {
    it(`refuses ${name}, in one line`, async () => {
      const run = await submit(...args);
      assert.equal(run.code, 1);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    });
  }
});
