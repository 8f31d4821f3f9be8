// Worker thread that describes a model file (as `lambda-ml describe` does), so a large model never stalls the
// emulator's event loop while the console reads it.
import { parentPort, workerData } from 'node:worker_threads';
import { describeModel } from '../model/describe.js';
import { loadAnyModelFile } from '../sklearn/load-any.js';

try {
  parentPort?.postMessage({ description: describeModel(loadAnyModelFile(workerData as string)) });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
