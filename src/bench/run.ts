// The `lambda-ml bench` measurements: cold start (local launch only), warm latency, throughput, memory.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { children, ownRss, readTreeRss } from '../emulator/sandbox/memory.js';
import { answerCheck } from './check.js';
import { type CallTarget, targetOf } from './client.js';
import { lambdaTarget } from './lambda-target.js';
import { freePort, launch } from './launch.js';
import { type LoadResult, type Progress, throughput, warmLatency } from './load.js';
import { median } from './stats.js';

const DIST = join(fileURLToPath(import.meta.url), '..', '..');

export interface BenchOptions {
  /** An Invoke API endpoint; absent (and no `functionName`) → launch the local emulator, also cold start. */
  readonly endpoint?: string;
  /** A real Lambda function (name or ARN), called through the AWS SDK with the default credentials. */
  readonly functionName?: string;
  readonly region?: string;
  readonly payload: string;
  /** Expected body of a correct answer (cold start checks it when given). */
  readonly expected?: string;
  readonly concurrency: number;
  readonly durationSeconds: number;
  readonly warmCalls: number;
  readonly coldRuns: number;
  /** Model for the local emulator. */
  readonly model?: string;
}

export interface BenchReport {
  readonly endpoint: string;
  readonly cold?: { readonly runs: number; readonly medianMs: number; readonly allMs: number[] };
  readonly warm: LoadResult;
  readonly throughput: LoadResult & { readonly concurrency: number };
  readonly rssMb?: { readonly emulator: number; readonly instances: number };
}

export type PhaseProgress = (phase: string, done: number, total: number) => void;

/** argv that launches the local emulator on `port`. */
export function emulatorArgv(port: number, options: BenchOptions): string[] {
  const argv = [process.execPath, join(DIST, 'emulator', 'main.js'), '--port', String(port)];
  argv.push('--concurrency', String(Math.max(10, options.concurrency)));
  if (options.model !== undefined) argv.push('--model', options.model);
  return argv;
}

export async function runBench(
  options: BenchOptions,
  progress: PhaseProgress = () => {},
): Promise<BenchReport> {
  const phase =
    (name: string): Progress =>
    (done, total) =>
      progress(name, done, total);
  const check = answerCheck(options.expected);
  /** The warm phase, then the throughput phase, against one target. */
  const warmAndThroughput = async (target: CallTarget): Promise<Pick<BenchReport, 'warm' | 'throughput'>> => {
    const warm = await warmLatency(target, options.warmCalls, check, phase('warm'));
    const load = await throughput(
      target,
      options.concurrency,
      options.durationSeconds,
      check,
      phase('throughput'),
    );
    return { warm, throughput: { ...load, concurrency: options.concurrency } };
  };
  const remote = await remoteTarget(options);
  if (remote !== undefined) {
    return { endpoint: remote.description, ...(await warmAndThroughput(remote)) };
  }
  const allMs: number[] = [];
  for (let run = 0; run < options.coldRuns - 1; run++) {
    const port = await freePort();
    const launched = await launch(
      emulatorArgv(port, options),
      targetOf(`http://127.0.0.1:${port}`, options.payload),
      check,
    );
    allMs.push(launched.coldMs);
    await launched.stop();
    progress('cold', run + 1, options.coldRuns);
  }
  const port = await freePort();
  const target = targetOf(`http://127.0.0.1:${port}`, options.payload);
  const launched = await launch(emulatorArgv(port, options), target, check);
  allMs.push(launched.coldMs);
  progress('cold', options.coldRuns, options.coldRuns);
  try {
    const measured = await warmAndThroughput(target);
    const pid = launched.child.pid ?? 0;
    const instances = children(pid).reduce((sum, kid) => sum + readTreeRss(kid), 0);
    return {
      endpoint: target.url.href,
      cold: { runs: allMs.length, medianMs: median(allMs), allMs },
      ...measured,
      rssMb: { emulator: ownRss(pid) / 2 ** 20, instances: instances / 2 ** 20 },
    };
  } finally {
    await launched.stop();
  }
}

async function remoteTarget(options: BenchOptions): Promise<CallTarget | undefined> {
  if (options.functionName !== undefined)
    return lambdaTarget(options.functionName, options.payload, options.region);
  if (options.endpoint !== undefined) return targetOf(options.endpoint, options.payload);
  return undefined;
}
