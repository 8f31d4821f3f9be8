// Worker thread of the parallel batch predictor: instantiates the forest kernel over the shared memory,
// then predicts the row ranges it is sent (in its own scratch slot) into the shared output array.
import { parentPort, workerData } from 'node:worker_threads';
import { pairwiseSum } from './numeric.js';
import { instantiateKernel, runRows } from './wasm/forest-engine.js';
import type { Layout } from './wasm/forest-layout.js';
import type { WasmMemory } from './wasm/runtime.js';

export interface WorkerSetup {
  readonly memory: WasmMemory;
  readonly layout: Layout;
  readonly slot: number;
  readonly init: readonly number[] | null;
  /** Forests: divide each sum by the number of trees. */
  readonly divideBy: number | null;
  /** A single classifier tree: normalise its raw counts (its predict_proba). */
  readonly normalise: boolean;
}

interface Job {
  readonly id: number;
  readonly rows: Float64Array;
  readonly out: Float64Array;
  readonly r0: number;
  readonly r1: number;
}

const setup = workerData as WorkerSetup;
const packed = { memory: setup.memory, layout: setup.layout };
const run = instantiateKernel(packed);
const K = setup.layout.nOutputs;

function finish(out: Float64Array, from: number, to: number): void {
  const d = setup.divideBy;
  if (d !== null) for (let j = from * K; j < to * K; j++) out[j] = (out[j] as number) / d;
  if (!setup.normalise) return;
  for (let r = from; r < to; r++) {
    let norm = pairwiseSum(out, r * K, K);
    if (norm === 0.0) norm = 1.0;
    for (let c = 0; c < K; c++) out[r * K + c] = (out[r * K + c] as number) / norm;
  }
}

parentPort?.on('message', (job: Job) => {
  try {
    const view = job.out.subarray(job.r0 * K, job.r1 * K);
    runRows(packed, run, job.rows, job.r0, job.r1, view, job.r0, setup.init, setup.slot);
    finish(job.out, job.r0, job.r1);
    parentPort?.postMessage({ id: job.id });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
