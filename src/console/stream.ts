// Server-Sent Events to every open console page: invocations in batches, instances, stats; replay after reconnect.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleState } from './state.js';
import type { InvocationSummary } from './wire.js';

/** Invocations are sent at most this often (one write per page per batch, however busy the function). */
const BATCH_MS = 100;
/** Instance changes are coalesced over this long. */
const INSTANCES_MS = 200;
const STATS_MS = 1000;
const HEARTBEAT_MS = 15_000;
/** Replay is sent in events of this many rows. */
const REPLAY_CHUNK = 1000;
/** A page that reads slower than this much buffered output is dropped; it reconnects and replays. */
const MAX_BUFFERED = 16 * 1024 * 1024;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private pending: InvocationSummary[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  private instancesTimer: NodeJS.Timeout | null = null;
  private statsTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly state: ConsoleState) {
    state.listen({
      invocation: (summary) => this.invocation(summary),
      instancesChanged: () => this.instancesChanged(),
      cleared: () => this.cleared(),
    });
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts a stream; `Last-Event-ID` (sent by EventSource on reconnect) resumes after that invocation. */
  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 1500\n\n');
    this.replay(res, req.headers['last-event-id']);
    write(res, 'instances', this.state.instanceViews());
    write(res, 'stats', this.state.stats.message(Date.now()));
    this.clients.add(res);
    req.socket.setNoDelay(true);
    res.once('close', () => this.detach(res));
    if (this.clients.size === 1) this.startTimers();
  }

  /** Ends every stream (shutdown). */
  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stopTimers();
  }

  private replay(res: ServerResponse, lastEventId: string | string[] | undefined): void {
    const { history } = this.state;
    const after = history.resumeAfter(typeof lastEventId === 'string' ? lastEventId : undefined);
    if (after === null) this.reset(res);
    const rows = history.since(after ?? 0);
    for (let i = 0; i < rows.length; i += REPLAY_CHUNK) {
      const chunk = rows.slice(i, i + REPLAY_CHUNK);
      write(res, 'invocations', chunk, history.eventId((chunk[chunk.length - 1] as InvocationSummary).seq));
    }
  }

  /** Tells a page to drop its rows; the id lets it resume from here after a reconnect. */
  private reset(res: ServerResponse | null): void {
    const { history } = this.state;
    const text = format('reset', { oldestSeq: history.oldestSeq }, history.eventId(history.lastSeq));
    if (res === null) this.broadcastText(text);
    else res.write(text);
  }

  private detach(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size === 0) {
      this.stopTimers();
      this.pending = [];
    }
  }

  private invocation(summary: InvocationSummary): void {
    if (this.clients.size === 0) return;
    this.pending.push(summary);
    this.batchTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.batchTimer = null;
    const rows = this.pending;
    if (rows.length === 0) return;
    this.pending = [];
    const last = (rows[rows.length - 1] as InvocationSummary).seq;
    this.broadcast('invocations', rows, this.state.history.eventId(last));
  }

  private instancesChanged(): void {
    if (this.clients.size === 0) return;
    this.instancesTimer ??= setTimeout(() => {
      this.instancesTimer = null;
      this.broadcast('instances', this.state.instanceViews());
    }, INSTANCES_MS);
  }

  private cleared(): void {
    this.pending = [];
    this.reset(null);
    this.broadcast('stats', this.state.stats.message(Date.now()));
  }

  private broadcast(event: string, data: unknown, id?: string): void {
    this.broadcastText(format(event, data, id));
  }

  private broadcastText(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED) res.destroy();
      else res.write(text);
    }
  }

  private startTimers(): void {
    this.statsTimer = setInterval(() => {
      // Memory figures ride along with the stats tick: /proc is read only while someone is watching.
      if (this.state.sampleMemory()) this.broadcast('instances', this.state.instanceViews());
      this.broadcast('stats', this.state.stats.message(Date.now()));
    }, STATS_MS);
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.statsTimer.unref();
    this.heartbeat.unref();
  }

  private stopTimers(): void {
    for (const timer of [this.batchTimer, this.instancesTimer]) if (timer !== null) clearTimeout(timer);
    for (const timer of [this.statsTimer, this.heartbeat]) if (timer !== null) clearInterval(timer);
    this.batchTimer = null;
    this.instancesTimer = null;
    this.statsTimer = null;
    this.heartbeat = null;
  }
}

function format(event: string, data: unknown, id?: string): string {
  // JSON.stringify never emits a raw newline, so one `data:` line carries the whole message.
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function write(res: ServerResponse, event: string, data: unknown, id?: string): void {
  res.write(format(event, data, id));
}
