// The console's bounded memory of invocations: a ring of the last N, bodies cut to a size, a byte budget overall.
import type { InvocationEvent } from '../emulator/events.js';
import { billedMs } from '../emulator/sandbox/logs.js';
import type { InvocationDetail, InvocationSummary } from './wire.js';

/** Bytes of each request and response body the console keeps (Lambda allows 6 MiB). */
export const BODY_LIMIT = 64 * 1024;
/** Bytes of bodies and logs all records may hold together; the oldest go first past it. */
export const BYTES_BUDGET = 64 * 1024 * 1024;

interface Entry {
  readonly summary: InvocationSummary;
  readonly request: Buffer;
  readonly response: Buffer;
  readonly log: string;
  readonly bytes: number;
}

/** Keeps at most `limit` bytes; a longer body is copied, so the large original can be freed. */
function keep(body: Buffer): Buffer {
  return body.length <= BODY_LIMIT ? body : Buffer.from(body.subarray(0, BODY_LIMIT));
}

const STATUS_HEAD = /^\s*\{\s*"statusCode"\s*:\s*(\d{3})\b/;

/** The `statusCode` a handler put first in its answer (the prediction handler always does). */
function statusCodeOf(body: Buffer): number | null {
  const match = STATUS_HEAD.exec(body.toString('latin1', 0, Math.min(body.length, 48)));
  return match?.[1] === undefined ? null : Number(match[1]);
}

export function summarize(seq: number, event: InvocationEvent): InvocationSummary {
  const { outcome } = event;
  return {
    seq,
    requestId: event.requestId,
    time: event.startedAt,
    instanceId: event.instanceId,
    ok: outcome.kind === 'success',
    errorType: outcome.kind === 'error' ? outcome.errorType : null,
    statusCode: outcome.kind === 'success' ? statusCodeOf(outcome.body) : null,
    cold: event.initDurationMs !== undefined,
    durationMs: event.durationMs,
    billedMs: billedMs(event.durationMs),
    initDurationMs: event.initDurationMs ?? null,
    memoryUsedMb: event.maxMemoryUsedMb,
    memoryMb: event.memoryMb,
    requestBytes: event.request.length,
    responseBytes: outcome.body.length,
  };
}

export class History {
  private ring: (Entry | undefined)[];
  /** Sequence number of the next record (the first is 1, so 0 means "nothing seen"). */
  private nextSeq = 1;
  /** Oldest sequence number still held. */
  private firstSeq = 1;
  private bytes = 0;
  /** Counts clears: a page that missed one must start over, not resume. */
  private generationValue = 0;

  constructor(
    readonly capacity: number,
    private readonly budget = BYTES_BUDGET,
  ) {
    this.ring = new Array(capacity);
  }

  get size(): number {
    return this.nextSeq - this.firstSeq;
  }

  /** The newest sequence number (0 before the first record). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get oldestSeq(): number {
    return this.firstSeq;
  }

  get generation(): number {
    return this.generationValue;
  }

  /** The SSE event id of a position: `generation.seq`. */
  eventId(seq: number): string {
    return `${this.generationValue}.${seq}`;
  }

  /**
   * Where a page that last saw `eventId` resumes (the seq after which it needs rows), or null when
   * it must start over: a clear happened since, or rows it never saw were dropped.
   */
  resumeAfter(eventId: string | undefined): number | null {
    const match = /^(\d+)\.(\d+)$/.exec(eventId ?? '');
    if (match === null || Number(match[1]) !== this.generationValue) return null;
    const seq = Number(match[2]);
    return seq >= this.firstSeq - 1 && seq <= this.lastSeq ? seq : null;
  }

  add(event: InvocationEvent): InvocationSummary {
    const seq = this.nextSeq++;
    const request = keep(event.request);
    const response = keep(event.outcome.body);
    const bytes = request.length + response.length + event.log.length;
    const summary = summarize(seq, event);
    if (this.size > this.capacity) this.dropOldest();
    this.ring[seq % this.capacity] = { summary, request, response, log: event.log, bytes };
    this.bytes += bytes;
    while (this.bytes > this.budget && this.size > 1) this.dropOldest();
    return summary;
  }

  /** Summaries after `seq`, oldest first. */
  since(seq: number): InvocationSummary[] {
    const out: InvocationSummary[] = [];
    for (let s = Math.max(seq + 1, this.firstSeq); s < this.nextSeq; s++) {
      const entry = this.ring[s % this.capacity];
      if (entry !== undefined) out.push(entry.summary);
    }
    return out;
  }

  /** Calls `fn` with every held summary, oldest first (no array built). */
  forEach(fn: (summary: InvocationSummary) => void): void {
    for (let s = this.firstSeq; s < this.nextSeq; s++) {
      const entry = this.ring[s % this.capacity];
      if (entry !== undefined) fn(entry.summary);
    }
  }

  detail(seq: number): InvocationDetail | null {
    const entry = this.entry(seq);
    if (entry === null) return null;
    const { summary } = entry;
    return {
      ...summary,
      request: entry.request.toString('utf8'),
      requestTruncated: summary.requestBytes > entry.request.length,
      response: entry.response.toString('utf8'),
      responseTruncated: summary.responseBytes > entry.response.length,
      log: entry.log,
    };
  }

  /** The request exactly as it was sent, or null when it is gone or was cut. */
  request(seq: number): Buffer | null {
    const entry = this.entry(seq);
    if (entry === null || entry.summary.requestBytes > entry.request.length) return null;
    return entry.request;
  }

  /** Forgets every record; sequence numbers keep counting, so reconnecting pages never see old ones. */
  clear(): void {
    this.ring = new Array(this.capacity);
    this.firstSeq = this.nextSeq;
    this.bytes = 0;
    this.generationValue++;
  }

  private entry(seq: number): Entry | null {
    if (!Number.isInteger(seq) || seq < this.firstSeq || seq >= this.nextSeq) return null;
    return this.ring[seq % this.capacity] ?? null;
  }

  private dropOldest(): void {
    const slot = this.firstSeq % this.capacity;
    this.bytes -= this.ring[slot]?.bytes ?? 0;
    this.ring[slot] = undefined;
    this.firstSeq++;
  }
}
