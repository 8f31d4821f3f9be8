// The console's JSON API and event stream (everything under /api/); the caller has checked Host and token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from '../emulator/contract.js';
import { readBody } from '../emulator/http-body.js';
import type { Emulator } from '../emulator/server.js';
import { ApiError } from './errors.js';
import type { ConsoleState } from './state.js';
import type { EventStream } from './stream.js';
import type { ConsoleInfo, InvokeReply, SchemaReply } from './wire.js';

export interface ApiContext {
  readonly emulator: Pick<Emulator, 'stopInstance'>;
  readonly state: ConsoleState;
  readonly stream: EventStream;
  readonly info: ConsoleInfo;
  readonly schema: () => Promise<SchemaReply>;
  readonly invoke: (payload: Buffer) => Promise<InvokeReply>;
}

const INVOCATION = /^\/api\/invocations\/(\d+)$/;
const REPLAY = /^\/api\/invocations\/(\d+)\/replay$/;
const STOP = /^\/api\/instances\/(\d+)\/stop$/;

export async function handleApi(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET') {
    if (path === '/api/events') return ctx.stream.attach(req, res);
    if (path === '/api/info') return sendJson(res, 200, ctx.info);
    if (path === '/api/schema') return sendJson(res, 200, await ctx.schema());
    const seq = INVOCATION.exec(path)?.[1];
    if (seq !== undefined) {
      const detail = ctx.state.history.detail(Number(seq));
      if (detail === null) throw gone(seq);
      return sendJson(res, 200, detail);
    }
  } else if (method === 'POST') {
    if (path === '/api/invoke') return sendJson(res, 200, await ctx.invoke(await payloadOf(req)));
    const replay = REPLAY.exec(path)?.[1];
    if (replay !== undefined) {
      req.resume();
      const payload = ctx.state.history.request(Number(replay));
      if (payload === null) {
        if (ctx.state.history.detail(Number(replay)) === null) throw gone(replay);
        throw new ApiError(
          409,
          `invocation ${replay}'s request was over the console's size limit and was cut`,
        );
      }
      return sendJson(res, 200, await ctx.invoke(payload));
    }
    const stop = STOP.exec(path)?.[1];
    if (stop !== undefined) {
      req.resume();
      if (!ctx.emulator.stopInstance(Number(stop))) throw new ApiError(404, `no running instance ${stop}`);
      return sendJson(res, 202, { stopping: Number(stop) });
    }
    if (path === '/api/clear') {
      req.resume();
      ctx.state.clear();
      return sendJson(res, 200, { cleared: true });
    }
  }
  req.resume();
  throw new ApiError(404, `no ${method} ${path} in the console's API`);
}

function gone(seq: string): ApiError {
  return new ApiError(
    404,
    `invocation ${seq} is no longer in the console's history (it keeps the latest ones)`,
  );
}

/** `{"payload": "<JSON event as text>"}`; the Invoke API itself judges the event. */
async function payloadOf(req: IncomingMessage): Promise<Buffer> {
  const read = await readBody(req, LIMITS.syncRequestBytes * 2);
  if (read.tooLarge)
    throw new ApiError(413, `the event is larger than Lambda's ${LIMITS.syncRequestBytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'expected a JSON body like {"payload": "{\\"data\\": [0,0,0,0]}"}');
  }
  const payload = (parsed as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') {
    throw new ApiError(400, '"payload" must be the event as JSON text, e.g. "{\\"data\\": [0,0,0,0]}"');
  }
  return Buffer.from(payload, 'utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}
