// A fake Lambda Runtime API for tests: queues events, records every request the runtime sends.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

export interface FakeEvent {
  readonly requestId: string;
  readonly body: string;
  readonly deadlineMs?: number;
  readonly traceId?: string;
  readonly clientContext?: string;
  readonly cognitoIdentity?: string;
}

export interface FakeRuntimeApi {
  readonly address: string;
  readonly requests: RecordedRequest[];
  enqueue(event: FakeEvent): void;
  /** Resolves with the first recorded request matching, waiting up to `timeoutMs`. */
  waitFor(match: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

export const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:test-fn';

export async function startFakeRuntimeApi(): Promise<FakeRuntimeApi> {
  const requests: RecordedRequest[] = [];
  const queue: FakeEvent[] = [];
  const waitingNext: http.ServerResponse[] = [];
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const watcher of watchers) watcher();
  };

  function serve(res: http.ServerResponse, event: FakeEvent): void {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': event.requestId,
      'lambda-runtime-deadline-ms': String(event.deadlineMs ?? Date.now() + 30_000),
      'lambda-runtime-invoked-function-arn': ARN,
    };
    if (event.traceId) headers['lambda-runtime-trace-id'] = event.traceId;
    if (event.clientContext) headers['lambda-runtime-client-context'] = event.clientContext;
    if (event.cognitoIdentity) headers['lambda-runtime-cognito-identity'] = event.cognitoIdentity;
    res.writeHead(200, headers).end(event.body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      notify();
      if (req.method === 'GET' && path === '/2018-06-01/runtime/invocation/next') {
        const event = queue.shift();
        if (event) serve(res, event);
        else waitingNext.push(res);
        return;
      }
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    requests,
    enqueue(event) {
      const res = waitingNext.shift();
      if (res) serve(res, event);
      else queue.push(event);
    },
    waitFor(match, timeoutMs = 10_000) {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(
            new Error(
              `no matching request within ${timeoutMs} ms; saw ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          const hit = requests.find(match);
          if (!hit) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve(hit);
        };
        watchers.add(check);
      });
    },
    async close() {
      for (const res of waitingNext.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
