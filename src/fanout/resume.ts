// --resume: what an interrupted run left (complete output lines, its record of input and model), checked.
import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';

/** Written beside the output when a run starts, removed when it finishes: the mark of an unfinished run. */
export interface RunRecord {
  readonly format: 'lambda-ml-fanout';
  readonly version: 1;
  readonly input: string;
  readonly inputBytes: number;
  readonly inputMtimeMs: number;
  readonly modelSha256: string;
}

export function recordPath(output: string): string {
  return `${output}.lambda-ml-run.json`;
}

export function describeInput(input: string, modelSha256: string): RunRecord {
  const stat = statSync(input);
  return {
    format: 'lambda-ml-fanout',
    version: 1,
    input: resolve(input),
    inputBytes: stat.size,
    inputMtimeMs: Math.trunc(stat.mtimeMs),
    modelSha256,
  };
}

/**
 * Counts the output's complete lines and cuts a partial last line (a write the kill interrupted), so
 * the file ends on a row boundary. Streams: the output of a million rows need not fit in memory.
 */
export function completeLines(path: string): number {
  if (!existsSync(path)) return 0;
  const fd = openSync(path, 'r+');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let lines = 0;
    let position = 0;
    let lastNewline = -1;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      for (let i = buffer.indexOf(10, 0); i !== -1 && i < n; i = buffer.indexOf(10, i + 1)) {
        lines++;
        lastNewline = position + i;
      }
      position += n;
    }
    if (lastNewline + 1 !== position) ftruncateSync(fd, lastNewline + 1);
    return lines;
  } finally {
    closeSync(fd);
  }
}

export interface ResumePoint {
  /** Input rows already answered in the output: skip them. */
  readonly skipRows: number;
}

/**
 * Where a run starts. Fresh: the output is (re)written, unless it holds an unfinished run (which
 * needs --resume, or deleting). Resumed: the record must match this input and model, then the output's
 * complete lines are the rows to skip.
 */
export function startRun(output: string, current: RunRecord, resume: boolean): ResumePoint {
  const path = recordPath(output);
  const unfinished = existsSync(path);
  if (!resume) {
    if (unfinished) {
      throw new UsageError(
        `${output} holds an interrupted run (${completeLines(output)} rows written): add --resume to continue it, or delete ${output} and ${path} to start over`,
      );
    }
    writeFileSync(output, '');
    writeFileSync(path, `${JSON.stringify(current, null, 2)}\n`);
    return { skipRows: 0 };
  }
  if (!unfinished) {
    throw new UsageError(
      `no interrupted run to resume in ${output}: ${path} is missing (the run finished, or never started); run without --resume to start over`,
    );
  }
  let saved: RunRecord;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch (error) {
    throw new UsageError(
      `${path} is damaged (${(error as Error).message}); delete it and ${output} to start over`,
    );
  }
  const changed: string[] = [];
  if (saved.input !== current.input) changed.push(`the input was ${saved.input}`);
  else if (saved.inputBytes !== current.inputBytes || saved.inputMtimeMs !== current.inputMtimeMs) {
    changed.push(`${current.input} changed since (size or modification time)`);
  }
  if (saved.modelSha256 !== current.modelSha256) changed.push('the model file is a different one');
  if (changed.length > 0) {
    throw new UsageError(
      `cannot resume ${output}: ${changed.join('; ')}. Resuming would mix answers; start over without --resume (after deleting ${path})`,
    );
  }
  return { skipRows: completeLines(output) };
}

/** The run finished: the output is whole, so nothing is left to resume. */
export function finishRun(output: string): void {
  rmSync(recordPath(output), { force: true });
}
