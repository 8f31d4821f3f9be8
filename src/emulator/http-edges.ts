// The Invoke API's HTTP server, hardened at its edges: request timeout, connection limit, header-count limit,
// one request at a time per connection, and answers already owed written before a parse-error close.
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

export interface EdgeLimits {
  /** A request's headers and body must arrive in full within this (else 408 and the connection closes). */
  readonly requestTimeoutMs: number;
  /** Open connections at most; past it a new connection is closed at once (and that is logged). */
  readonly maxConnections: number;
  /** Where refusals are noted. */
  readonly log: (text: string) => void;
}

/** Header fields per request: Node would silently keep only the first 1,000; past that we answer 431. */
export const MAX_HEADER_FIELDS = 1000;
/** Requests pipelined on one connection that may wait behind the running one; past it each gets a 429. */
export const MAX_PIPELINED = 64;
/** Seconds between two "connection refused" log lines (the count in between is in the next one). */
const DROP_LOG_INTERVAL_MS = 10_000;

interface Pending {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

interface Connection {
  running: Pending | null;
  readonly waiting: Pending[];
  /** The last request whose headers arrived (the only one whose body may still be incomplete). */
  last: IncomingMessage | null;
  /** The error answer to write once the answers owed are written (set by a parse error or timeout). */
  refusal: Buffer | null;
  closed: boolean;
}

/**
 * An HTTP server for `listener` that behaves like a hardened one:
 * - a request must arrive in full within `requestTimeoutMs` (Node's requestTimeout, checked about every
 *   second instead of every 30), else 408;
 * - at most `maxConnections` connections;
 * - more than MAX_HEADER_FIELDS header fields → 431 (never a request with headers silently dropped);
 * - pipelined requests on one connection run one after another, as a client that waits would send them;
 * - a parse error or timeout after complete requests first lets those be answered, then writes the
 *   400/408/431 and closes; the incomplete request (if any) never runs.
 */
export function createEdgeServer(listener: RequestListener, limits: EdgeLimits): Server {
  const server = createServer({
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.requestTimeoutMs / 4))),
  });
  // 0 = the parser keeps every header (the 16 KB header size still bounds them); we count them below.
  server.maxHeadersCount = 0;
  server.maxConnections = limits.maxConnections;
  const connections = new WeakMap<Socket, Connection>();
  const connectionOf = (socket: Socket): Connection => {
    let connection = connections.get(socket);
    if (connection === undefined) {
      connection = { running: null, waiting: [], last: null, refusal: null, closed: false };
      connections.set(socket, connection);
      const state = connection;
      socket.once('close', () => {
        state.closed = true;
        state.waiting.length = 0;
      });
    }
    return connection;
  };

  const run = (connection: Connection, pending: Pending) => {
    connection.running = pending;
    const fields = pending.req.rawHeaders.length / 2;
    if (fields > MAX_HEADER_FIELDS) {
      pending.req.resume();
      answer(
        pending.res,
        431,
        `the request has ${fields} header fields; at most ${MAX_HEADER_FIELDS} are accepted`,
        true,
      );
      return;
    }
    listener(pending.req, pending.res);
  };

  const next = (socket: Socket, connection: Connection) => {
    if (connection.closed) return;
    const pending = connection.waiting.shift();
    if (pending !== undefined) run(connection, pending);
    else if (connection.refusal !== null) closeWith(socket, connection.refusal);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const connection = connectionOf(socket);
    connection.last = req;
    const pending = { req, res };
    res.once('close', () => {
      if (connection.running !== pending) return;
      connection.running = null;
      next(socket, connection);
    });
    if (connection.running === null) run(connection, pending);
    else if (connection.waiting.length < MAX_PIPELINED) connection.waiting.push(pending);
    else {
      // Answered at once (after the answers before it, as HTTP orders them); Node stops reading the
      // connection when such answers pile up unsent, so a flood of pipelined requests stays bounded.
      req.resume();
      answer(
        res,
        429,
        `more than ${MAX_PIPELINED} requests are waiting on this connection; wait for answers before sending more`,
        false,
        'TooManyRequestsException',
      );
    }
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const connection = connectionOf(socket);
    // The parser stays in its error state: later bytes report the same error again.
    if (connection.refusal !== null || connection.closed) return;
    const refusal = refusalFor(error, limits.requestTimeoutMs);
    if (refusal === null || !socket.writable) {
      socket.destroy();
      return;
    }
    connection.refusal = refusal;
    // Requests that arrived in full are owed their answers; an incomplete one (only ever the last) is
    // the one the error is about, and never runs.
    const broken = connection.last !== null && !connection.last.complete ? connection.last : null;
    if (broken !== null) {
      const at = connection.waiting.findIndex((pending) => pending.req === broken);
      if (at >= 0) connection.waiting.splice(at, 1);
      if (connection.running?.req === broken) {
        // Its answer already started (an early refusal): nothing can follow it on this connection.
        if (connection.running.res.headersSent) {
          socket.destroy();
          return;
        }
        connection.running = null;
      }
    }
    if (connection.running === null && connection.waiting.length === 0) closeWith(socket, refusal);
  });

  let dropped = 0;
  let loggedAt = Number.NEGATIVE_INFINITY;
  server.on('drop', (data) => {
    dropped += 1;
    const now = Date.now();
    if (now - loggedAt < DROP_LOG_INTERVAL_MS) return;
    loggedAt = now;
    const from = data?.remoteAddress === undefined ? '' : ` from ${data.remoteAddress}:${data.remotePort}`;
    limits.log(
      `lambda-ml: closed ${dropped === 1 ? 'a new connection' : `${dropped} new connections`}${from}: ${limits.maxConnections} connections are open (--max-connections)\n`,
    );
    dropped = 0;
  });
  return server;
}

/** The raw answer to a connection-level error, or null when there is nobody to answer (a reset). */
function refusalFor(error: NodeJS.ErrnoException, requestTimeoutMs: number): Buffer | null {
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return rawAnswer(408, `the request did not arrive in full within ${requestTimeoutMs / 1000} s`);
    case 'HPE_HEADER_OVERFLOW':
      return rawAnswer(431, 'the request headers are larger than 16 KB');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return rawAnswer(413, 'the chunk extensions are too large');
    default:
      return rawAnswer(400, `malformed HTTP request (${error.message}); the connection is closed`);
  }
}

function rawAnswer(status: number, message: string): Buffer {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    408: 'Request Timeout',
    413: 'Payload Too Large',
    431: 'Request Header Fields Too Large',
  };
  const body = JSON.stringify({ Type: 'User', Message: message });
  return Buffer.from(
    `HTTP/1.1 ${status} ${reasons[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Writes the last answer and closes once it is flushed. */
function closeWith(socket: Socket, answer: Buffer): void {
  if (socket.writable) {
    socket.write(answer);
    socket.destroySoon();
  } else socket.destroy();
}

function answer(
  res: ServerResponse,
  status: number,
  message: string,
  close: boolean,
  errorType?: string,
): void {
  const body = JSON.stringify({ Type: 'User', Message: message });
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  };
  if (errorType !== undefined) headers['x-amzn-ErrorType'] = errorType;
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}
