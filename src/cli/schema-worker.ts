// Worker thread that reads a model file's input schema, so a large model never stalls the emulator's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadAnyModelFile } from '../sklearn/load-any.js';

try {
  parentPort?.postMessage({ schema: loadAnyModelFile(workerData as string).schema });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
