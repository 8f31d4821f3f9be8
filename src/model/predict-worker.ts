// Worker thread of the parallel batch predictor: reads the shared packed forest once, then predicts
// the row ranges it is sent into the shared output array.
import { parentPort, workerData } from 'node:worker_threads';
import { predictRows, type RowsLayout } from './tree-batch.js';
import type { PackedForest } from './tree-pack.js';

interface Job {
  readonly id: number;
  readonly rows: Float64Array;
  readonly out: Float64Array;
  readonly r0: number;
  readonly r1: number;
}

const { packed, layout } = workerData as { packed: PackedForest; layout: RowsLayout };

parentPort?.on('message', (job: Job) => {
  try {
    predictRows(packed, layout, job.rows, job.r0, job.r1, job.out);
    parentPort?.postMessage({ id: job.id });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: String(error) });
  }
});
