// A minimal HTTP/1.1 client on one persistent socket: the runtime's calls are strictly one at a time.
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
  /** Nothing of the answer has arrived yet: a reset is then safe to retry. */
  untouched: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

/**
 * Node's http.Agent + ClientRequest cost more than the Runtime API call itself (agent queues, header
 * bookkeeping, a parser per socket): this writes each request head and body in one write and parses
 * the answer directly. Content-Length, chunked and close-delimited bodies are understood.
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
  private pending: Pending | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends one request; `head` is the complete request head including its final blank line. */
  request(head: string, body: string | undefined): Promise<HttpReply> {
    return this.attempt(head, body, true);
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
      this.pending = entry;
      this.used = true;
      // Only a socket with a call in flight keeps the process alive (as Node's agent does with free
      // sockets): handlers that wait for an empty event loop rely on it.
      socket.ref();
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
    let closeBody = false;
    try {
      closeBody = this.pending !== null && !this.pending.untouched && this.parse(true);
    } catch (parseError) {
      error = parseError as Error;
    }
    this.socket = null;
    socket.destroy();
    if (closeBody) return;
    const pending = this.pending;
    this.pending = null;
    this.reset();
    pending?.reject(error);
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
    if (this.pending === null) return;
    this.pending.untouched = false;
    // A large body arrives in many chunks: join them once, not once per chunk.
    if (this.size < this.need) return;
    try {
      this.parse(false);
    } catch (error) {
      if (this.socket !== null) this.fail(this.socket, error as Error);
    }
  }

  /** Completes the pending request when the buffer holds a whole answer; true when it did. */
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
    const pending = this.pending;
    this.pending = null;
    this.socket?.unref();
    if ((headers.connection ?? '').toLowerCase() === 'close' || body.closeDelimited) {
      const socket = this.socket;
      this.socket = null;
      socket?.destroy();
    }
    pending?.resolve({ status, headers, body: body.text });
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
