// A minimal HTTP/1.1 client on one persistent socket, with pipelining: requests go out at once, answers come in order.
import net from 'node:net';

/** One parsed response; header names lower-case, a repeated header keeps its first value. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface Pending {
  readonly resolve: (reply: HttpReply) => void;
  readonly reject: (error: Error) => void;
  /** Sent on a socket that had already carried a request (a server may have closed it meanwhile). */
  readonly reused: boolean;
  /** Nothing of its answer has arrived yet: a reset is then safe to retry. */
  untouched: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

/**
 * Node's http.Agent + ClientRequest cost more than the Runtime API call itself (agent queues, header
 * bookkeeping, a parser per socket): this writes each request head and body in one write and parses
 * the answer directly. Content-Length, chunked and close-delimited bodies are understood.
 *
 * Requests may be pipelined: each is written at once, behind any still unanswered, and the answers
 * (which HTTP/1.1 returns in order) settle them in order. When the connection ends, every request not answered yet fails, and each of those that
 * went out on a reused socket and got no byte of its answer is sent once more on a new connection
 * (in its original order): the server had closed the kept-alive socket, or stopped reading after
 * answering an earlier request with `Connection: close`.
 */
export class HttpConnection {
  private socket: net.Socket | null = null;
  private used = false;
  /** Bytes received and joined; `extra` holds later chunks, joined only once enough has arrived. */
  private buffer: Buffer = EMPTY;
  private extra: Buffer[] = [];
  private size = 0;
  /** Total bytes the current answer needs (from its Content-Length); 0 while unknown. */
  private need = 0;
  /** Requests written and not answered yet, oldest (the one the next answer belongs to) first. */
  private pending: Pending[] = [];
  /** Writes are being gathered until the end of this tick. */
  private corked = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends one request; `head` is the complete request head including its final blank line. */
  request(head: string, body: string | undefined): Promise<HttpReply> {
    return this.attempt(head, body, true);
  }

  /**
   * Drops the connection with a reset (RST) rather than a normal close, leaving requests in flight
   * unsettled: for a process about to exit, so the server sees that whatever it sent last was not
   * taken (see RuntimeApi.abandon).
   */
  abandon(): void {
    const socket = this.socket;
    if (socket === null) return;
    this.socket = null;
    this.pending = [];
    this.reset();
    socket.resetAndDestroy();
  }

