// The explicit state machine of one execution environment; illegal moves throw StateTransitionError.
import type { Invocation } from '../contract.js';
import { StateTransitionError } from '../errors.js';

/**
 * init    – process started, the runtime has not asked for work yet (cold).
 * ready   – initialised; no invocation held by the runtime (it may be polling /next or about to).
 * running – the runtime holds exactly one invocation and owes a response or an error.
 * dead    – process gone or being killed; nothing is legal any more.
 */
export type Phase = 'init' | 'ready' | 'running' | 'dead';

/** What the caller must do after a transition. */
export interface Effect {
  /** Hand this invocation to the runtime's waiting /next call now. */
  readonly deliver?: Invocation;
}

const NONE: Effect = {};

export class SandboxState {
  private phaseValue: Phase = 'init';
  /** The runtime is blocked in GET /next. */
  private polling = false;
  /** Assigned by the pool, not yet taken by the runtime. */
  private pending: Invocation | null = null;
  /** Taken by the runtime, not yet answered. */
  private current: Invocation | null = null;
  /** The last answered request id: answering it again is a second reply (403), not a stale id (400). */
  private lastId: string | null = null;

  get phase(): Phase {
    return this.phaseValue;
  }

  /** True when the pool may assign an invocation. */
  get available(): boolean {
    return this.phaseValue !== 'dead' && this.pending === null && this.current === null;
  }

  /** True while the runtime is blocked in GET /next with nothing assigned: the only truly free moment. */
  get waiting(): boolean {
    return this.polling && this.available;
  }

  /** The invocation in flight (pending or running), if any. */
  get inFlight(): Invocation | null {
    return this.current ?? this.pending;
  }

  /** The pool assigns an invocation. */
  assign(invocation: Invocation): Effect {
    if (!this.available) {
      throw new StateTransitionError(
        'InvalidStateTransition',
        `cannot assign an invocation in phase ${this.phase}`,
      );
    }
    if (this.polling) return this.take(invocation);
    this.pending = invocation;
    return NONE;
  }

  /** The runtime calls GET /next. Leaving `init` means initialisation succeeded. */
  next(): Effect {
    if (this.phaseValue === 'dead')
      throw new StateTransitionError('ContainerError', 'the environment is shutting down');
    if (this.phaseValue === 'running' || this.polling) {
      throw new StateTransitionError(
        'InvalidStateTransition',
        'GET /next while an invocation is unanswered or another /next is waiting',
      );
    }
    this.phaseValue = 'ready';
    if (this.pending !== null) {
      const invocation = this.pending;
      this.pending = null;
      return this.take(invocation);
    }
    this.polling = true;
    return NONE;
  }

  /** The runtime posts a response or an error for `requestId`; returns the finished invocation. */
  finish(requestId: string): Invocation {
    const current = this.current;
    if (this.phaseValue === 'running' && current !== null && current.requestId === requestId) {
      this.current = null;
      this.lastId = requestId;
      this.phaseValue = 'ready';
      return current;
    }
    if (requestId === this.lastId) {
      throw new StateTransitionError(
        'InvalidStateTransition',
        `invocation ${requestId} has already been answered`,
      );
    }
    throw new StateTransitionError(
      'InvalidRequestID',
      `invocation ${requestId} is not in progress on this environment`,
    );
  }

  /** The runtime posts /runtime/init/error: only legal while initialising. */
  initError(): void {
    if (this.phaseValue !== 'init') {
      throw new StateTransitionError('InvalidStateTransition', `init error reported in phase ${this.phase}`);
    }
    this.phaseValue = 'dead';
  }

  /** Process exit, timeout, OOM or shutdown: returns the invocation that was in flight, if any. */
  die(): Invocation | null {
    const lost = this.current ?? this.pending;
    this.phaseValue = 'dead';
    this.current = null;
    this.pending = null;
    this.polling = false;
    return lost;
  }

  private take(invocation: Invocation): Effect {
    this.polling = false;
    this.current = invocation;
    this.phaseValue = 'running';
    return { deliver: invocation };
  }
}
