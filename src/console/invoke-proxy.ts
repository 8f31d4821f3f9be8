// Try-it and replay: sends a payload through the emulator's own Invoke API, as curl would, with the log tail.
import { Agent, request } from 'node:http';
import type { InvokeReply } from './wire.js';

export const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

export interface InvokeTarget {
  /** Loopback host and port of the emulator's Invoke API. */
  readonly host: string;
  readonly port: number;
}

/** One keep-alive agent per console, destroyed with it. */
export function createInvoker(target: InvokeTarget): {
  invoke(payload: Buffer): Promise<InvokeReply>;
  close(): void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  return {
    invoke: (payload) => invokeOnce(target, agent, payload),
    close: () => agent.destroy(),
  };
}

function invokeOnce(target: InvokeTarget, agent: Agent, payload: Buffer): Promise<InvokeReply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: INVOKE_PATH,
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': payload.length,
          'X-Amz-Log-Type': 'Tail',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const header = (name: string) => {
            const value = res.headers[name];
            return typeof value === 'string' ? value : null;
          };
          const tail = header('x-amz-log-result');
          resolve({
            status: res.statusCode ?? 0,
            requestId: header('x-amzn-requestid'),
            functionError: header('x-amz-function-error'),
            body: Buffer.concat(chunks).toString('utf8'),
            log: tail === null ? '' : Buffer.from(tail, 'base64').toString('utf8'),
            elapsedMs: performance.now() - started,
          });
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}
