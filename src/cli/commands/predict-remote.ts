// `lambda-ml predict --endpoint URL | --function NAME`: the same rows and answers as local predict, fanned out.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import type { Architecture } from '../../cost/prices.js';
import { PRICE_REGION, PRICES_AS_OF } from '../../cost/prices.js';
import { checkRowsPerChunk, chunksOf } from '../../fanout/chunks.js';
import { lambdaTarget } from '../../fanout/lambda-target.js';
import { describeInput, finishRun, startRun } from '../../fanout/resume.js';
import { checkMaxAttempts, DEFAULT_RETRY } from '../../fanout/retry.js';
import { AnswerError, type FanoutReport, runFanout } from '../../fanout/run.js';
import type { InvokeTarget } from '../../fanout/target.js';
import { RowReader } from '../../function/rows.js';
import { type Predictor, predictsProbabilities } from '../../model/types.js';
import { countRows, sourceItems } from '../fanout-input.js';
import { progressBar } from '../progress.js';
import { readRows } from '../row-input.js';
import { createClient, InvokeError } from './invoke.js';
import { formatFlag } from './predict.js';
import type { RemoteFlags } from './predict-remote-flags.js';

function positiveInt(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got '${text}'`);
  }
  return value;
}

/** The output line for each answered row: exactly what local `predict` writes for it. */
export function answerLines(withProbabilities: boolean): (body: string, rows: number) => string[] {
  return (body, rows) => {
    let reply: { statusCode?: unknown; body?: unknown };
    try {
      reply = JSON.parse(body) as typeof reply;
    } catch {
      throw new AnswerError(`the function's answer is not JSON: ${body.slice(0, 200)}`);
    }
    const answers = reply.body;
    if (reply.statusCode !== 200) {
      const error = (answers as { error?: unknown } | undefined)?.error;
      throw new AnswerError(
        `the function refused the rows (statusCode ${String(reply.statusCode)}): ${typeof error === 'string' ? error : JSON.stringify(answers)}. Is it serving the same model as --model?`,
      );
    }
    if (!Array.isArray(answers) || answers.length !== rows) {
      throw new AnswerError(
        `the function answered ${Array.isArray(answers) ? `${answers.length} rows` : 'no array'} for ${rows} rows`,
      );
    }
    return answers.map((answer) =>
      withProbabilities ? JSON.stringify(answer) : JSON.stringify({ prediction: answer }),
    );
  };
}

async function openTarget(flags: RemoteFlags): Promise<InvokeTarget> {
  // The SDK's notice that its 2027 releases need Node 22 would bury the summary; lambda-ml runs on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = await createClient(flags);
  const functionName = flags.function ?? 'function';
  const description =
    flags.endpoint ?? `function ${functionName}${flags.qualifier === undefined ? '' : `:${flags.qualifier}`}`;
  return lambdaTarget({
    client,
    functionName,
    description,
    ...(flags.qualifier === undefined ? {} : { qualifier: flags.qualifier }),
  });
}

function rowsLabel(first: number, count: number): string {
  return count === 1 ? `row ${first + 1}` : `rows ${first + 1}-${first + count}`;
}

