// `lambda-ml batch-submit --input s3://.../input/rows.csv`: start a BatchScoring execution and follow it.
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { BatchRunError, followBatch, type MapRunCounts, parseInput, startBatch } from '../batch-run.js';
import { progressBar, type RowsProgress } from '../progress.js';

interface SubmitFlags {
  readonly input: string;
  readonly stateMachine?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly follow: boolean;
  readonly poll: string;
}

async function createClient(flags: SubmitFlags, env = process.env): Promise<SFNClient> {
  // The SDK's notice that its 2027 releases need Node 22 would bury the output; lambda-ml runs on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined) throw new UsageError('no AWS region: pass --region or set AWS_REGION');
  if (flags.endpoint === undefined) return new SFNClient({ region });
  if (!/^https?:\/\/[^/]+/.test(flags.endpoint)) {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:8083, got '${flags.endpoint}'`);
  }
  return new SFNClient({ region, endpoint: flags.endpoint });
}

function countsLine(c: MapRunCounts): string {
  return `${c.succeeded.toLocaleString('en-US')} of ${c.total.toLocaleString('en-US')} rows scored, ${c.failed} failed, ${c.running} running`;
}

/** A bar on a terminal; elsewhere a status line whenever the counts move (at most every 30 s). */
function reporter(bar: RowsProgress | null): (status: string, counts: MapRunCounts | null) => void {
  let last = '';
  let lastAt = 0;
  return (status, counts) => {
    if (counts === null) return;
    if (bar !== null) {
      bar.update(counts.succeeded + counts.failed, counts.failed, counts.total);
      return;
    }
    const line = `${status}: ${countsLine(counts)}`;
    if (line !== last && (Date.now() - lastAt > 30_000 || status !== 'RUNNING')) {
      process.stderr.write(`lambda-ml batch-submit: ${line}\n`);
      last = line;
      lastAt = Date.now();
    }
  };
}

export function registerBatchSubmit(program: Command): void {
  program
    .command('batch-submit')
    .description(
      'score a CSV / JSON-lines file in S3 with the BatchScoring state machine (deploy --batch) and follow it',
    )
    .requiredOption('--input <s3url>', 's3://<BatchBucket>/input/<file>.csv|.jsonl|.ndjson')
    .option(
      '--state-machine <arn>',
      'the stack output BatchStateMachineArn (default: LAMBDA_ML_STATE_MACHINE)',
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION)')
    .option('--endpoint <url>', 'Step Functions endpoint (e.g. Step Functions Local); default: AWS')
    .option('--no-follow', 'start the execution, print its ARN and return')
    .option('--poll <seconds>', 'seconds between status checks', '5')
    .action(async (flags: SubmitFlags) => {
      const input = parseInput(flags.input);
      const stateMachine = flags.stateMachine ?? process.env.LAMBDA_ML_STATE_MACHINE;
      if (stateMachine === undefined || stateMachine === '') {
        throw new UsageError(
          '--state-machine is required: the BatchStateMachineArn output of `lambda-ml deploy --batch`',
        );
      }
      const pollSeconds = Number(flags.poll);
      if (!(pollSeconds >= 0.01 && pollSeconds <= 3600)) {
        throw new UsageError(`--poll must be a number of seconds from 0.01 to 3600, got '${flags.poll}'`);
      }
      const client = await createClient(flags);
      try {
        const executionArn = await startBatch(client, stateMachine, input);
        process.stdout.write(`${executionArn}\n`);
        if (!flags.follow) return;
        const started = Date.now();
        const bar = process.stderr.isTTY ? await progressBar(1, 'failed') : null;
        let outcome: Awaited<ReturnType<typeof followBatch>>;
        try {
          outcome = await followBatch(client, executionArn, {
            pollMs: pollSeconds * 1000,
            onStatus: reporter(bar),
          });
        } finally {
          bar?.stop();
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        const counts = outcome.counts === null ? 'no rows read' : countsLine(outcome.counts);
        if (outcome.status !== 'SUCCEEDED') {
          const { error, cause } = outcome.execution;
          throw new BatchRunError(
            `execution ${outcome.status} after ${seconds} s (${counts}): ${error ?? 'no error'}${cause ? `: ${cause}` : ''}`,
          );
        }
        process.stderr.write(`lambda-ml batch-submit: SUCCEEDED in ${seconds} s: ${counts}\n`);
        if (outcome.manifest !== null) {
          process.stderr.write(
            `results: ${outcome.manifest.replace(/manifest\.json$/, '')} (JSON lines {"index", "prediction"}; manifest.json lists the files)\n`,
          );
        }
        if ((outcome.counts?.failed ?? 0) > 0) process.exitCode = 1;
      } finally {
        client.destroy();
      }
    });
}