  private attempt(head: string, body: string | undefined, retry: boolean): Promise<HttpReply> {
    return new Promise<HttpReply>((resolve, reject) => {
      const socket = this.socket ?? this.connect();
      const entry: Pending = {
        resolve,
        reject: (error) => {
          // A kept-alive socket the server had closed as we reused it: one retry, as Node's agent advice.
          if (retry && entry.reused && entry.untouched) resolve(this.attempt(head, body, false));
          else reject(error);
        },
        reused: this.used,
        untouched: true,
      };
      this.pending.push(entry);
      this.used = true;
      // Only a socket with a call in flight keeps the process alive (as Node's agent does with free
      // sockets): handlers that wait for an empty event loop rely on it.
      socket.ref();
      // Requests made in the same tick (an answer and the GET /next behind it) leave in one write, so
      // the server reads them in one go.
      if (!this.corked) {
        this.corked = true;
        socket.cork();
        process.nextTick(() => {
          this.corked = false;
          socket.uncork();
        });
      }
      socket.write(body === undefined ? head : head + body);
    });
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.used = false;
    this.reset();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(socket, error));
    socket.on('close', () => this.fail(socket, new Error('socket closed before the response ended')));
    return socket;
  }

  private fail(socket: net.Socket, failure: Error): void {
    let error = failure;
    if (this.socket !== socket) return;
    // A close-delimited body ends with the connection.
    try {
      if (this.pending[0]?.untouched === false) this.parse(true);
    } catch (parseError) {
      error = parseError as Error;
    }
    if (this.socket === socket) this.drop(socket, error);
  }

  /** Forgets `socket`; every request still waiting on it fails (or is retried, see the class comment). */
  private drop(socket: net.Socket, error: Error): void {
    this.socket = null;
    socket.destroy();
    const pending = this.pending;
    this.pending = [];
    this.reset();
    for (const entry of pending) entry.reject(error);
  }

  private reset(): void {
    this.buffer = EMPTY;
    this.extra = [];
    this.size = 0;
    this.need = 0;
  }

  private onData(chunk: Buffer): void {
    this.extra.push(chunk);
    this.size += chunk.length;
    const head = this.pending[0];
    if (head === undefined) return;
    head.untouched = false;
    // A large body arrives in many chunks: join them once, not once per chunk.
    if (this.size < this.need) return;
    try {
      // Pipelined answers can arrive in one chunk: bytes left after one answer begin the next one's.
      while (this.parse(false)) {
        const next = this.pending[0];
        if (next === undefined || this.size === 0) break;
        next.untouched = false;
      }
    } catch (error) {
      if (this.socket !== null) this.drop(this.socket, error as Error);
    }
  }

  /** Completes the oldest pending request when the buffer holds its whole answer; true when it did. */
  private parse(ended: boolean): boolean {
    if (this.extra.length > 0) {
      this.buffer =
        this.buffer.length === 0 && this.extra.length === 1
          ? (this.extra[0] as Buffer)
          : Buffer.concat([this.buffer, ...this.extra]);
      this.extra = [];
    }
    const buffer = this.buffer;
    const headEnd = buffer.indexOf(HEAD_END);
    if (headEnd < 0) return false;
    const lines = buffer.toString('latin1', 0, headEnd).split('\r\n');
    const status = Number((lines[0] ?? '').split(' ')[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      headers[name] ??= line.slice(colon + 1).trim();
    }
    const start = headEnd + 4;
    if (status >= 100 && status < 200) {
      // An interim answer (100 Continue): drop it and wait for the real one.
      this.buffer = buffer.subarray(start);
      this.size = this.buffer.length;
      return this.parse(ended);
    }
    const body = bodyOf(buffer, start, headers, ended);
    if (body === null) {
      const length = headers['content-length'];
      if (length !== undefined && !headers['transfer-encoding']) this.need = start + Number(length);
      return false;
    }
    this.buffer = buffer.subarray(body.end);
    this.size = this.buffer.length;
    this.need = 0;
    const pending = this.pending.shift();
    if (this.pending.length === 0) this.socket?.unref();
    const reply = { status, headers, body: body.text };
    if ((headers.connection ?? '').toLowerCase() === 'close' || body.closeDelimited) {
      // Nothing more comes on this socket: requests pipelined behind this one go again on a new one.
      const socket = this.socket;
      const later = this.pending;
      this.pending = [];
      if (socket !== null)
        this.drop(socket, new Error('the server closed the connection after an earlier answer'));
      pending?.resolve(reply);
      for (const entry of later) entry.reject(new Error('the server closed the connection before answering'));
      return false;
    }
    pending?.resolve(reply);
    return true;
  }
}

interface Body {
  readonly text: string;
  /** Offset just past the body in the buffer. */
  readonly end: number;
  readonly closeDelimited: boolean;
}

/** The body starting at `start`, or null while it is incomplete. */
function bodyOf(buffer: Buffer, start: number, headers: Record<string, string>, ended: boolean): Body | null {
  if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) return chunked(buffer, start);
  const length = headers['content-length'];
  if (length !== undefined) {
    const end = start + Number(length);
    if (buffer.length < end) return null;
    return { text: buffer.toString('utf8', start, end), end, closeDelimited: false };
  }
  // No length: the body runs until the server closes the connection.
  if (!ended) return null;
  return { text: buffer.toString('utf8', start), end: buffer.length, closeDelimited: true };
}

function chunked(buffer: Buffer, start: number): Body | null {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return null;
    const size = Number.parseInt(buffer.toString('latin1', at, lineEnd).split(';')[0] ?? '', 16);
    if (Number.isNaN(size)) throw new Error('malformed chunked response from the Runtime API');
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers (usually none) end with an empty line.
      const trailersEnd = buffer.indexOf(HEAD_END, at - 2);
      if (trailersEnd < 0) return null;
      return { text: Buffer.concat(parts).toString('utf8'), end: trailersEnd + 4, closeDelimited: false };
    }
    if (buffer.length < at + size + 2) return null;
    parts.push(buffer.subarray(at, at + size));
    at += size + 2;
  }
}
