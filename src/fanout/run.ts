// Runs chunks against a target N at a time, retrying what a retry can fix, and writes answers in input order.
import { BillingTally } from './billing.js';
import type { Chunk } from './chunks.js';
import { backoffMs, type RetryPolicy } from './retry.js';
import { describeOutcome, type InvokeOutcome, type InvokeTarget, isRetryable } from './target.js';

/** The function answered, but not with what the rows need (a 400, a wrong count): retrying cannot help. */
export class AnswerError extends Error {}

export interface FanoutOptions {
  readonly target: InvokeTarget;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  /** The request for a chunk's rows (their JSON texts). */
  readonly payload: (rows: readonly string[]) => string;
  /** The output lines for a chunk's sent rows, from the function's answer; throws AnswerError. */
  readonly answers: (body: string, rows: number) => string[];
  /** The output line of a row refused locally. */
  readonly errorLine: (line: number, message: string) => string;
  /** Receives the output, chunk by chunk, in input order. */
  readonly write: (text: string) => void;
  readonly onProgress?: (progress: FanoutProgress) => void;
  readonly onRetry?: (chunk: Chunk, retry: number, outcome: InvokeOutcome, delayMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface FanoutProgress {
  /** Rows written (answered or refused). */
  readonly rows: number;
  readonly chunks: number;
  readonly retries: number;
}

export interface ChunkFailure {
  readonly chunk: Chunk;
  readonly message: string;
}

export interface FanoutReport extends FanoutProgress {
  /** Rows refused locally (written as error lines). */
  readonly refused: number;
  readonly billing: BillingTally;
  /** The first chunk that failed for good; everything before it was written. */
  readonly failure: ChunkFailure | null;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Workers take chunks in order; finished chunks wait until every earlier one is written. A worker does
 * not take a chunk more than `4 × concurrency` ahead of the next one to write, so a slow chunk bounds
 * the memory held. After a chunk fails for good, no later chunk starts or retries; the earlier ones
 * finish, so the output holds every row before the failed chunk.
 */
export async function runFanout(chunks: AsyncIterable<Chunk>, options: FanoutOptions): Promise<FanoutReport> {
  const iterator = chunks[Symbol.asyncIterator]();
  const window = Math.max(1, options.concurrency) * 4;
  const done = new Map<number, string>();
  const billing = new BillingTally();
  const state = { next: 0, rows: 0, chunks: 0, retries: 0, refused: 0 };
  let failure: ChunkFailure | null = null;
  let pulling: Promise<IteratorResult<Chunk>> = Promise.resolve({ done: false, value: undefined as never });
  let wakeWindow: Array<() => void> = [];
  const sizes = new Map<number, { rows: number; refused: number }>();

  const take = (): Promise<IteratorResult<Chunk>> => {
    // One pull at a time: the source is a stream.
    pulling = pulling.then(() => (failure === null ? iterator.next() : { done: true, value: undefined }));
    return pulling;
  };

  const flush = (): void => {
    let text = '';
    for (let out = done.get(state.next); out !== undefined; out = done.get(state.next)) {
      text += out;
      done.delete(state.next);
      const size = sizes.get(state.next) as { rows: number; refused: number };
      sizes.delete(state.next);
      state.rows += size.rows;
      state.refused += size.refused;
      state.chunks++;
      state.next++;
    }
    if (text === '') return;
    options.write(text);
    options.onProgress?.({ rows: state.rows, chunks: state.chunks, retries: state.retries });
    const waiting = wakeWindow;
    wakeWindow = [];
    for (const wake of waiting) wake();
  };

  const failedBefore = (chunk: Chunk): boolean => failure !== null && failure.chunk.index < chunk.index;
  const fail = (result: ChunkFailure): void => {
    if (failure === null || result.chunk.index < failure.chunk.index) failure = result;
    const waiting = wakeWindow;
    wakeWindow = [];
    for (const wake of waiting) wake();
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      const next = await take();
      if (next.done === true) return;
      const chunk = next.value;
      while (chunk.index >= state.next + window && !failedBefore(chunk)) {
        await new Promise<void>((r) => wakeWindow.push(r));
      }
      if (failedBefore(chunk)) continue;
      const result = await runChunk(
        chunk,
        options,
        billing,
        () => failedBefore(chunk),
        () => state.retries++,
      );
      if (result === null) continue;
      if (typeof result !== 'string') {
        fail(result);
        continue;
      }
      done.set(chunk.index, result);
      sizes.set(chunk.index, { rows: chunk.items.length, refused: chunk.items.length - chunk.rows.length });
      flush();
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  flush();
  await iterator.return?.();
  return { ...state, billing, failure };
}

/**
 * One chunk to its output text, retrying; a ChunkFailure when it cannot be answered; null when an
 * earlier chunk failed for good meanwhile (this one would never be written, so it stops paying).
 */
async function runChunk(
  chunk: Chunk,
  options: FanoutOptions,
  billing: BillingTally,
  stopped: () => boolean,
  countRetry: () => void,
): Promise<string | ChunkFailure | null> {
  let answers: string[] = [];
  if (chunk.rows.length > 0) {
    const payload = options.payload(chunk.rows);
    for (let attempt = 1; ; attempt++) {
      const outcome = await options.target.invoke(payload);
      // Throttled and dropped calls never ran, so they are not billed; failed runs (timeouts) are.
      if (outcome.kind === 'ok' || outcome.kind === 'function-error') billing.add(outcome.logTail);
      if (outcome.kind === 'ok') {
        try {
          answers = options.answers(outcome.body, chunk.rows.length);
          break;
        } catch (error) {
          return { chunk, message: (error as Error).message };
        }
      }
      const reason = describeOutcome(outcome);
      if (!isRetryable(outcome)) return { chunk, message: `${reason} (not retried: a retry cannot fix it)` };
      if (attempt >= options.retry.maxAttempts) {
        return { chunk, message: `${reason} (gave up after ${attempt} attempts)` };
      }
      if (stopped()) return null;
      const delay = backoffMs(options.retry, attempt, options.random);
      countRetry();
      options.onRetry?.(chunk, attempt, outcome, delay);
      await (options.sleep ?? defaultSleep)(delay);
    }
  }
  let text = '';
  let a = 0;
  for (const item of chunk.items) {
    text += item.json === undefined ? options.errorLine(item.line, item.error ?? 'refused') : answers[a++];
    text += '\n';
  }
  return text;
}
