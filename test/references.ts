// Checked-in references: answers of the real libraries (scikit-learn, numpy, glibc via Python), stored
// under test/references/<oracle>/ and keyed by their input, so `npm test` needs no Python. CI re-runs the
// oracle and compares (LAMBDA_ML_REFERENCES=verify); `npm run references -- update` rewrites them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REFERENCES_DIR = join(import.meta.dirname, 'references');

/** stored: read the files (default); verify: run the oracle and fail on any difference; update: rewrite. */
export type ReferenceMode = 'stored' | 'verify' | 'update';

export function referenceMode(env: NodeJS.ProcessEnv = process.env): ReferenceMode {
  const mode = env.LAMBDA_ML_REFERENCES ?? 'stored';
  if (mode === 'stored' || mode === 'verify' || mode === 'update') return mode;
  throw new Error(`LAMBDA_ML_REFERENCES is '${mode}'; expected stored, verify or update`);
}

interface StoredReference {
  readonly oracle: string;
  readonly key: string;
  /** The input itself when it is small enough to read in a diff; the key identifies it either way. */
  readonly input?: unknown;
  readonly output: unknown;
}

const INLINE_INPUT_CHARS = 4096;

function keyOf(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 16);
}

function fileOf(oracle: string, key: string): string {
  return join(REFERENCES_DIR, oracle, `${key}.json`);
}

function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d !== null) return d;
    }
  }
  return `${path}: stored ${JSON.stringify(a)?.slice(0, 120)}, live ${JSON.stringify(b)?.slice(0, 120)}`;
}

function readStored(oracle: string, input: unknown): unknown {
  const key = keyOf(input);
  const file = fileOf(oracle, key);
  if (!existsSync(file)) {
    throw new Error(
      `no checked-in reference ${oracle}/${key}.json for this case: a test case changed or is new. ` +
        'Regenerate the references with the real library: `npm run references -- update` (see scripts/references.mjs).',
    );
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as StoredReference).output;
}

function write(oracle: string, input: unknown, output: unknown): void {
  const key = keyOf(input);
  const text =
    JSON.stringify(input).length <= INLINE_INPUT_CHARS
      ? { oracle, key, input, output }
      : { oracle, key, output };
  mkdirSync(join(REFERENCES_DIR, oracle), { recursive: true });
  writeFileSync(fileOf(oracle, key), `${JSON.stringify(text)}\n`);
}

/**
 * The oracle's answers for `inputs`, one each, in order. `live` runs the real library on a batch (one
 * process for all of them) and is called only in verify and update modes.
 */
export function references<I, O>(
  oracle: string,
  inputs: readonly I[],
  live: (inputs: readonly I[]) => readonly O[],
  mode: ReferenceMode = referenceMode(),
): O[] {
  if (mode === 'stored') return inputs.map((input) => readStored(oracle, input) as O);
  const answers = live(inputs);
  if (answers.length !== inputs.length) {
    throw new Error(`oracle ${oracle} gave ${answers.length} answers for ${inputs.length} inputs`);
  }
  inputs.forEach((input, i) => {
    const output = JSON.parse(JSON.stringify(answers[i])) as unknown;
    if (mode === 'update') {
      write(oracle, input, output);
      return;
    }
    const difference = firstDifference(readStored(oracle, input), output);
    if (difference !== null) {
      throw new Error(
        `reference ${oracle}/${keyOf(input)}.json is out of date: the live library answers differently at ${difference}. ` +
          'If the library changed on purpose, run `npm run references -- update` and review the diff.',
      );
    }
  });
  return answers.map((a) => JSON.parse(JSON.stringify(a)) as O);
}

/** One input, one answer. */
export function reference<I, O>(oracle: string, input: I, live: (input: I) => O): O {
  return references<I, O>(oracle, [input], (inputs) => inputs.map(live))[0] as O;
}

/** Runs Debian's /usr/bin/python3 (the live oracle of verify/update modes) and returns its stdout. */
export function python(args: readonly string[], input = '', env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync('/usr/bin/python3', args, {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `python3 ${args[0]} failed (${r.status ?? r.signal}); the live oracle needs Debian's python3-sklearn: ${r.stderr || r.error?.message}`,
    );
  }
  return r.stdout;
}
