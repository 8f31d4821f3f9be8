// One Runtime API endpoint (2018-06-01) on its own loopback port, serving exactly one execution environment.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import {
  type DeliveryConnection,
  type Invocation,
  LIMITS,
  RUNTIME_API_STATUS,
  type RuntimeApiHandler,
  type RuntimeEndpoint,
} from '../contract.js';
import { StateTransitionError } from '../errors.js';
import { readBody } from '../http-body.js';

const PREFIX = '/2018-06-01/runtime/';
const INVOCATION_ROUTE = /^invocation\/([^/]+)\/(response|error)$/;

export interface RuntimeEndpointOptions {
  readonly host?: string;
  /**
   * Decides, once per connection, whether the peer may speak for this instance (the runtime process
   * and its children only). No request on a connection is acted on before its verdict; a refused
   * connection is closed without an answer.
   */
  readonly admit?: (socket: Socket) => Promise<boolean>;
  /**
   * A port already listening, with the runtime process already told about it (see prestart.ts): the
   * endpoint takes it over, with the connections that arrived before, instead of listening anew.
   */
  readonly listening?: { readonly address: string; adoptInto(server: Server): Promise<void> };
}

/** Starts an endpoint on `host:0`; `address` is the `host:port` for AWS_LAMBDA_RUNTIME_API. */
export async function createRuntimeEndpoint(
  handler: RuntimeApiHandler,
  options: RuntimeEndpointOptions = {},
): Promise<RuntimeEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const admit = options.admit;
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    route(handler, req, res).catch((error: unknown) => sendError(res, error));
  };
  // Each connection's verdict, checked once (a keep-alive runtime pays for it once per connection, not
  // per call): `true` once admitted, a promise while the check runs.
  const verdicts = new WeakMap<Socket, true | Promise<boolean>>();
  const server = createServer(
    inOrder(
      admit === undefined
        ? serve
        : (req, res) => {
            const verdict = verdicts.get(req.socket);
            if (verdict === true) return serve(req, res);
            void (verdict ?? Promise.resolve(false)).then((ok) => {
              if (ok) serve(req, res);
            });
          },
    ),
  );
  if (admit !== undefined)
    server.on('connection', (socket: Socket) => {
      const verdict = admit(socket).catch(() => false);
      verdicts.set(socket, verdict);
      void verdict.then((ok) => {
        if (ok) verdicts.set(socket, true);
        else socket.destroy();
      });
    });
  // The runtime long-polls /next: never time its connection out.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  const listening = options.listening;
  if (listening !== undefined) await listening.adoptInto(server);
  else
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
  const { port } = server.address() as AddressInfo;
  return {
    address: listening?.address ?? `${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Requests pipelined on one connection (the built-in runtime sends GET /next right behind its answer)
 * run one after another, as a runtime that waits for each answer would send them: Node's server hands
 * them all out at once, and a /next taken before the answer ahead of it would find the invocation
 * still running.
 */
function inOrder(listener: RequestListener): RequestListener {
  const queues = new WeakMap<Socket, Array<() => void>>();
  return (req, res) => {
    const socket = req.socket;
    const run = () => {
      res.once('close', () => {
        const next = socket.destroyed ? undefined : queues.get(socket)?.shift();
        // A closed connection's waiting requests never run (nobody could read their answers).
        if (next === undefined) queues.delete(socket);
        else next();
      });
      listener(req, res);
    };
    const queue = queues.get(socket);
    if (queue === undefined) {
      queues.set(socket, []);
      run();
    } else queue.push(run);
  };
}

async function route(handler: RuntimeApiHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!path.startsWith(PREFIX))
    return send(res, 404, { errorMessage: `unknown path ${path}`, errorType: 'NotFound' });
  const rest = path.slice(PREFIX.length);
  if (rest === 'invocation/next') {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    req.resume();
    const invocation = await handler.next();
    sendInvocation(res, invocation);
    handler.delivered?.(invocation.requestId, watchDelivery(req.socket));
    return;
  }
  const match = INVOCATION_ROUTE.exec(rest);
  if (match === null && rest !== 'init/error') {
    return send(res, 404, { errorMessage: `unknown path ${path}`, errorType: 'NotFound' });
  }
  if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
  const read = await readBody(req, LIMITS.responseBytes);
  const errorType = header(req, 'lambda-runtime-function-error-type');
  if (match === null) {
    handler.initError(read.body, errorType);
    return accepted(res);
  }
  const requestId = decodeURIComponent(match[1] as string);
  if (read.tooLarge) {
    handler.responseTooLarge(requestId);
    const message = `Exceeded maximum allowed payload size (${LIMITS.responseBytes} bytes).`;
    return send(res, 413, { errorMessage: message, errorType: 'RequestEntityTooLarge' });
  }
  if (match[2] === 'response') handler.respond(requestId, read.body);
  else handler.fail(requestId, read.body, errorType);
  return accepted(res);
}

const ACCEPTED_BODY = '{"status":"OK"}';
const ACCEPTED_HEADERS = { 'Content-Type': 'application/json', 'Content-Length': ACCEPTED_BODY.length };

/** The 202 every response/error post gets (once per invocation: no per-call JSON or header objects). */
function accepted(res: ServerResponse): void {
  res.writeHead(202, ACCEPTED_HEADERS);
  res.end(ACCEPTED_BODY);
}

function sendInvocation(res: ServerResponse, invocation: Invocation): void {
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': invocation.payload.length,
    'Lambda-Runtime-Aws-Request-Id': invocation.requestId,
    'Lambda-Runtime-Deadline-Ms': String(invocation.deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': invocation.functionArn,
    'Lambda-Runtime-Trace-Id': invocation.traceId,
  };
  if (invocation.clientContext !== undefined)
    headers['Lambda-Runtime-Client-Context'] = invocation.clientContext;
  res.writeHead(200, headers);
  res.end(invocation.payload);
}

/**
 * Watches the connection an invocation was just written on. A runtime that exits (or closes the socket)
 * before reading all of it leaves bytes in its receive buffer, so its kernel answers with RST: we see
 * ECONNRESET (or EPIPE while still writing a large payload). One that read it all closes with FIN.
 */
export function watchDelivery(socket: Socket): DeliveryConnection {
  if (socket.destroyed) return { unread: Promise.resolve(true), dispose: () => {} };
  let reset = false;
  let settle: (unread: boolean) => void = () => {};
  const unread = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
  };
  const dispose = () => {
    socket.off('error', onError);
    socket.off('close', onClose);
  };
  const onClose = () => {
    dispose();
    settle(reset);
  };
  socket.on('error', onError);
  socket.on('close', onClose);
  return { unread, dispose };
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return;
  if (error instanceof StateTransitionError) {
    send(res, RUNTIME_API_STATUS[error.kind], { errorMessage: error.message, errorType: error.kind });
  } else {
    const message = error instanceof Error ? error.message : String(error);
    send(res, 500, { errorMessage: message, errorType: 'ServiceException' });
  }
}

function methodNotAllowed(res: ServerResponse, allowed: string): void {
  res.setHeader('Allow', allowed);
  send(res, 405, { errorMessage: `method not allowed, use ${allowed}`, errorType: 'MethodNotAllowed' });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
