// A keep-alive HTTP client for benchmarks: POSTs one payload and classifies the answer.
import { Agent, request } from 'node:http';

/** One open way of calling the function (a pool of connections or an SDK client). */
export interface Caller {
  call(): Promise<CallResult>;
  close(): void;
}

/** Something the load phases can call: raw HTTP (emulator, container) or the AWS SDK (real Lambda). */
export interface CallTarget {
  readonly description: string;
  open(connections: number): Caller;
}

export interface Target extends CallTarget {
  readonly url: URL;
  readonly payload: Buffer;
}

/** What one call produced. */
export interface CallResult {
  readonly ok: boolean;
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** Accepts a base URL (the Invoke API path is added) or a full invocation URL. */
export function targetOf(endpoint: string, payload: string): Target {
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '')
    url.pathname = '/2015-03-31/functions/function/invocations';
  const target: Target = {
    url,
    payload: Buffer.from(payload),
    description: url.href,
    open: (connections) => {
      const agent = keepAliveAgent(connections);
      return { call: () => post(target, agent), close: () => agent.destroy() };
    },
  };
  return target;
}

export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** One POST; `ok` means 2xx without X-Amz-Function-Error. Never rejects. */
export function post(target: Target, agent: Agent): Promise<CallResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': target.payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300 && res.headers['x-amz-function-error'] === undefined;
          resolve({
            ok,
            status,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          });
        });
        res.on('error', () => resolve({ ok: false, status: 0, body: '', ms: performance.now() - started }));
      },
    );
    req.on('error', (error) =>
      resolve({ ok: false, status: 0, body: error.message, ms: performance.now() - started }),
    );
    req.end(target.payload);
  });
}
