// Batch prediction on several worker threads: the packed forest and the rows live in
// SharedArrayBuffers, each thread predicts a contiguous range of rows. Rows are independent and each
// row's sum keeps tree order, so the output is the single-threaded (sklearn-identical) output.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PredictInputError } from './errors.js';
import type { RowsLayout } from './tree-batch.js';
import type { TreeEnsembleSpec } from './tree-ensemble.js';
import { packForest } from './tree-pack.js';

export interface ParallelBatchPredictor {
  readonly threads: number;
  /** Same numbers as predictProbaBatch / predictValueBatch, computed on `threads` threads. */
  predictBatch(rows: ArrayLike<number>, nRows: number): Promise<Float64Array>;
  /** Stops the worker threads. */
  close(): Promise<void>;
}

interface Reply {
  readonly id: number;
  readonly error?: string;
}

export function createParallelPredictor(
  spec: TreeEnsembleSpec,
  threads = availableParallelism(),
): ParallelBatchPredictor {
  const classification = spec.task === 'classification';
  const K = classification ? (spec.classes?.length ?? 0) : 1;
  const packed = packForest(spec.trees, K, classification, true);
  const layout: RowsLayout = { nValues: K, nFeatures: spec.nFeatures, mean: spec.aggregation === 'mean' };
  // The worker is compiled JavaScript (dist/model/predict-worker.js); import this module from dist/.
  const url = new URL('./predict-worker.js', import.meta.url);
  const workers = Array.from(
    { length: Math.max(1, threads) },
    () => new Worker(url, { workerData: { packed, layout } }),
  );
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 0;
  for (const worker of workers) {
    worker.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new PredictInputError(`prediction thread failed: ${m.error}`));
      else p?.resolve();
    });
    worker.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  const F = spec.nFeatures;
  return {
    threads: workers.length,
    async predictBatch(rows, nRows) {
      const shared = new Float64Array(new SharedArrayBuffer(nRows * F * 8));
      for (let j = 0; j < nRows * F; j++) shared[j] = rows[j] as number;
      const out = new Float64Array(new SharedArrayBuffer(nRows * K * 8));
      const per = Math.ceil(nRows / workers.length / 4) * 4;
      const jobs = workers.map((worker, k) => {
        const r0 = Math.min(nRows, k * per);
        const r1 = Math.min(nRows, r0 + per);
        const id = nextId++;
        return new Promise<void>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, rows: shared, out, r0, r1 });
        });
      });
      await Promise.all(jobs);
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
