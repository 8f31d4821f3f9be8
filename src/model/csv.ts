// A small standard-library CSV reader for training data: a header row, numeric features and one
// named target column (numbers or strings). Errors name the line and column.
import { DatasetError } from './errors.js';
import type { Dataset } from './estimator.js';
import type { ClassLabel } from './types.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Splits CSV text into records of fields (RFC 4180 quoting, LF or CRLF), keeping each record's line. */
export function parseCsvRecords(text: string, source: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
    i++;
  }
  if (quoted) throw new DatasetError(`${source}: line ${recordLine}: unterminated quoted field`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** Reads a CSV training table; `target` names the label column, every other column is a feature. */
export function parseCsvDataset(
  text: string,
  target: string,
  source: string,
): Dataset & { featureNames: string[] } {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''), source);
  const header = records[0];
  if (!header) throw new DatasetError(`${source}: the file is empty; expected a header row`);
  const names = header.fields.map((s) => s.trim());
  const t = names.indexOf(target);
  if (t < 0) {
    throw new DatasetError(
      `${source}: line ${header.line}: no column named ${JSON.stringify(target)}; columns: ${names.join(', ')}`,
    );
  }
  const nFeatures = names.length - 1;
  if (nFeatures < 1)
    throw new DatasetError(`${source}: line ${header.line}: no feature columns besides the target`);
  const rows = records.slice(1);
  if (rows.length === 0) throw new DatasetError(`${source}: no data rows after the header`);
  const X = new Float64Array(rows.length * nFeatures);
  const rawY: string[] = [];
  rows.forEach(({ line, fields }, r) => {
    if (fields.length !== names.length) {
      throw new DatasetError(
        `${source}: line ${line}: has ${fields.length} fields; the header has ${names.length}`,
      );
    }
    let f = 0;
    fields.forEach((rawField, c) => {
      const s = rawField.trim();
      const where = `${source}: line ${line}, column ${c + 1} (${names[c]})`;
      if (s === '') throw new DatasetError(`${where}: missing value`);
      if (c === t) {
        rawY.push(s);
        return;
      }
      if (!NUMBER.test(s)) throw new DatasetError(`${where}: ${JSON.stringify(s)} is not a number`);
      const v = Number(s);
      if (!Number.isFinite(v)) throw new DatasetError(`${where}: ${s} is out of range`);
      X[r * nFeatures + f++] = v;
    });
  });
  const numeric = rawY.every((s) => NUMBER.test(s) && Number.isFinite(Number(s)));
  const y: ClassLabel[] = numeric ? rawY.map(Number) : rawY;
  return { X, nRows: rows.length, nFeatures, y, featureNames: names.filter((_, c) => c !== t) };
}
