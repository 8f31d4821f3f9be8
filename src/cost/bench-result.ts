// Reads the warm duration and the init time out of a `lambda-ml bench` JSON result for `cost --from-bench`.
import { readFileSync } from 'node:fs';
import { BenchResultError } from './errors.js';
import type { BenchFigures } from './input.js';

// Where each figure sits in a `lambda-ml bench --json` report (BenchReport in src/bench/run.ts): the
// mean warm round trip (billing sums durations, so the mean, not the median) and the median cold start
// (launch to first answer). Both are measured from the client, so they slightly overstate what Lambda
// bills: a conservative estimate. Flat `durationMs`/`initMs` files are accepted too.
const DURATION_PATHS = ['warm.latency.meanMs', 'durationMs'];
const INIT_PATHS = ['cold.medianMs', 'initMs'];

function pick(root: unknown, paths: readonly string[]): number | null {
  for (const path of paths) {
    let node: unknown = root;
    for (const key of path.split('.')) {
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (typeof node === 'number' && Number.isFinite(node) && node >= 0) return node;
  }
  return null;
}

export function benchFiguresFromJson(json: unknown, source: string): BenchFigures {
  const durationMs = pick(json, DURATION_PATHS);
  if (durationMs === null || durationMs === 0) {
    throw new BenchResultError(
      `${source} has no warm duration: expected a positive number at one of ${DURATION_PATHS.join(', ')}`,
      { context: { file: source } },
    );
  }
  return { durationMs, initMs: pick(json, INIT_PATHS) };
}

export function readBenchFigures(file: string): BenchFigures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BenchResultError(`cannot read --from-bench file ${file}: ${(error as Error).message}`, {
      cause: error,
      context: { file },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BenchResultError(`--from-bench file ${file} is not JSON: ${(error as Error).message}`, {
      cause: error,
      context: { file },
    });
  }
  return benchFiguresFromJson(json, file);
}
