// Forest training on worker threads (scikit-learn's n_jobs). The data, weights and each feature's row
// order are prepared once and shared (SharedArrayBuffers); each thread fits whole trees, tree t from
// seed t exactly as the single-threaded loop does, and the trees are put back in their order. A tree
// depends only on its seed and the shared data, so the forest is the one-thread forest, bit for bit.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelConfigError } from './errors.js';
import {
  baseWeightOf,
  type Dataset,
  type FitOptions,
  type FittedModel,
  fitEstimator,
  mapPlanArrays,
  planForest,
  prepareData,
} from './estimator.js';
import type { EstimatorParams } from './params.js';
import type { FlatTree } from './types.js';

/**
 * joblib's reading of n_jobs: null is 1, a positive number is that many threads, -1 every core, -2
 * all but one, and so on (at least 1). Never more threads than trees.
 */
export function resolveJobs(nJobs: number | null, nTrees: number, cores = availableParallelism()): number {
  if (nJobs !== null && (!Number.isInteger(nJobs) || nJobs === 0)) {
    throw new ModelConfigError(`n_jobs is ${JSON.stringify(nJobs)}; expected a non-zero integer or null`);
  }
  const n = nJobs === null ? 1 : nJobs > 0 ? nJobs : Math.max(1, cores + 1 + nJobs);
  return Math.max(1, Math.min(n, nTrees));
}

/** Copies a typed array into shared memory (a worker reads it without a copy). */
function shared<T extends Float32Array | Float64Array | Int32Array>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

type Reply = { t: number; tree: FlatTree } | { error: string; config: boolean };

/**
 * fitEstimator with `jobs` worker threads for a forest's trees (same model as fitEstimator); one
 * job, or a single tree, fits on the calling thread.
 */
export async function fitEstimatorParallel(
  p: EstimatorParams,
  data: Dataset,
  jobs: number,
  opts: Pick<FitOptions, 'onTree'> = {},
): Promise<FittedModel> {
  const threads = p.kind.startsWith('RandomForest') ? resolveJobs(jobs, p.nEstimators) : 1;
  if (threads === 1) return fitEstimator(p, data, opts);
  if (data.nRows < 1) throw new ModelConfigError('the dataset has no rows');
  const { prepared, classes } = prepareData(p, data);
  const plan = mapPlanArrays(planForest(p, data, prepared, baseWeightOf(p, prepared, classes)), shared);
  // The worker is compiled JavaScript next to this module (dist/), or TypeScript under tsx.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const url = new URL(`./fit-worker.${ext}`, import.meta.url);
  const workers = Array.from({ length: threads }, () => new Worker(url, { workerData: plan }));
  const trees: FlatTree[] = new Array(p.nEstimators);
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const give = (w: Worker): void => {
        if (next < p.nEstimators) w.postMessage(next++);
      };
      for (const w of workers) {
        w.on('message', (r: Reply) => {
          if ('error' in r) {
            reject(
              r.config ? new ModelConfigError(r.error) : new Error(`training a tree failed: ${r.error}`),
            );
            return;
          }
          trees[r.t] = r.tree;
          done += 1;
          opts.onTree?.(done, p.nEstimators);
          if (done === p.nEstimators) resolve();
          else give(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (done < p.nEstimators) reject(new Error(`a training worker thread stopped (exit code ${code})`));
        });
        give(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { classes, trees };
}
