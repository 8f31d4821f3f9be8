// The emulator's event bus: the pool publishes instance and invocation events, observers (the console) subscribe.
import type { InvocationOutcome } from './contract.js';

/** What an execution environment is doing, as an observer sees it. */
export type InstanceState = 'initialising' | 'idle' | 'busy' | 'stopped';

/** One execution environment now (also what `Emulator.instances()` lists). */
export interface InstanceInfo {
  readonly id: number;
  readonly pid: number | null;
  readonly state: InstanceState;
}

/** An environment changed state (started, initialised, took or finished a call, exited). */
export interface InstanceEvent extends InstanceInfo {
  readonly kind: 'instance';
  /** Epoch milliseconds. */
  readonly at: number;
}

/** One finished invocation with the figures of its REPORT line. */
export interface InvocationEvent {
  readonly kind: 'invocation';
  readonly requestId: string;
  readonly instanceId: number;
  /** Epoch milliseconds when the pool took the call. */
  readonly startedAt: number;
  readonly request: Buffer;
  readonly outcome: InvocationOutcome;
  readonly durationMs: number;
  /** Only on the invocation that waited for the environment's initialisation (a cold start). */
  readonly initDurationMs?: number;
  readonly maxMemoryUsedMb: number;
  readonly memoryMb: number;
  /** The invocation's own log: START, the function's output, END, REPORT. */
  readonly log: string;
}

/** An invocation refused with 429 because every environment was busy. */
export interface ThrottleEvent {
  readonly kind: 'throttle';
  readonly at: number;
}

export type EmulatorEvent = InstanceEvent | InvocationEvent | ThrottleEvent;

export type EmulatorListener = (event: EmulatorEvent) => void;

/**
 * Publishers check `active` before building an event, so an emulator nobody observes pays one
 * property read per invocation and nothing else.
 */
export class EmulatorEvents {
  private listeners: readonly EmulatorListener[] = [];

  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EmulatorListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Delivers synchronously; a throwing observer is cut off, never the emulator's own work. */
  publish(event: EmulatorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.listeners = this.listeners.filter((l) => l !== listener);
        process.emitWarning(`lambda-ml: an emulator observer failed and was removed: ${String(error)}`);
      }
    }
  }
}
