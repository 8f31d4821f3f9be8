// The node:http floor the emulator benchmarks measure against: one process, the model loaded once, the
// prediction made in the request handler. Started with PORT, MODEL_PATH and LOAD_JS (dist/model/load.js).
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
