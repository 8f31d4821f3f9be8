// Groups input rows into chunks that fit one synchronous invocation: rows per chunk, request and answer bytes.
import { UsageError } from '../core/errors.js';

/** One input row: its JSON text (validated, in model order), or the reason it was refused locally. */
export interface SourceItem {
  /** 1-based line of the input file (CSV: the header is line 1). */
  readonly line: number;
  /** The row's JSON text, ready for `"data": [...]`; absent for a refused row. */
  readonly json?: string;
  /** Why the row was refused locally; it is answered with an error line, never sent. */
  readonly error?: string;
}

export interface Chunk {
  /** 0-based position of the chunk in this run. */
  readonly index: number;
  /** 0-based position of the chunk's first row among the input's rows (resumed rows included). */
  readonly firstRow: number;
  readonly items: readonly SourceItem[];
  /** The rows that are sent (items with `json`), in order. */
  readonly rows: readonly string[];
}

/** Lambda refuses a synchronous request over 6,291,456 bytes and an answer over 6,291,556 bytes. */
export const INVOKE_LIMIT_BYTES = 6_291_456;
/** Room left for the request's JSON around the rows and for an answer's envelope. */
export const CHUNK_BUDGET_BYTES = 6_000_000;
/** The prediction handler answers at most this many rows per request. */
export const MAX_ROWS_PER_CHUNK = 10_000;

export interface ChunkLimits {
  /** Rows per request, 1..10,000 (the handler's limit). */
  readonly rowsPerChunk: number;
  /** Estimated answer bytes per row (a prediction with probabilities is longer than a label). */
  readonly answerBytesPerRow: number;
  /** Request/answer byte budget (default CHUNK_BUDGET_BYTES; tests make it small). */
  readonly budgetBytes?: number;
}

export function checkRowsPerChunk(rows: number): number {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS_PER_CHUNK) {
    throw new UsageError(
      `--rows-per-chunk must be a whole number from 1 to ${MAX_ROWS_PER_CHUNK} (the handler's limit per request), got ${rows}`,
    );
  }
  return rows;
}

/**
 * Chunks in input order. A chunk closes at `rowsPerChunk` rows, or before the request (the rows' JSON)
 * or the expected answer would pass the byte budget. Refused rows ride along in place (they are
 * answered locally); a single row too big for any request is refused with the reason.
 */
export async function* chunksOf(
  source: AsyncIterable<SourceItem>,
  limits: ChunkLimits,
  firstRow = 0,
): AsyncGenerator<Chunk> {
  const budget = limits.budgetBytes ?? CHUNK_BUDGET_BYTES;
  const rowsByAnswer = Math.max(1, Math.floor(budget / Math.max(1, limits.answerBytesPerRow)));
  const maxRows = Math.min(limits.rowsPerChunk, rowsByAnswer);
  let index = 0;
  let start = firstRow;
  let items: SourceItem[] = [];
  let rows: string[] = [];
  let bytes = 0;
  const close = (): Chunk => {
    const chunk: Chunk = { index: index++, firstRow: start, items, rows };
    start += items.length;
    items = [];
    rows = [];
    bytes = 0;
    return chunk;
  };
  for await (const item of source) {
    let next = item;
    if (item.json !== undefined && item.json.length + 1 > budget) {
      next = {
        line: item.line,
        error: `row is ${item.json.length} bytes of JSON; one request must stay under ${budget} bytes`,
      };
    }
    const full = items.length >= maxRows;
    const overBudget = next.json !== undefined && bytes + next.json.length + 1 > budget;
    if (items.length > 0 && (full || overBudget)) yield close();
    items.push(next);
    if (next.json !== undefined) {
      rows.push(next.json);
      bytes += next.json.length + 1;
    }
  }
  if (items.length > 0) yield close();
}
