// A BatchScoring execution through the Step Functions API: check the input against the state machine,
// start it, and follow its Distributed Map run to the end.
import type {
  DescribeExecutionCommandOutput,
  DescribeMapRunCommandOutput,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { LambdaMlError, UsageError } from '../core/errors.js';

/** The execution failed, or the Step Functions API refused a call; one line saying which. */
export class BatchRunError extends LambdaMlError {}

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://bucket/input/name.csv|.jsonl|.ndjson`, as the BatchScoring state machine accepts it. */
export function parseInput(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(url);
  if (match === null) {
    throw new UsageError(`--input must be an S3 URL like s3://<BatchBucket>/input/rows.csv, got '${url}'`);
  }
  const [, bucket, key] = match as unknown as [string, string, string];
  if (!key.startsWith('input/') || !/\.(csv|jsonl|ndjson)$/.test(key)) {
    throw new UsageError(
      `--input must name an object under input/ ending in .csv, .jsonl or .ndjson (the state machine reads only those), got '${key}'`,
    );
  }
  return { bucket, key };
}

/** The bucket the state machine's ItemReader reads (null if its definition names none we recognise). */
export function readerBucket(definition: string): string | null {
  const found = /"ItemReader":\{[\s\S]*?"Bucket":"([^"]+)"/.exec(definition.replace(/\s+/g, ''));
  return found?.[1] ?? null;
}

export interface MapRunCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  readonly running: number;
}

export interface FollowHooks {
  readonly onStatus?: (status: string, counts: MapRunCounts | null) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly pollMs?: number;
}

export interface BatchOutcome {
  readonly status: string;
  readonly counts: MapRunCounts | null;
  readonly execution: DescribeExecutionCommandOutput;
  /** `s3://bucket/output/<run>/manifest.json` from the ResultWriter, when the map run wrote one. */
  readonly manifest: string | null;
}

async function sfn() {
  return import('@aws-sdk/client-sfn');
}

/** One line for an error of the Step Functions API (state machine missing, access denied, ...). */
function apiError(action: string, error: unknown): BatchRunError {
  const e = error as { name?: string; message?: string };
  return new BatchRunError(
    `${action} failed: ${e.name ?? 'Error'}: ${(e.message ?? String(error)).split('\n')[0]}`,
    {
      cause: error,
    },
  );
}

/** Starts an execution after checking that the state machine reads the bucket named in the input. */
export async function startBatch(
  client: SFNClient,
  stateMachineArn: string,
  input: S3Location,
): Promise<string> {
  const { DescribeStateMachineCommand, StartExecutionCommand } = await sfn();
  let definition: string;
  try {
    definition = (await client.send(new DescribeStateMachineCommand({ stateMachineArn }))).definition ?? '';
  } catch (error) {
    throw apiError(`describing ${stateMachineArn}`, error);
  }
  const bucket = readerBucket(definition);
  if (bucket === null) {
    throw new UsageError(
      `${stateMachineArn} reads no S3 object: is it the BatchStateMachineArn output of a --batch stack?`,
    );
  }
  if (bucket !== input.bucket) {
    throw new UsageError(
      `the state machine reads from s3://${bucket}/input/, not s3://${input.bucket}: upload the file there`,
    );
  }
  try {
    const started = await client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ key: input.key }) }),
    );
    return started.executionArn ?? '';
  } catch (error) {
    throw apiError('starting the execution', error);
  }
}

function countsOf(run: DescribeMapRunCommandOutput): MapRunCounts {
  const c = run.itemCounts;
  return {
    total: c?.total ?? 0,
    succeeded: c?.succeeded ?? 0,
    failed: (c?.failed ?? 0) + (c?.timedOut ?? 0) + (c?.aborted ?? 0),
    pending: c?.pending ?? 0,
    running: c?.running ?? 0,
  };
}

function manifestOf(output: string | undefined): string | null {
  if (output === undefined) return null;
  try {
    const details = (JSON.parse(output) as { ResultWriterDetails?: { Bucket?: string; Key?: string } })
      .ResultWriterDetails;
    return details?.Bucket && details.Key ? `s3://${details.Bucket}/${details.Key}` : null;
  } catch {
    return null;
  }
}

/** Polls the execution and its map run until the execution ends. */
export async function followBatch(
  client: SFNClient,
  executionArn: string,
  hooks: FollowHooks = {},
): Promise<BatchOutcome> {
  const { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand } = await sfn();
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let mapRunArn: string | undefined;
  for (;;) {
    let execution: DescribeExecutionCommandOutput;
    let counts: MapRunCounts | null = null;
    try {
      execution = await client.send(new DescribeExecutionCommand({ executionArn }));
      mapRunArn ??= (await client.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]?.mapRunArn;
      if (mapRunArn !== undefined) {
        counts = countsOf(await client.send(new DescribeMapRunCommand({ mapRunArn })));
      }
    } catch (error) {
      throw apiError(`following ${executionArn}`, error);
    }
    const status = execution.status ?? 'UNKNOWN';
    hooks.onStatus?.(status, counts);
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
      return { status, counts, execution, manifest: manifestOf(execution.output) };
    }
    await sleep(hooks.pollMs ?? 5000);
  }
}
