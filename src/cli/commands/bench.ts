// `lambda-ml bench`: cold start, warm latency and throughput of the local emulator or any Invoke API endpoint.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatReport } from '../../bench/format.js';
import { type BenchOptions, runBench } from '../../bench/run.js';
import { UsageError } from '../../core/errors.js';

interface BenchFlags {
  readonly endpoint?: string;
  readonly function?: string;
  readonly region?: string;
  readonly payload: string;
  readonly expected?: string;
  readonly concurrency: string;
  readonly duration: string;
  readonly requests: string;
  readonly coldRuns: string;
  readonly model: string;
  readonly json?: string;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('measure cold start (local launch), warm latency and throughput of an Invoke API endpoint')
    .option('--endpoint <url>', 'Invoke API base or invocation URL (default: launch the local emulator)')
    .option('--function <name>', 'a real Lambda function (name or ARN) called through the AWS SDK (signed)')
    .option('--region <region>', 'AWS region for --function (default: the SDK default chain)')
    .option('--payload <json>', 'request body', '{"data":[0,0,0,0]}')
    .option('--expected <body>', 'body of a correct answer (cold start waits for it)')
    .option('--concurrency <n>', 'concurrent clients for the throughput phase', '4')
    .option('--duration <seconds>', 'length of the throughput phase', '10')
    .option('--requests <n>', 'sequential calls in the warm phase', '2000')
    .option('--cold-runs <n>', 'emulator launches for the cold-start median (local only)', '5')
    .option('--model <file>', 'model for the local emulator', '.artifacts/model.json')
    .option('--json <file>', 'also write the report as JSON')
    .action(async (flags: BenchFlags) => {
      const options = benchOptions(flags);
      const report = await runBench(options, await progressBar());
      process.stdout.write(formatReport(report));
      if (flags.json !== undefined)
        writeFileSync(resolve(flags.json), `${JSON.stringify(report, null, 2)}\n`);
      if (report.warm.errors + report.throughput.errors > 0) process.exitCode = 1;
    });
}

function benchOptions(flags: BenchFlags): BenchOptions {
  try {
    JSON.parse(flags.payload);
  } catch {
    throw new UsageError(`--payload must be JSON, got '${flags.payload}'`);
  }
  if (flags.endpoint !== undefined && flags.function !== undefined) {
    throw new UsageError('give either --endpoint (raw HTTP) or --function (AWS SDK), not both');
  }
  if (flags.function !== undefined) {
    // Nothing to check locally: the SDK reports credentials, region and name problems per call.
  } else if (flags.endpoint !== undefined) {
    try {
      new URL(flags.endpoint);
    } catch {
      throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:9000, got '${flags.endpoint}'`);
    }
  } else if (!existsSync(flags.model)) {
    throw new UsageError(
      `model ${flags.model} not found; train one (lambda-ml train) or pass --model or --endpoint`,
    );
  }
  return {
    ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
    ...(flags.function === undefined ? {} : { functionName: flags.function }),
    ...(flags.region === undefined ? {} : { region: flags.region }),
    ...(flags.expected === undefined ? {} : { expected: flags.expected }),
    payload: flags.payload,
    concurrency: positive('--concurrency', flags.concurrency, true),
    durationSeconds: positive('--duration', flags.duration, false),
    warmCalls: positive('--requests', flags.requests, true),
    coldRuns: positive('--cold-runs', flags.coldRuns, true),
    model: resolve(flags.model),
  };
}

function positive(name: string, text: string, whole: boolean): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new UsageError(`${name} must be a positive ${whole ? 'whole ' : ''}number, got '${text}'`);
  }
  return value;
}

/** A cli-progress bar on stderr when it is a terminal; silent otherwise (imported lazily: CLI start-up). */
async function progressBar(): Promise<(phase: string, done: number, total: number) => void> {
  if (!process.stderr.isTTY) return () => {};
  const { Presets, SingleBar } = await import('cli-progress');
  const bar = new SingleBar(
    { format: '{phase} [{bar}] {percentage}%', stream: process.stderr },
    Presets.shades_classic,
  );
  let current = '';
  return (phase, done, total) => {
    if (phase !== current) {
      if (current !== '') bar.stop();
      current = phase;
      bar.start(total, 0, { phase: phase.padEnd(10) });
    }
    bar.setTotal(total);
    bar.update(done, { phase: phase.padEnd(10) });
    if (done >= total && phase === 'throughput') bar.stop();
  };
}
