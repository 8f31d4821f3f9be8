// Worker thread of the parallel batch predictor: instantiates the forest kernel over the shared memory,
// then runs it over each block the calling thread has put in a scratch slot (float32 rows, outputs at
// their initial values) and finishes the outputs there.
import { parentPort, workerData } from 'node:worker_threads';
import { pairwiseSum } from './numeric.js';
import { instantiateKernel } from './wasm/forest-engine.js';
import type { Layout } from './wasm/forest-layout.js';
import type { WasmMemory } from './wasm/runtime.js';

export interface WorkerSetup {
  readonly memory: WasmMemory;
  readonly layout: Layout;
  /** Forests: divide each sum by the number of trees. */
  readonly divideBy: number | null;
  /** A single classifier tree: normalise its raw counts (its predict_proba). */
  readonly normalise: boolean;
}

/** Run the kernel over the first nRows rows of scratch slot `slot`. */
interface Job {
  readonly id: number;
  readonly slot: number;
  readonly nRows: number;
}

const setup = workerData as WorkerSetup;
const { layout, memory } = setup;
const run = instantiateKernel({ memory, layout });
const K = layout.nOutputs;

function finish(out: Float64Array, rows: number): void {
  const d = setup.divideBy;
  if (d !== null) for (let j = 0; j < rows * K; j++) out[j] = (out[j] as number) / d;
  if (!setup.normalise) return;
  for (let r = 0; r < rows; r++) {
    let norm = pairwiseSum(out, r * K, K);
    if (norm === 0.0) norm = 1.0;
    for (let c = 0; c < K; c++) out[r * K + c] = (out[r * K + c] as number) / norm;
  }
}

parentPort?.on('message', (job: Job) => {
  try {
    const slot = layout.slots[job.slot];
    if (slot === undefined) throw new RangeError(`no scratch slot ${job.slot}`);
    run(0, layout.nTrees, slot.x, job.nRows, slot.out);
    finish(new Float64Array(memory.buffer, slot.out, job.nRows * K), job.nRows);
    parentPort?.postMessage({ id: job.id });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
