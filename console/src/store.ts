// The page's invocation rows: everything the stream sent (up to the server's capacity), and the filtered view.
import type { InvocationSummary } from '../../src/console/wire.js';

export type Kind = 'all' | 'errors' | 'cold';

/** What a query is matched against: id, status words, error type, start kind, instance. */
function haystack(r: InvocationSummary): string {
  const status = r.ok ? `ok ${r.statusCode ?? ''}` : `error ${r.errorType ?? ''}`;
  return `${r.requestId} ${status} ${r.cold ? 'cold' : 'warm'} #${r.instanceId}`.toLowerCase();
}

export class Store {
  /** Every row, oldest first. */
  rows: InvocationSummary[] = [];
  /** Rows passing the filter, oldest first; frozen while paused. */
  view: InvocationSummary[] = [];
  paused = false;
  /** Rows that arrived since the pause. */
  newWhilePaused = 0;
  /** The newest row shown when the pause began. */
  private pausedAt = 0;
  private terms: string[] = [];
  private kind: Kind = 'all';

  constructor(private capacity: number) {}

  setCapacity(capacity: number): void {
    this.capacity = capacity;
  }

  matches(r: InvocationSummary): boolean {
    if (this.kind === 'errors' && r.ok) return false;
    if (this.kind === 'cold' && !r.cold) return false;
    if (this.terms.length === 0) return true;
    const text = haystack(r);
    return this.terms.every((t) => text.includes(t));
  }

  reset(): void {
    this.rows = [];
    this.view = [];
    this.newWhilePaused = 0;
  }

  /** Appends a batch (oldest first); returns how many rows joined the view. */
  add(batch: readonly InvocationSummary[]): number {
    for (const r of batch) this.rows.push(r);
    // Trim in steps, not on every row: a slice per batch of 10,000 rows would cost more than it saves.
    if (this.rows.length > this.capacity + 500) this.rows = this.rows.slice(-this.capacity);
    if (this.paused) {
      this.newWhilePaused += batch.length;
      return 0;
    }
    let added = 0;
    for (const r of batch) {
      if (this.matches(r)) {
        this.view.push(r);
        added++;
      }
    }
    const oldest = this.rows[0]?.seq ?? 0;
    if (this.view.length > this.capacity + 500) this.view = this.view.filter((r) => r.seq >= oldest);
    return added;
  }

  setFilter(query: string, kind: Kind): void {
    this.terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    this.kind = kind;
    this.refilter();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) this.pausedAt = this.rows[this.rows.length - 1]?.seq ?? 0;
    else {
      this.newWhilePaused = 0;
      this.refilter();
    }
  }

  private refilter(): void {
    const last = this.paused ? this.pausedAt : Number.POSITIVE_INFINITY;
    this.view = this.rows.filter((r) => r.seq <= last && this.matches(r));
  }
}