function summary(report: FanoutReport, seconds: number, arch: Architecture, skipped: number): string {
  const rate = seconds > 0 ? Math.round(report.rows / seconds) : report.rows;
  const lines = [
    `lambda-ml predict: ${report.rows.toLocaleString('en-US')} rows${skipped > 0 ? ` (after ${skipped.toLocaleString('en-US')} resumed)` : ''}, ${report.refused} refused, ${report.chunks} chunks, ${report.retries} retries, ${seconds.toFixed(1)} s wall (${rate.toLocaleString('en-US')} rows/s)`,
  ];
  const billing = report.billing;
  const cost = billing.costUsd(arch);
  if (cost === null) {
    lines.push(`billed duration: not reported (the endpoint sent no log tail with a REPORT line)`);
  } else {
    lines.push(
      `billed ${billing.billedMs.toLocaleString('en-US')} ms over ${billing.reported} invocations at ${billing.memoryMb} MB = $${cost.toFixed(6)} on ${arch} (${PRICE_REGION} list prices of ${PRICES_AS_OF})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs a remote prediction; sets the exit code. */
export async function predictRemote(flags: RemoteFlags, predictor: Predictor): Promise<void> {
  const concurrency = positiveInt('--concurrency', flags.concurrency, 1000);
  const rowsPerChunk = checkRowsPerChunk(positiveInt('--rows-per-chunk', flags.rowsPerChunk, 1_000_000));
  const maxAttempts = checkMaxAttempts(Number(flags.maxAttempts));
  if (flags.arch !== 'arm64' && flags.arch !== 'x86_64') {
    throw new UsageError(`--arch must be arm64 or x86_64 (for the price), got '${flags.arch}'`);
  }
  if (flags.resume && (flags.output === undefined || flags.input === undefined)) {
    throw new UsageError('--resume needs --input FILE and --output FILE (the run to continue)');
  }
  const withProbabilities = predictsProbabilities(predictor);
  const reader = new RowReader(predictor.schema);
  let skipRows = 0;
  let out = 1;
  if (flags.output !== undefined) {
    if (flags.input === undefined)
      throw new UsageError('--output needs --input FILE (stdin cannot be resumed)');
    const modelSha256 = createHash('sha256').update(readFileSync(flags.model)).digest('hex');
    skipRows = startRun(
      flags.output,
      describeInput(flags.input, modelSha256),
      flags.resume === true,
    ).skipRows;
    out = openSync(flags.output, 'a');
  }
  const format = formatFlag(flags.format);
  const csv = format === 'csv' || (format === undefined && /\.csv$/i.test(flags.input ?? ''));
  const total = flags.input === undefined ? null : await countRows(flags.input, csv);
  const target = await openTarget(flags);
  const bar = await progressBar(total === null ? null : Math.max(0, total - skipRows));
  const started = performance.now();
  let report: FanoutReport;
  try {
    const records = readRows(predictor.schema, {
      ...(flags.input === undefined ? {} : { path: flags.input }),
      ...(format === undefined ? {} : { format }),
      ...(flags.target === undefined ? {} : { target: flags.target }),
      note: (line) => process.stderr.write(`lambda-ml predict: ${line}\n`),
    });
    const items = sourceItems(records, reader, skipRows);
    report = await runFanout(
      chunksOf(items, { rowsPerChunk, answerBytesPerRow: answerBytes(predictor) }, skipRows),
      {
        target,
        concurrency,
        retry: { ...DEFAULT_RETRY, maxAttempts },
        payload: (rows) => `{"data":[${rows.join(',')}]${withProbabilities ? ',"probabilities":true' : ''}}`,
        answers: answerLines(withProbabilities),
        errorLine: (line, message) => JSON.stringify({ line, error: message }),
        // A file gets synchronous whole-chunk writes (a kill leaves at most one partial line, which
        // --resume cuts); stdout, often a pipe, gets Node's buffered writes.
        write: (text) => (out === 1 ? process.stdout.write(text) : writeSync(out, text)),
        onProgress: (p) => bar.update(p.rows, p.retries),
      },
    );
  } finally {
    bar.stop();
    target.close();
    if (out !== 1) closeSync(out);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(summary(report, seconds, flags.arch as Architecture, skipRows));
  if (report.failure !== null) {
    const { chunk, message } = report.failure;
    const first = chunk.items[0]?.line ?? 0;
    const last = chunk.items.at(-1)?.line ?? 0;
    throw new InvokeError(
      `chunk ${chunk.index + 1} (${rowsLabel(chunk.firstRow, chunk.items.length)}, input lines ${first}-${last}) failed on ${target.description}: ${message}.${flags.output === undefined ? '' : ` ${report.rows + skipRows} rows are in ${flags.output}; fix the cause and add --resume to continue`}`,
    );
  }
  if (flags.output !== undefined) finishRun(flags.output);
  if (report.refused > 0) {
    process.stderr.write(
      `lambda-ml predict: ${report.refused} row(s) could not be predicted (see their error lines)\n`,
    );
    process.exitCode = 1;
  }
}

/** A generous estimate of one answer's JSON: a label, or a label with one probability per class. */
function answerBytes(predictor: Predictor): number {
  const classes = predictor.classes?.length ?? 1;
  return 40 + (predictsProbabilities(predictor) ? 26 * classes : 0);
}
