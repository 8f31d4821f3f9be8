// Batch prediction on several worker threads: the forest is packed once into a shared WebAssembly memory
// with two scratch slots per thread. The calling thread casts the next block of rows to float32 straight
// into a free slot (no copy of the caller's rows into shared memory, whose fresh pages cost more than the
// prediction gains) and sends it to that slot's thread, which runs the kernel over it; each finished
// block is copied into the result and its slot refilled, so every thread always has a block waiting.
// Rows are independent and each row's sum keeps tree order, so the output is the single-threaded
// (scikit-learn-identical) output.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerSetup } from './predict-worker.js';
import { ensembleEngineSpec, type TreeEnsembleSpec, treeLeafOutput } from './tree-ensemble.js';
import { loadBlock } from './wasm/forest-engine.js';
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

/** Rows per job at least (the end of a batch is shared out in jobs of this size or more). */
const MIN_JOB_ROWS = 1024;

export function createParallelPredictor(
  spec: TreeEnsembleSpec,
  threads = availableParallelism(),
): ParallelBatchPredictor {
  const classification = spec.task === 'classification';
  const K = classification ? (spec.classes?.length ?? 0) : 1;
  const n = Math.max(1, threads);
  // Two scratch slots a thread: the main thread fills one while the thread works on the other.
  const packed = packEngine(
    ensembleEngineSpec(spec.trees, spec.nFeatures, K, treeLeafOutput(spec, K)),
    2 * n,
    true,
  );
  const { layout, memory } = packed;
  const single = spec.aggregation === 'single';
  const init = single ? new Array<number>(K).fill(-0) : null;
  const setup: WorkerSetup = {
    memory,
    layout,
    divideBy: single ? null : spec.trees.length,
    normalise: single && classification,
  };
  // The worker is compiled JavaScript (dist/model/predict-worker.js); import this module from dist/.
  const url = new URL('./predict-worker.js', import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(url, { workerData: setup }));
  const pending = new Map<number, (reply: Reply) => void>();
  let nextId = 0;
  for (const worker of workers) {
    worker.on('message', (m: Reply) => {
      const done = pending.get(m.id);
      pending.delete(m.id);
      done?.(m);
    });
    worker.on('error', (e) => {
      for (const done of pending.values()) done({ id: -1, error: e.message });
      pending.clear();
    });
  }
  const F = spec.nFeatures;
  const slotViews = layout.slots.map((slot) => ({
    x: new Float32Array(memory.buffer, slot.x, layout.blockRows * F),
    out: new Float64Array(memory.buffer, slot.out, layout.blockRows * K),
  }));

  /** One batch: jobs of up to blockRows rows, two in flight per thread, the next one sent as one finishes. */
  function run(rows: ArrayLike<number>, nRows: number): Promise<Float64Array> {
    const result = new Float64Array(nRows * K);
    let next = 0;
    let inFlight = 0;
    let failure: Error | null = null;
    return new Promise((resolve, reject) => {
      const settle = () => {
        if (inFlight > 0) return;
        if (failure === null) resolve(result);
        else reject(failure);
      };
      const send = (worker: Worker, slot: number, first: boolean): void => {
        if (failure !== null || next >= nRows) {
          settle();
          return;
        }
        // Full blocks while there are plenty of rows; the rest shared out so the threads end together
        // (the first job of each thread is short: its kernel starts in V8's baseline tier).
        const left = nRows - next;
        const share = Math.max(MIN_JOB_ROWS, Math.ceil(left / (2 * workers.length)));
        const count = Math.min(left, first ? MIN_JOB_ROWS : Math.min(layout.blockRows, share));
        const r0 = next;
        const view = slotViews[slot] as { x: Float32Array; out: Float64Array };
        try {
          loadBlock(layout, rows, r0, count, view.x, view.out, init);
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          settle();
          return;
        }
        next += count;
        const id = nextId++;
        inFlight++;
        pending.set(id, (reply) => {
          inFlight--;
          if (reply.error !== undefined) {
            failure ??= new Error(`a prediction thread failed: ${reply.error}`);
            settle();
            return;
          }
          result.set(view.out.subarray(0, count * K), r0 * K);
          send(worker, slot, false);
        });
        worker.postMessage({ id, slot, nRows: count });
      };
      workers.forEach((worker, k) => {
        send(worker, 2 * k, true);
        send(worker, 2 * k + 1, true);
      });
    });
  }

  // Batches take turns: they share the scratch slots.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    threads: workers.length,
    predictBatch(rows, nRows) {
      const batch = queue.then(() => run(rows, nRows));
      queue = batch.catch(() => undefined);
      return batch;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
