// Input rows for a fan-out run: local predict's reader (JSON lines or CSV with a header) and row checks,
// as SourceItems.
import { createReadStream } from 'node:fs';
import { describeError } from '../core/errors.js';
import type { SourceItem } from '../fanout/chunks.js';
import type { RowReader } from '../function/rows.js';
import type { InputRecord } from './row-input.js';

/**
 * Each record as a row: checked against the model's schema here, so a bad row gets the very error line
 * local `predict` writes and is never sent. `skipRows` records (a resumed run's) are passed over.
 */
export async function* sourceItems(
  records: AsyncIterable<InputRecord>,
  reader: RowReader,
  skipRows = 0,
): AsyncGenerator<SourceItem> {
  let skip = skipRows;
  for await (const record of records) {
    if (skip > 0) {
      skip--;
      continue;
    }
    if ('error' in record) {
      yield { line: record.line, error: record.error };
      continue;
    }
    try {
      // NaN (a missing value) becomes null in JSON, as the handler expects.
      yield { line: record.line, json: JSON.stringify(reader.read(record.value, `line ${record.line}`)) };
    } catch (error) {
      yield { line: record.line, error: describeError(error) };
    }
  }
}

/** Non-blank lines of a file (less a CSV header): the progress bar's total. A byte scan, files only. */
export async function countRows(path: string, csv: boolean): Promise<number> {
  let rows = 0;
  let blank = true;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const byte of chunk) {
      if (byte === 10) {
        if (!blank) rows++;
        blank = true;
      } else if (byte !== 13 && byte !== 32 && byte !== 9) blank = false;
    }
  }
  if (!blank) rows++;
  return csv ? Math.max(0, rows - 1) : rows;
}
