// `lambda-ml predict --model FILE [--input FILE]`: JSON lines in (one row each: an array or an object by
// feature name), JSON lines out.
// A bad row gets an error line and a non-zero exit code; the other rows are still answered.
import { createReadStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { describeError, UsageError } from '../../core/errors.js';
import { RowReader } from '../../function/rows.js';
import { type Predictor, predictsProbabilities } from '../../model/types.js';
import { loadAnyModelFile } from '../../sklearn/load-any.js';

/** Parses one input line into a JSON value (a row: an array by position or an object by name). */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    if (/\b(NaN|-?Infinity)\b/.test(line)) {
      throw new Error(
        'row contains NaN or Infinity, which JSON does not have; write null for a missing value',
      );
    }
    throw new Error(
      'line is not valid JSON; expected an array such as [0.1, 2, 3.5] or an object such as {"age": 31, "city": "porto"}',
    );
  }
}

/** Answers one line: the JSON text of the prediction, or throws with the reason. */
export function answerLine(predictor: Predictor, reader: RowReader, line: string, where: string): string {
  const row = reader.read(parseLine(line), where);
  const prediction = predictor.predict(row);
  if (!predictsProbabilities(predictor)) return JSON.stringify({ prediction });
  return JSON.stringify({ prediction, probabilities: Array.from(predictor.predictProba(row)) });
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description(
      'predict JSON-lines rows (arrays by position, or objects by feature name) from a file or stdin',
    )
    .requiredOption('--model <file>', 'model: a lambda-ml JSON artifact or a scikit-learn .joblib/.pkl file')
    .option('--input <file>', 'JSON lines, one row per line (default: stdin)')
    .action(async (flags: { model: string; input?: string }) => {
      const predictor = loadAnyModelFile(flags.model);
      const reader = new RowReader(predictor.schema);
      let input: NodeJS.ReadableStream = process.stdin;
      if (flags.input !== undefined) {
        let fd: number;
        try {
          fd = openSync(flags.input, 'r');
        } catch (error) {
          throw new UsageError(
            `cannot read input ${flags.input} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          );
        }
        input = createReadStream('', { fd });
      }
      let failed = 0;
      let lineNo = 0;
      const out: string[] = [];
      const flush = (): void => {
        if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
        out.length = 0;
      };
      for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        lineNo++;
        if (line.trim() === '') continue;
        try {
          out.push(answerLine(predictor, reader, line, `line ${lineNo}`));
        } catch (error) {
          failed++;
          out.push(JSON.stringify({ line: lineNo, error: describeError(error) }));
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
