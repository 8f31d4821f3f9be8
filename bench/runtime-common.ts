// Shared by the runtime benchmarks: the tutorial model in a temp dir, a tiny fake Runtime API, stats, RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeArtifact } from '../src/model/artifact.js';
import { trainFromConfig } from '../src/model/train.js';

export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
export const RUNTIME_MAIN = join(DIST, 'runtime', 'main.js');
const CONFIG = fileURLToPath(new URL('../config/default-training.json', import.meta.url));

export interface Workdir {
  readonly dir: string;
  readonly modelPath: string;
  /** A task root with `noop.mjs` (`export const handler = async () => 1`) and `floor.mjs` (one GET). */
  readonly noopRoot: string;
  remove(): void;
}

/** Trains the tutorial's model (config/default-training.json) into a fresh temp dir. */
export function makeWorkdir(): Workdir {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-'));
  const modelPath = join(dir, 'model.json');
  writeFileSync(modelPath, serializeArtifact(trainFromConfig(JSON.parse(readFileSync(CONFIG, 'utf8')))));
  writeFileSync(join(dir, 'noop.mjs'), 'export const handler = async () => 1;\n');
  // The floor for a Node program started from a file: one ES module, one GET /next, nothing else.
  writeFileSync(
    join(dir, 'floor.mjs'),
    "import http from 'node:http';\n" +
      "http.get('http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime/invocation/next');\n",
  );
  return { dir, modelPath, noopRoot: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The container image's /var/task, built by the image's own staging step (one bundle per entry). */
export function stageImageTask(out: string, modelPath: string): string {
  const stage = fileURLToPath(new URL('../container/stage-task.mjs', import.meta.url));
  const args = [stage, '--dist', DIST, '--model', modelPath, '--out', out];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`staging the image task dir failed: ${result.stderr}`);
  return out;
}

/** The Lambda environment a runtime process gets, pointed at `address`. */
export function lambdaEnv(address: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_LAMBDA_RUNTIME_API: address,
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    TZ: ':UTC',
    ...extra,
  };
}

export interface FakeApi {
  readonly address: string;
  /** Called on every GET /next; return the event body to serve, or undefined to hold the request. */
  onNext: (res: http.ServerResponse) => void;
  /** Called on every POST (a response or an error), with the invocation id and the posted body. */
  onResponse: (requestId: string, body: string) => void;
  close(): Promise<void>;
}

/** A minimal Runtime API: the benchmark decides what each /next gets. */
export async function startFakeApi(): Promise<FakeApi> {
  const api: FakeApi = {
    address: '',
    onNext: () => {},
    onResponse: () => {},
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      req.resume();
      api.onNext(res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(202, { 'content-length': 2 }).end('{}');
      const id = /invocation\/([^/]+)\//.exec(req.url ?? '')?.[1] ?? '';
      api.onResponse(id, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(api, {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return api;
}

export function sendEvent(res: http.ServerResponse, requestId: string, body: string): void {
  res.writeHead(200, {
    'content-length': Buffer.byteLength(body),
    'lambda-runtime-aws-request-id': requestId,
    'lambda-runtime-deadline-ms': String(Date.now() + 60_000),
    'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:bench',
    'lambda-runtime-trace-id': 'Root=1-00000000-000000000000000000000000;Sampled=0',
  });
  res.end(body);
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** Resident set of a process in MB (VmRSS), and its peak (VmHWM), from /proc. */
export function readRss(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export function printTable(
  title: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
