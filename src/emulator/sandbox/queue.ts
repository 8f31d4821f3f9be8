// The asynchronous (`Event`) invocation queue: accepted at once (202), run in order when an environment is
// free, bounded in bytes (beyond it a 429); at shutdown it keeps running through the grace period and hands
// back whatever did not run, for the dead-letter file.
import type { InvokeRequest, InvokeResult } from '../contract.js';
import { QueueFullError, ShuttingDownError } from '../errors.js';
import type { Pool } from './pool.js';

/** What one queued event costs besides its payload (ids, timestamps, array slot), counted against the bound. */
export const EVENT_OVERHEAD_BYTES = 512;

export interface QueueLimits {
  /** Events the queue holds at most. */
  readonly events: number;
  /** Bytes of queued payloads (plus EVENT_OVERHEAD_BYTES each) the queue holds at most. */
  readonly bytes: number;
}

/** An accepted event that did not run to completion before shutdown. */
export interface DeadLetter {
  readonly requestId: string;
  readonly request: InvokeRequest;
  /** Epoch ms when the Invoke API accepted it. */
  readonly acceptedAt: number;
  /** `not-started`: still queued when the grace period ended; `interrupted`: its run was cut short by the shutdown. */
  readonly reason: 'not-started' | 'interrupted';
}

interface Queued {
  readonly request: InvokeRequest;
  readonly requestId: string;
  readonly acceptedAt: number;
  readonly bytes: number;
}

/** The cost of one event against the byte bound. */
export function eventBytes(request: InvokeRequest): number {
  const context = request.clientContext === undefined ? 0 : Buffer.byteLength(request.clientContext);
  return request.payload.length + context + EVENT_OVERHEAD_BYTES;
}

export class EventQueue {
  private items: Queued[] = [];
  private head = 0;
  private bytes = 0;
  private accepting = true;
  /** Set once the grace period is over: nothing more starts. */
  private stopped = false;
  /** Events handed to the pool and not finished, with what their run settles to. */
  private readonly running = new Map<Queued, Promise<InvokeResult | null | undefined>>();
  private idle: (() => void) | null = null;

  constructor(
    private readonly pool: Pool,
    readonly limits: QueueLimits,
  ) {
    pool.onAvailable = () => this.pump();
  }

  /** Events waiting to start. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** What the waiting events count against the byte bound. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Accepts one event; throws QueueFullError (429) beyond either bound, ShuttingDownError once closing. */
  enqueue(request: InvokeRequest, requestId: string): void {
    if (!this.accepting) throw new ShuttingDownError();
    const bytes = eventBytes(request);
    if (this.length >= this.limits.events) throw new QueueFullError(this.limits, 'events', this.length);
    // An empty queue takes any event the Invoke API let through, whatever the bound.
    if (this.length > 0 && this.bytes + bytes > this.limits.bytes) {
      throw new QueueFullError(this.limits, 'bytes', this.bytes);
    }
    this.items.push({ request, requestId, acceptedAt: Date.now(), bytes });
    this.bytes += bytes;
    queueMicrotask(() => this.pump());
  }

  /**
   * Stops accepting and keeps running what was accepted for at most `ms`; resolves early once every
   * accepted event has finished.
   */
  async drain(ms: number): Promise<void> {
    this.accepting = false;
    this.pump();
    if (this.length === 0 && this.running.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.idle = null;
  }

  /**
   * Ends the queue: nothing more starts. Returns the events still waiting, and a promise of those that
   * were running now and then did not finish (the pool's shutdown cuts them short: Runtime.ExitError).
   */
  stop(): { notStarted: DeadLetter[]; interrupted: Promise<DeadLetter[]> } {
    this.accepting = false;
    this.stopped = true;
    const waiting = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    const notStarted = waiting.map((item) => letter(item, 'not-started'));
    const running = [...this.running];
    const interrupted = Promise.all(
      running.map(async ([item, settled]) => {
        const result = await settled;
        // undefined: refused before the stop and put back, so it is among the not-started already.
        if (result === undefined) return [];
        return result === null || cutShort(result) ? [letter(item, 'interrupted')] : [];
      }),
    ).then((lists) => lists.flat());
    return { notStarted, interrupted };
  }

  private pump(): void {
    while (!this.stopped && this.length > 0 && this.pool.hasCapacity) {
      const item = this.items[this.head] as Queued;
      this.items[this.head] = undefined as unknown as Queued;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.bytes -= item.bytes;
      // The result goes to the log only, as with Lambda's asynchronous invocations without a destination.
      const settled = this.pool.invoke(item.request, item.requestId).then(
        (result) => result,
        (): null | undefined => {
          // Refused (capacity raced away, or the pool is closing): back to the front unless stopped.
          if (this.stopped) return null;
          this.unshift(item);
          return undefined;
        },
      );
      this.running.set(item, settled);
      void settled.then((result) => {
        this.running.delete(item);
        if (result === undefined) return;
        if (this.length === 0 && this.running.size === 0) this.idle?.();
      });
    }
  }

  private unshift(item: Queued): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
    this.bytes += item.bytes;
  }
}

function letter(item: Queued, reason: DeadLetter['reason']): DeadLetter {
  return { requestId: item.requestId, request: item.request, acceptedAt: item.acceptedAt, reason };
}

/** A run the shutdown stopped (the instance was killed under it), not one the function finished. */
function cutShort(result: InvokeResult): boolean {
  return result.outcome.kind === 'error' && result.outcome.errorType === 'Runtime.ExitError';
}
