// Batch prediction on several worker threads: the forest is packed once into a shared WebAssembly memory
// (each thread has its own scratch slot in it), rows and outputs live in SharedArrayBuffers, and each
// thread runs the same kernel over a contiguous range of rows. Rows are independent and each row's sum
// keeps tree order, so the output is the single-threaded (scikit-learn-identical) output.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PredictInputError } from './errors.js';
import type { WorkerSetup } from './predict-worker.js';
import { ensembleEngineSpec, type TreeEnsembleSpec, treeLeafOutput } from './tree-ensemble.js';
import { packEngine } from './wasm/forest-layout.js';

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

/** Rows as a Float64Array in shared memory: the caller's own when it already is one, else a copy. */
function sharedRows(rows: ArrayLike<number>, n: number): Float64Array {
  if (rows instanceof Float64Array && rows.buffer instanceof SharedArrayBuffer) return rows;
  const shared = new Float64Array(new SharedArrayBuffer(n * 8));
  shared.set(
    rows instanceof Float64Array
      ? rows.subarray(0, n)
      : Array.from({ length: n }, (_, i) => rows[i] as number),
  );
  return shared;
}

export function createParallelPredictor(
  spec: TreeEnsembleSpec,
  threads = availableParallelism(),
): ParallelBatchPredictor {
  const classification = spec.task === 'classification';
  const K = classification ? (spec.classes?.length ?? 0) : 1;
  const n = Math.max(1, threads);
  const packed = packEngine(
    ensembleEngineSpec(spec.trees, spec.nFeatures, K, treeLeafOutput(spec, K)),
    n,
    true,
  );
  const single = spec.aggregation === 'single';
  const setup: Omit<WorkerSetup, 'slot'> = {
    memory: packed.memory,
    layout: packed.layout,
    init: single ? new Array(K).fill(-0) : null,
    divideBy: single ? null : spec.trees.length,
    normalise: single && classification,
  };
  // The worker is compiled JavaScript (dist/model/predict-worker.js); import this module from dist/.
  const url = new URL('./predict-worker.js', import.meta.url);
  const workers = Array.from({ length: n }, (_, slot) => new Worker(url, { workerData: { ...setup, slot } }));
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 0;
  for (const worker of workers) {
    worker.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new PredictInputError(m.error));
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
      const shared = sharedRows(rows, nRows * F);
      const out = new Float64Array(new SharedArrayBuffer(nRows * K * 8));
      const per = Math.ceil(nRows / workers.length);
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
