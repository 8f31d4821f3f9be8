// What the console knows about the emulator: invocation history, per-second stats, instances, fed by its events.
import type { EmulatorEvent, InstanceInfo } from '../emulator/events.js';
import type { Emulator } from '../emulator/server.js';
import { History } from './history.js';
import { Stats } from './stats.js';
import type { InstanceView, InvocationSummary } from './wire.js';

/** Stopped instances stay listed this long, so a user sees the one they stopped go. */
const STOPPED_KEPT_MS = 60_000;
const MIB = 1024 * 1024;

interface InstanceRecord {
  id: number;
  pid: number | null;
  state: InstanceView['state'];
  startedAt: number;
  stoppedAt: number | null;
  invocations: number;
  initDurationMs: number | null;
  rssMb: number | null;
}

export interface StateListener {
  invocation(summary: InvocationSummary): void;
  instancesChanged(): void;
  cleared(): void;
}

export class ConsoleState {
  readonly history: History;
  readonly stats: Stats;
  private readonly instances = new Map<number, InstanceRecord>();
  private readonly unsubscribe: () => void;
  private readonly ticker: NodeJS.Timeout;
  private listener: StateListener | null = null;

  constructor(
    emulator: Pick<Emulator, 'events' | 'instances'>,
    capacity: number,
    private readonly readRss: (pid: number) => number,
    private readonly now: () => number = Date.now,
  ) {
    this.history = new History(capacity);
    this.stats = new Stats(this.history);
    const at = this.now();
    for (const info of emulator.instances()) this.track(info, at);
    this.countConcurrency(at);
    this.unsubscribe = emulator.events.subscribe((event) => this.onEvent(event));
    this.ticker = setInterval(() => this.stats.tick(this.now()), 1000);
    this.ticker.unref();
  }

  /** One listener (the event stream). */
  listen(listener: StateListener): void {
    this.listener = listener;
  }

  /** Instances, newest first; stopped ones for a minute after they stopped. */
  instanceViews(): InstanceView[] {
    const cutoff = this.now() - STOPPED_KEPT_MS;
    const views: InstanceView[] = [];
    for (const r of this.instances.values()) {
      if (r.stoppedAt !== null && r.stoppedAt < cutoff) {
        this.instances.delete(r.id);
        continue;
      }
      views.push({
        id: r.id,
        pid: r.pid,
        state: r.state,
        rssMb: r.rssMb,
        invocations: r.invocations,
        startedAt: r.startedAt,
        initDurationMs: r.initDurationMs,
      });
    }
    return views.reverse();
  }

  /** Reads each live instance's memory; true when a figure changed. */
  sampleMemory(): boolean {
    let changed = false;
    for (const r of this.instances.values()) {
      if (r.pid === null || r.state === 'stopped') continue;
      const rss = Math.round((this.readRss(r.pid) / MIB) * 10) / 10;
      if (rss !== r.rssMb) {
        r.rssMb = rss;
        changed = true;
      }
    }
    return changed;
  }

  clear(): void {
    this.history.clear();
    this.stats.clear();
    for (const r of this.instances.values()) r.invocations = 0;
    this.listener?.cleared();
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.ticker);
  }

  private onEvent(event: EmulatorEvent): void {
    switch (event.kind) {
      case 'invocation': {
        const summary = this.history.add(event);
        this.stats.invocation(summary);
        const r = this.instances.get(event.instanceId);
        if (r !== undefined) {
          r.invocations++;
          if (summary.initDurationMs !== null) r.initDurationMs = summary.initDurationMs;
        }
        this.listener?.invocation(summary);
        return;
      }
      case 'throttle':
        this.stats.throttle(event.at);
        return;
      case 'instance':
        if (this.track(event, event.at)) {
          this.countConcurrency(event.at);
          this.listener?.instancesChanged();
        }
    }
  }

  /** Records an instance's state; false when nothing changed. */
  private track(info: InstanceInfo, at: number): boolean {
    const r = this.instances.get(info.id);
    if (r === undefined) {
      if (info.state === 'stopped') return false;
      this.instances.set(info.id, {
        id: info.id,
        pid: info.pid,
        state: info.state,
        startedAt: at,
        stoppedAt: null,
        invocations: 0,
        initDurationMs: null,
        rssMb: null,
      });
      return true;
    }
    if (r.state === info.state && r.pid === info.pid) return false;
    if (r.state === 'stopped') return false;
    r.state = info.state;
    r.pid = info.pid ?? r.pid;
    if (info.state === 'stopped') r.stoppedAt = at;
    return true;
  }

  private countConcurrency(at: number): void {
    let busy = 0;
    let live = 0;
    for (const r of this.instances.values()) {
      if (r.state === 'stopped') continue;
      live++;
      if (r.state === 'busy') busy++;
    }
    this.stats.concurrency(at, busy, live);
  }
}
