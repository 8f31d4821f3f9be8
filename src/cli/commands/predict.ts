// `lambda-ml predict --model FILE [--input FILE]`: rows in (JSON lines: an array or an object by feature name
// each; or CSV with a header), one JSON line out per row, in input order.
// A bad row gets an error line and a non-zero exit code; the other rows are still answered.
import type { Command } from 'commander';
import { describeError, UsageError } from '../../core/errors.js';
import { RowReader } from '../../function/rows.js';
import { type Predictor, predictsProbabilities } from '../../model/types.js';
import { loadAnyModelFile, MODEL_FILE_HELP } from '../../readers/load-any.js';
import { type InputFormat, readRows } from '../row-input.js';
import { addRemoteOptions, type RemoteFlags, remoteFlags, wantsRemote } from './predict-remote-flags.js';

interface PredictFlags extends Partial<RemoteFlags> {
  readonly model: string;
  readonly input?: string;
  readonly format?: string;
  readonly target?: string;
}

/** Answers one row value: the JSON text of the prediction, or throws with the reason. */
export function answerRow(predictor: Predictor, reader: RowReader, value: unknown, where: string): string {
  const row = reader.read(value, where);
  const prediction = predictor.predict(row);
  if (!predictsProbabilities(predictor)) return JSON.stringify({ prediction });
  return JSON.stringify({ prediction, probabilities: Array.from(predictor.predictProba(row)) });
}

export function formatFlag(value: string | undefined): InputFormat | undefined {
  if (value === undefined || value === 'jsonl' || value === 'csv') return value;
  throw new UsageError(`--format must be jsonl or csv, got '${value}'`);
}

export function registerPredict(program: Command): void {
  // The remote options (--endpoint, --function, ...) come first in the help: see predict-remote-flags.ts.
  addRemoteOptions(program.command('predict'))
    .description(
      'predict rows from JSON lines (arrays by position, or objects by feature name) or a CSV file with a header',
    )
    .requiredOption('--model <file>', `model: ${MODEL_FILE_HELP}`)
    .option('--input <file>', 'rows: .jsonl (one row per line) or .csv with a header (default: stdin)')
    .option('--format <format>', 'jsonl or csv (default: told by the extension, then by the first line)')
    .option(
      '--target <column>',
      'a CSV label column to ignore (needed only when the model has no feature names)',
    )
    .action(async (flags: PredictFlags) => {
      const format = formatFlag(flags.format);
      const predictor = loadAnyModelFile(flags.model);
      if (wantsRemote(flags)) {
        const { predictRemote } = await import('./predict-remote.js');
        return predictRemote(remoteFlags(flags), predictor);
      }
      const reader = new RowReader(predictor.schema);
      let failed = 0;
      const out: string[] = [];
      const flush = (): void => {
        if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
        out.length = 0;
      };
      const records = readRows(predictor.schema, {
        ...(flags.input === undefined ? {} : { path: flags.input }),
        ...(format === undefined ? {} : { format }),
        ...(flags.target === undefined ? {} : { target: flags.target }),
        note: (line) => process.stderr.write(`lambda-ml predict: ${line}\n`),
      });
      for await (const record of records) {
        try {
          if ('error' in record) throw new Error(record.error);
          out.push(answerRow(predictor, reader, record.value, `line ${record.line}`));
        } catch (error) {
          failed++;
          out.push(JSON.stringify({ line: record.line, error: describeError(error) }));
        }
        if (out.length >= 1024) flush();
      }
      flush();
      if (failed > 0) {
        process.stderr.write(
          `lambda-ml predict: ${failed} row(s) could not be predicted (see their error lines)\n`,
        );
        process.exitCode = 1;
      }
    });
}
