// Entry of the runtime client: `node dist/runtime/main.js [module.function]` (what the container runs).
import { startRuntimeProcess } from './start.js';

startRuntimeProcess(process.argv.slice(2));
