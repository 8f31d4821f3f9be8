// The asynchronous (`Event`) invocation queue: accepted at once, run in order when an environment is free.
import type { InvokeRequest } from '../contract.js';
import { QueueFullError, ShuttingDownError } from '../errors.js';
import type { Pool } from './pool.js';

interface Queued {
  readonly request: InvokeRequest;
  readonly requestId: string;
}

export class EventQueue {
  private readonly items: Queued[] = [];
  private closed = false;

  constructor(
    private readonly pool: Pool,
    readonly capacity: number,
    private readonly writeLog: (text: string) => void,
  ) {
    pool.onAvailable = () => this.pump();
  }

  get length(): number {
    return this.items.length;
  }

  /** Accepts one event; throws when the queue is full or closed. */
  enqueue(request: InvokeRequest, requestId: string): void {
    if (this.closed) throw new ShuttingDownError();
    if (this.items.length >= this.capacity) throw new QueueFullError(this.capacity);
    this.items.push({ request, requestId });
    queueMicrotask(() => this.pump());
  }

  /** Drops what has not started (Lambda would retry it elsewhere; a local emulator cannot). */
  close(): void {
    this.closed = true;
    if (this.items.length > 0) {
      this.writeLog(`lambda-ml: dropped ${this.items.length} queued Event invocation(s) at shutdown\n`);
    }
    this.items.length = 0;
  }

  private pump(): void {
    while (this.items.length > 0 && this.pool.hasCapacity) {
      const item = this.items.shift() as Queued;
      // The result goes to the log only, as with Lambda's asynchronous invocations without a destination.
      this.pool.invoke(item.request, item.requestId).catch(() => {
        // Refused (capacity raced away or shutting down): put it back at the front unless closed.
        if (!this.closed) this.items.unshift(item);
      });
    }
  }
}
