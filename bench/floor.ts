// Shared by the emulator benchmarks: the tutorial model they serve, and the node:http floor they measure
// against (one process, the model loaded once, the prediction made in the request handler; started with
// PORT, MODEL_PATH and LOAD_JS = dist/model/load.js).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Trains the tutorial model (config/default-training.json) with `dist`'s CLI into `out`. */
export function trainTutorialModel(dist: string, root: string, out: string): void {
  const config = join(root, 'config', 'default-training.json');
  const trained = spawnSync(process.execPath, [
    join(dist, 'cli', 'main.js'),
    'train',
    '--config',
    config,
    '--out',
    out,
  ]);
  if (trained.status !== 0) throw new Error(`training failed: ${trained.stderr}`);
}

export const FLOOR_SOURCE = `
import { createServer } from 'node:http';
const { loadModelFile } = await import(process.env.LOAD_JS);
const model = loadModelFile(process.env.MODEL_PATH);
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const event = JSON.parse(Buffer.concat(chunks).toString());
    const body = JSON.stringify({ statusCode: 200, body: model.predict(event.data) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
