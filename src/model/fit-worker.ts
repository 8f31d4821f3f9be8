// Worker thread of the parallel forest fit: fits the trees it is sent (by index) from the shared plan.
import { parentPort, workerData } from 'node:worker_threads';
import { ModelConfigError } from './errors.js';
import { type ForestPlan, fitForestTree, mapPlanArrays } from './estimator.js';
import { SplitterWorkspace } from './tree/splitter.js';

const sharedPlan = workerData as ForestPlan;
// Own copies of the shared arrays: V8 optimises reads of ordinary typed arrays better.
const own = <T extends Float32Array | Float64Array | Int32Array>(a: T): T => a.slice() as T;
const plan = mapPlanArrays(sharedPlan, own);
const shared = { workspace: new SplitterWorkspace(plan.prepared.nRows), presorted: plan.presorted };
parentPort?.on('message', (t: number) => {
  try {
    parentPort?.postMessage({ t, tree: fitForestTree(plan, t, shared) });
  } catch (e) {
    const config = e instanceof ModelConfigError;
    parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e), config });
  }
});
